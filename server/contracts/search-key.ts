/**
 * Folds Vietnamese text for accent-insensitive search: NFD, combining marks removed, đ → d,
 * lowercase, spaces collapsed. "Nguyễn Văn Đức" → "nguyen van duc". Shared by the server's
 * stored search fields and the browser's in-list filters, so both find the same things.
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
