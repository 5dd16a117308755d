// Just enough of the ZIP format (APPNOTE 6.3) to list a file's entries from its central
// directory, which sits at the end of the file. OOXML (docx/xlsx/pptx) and ODF (odt) are ZIP
// packages, recognised by the entries they must contain.

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_MIN = 22;
/** The end record plus the longest comment it may carry. */
export const ZIP_TAIL_BYTES = EOCD_MIN + 0xffff;
/** The largest central directory we read (a document's has a few hundred entries at most). */
export const MAX_CENTRAL_DIRECTORY_BYTES = 4 * 1024 * 1024;

/** Where the central directory of a ZIP file is. */
export interface CentralDirectoryLocation {
  offset: number;
  size: number;
  entries: number;
}

/** One entry of a central directory. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  localHeaderOffset: number;
}

/**
 * Finds the end-of-central-directory record in the last bytes of a file (`tail`, which ends
 * where the file ends) and reads where the central directory is. Null when there is none, or
 * when it uses ZIP64 (not needed for documents within the upload limit).
 */
export function locateCentralDirectory(
  tail: Buffer,
  fileSize: number,
): CentralDirectoryLocation | null {
  for (let i = tail.length - EOCD_MIN; i >= 0; i--) {
    if (tail.readUInt32LE(i) !== EOCD_SIGNATURE) continue;
    const commentLength = tail.readUInt16LE(i + 20);
    if (i + EOCD_MIN + commentLength !== tail.length) continue;
    const entries = tail.readUInt16LE(i + 10);
    const size = tail.readUInt32LE(i + 12);
    const offset = tail.readUInt32LE(i + 16);
    if (entries === 0xffff || size === 0xffffffff || offset === 0xffffffff) return null;
    const eocdAt = fileSize - tail.length + i;
    if (offset + size > eocdAt) return null;
    return { offset, size, entries };
  }
  return null;
}

/** Lists the entries of a central directory; null when it is malformed. */
export function parseCentralDirectory(buf: Buffer, expected: number): ZipEntry[] | null {
  const entries: ZipEntry[] = [];
  let p = 0;
  while (p + 46 <= buf.length && entries.length < expected) {
    if (buf.readUInt32LE(p) !== CENTRAL_SIGNATURE) return null;
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    const localHeaderOffset = buf.readUInt32LE(p + 42);
    const end = p + 46 + nameLength;
    if (end > buf.length) return null;
    entries.push({
      name: buf.toString('utf8', p + 46, end),
      method,
      compressedSize,
      localHeaderOffset,
    });
    p = end + extraLength + commentLength;
  }
  return entries.length === expected ? entries : null;
}

/**
 * The data of a stored (uncompressed) entry from its local header onwards (`buf` starts at
 * the entry's local header). Null when the header is malformed or the entry is compressed.
 */
export function storedEntryData(buf: Buffer, entry: ZipEntry): Buffer | null {
  if (buf.length < 30 || buf.readUInt32LE(0) !== LOCAL_SIGNATURE || entry.method !== 0) {
    return null;
  }
  const start = 30 + buf.readUInt16LE(26) + buf.readUInt16LE(28);
  const end = start + entry.compressedSize;
  return end <= buf.length ? buf.subarray(start, end) : null;
}
