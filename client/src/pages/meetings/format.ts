/** Date and size formatting for the meetings pages, in the UI language. */

function lang(locale: string): string {
  return locale === 'vi' ? 'vi-VN' : 'en-GB';
}

/** "08:00 – 10:00, 10/01/2027", or both dates when the meeting spans days. */
export function formatRange(startsAt: string, endsAt: string, locale: string): string {
  const s = new Date(startsAt);
  const e = new Date(endsAt);
  const time = (d: Date) =>
    d.toLocaleTimeString(lang(locale), { hour: '2-digit', minute: '2-digit' });
  const date = (d: Date) =>
    d.toLocaleDateString(lang(locale), { day: '2-digit', month: '2-digit', year: 'numeric' });
  return date(s) === date(e)
    ? `${time(s)} – ${time(e)}, ${date(s)}`
    : `${time(s)} ${date(s)} – ${time(e)} ${date(e)}`;
}

/** The local time of day, "08:00". */
export function formatTime(iso: string, locale: string): string {
  return new Date(iso).toLocaleTimeString(lang(locale), { hour: '2-digit', minute: '2-digit' });
}

/** A date and time, "10/01/2027 08:00". */
export function formatDateTime(iso: string, locale: string): string {
  return new Date(iso).toLocaleString(lang(locale), {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** A size in bytes for people: "950 KB", "12,5 MB". */
export function formatBytes(bytes: number, locale: string): string {
  const nf = (n: number, digits: number) =>
    n.toLocaleString(lang(locale), { maximumFractionDigits: digits });
  if (bytes < 1024) return `${nf(bytes, 0)} B`;
  if (bytes < 1024 * 1024) return `${nf(bytes / 1024, 0)} KB`;
  return `${nf(bytes / 1024 / 1024, 1)} MB`;
}
