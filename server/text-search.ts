/**
 * Folds Vietnamese text for accent-insensitive search: NFD, combining marks removed, đ → d,
 * lowercase, spaces collapsed. "Nguyễn Văn Đức" → "nguyen van duc".
 */
export function searchKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, (c) => (c === 'đ' ? 'd' : 'D'))
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** A regular expression source matching `query` literally inside a {@link searchKey}ed field. */
export function searchPattern(query: string): string {
  return searchKey(query).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
