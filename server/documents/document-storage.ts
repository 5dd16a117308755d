import { createHash, randomUUID } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { Request } from 'express';
import mongoose from 'mongoose';
import type { Types } from 'mongoose';
import type { GridFSBucket, GridFSBucketReadStream, GridFSBucketWriteStream } from 'mongodb';
import type { DocumentType } from '../contracts/documents';
import { appError, badRequest } from '../errors';
import type { AppError } from '../errors';
import { fromMultipartFilename } from './content-disposition';
import { classifyZip, SNIFF_BYTES, sniffHead } from './content-sniffer';
import type { HeadKind } from './content-sniffer';
import {
  locateCentralDirectory,
  MAX_CENTRAL_DIRECTORY_BYTES,
  parseCentralDirectory,
  storedEntryData,
  ZIP_TAIL_BYTES,
} from './zip-directory';

/** The GridFS bucket holding document files (collections document_files.files/.chunks). */
export const DOCUMENT_BUCKET = 'document_files';

let bucket: GridFSBucket | undefined;

function documentBucket(): GridFSBucket {
  const db = mongoose.connection.db;
  if (!db) throw new Error('MongoDB is not connected');
  bucket ??= new mongoose.mongo.GridFSBucket(db, { bucketName: DOCUMENT_BUCKET });
  return bucket;
}

/** A file received and stored, recognised by its content. */
export interface StoredFile {
  fileId: Types.ObjectId;
  type: DocumentType;
  size: number;
  sha256: string;
  /** The name the client gave (not trusted for anything but display). */
  clientFilename: string | undefined;
}

/** What a multipart upload carried. */
export interface ReceivedUpload {
  fields: Record<string, string>;
  file: StoredFile;
}

const ALLOWED = 'PDF, DOCX, XLSX, PPTX, ODT, PNG or JPEG';

function unsupported(): AppError {
  return appError(
    'unsupported_media_type',
    415,
    `This file is not a ${ALLOWED} document (recognised by its content, not its name).`,
    { allowed: ['pdf', 'docx', 'xlsx', 'pptx', 'odt', 'png', 'jpeg'] },
  );
}

function tooLarge(limitBytes: number): AppError {
  const mb = Math.round((limitBytes / 1024 / 1024) * 10) / 10;
  return appError(
    'payload_too_large',
    413,
    `The file is larger than the limit of ${mb} MB. Compress it or split it.`,
    { limitBytes },
  );
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The client's body ended (or the connection closed) before the multipart form was complete. */
function incomplete(): AppError {
  return badRequest(
    'The upload ended before it was complete (a multipart form without its closing boundary, or a dropped connection): send the whole file again.',
  );
}

/**
 * Waits (bounded) until the chunk inserts a GridFS upload stream has started are answered: a
 * chunk inserted after the clean-up would otherwise stay behind as an orphan.
 */
async function settled(upload: GridFSBucketWriteStream): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (upload.state.outstandingRequests > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function removeFile(fileId: Types.ObjectId): Promise<void> {
  const b = documentBucket();
  await b.delete(fileId).catch(() => undefined);
  // Chunks of an upload that never finished have no files document for delete() to find.
  await mongoose.connection.db
    ?.collection(`${DOCUMENT_BUCKET}.chunks`)
    .deleteMany({ files_id: fileId })
    .catch(() => undefined);
}

/** Reads bytes [start, end) of a stored file. */
async function readRange(fileId: Types.ObjectId, start: number, end: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  // The driver needs an explicit end with a start (it otherwise compares against 0).
  for await (const chunk of documentBucket().openDownloadStream(fileId, { start, end })) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Which office format a stored ZIP file is, from its central directory; null if none. */
async function classifyStoredZip(
  fileId: Types.ObjectId,
  size: number,
): Promise<DocumentType | null> {
  const tailStart = Math.max(0, size - ZIP_TAIL_BYTES);
  const location = locateCentralDirectory(await readRange(fileId, tailStart, size), size);
  if (!location || location.size > MAX_CENTRAL_DIRECTORY_BYTES) return null;
  const directory = await readRange(fileId, location.offset, location.offset + location.size);
  const entries = parseCentralDirectory(directory, location.entries);
  if (!entries) return null;
  const mimetypeEntry = entries.find((e) => e.name === 'mimetype');
  let mimetype: string | null = null;
  if (mimetypeEntry && mimetypeEntry.compressedSize < 200) {
    const from = mimetypeEntry.localHeaderOffset;
    const local = await readRange(fileId, from, Math.min(size, from + 30 + 1024 + 200));
    mimetype = storedEntryData(local, mimetypeEntry)?.toString('ascii') ?? null;
  }
  return classifyZip(
    entries.map((e) => e.name),
    mimetype,
  );
}

/**
 * Streams one file into GridFS while hashing it, counting it and checking its first bytes;
 * stops early (and removes what was stored) when it is too large or not an allowed type.
 * @throws AppError 413 or 415.
 */
async function storeStream(
  stream: Readable & { truncated?: boolean },
  clientFilename: string | undefined,
  limitBytes: number,
): Promise<StoredFile> {
  const upload = documentBucket().openUploadStream(`upload-${randomUUID()}`, {
    metadata: { clientFilename: clientFilename ?? null },
  });
  const fileId = upload.id;
  const hash = createHash('sha256');
  let size = 0;
  let head = Buffer.alloc(0);
  let kind: HeadKind | null | undefined;
  const limit = { hit: false };
  const inspect = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      hash.update(chunk);
      if (kind === undefined) {
        head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES)]).subarray(0, SNIFF_BYTES);
        if (head.length >= SNIFF_BYTES) {
          kind = sniffHead(head);
          if (!kind) {
            callback(unsupported());
            return;
          }
        }
      }
      callback(null, chunk);
    },
    flush(callback) {
      if (kind === undefined) kind = sniffHead(head);
      callback(kind ? null : unsupported());
    },
  });
  stream.once('limit', () => {
    limit.hit = true;
    inspect.destroy(tooLarge(limitBytes));
  });
  // busboy destroys the part stream when the body ends early ("Unexpected end of form"); an
  // 'error' without a listener would end the process.
  stream.on('error', () => {
    inspect.destroy(incomplete());
  });
  // The part stream is piped, not put in the pipeline: a pipeline would destroy it on error,
  // and busboy, waiting for it to drain, would never read the rest of the request.
  stream.pipe(inspect);
  try {
    await pipeline(inspect, upload);
    if (limit.hit || stream.truncated) throw tooLarge(limitBytes);
  } catch (err) {
    stream.unpipe(inspect);
    stream.resume();
    await settled(upload);
    await removeFile(fileId);
    throw limit.hit ? tooLarge(limitBytes) : err;
  }
  let type: DocumentType | null;
  try {
    type = kind === 'zip' ? await classifyStoredZip(fileId, size) : (kind ?? null);
  } catch (err) {
    await removeFile(fileId);
    throw err;
  }
  if (!type) {
    await removeFile(fileId);
    throw unsupported();
  }
  return { fileId, type, size, sha256: hash.digest('hex'), clientFilename };
}

