/**
 * Deadlines proposed from the text of a notice of conclusions. Pure: the server uses it when a
 * conclusion is marked as a task, the browser to pre-fill the deadline field.
 *
 * Recognised (case and accents as typed, Unicode NFC or not):
 * - "trước ngày 31/01/2027", "chậm nhất ngày 15/3/2027", "hạn 31-01-2027", "trước 30/6/2027";
 * - "chậm nhất ngày 15 tháng 3 năm 2027", "trước ngày 05 tháng 02 năm 2027";
 * - "trong tháng 02/2027", "trong tháng 2 năm 2027", "hoàn thành tháng 02/2027" (end of month);
 * - "trong quý I/2027", "quý 2 năm 2027" (end of quarter);
 * - "trong năm 2027", "trước năm 2028" (31/12 of the year; "trước năm N" means 31/12 of N-1).
 * The first phrase found wins; an impossible date (31/02) proposes nothing.
 */

/** A calendar day as `YYYY-MM-DD`. */
export type IsoDay = string;

/** What {@link proposeDeadline} found: the day and the words it was read from. */
export interface ProposedDeadline {
  day: IsoDay;
  phrase: string;
}

const pad = (n: number): string => String(n).padStart(2, '0');

function isoDay(year: number, month: number, day: number): IsoDay | null {
  if (year < 2000 || year > 2200 || month < 1 || month > 12 || day < 1) return null;
  if (day > daysInMonth(year, month)) return null;
  return `${String(year)}-${pad(month)}-${pad(day)}`;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const ROMAN: Record<string, number> = { i: 1, ii: 2, iii: 3, iv: 4 };

interface Rule {
  re: RegExp;
  day(m: RegExpExecArray): IsoDay | null;
}

// Word boundaries: JavaScript's \b does not know Vietnamese letters, so phrases start after a
// non-letter.
const START = '(?:^|[^\\p{L}])';

const RULES: Rule[] = [
  {
    // "ngày 15 tháng 3 năm 2027"
    re: new RegExp(
      `${START}(?:(?:trước|chậm nhất|hạn|đến|hoàn thành)\\s+(?:ngày\\s+)?|ngày\\s+)(\\d{1,2})\\s+tháng\\s+(\\d{1,2})\\s+năm\\s+(\\d{4})`,
      'iu',
    ),
    day: (m) => isoDay(Number(m[3]), Number(m[2]), Number(m[1])),
  },
  {
    // "trước ngày 31/01/2027", "trước 30/6/2027", "ngày 15-3-2027"
    re: new RegExp(
      `${START}(?:(?:trước|chậm nhất|hạn|đến|hoàn thành)(?:\\s+ngày)?|ngày)\\s+(\\d{1,2})[/.-](\\d{1,2})[/.-](\\d{4})`,
      'iu',
    ),
    day: (m) => isoDay(Number(m[3]), Number(m[2]), Number(m[1])),
  },
  {
    // "trong tháng 02/2027", "tháng 2 năm 2027"
    re: new RegExp(`${START}tháng\\s+(\\d{1,2})(?:\\s*/\\s*|\\s+năm\\s+)(\\d{4})`, 'iu'),
    day: (m) => {
      const y = Number(m[2]);
      const mo = Number(m[1]);
      return mo >= 1 && mo <= 12 ? isoDay(y, mo, daysInMonth(y, mo)) : null;
    },
  },
  {
    // "trong quý I/2027", "quý 2 năm 2027"
    re: new RegExp(`${START}quý\\s+(iv|iii|ii|i|[1-4])(?:\\s*/\\s*|\\s+năm\\s+)(\\d{4})`, 'iu'),
    day: (m) => {
      const q = ROMAN[(m[1] ?? '').toLowerCase()] ?? Number(m[1]);
      const y = Number(m[2]);
      return isoDay(y, q * 3, daysInMonth(y, q * 3));
    },
  },
  {
    // "trước năm 2028" → 31/12/2027
    re: new RegExp(`${START}trước\\s+năm\\s+(\\d{4})`, 'iu'),
    day: (m) => isoDay(Number(m[1]) - 1, 12, 31),
  },
  {
    // "trong năm 2027"
    re: new RegExp(`${START}(?:trong|hoàn thành|cuối)\\s+năm\\s+(\\d{4})`, 'iu'),
    day: (m) => isoDay(Number(m[1]), 12, 31),
  },
];

/**
 * The deadline a sentence of a notice states, or null when it states none (or an impossible
 * date). When several phrases match, the one that starts first in the text wins.
 */
export function proposeDeadline(text: string): ProposedDeadline | null {
  const normalized = text.normalize('NFC');
  let best: { index: number; found: ProposedDeadline } | null = null;
  for (const rule of RULES) {
    const m = rule.re.exec(normalized);
    if (!m) continue;
    const day = rule.day(m);
    if (!day) continue;
    const lead = /^[^\p{L}\d]/u.test(m[0]) ? 1 : 0;
    const index = m.index + lead;
    if (!best || index < best.index) {
      best = { index, found: { day, phrase: m[0].slice(lead).trim() } };
    }
  }
  return best?.found ?? null;
}

/** Today's calendar day in Asia/Ho_Chi_Minh (Vietnam has no daylight saving: UTC+7). */
export function vietnamDay(at: Date): IsoDay {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Ho_Chi_Minh',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(at);
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** Whole days from `from` to `to` (both `YYYY-MM-DD`); negative when `to` is earlier. */
export function daysBetween(from: IsoDay, to: IsoDay): number {
  const ms = Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`);
  return Math.round(ms / 86_400_000);
}

/** `DD/MM/YYYY`, as Vietnamese documents write a day. */
export function vietnameseDate(day: IsoDay): string {
  const [y, m, d] = day.split('-');
  return `${d ?? ''}/${m ?? ''}/${y ?? ''}`;
}
