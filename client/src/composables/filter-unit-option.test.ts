import { describe, expect, it } from 'vitest';
import { filterUnitOption } from './useUnitTree';

describe('filterUnitOption', () => {
  it('finds a commune typed without accents, as people search does', () => {
    expect(filterUnitOption('tam hop', { label: 'Xã Tam Hợp' })).toBe(true);
    expect(filterUnitOption('vinh yen', { label: 'TP. Vĩnh Yên' })).toBe(true);
    expect(filterUnitOption('dong', { label: 'Phường Đống Đa' })).toBe(true);
  });

  it('still finds accented queries and rejects others', () => {
    expect(filterUnitOption('Tam Hợp', { label: 'Xã Tam Hợp' })).toBe(true);
    expect(filterUnitOption('tam dao', { label: 'Xã Tam Hợp' })).toBe(false);
  });
});
