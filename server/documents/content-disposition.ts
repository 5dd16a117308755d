import { documentTypes } from '../contracts/documents';
import type { DocumentType } from '../contracts/documents';

// RFC 6266 with the RFC 5987 `filename*` parameter: UTF-8 names (Vietnamese) for browsers,
// plus a plain ASCII `filename` for clients that do not read `filename*`.

const RFC5987_EXTRA = /['()*]/g;

/** Percent-encodes a name for `filename*=UTF-8''...` (attr-char only). */
export function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(
    RFC5987_EXTRA,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** An ASCII stand-in for a name: Vietnamese letters without their marks, the rest `_`. */
export function asciiFallback(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, (c) => (c === 'đ' ? 'd' : 'D'))
    .replace(/[^\x20-\x7e]|["\\%;]/g, '_');
}

/**
 * Characters that are invisible or change how the rest of a name is shown: C0 and C1 controls,
 * DEL, bidirectional marks, embeddings, overrides and isolates (U+061C, U+200E/F, U+202A-202E,
 * U+2066-2069), zero-width characters and invisible operators (U+200B-200D, U+2060-2064,
 * U+FEFF), line and paragraph separators, interlinear annotations and tag characters.
 */
const INVISIBLE_OR_BIDI =
  // eslint-disable-next-line no-control-regex -- control characters are what is matched
  /[\u0000-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\u{e0000}-\u{e007f}]/gu;

/**
 * A name without invisible and direction-changing characters: SECURITY: a right-to-left override
 * makes `report\u202Efdp.exe` display as `reportexe.pdf`.
 */
export function stripInvisible(value: string): string {
  return value.replace(INVISIBLE_OR_BIDI, '');
}

/**
 * The Content-Disposition header value for serving a file under `filename` (invisible and
 * bidirectional control characters removed; `download` when nothing is left).
 */
export function contentDisposition(kind: 'inline' | 'attachment', filename: string): string {
  const name = stripInvisible(filename.normalize('NFC')).trim() || 'download';
  return `${kind}; filename="${asciiFallback(name)}"; filename*=UTF-8''${encodeRfc5987(name)}`;
}

/**
 * Undoes the escaping browsers apply to file names in multipart/form-data (the HTML
 * standard writes `"` as `%22` and line breaks as `%0D`/`%0A`).
 */
export function fromMultipartFilename(name: string | undefined): string | undefined {
  return name?.replace(/%22/g, '"').replace(/%0[ad]/gi, '');
}

/**
 * A safe stored name for an uploaded file: no path, no control or bidirectional characters, NFC,
 * at most 200 characters, and an extension that matches what the content is.
 */
export function safeFilename(
  given: string | undefined,
  type: DocumentType,
  fallback: string,
): string {
  const raw = (given ?? '').split(/[\\/]/).pop()?.normalize('NFC');
  const base = stripInvisible(raw ?? '').trim();
  const ext = documentTypes[type].extension;
  const accepted = type === 'jpeg' ? ['jpg', 'jpeg'] : [ext];
  let name = base && base !== '.' && base !== '..' ? base : fallback;
  const dot = name.lastIndexOf('.');
  const current = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  if (!accepted.includes(current)) name = `${dot > 0 ? name.slice(0, dot) : name}.${ext}`;
  if (name.length > 200) name = `${name.slice(0, 195 - ext.length)}.${ext}`;
  return name;
}
