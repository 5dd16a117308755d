// Zip writers stamp each entry with the current time, so the same document packed twice gives
// different bytes. This rewrites every entry's DOS date and time (local header and central
// directory) to one fixed instant, which makes a DOCX reproducible.

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** Thrown when the bytes are not a zip archive this module understands. */
export class ZipFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipFormatError';
  }
}

function dosDateTime(iso: string): { date: number; time: number } {
  // Vietnam time (UTC+7, no DST): what a user of the document expects to see.
  const d = new Date(Date.parse(iso) + 7 * 3600_000);
  if (Number.isNaN(d.getTime())) throw new RangeError(`not a date-time: "${iso}"`);
  const year = Math.min(2107, Math.max(1980, d.getUTCFullYear()));
  return {
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
  };
}

/**
 * Returns a copy of the zip whose entries all carry the date and time of `iso`. Throws
 * ZipFormatError when no end-of-central-directory record or a bad header is found.
 */
export function fixZipTimestamps(zip: Uint8Array, iso: string): Buffer {
  const buf = Buffer.from(zip);
  const { date, time } = dosDateTime(iso);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipFormatError('not a zip archive: no end of central directory');
  const entries = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  for (let n = 0; n < entries; n++) {
    if (at + 46 > buf.length || buf.readUInt32LE(at) !== CENTRAL) {
      throw new ZipFormatError(`bad central directory entry at ${String(at)}`);
    }
    buf.writeUInt16LE(time, at + 12);
    buf.writeUInt16LE(date, at + 14);
    const local = buf.readUInt32LE(at + 42);
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== LOCAL) {
      throw new ZipFormatError(`bad local header at ${String(local)}`);
    }
    buf.writeUInt16LE(time, local + 10);
    buf.writeUInt16LE(date, local + 12);
    at += 46 + buf.readUInt16LE(at + 28) + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  return buf;
}
