import { execFileSync } from 'node:child_process';

/** Text of a PDF as poppler's pdftotext extracts it (UTF-8, reading order). */
export function pdftotext(file: string): string {
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
}

/** pdfinfo's fields (Pages, Page size, ...). */
export function pdfinfo(file: string): Record<string, string> {
  const out = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  return Object.fromEntries(
    out
      .split('\n')
      .map((l) => /^([^:]+):\s*(.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1] ?? '', m[2] ?? '']),
  );
}

/** What pdfsig prints; it exits 0 whether or not the signature holds, so read the text. */
export function pdfsig(file: string): string {
  return execFileSync('pdfsig', [file], { encoding: 'utf8' });
}
