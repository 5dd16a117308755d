// Vietnamese formatting of dates, times and numbers as ND30 documents write them. Vietnam has
// one time zone (UTC+7) and no daylight saving time, so a fixed offset is exact.

const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;

function vietnamParts(iso: string): { y: number; mo: number; d: number; h: number; mi: number } {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new RangeError(`not a date-time: "${iso}"`);
  const local = new Date(t + VIETNAM_OFFSET_MS);
  return {
    y: local.getUTCFullYear(),
    mo: local.getUTCMonth() + 1,
    d: local.getUTCDate(),
    h: local.getUTCHours(),
    mi: local.getUTCMinutes(),
  };
}

const two = (n: number): string => String(n).padStart(2, '0');

/** The calendar date (YYYY-MM-DD) in Vietnam of an ISO date-time. Throws RangeError if invalid. */
export function vietnamDate(iso: string): string {
  const p = vietnamParts(iso);
  return `${String(p.y)}-${two(p.mo)}-${two(p.d)}`;
}

/**
 * "ngày 05 tháng 02 năm 2026": ND30 writes days below 10 and the months 1 and 2 with a
 * leading zero. Takes YYYY-MM-DD; throws RangeError otherwise.
 */
export function formatDateVi(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`not a calendar date (YYYY-MM-DD): "${date}"`);
  const [, y, mo, d] = m as unknown as [string, string, string, string];
  const month = Number(mo);
  const monthText = month < 3 ? two(month) : String(month);
  return `ngày ${two(Number(d))} tháng ${monthText} năm ${y}`;
}

/** The place-and-date line: "Vĩnh Phúc, ngày 23 tháng 11 năm 2026". */
export function formatPlaceDate(placeName: string, date: string): string {
  return `${placeName}, ${formatDateVi(date)}`.normalize('NFC');
}

/** "08 giờ 05 phút" for an ISO date-time, in Vietnam time. */
export function formatTimeVi(iso: string): string {
  const p = vietnamParts(iso);
  return `${two(p.h)} giờ ${two(p.mi)} phút`;
}

/** "08 giờ 05 phút, ngày 23 tháng 11 năm 2026". */
export function formatDateTimeVi(iso: string): string {
  return `${formatTimeVi(iso)}, ${formatDateVi(vietnamDate(iso))}`;
}

/** A percentage with a decimal comma, as Vietnamese writes it: "66,7%". */
export function formatPercentVi(part: number, whole: number): string {
  if (whole <= 0) return '0%';
  const value = Math.round((part / whole) * 1000) / 10;
  return `${value.toFixed(1).replace('.', ',')}%`;
}