/**
 * Receives a multipart/form-data upload with one file part named `file` (and short text
 * fields), streaming the file into GridFS. The whole request is read before answering, so
 * clients always get the error rather than a reset connection.
 * @throws AppError 400 (not multipart, no file, several files), 413 (over `limitBytes`),
 * 415 (not an allowed type by content).
 */
export function receiveUpload(req: Request, limitBytes: number): Promise<ReceivedUpload> {
  const contentType = req.headers['content-type'] ?? '';
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) {
    return Promise.reject(
      appError(
        'unsupported_media_type',
        415,
        'Send the file as multipart/form-data, in a part named "file".',
      ),
    );
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes + 1024 * 1024) {
    return Promise.reject(tooLarge(limitBytes));
  }
  return new Promise<ReceivedUpload>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: { files: 1, fileSize: limitBytes, fields: 20, fieldSize: 16 * 1024, parts: 30 },
      });
    } catch {
      reject(badRequest('The multipart body is malformed (missing boundary).'));
      return;
    }
    const fields: Record<string, string> = {};
    const state: { failure: Error | undefined } = { failure: undefined };
    const fail = (err: Error): void => {
      state.failure ??= err;
    };
    let stored: Promise<StoredFile> | undefined;
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) fail(badRequest(`The form field "${name}" is too long.`));
      fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || stored) {
        stream.resume();
        fail(badRequest('Send one file, in a part named "file".'));
        return;
      }
      stored = storeStream(stream, fromMultipartFilename(info.filename), limitBytes);
      stored.catch(() => undefined);
    });
    parser.on('filesLimit', () => {
      fail(badRequest('Send one file per request.'));
    });
    parser.on('partsLimit', () => {
      fail(badRequest('The form has too many parts.'));
    });
    parser.on('error', (err: unknown) => {
      fail(badRequest(`The multipart body is malformed: ${errorText(err)}.`));
      req.unpipe(parser);
      req.resume();
      finish();
    });
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      void (async () => {
        const file = await stored?.catch((err: unknown) => {
          fail(err instanceof Error ? err : new Error(String(err)));
          return undefined;
        });
        if (state.failure || !file) {
          if (file) await removeFile(file.fileId);
          reject(state.failure ?? badRequest('No file was sent: add a part named "file".'));
          return;
        }
        resolve({ fields, file });
      })();
    };
    parser.on('close', finish);
    // A client that disconnects mid-upload: the parser never sees the end of the form, so it is
    // destroyed here (its file stream fails and what was stored of the file is removed).
    req.once('close', () => {
      if (!req.complete) {
        fail(incomplete());
        req.unpipe(parser);
        parser.destroy(incomplete());
      }
    });
    req.on('error', () => undefined);
    req.pipe(parser);
  });
}

/**
 * Stores a file held in memory (the demo seed, server-side imports) through the same checks
 * as an upload. @throws AppError 413 or 415.
 */
export function storeBuffer(
  data: Buffer,
  clientFilename: string,
  limitBytes: number,
): Promise<StoredFile> {
  return storeStream(Readable.from([data]), clientFilename, limitBytes);
}

/** Opens a stored file for download. */
export function openFile(fileId: Types.ObjectId): GridFSBucketReadStream {
  return documentBucket().openDownloadStream(fileId);
}

/** Removes a stored file (after a failed upload). */
export { removeFile };
