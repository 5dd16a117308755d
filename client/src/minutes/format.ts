/** Date and size formats of the minutes pages, in the UI language. */

function lang(locale: string): string {
  return locale === 'vi' ? 'vi-VN' : 'en-GB';
}

/** "10/01/2027" (Vietnam's calendar date of the instant). */
export function formatDate(iso: string, locale: string): string {
  return new Date(iso).toLocaleDateString(lang(locale), {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    timeZone: 'Asia/Ho_Chi_Minh',
  });
}

/** "10/01/2027 08:00" (Vietnam time). */
export function formatDateTime(iso: string, locale: string): string {
  return new Date(iso).toLocaleString(lang(locale), {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'Asia/Ho_Chi_Minh',
  });
}

/** "84 KB", "1,2 MB". */
export function formatSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${String(Math.max(1, Math.round(bytes / 1024)))} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
