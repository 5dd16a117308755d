import { describe, expect, it } from 'vitest';
import { signerName } from './signer-name';

describe('signerName', () => {
  it('translates the demo certificate suffix', () => {
    expect(signerName('UBND tỉnh Vĩnh Phúc (chứng thư thử nghiệm)', 'test certificate')).toBe(
      'UBND tỉnh Vĩnh Phúc (test certificate)',
    );
  });

  it('recognises the suffix in decomposed Unicode too', () => {
    expect(signerName('UBND (chứng thư thử nghiệm)'.normalize('NFD'), 'x')).toBe('UBND (x)');
  });

  it('leaves a real signer as it is', () => {
    expect(signerName('Ủy ban nhân dân tỉnh Vĩnh Phúc', 'test certificate')).toBe(
      'Ủy ban nhân dân tỉnh Vĩnh Phúc',
    );
  });
});
