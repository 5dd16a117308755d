/** One CSV cell: empty for null, quoted when needed, never read as a spreadsheet formula. */
export function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  // SECURITY: a cell starting with = + - @ (or a tab or CR) would run as a formula in a
  // spreadsheet: it is prefixed with an apostrophe.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r;]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * Rows as a CSV file for spreadsheets: UTF-8 with a byte-order mark (so that Excel shows
 * Vietnamese), CRLF line ends, a final line end.
 */
export function csvDocument(rows: readonly (readonly (string | number | null)[])[]): string {
  return '\uFEFF' + rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
