import { describe, expect, it } from 'vitest';
import { searchKey, searchPattern } from '../../server/text-search';

describe('searchKey', () => {
  it('folds Vietnamese diacritics and đ whatever the normalization', () => {
    expect(searchKey('Nguyễn Văn Đức')).toBe('nguyen van duc');
    expect(searchKey('Nguyễn Văn Đức'.normalize('NFD'))).toBe('nguyen van duc');
    expect(searchKey('  Ủy   ban  ')).toBe('uy ban');
  });

  it('escapes regular expression characters in queries', () => {
    expect(searchPattern('a.b*(c)')).toBe('a\\.b\\*\\(c\\)');
    expect(new RegExp(searchPattern('Hòa (Bình)')).test(searchKey('Xã Hòa (Bình)'))).toBe(true);
  });
});
