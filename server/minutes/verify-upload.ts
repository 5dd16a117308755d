import busboy from 'busboy';
import type { Request } from 'express';
import { verifyByHashSchema } from '../contracts/minutes';
import { appError, badRequest, fieldIssues, validationError } from '../errors';

/** Largest file the verify endpoint reads (published PDFs are far smaller). */
export const VERIFY_LIMIT_BYTES = 50 * 1024 * 1024;

const tooLarge = () =>
  appError(
    'payload_too_large',
    413,
    `The file is larger than ${String(VERIFY_LIMIT_BYTES / 1024 / 1024)} MB.`,
  );

const incomplete = () =>
  badRequest(
    'The upload ended before it was complete (a multipart form without its closing boundary, or a dropped connection): send the whole file again.',
  );

function readRaw(req: Request): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > VERIFY_LIMIT_BYTES) failed = true;
      else chunks.push(c);
    });
    req.on('end', () => (failed ? reject(tooLarge()) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(incomplete());
    });
  });
}

function readMultipart(req: Request): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { files: 1, fileSize: VERIFY_LIMIT_BYTES, fields: 5, parts: 10 },
      });
    } catch {
      reject(badRequest('The multipart body is malformed (missing boundary).'));
      return;
    }
    let file: Buffer | undefined;
    let failure: Error | undefined;
    parser.on('file', (name, stream) => {
      if (name !== 'file' || file) {
        stream.resume();
        failure ??= badRequest('Send one file, in a part named "file".');
        return;
      }
      const chunks: Buffer[] = [];
      // busboy destroys the part stream when the body ends early ("Unexpected end of form"); an
      // 'error' without a listener would end the process.
      stream.on('error', () => {
        failure ??= incomplete();
      });
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => {
        failure ??= tooLarge();
      });
      stream.on('end', () => {
        file = Buffer.concat(chunks);
      });
    });
    parser.on('error', (err: unknown) => {
      failure ??= badRequest(
        `The multipart body is malformed: ${err instanceof Error ? err.message : String(err)}.`,
      );
      req.unpipe(parser);
      req.resume();
      reject(failure);
    });
    parser.on('close', () => {
      if (failure) reject(failure);
      else if (!file) reject(badRequest('No file was sent: add a part named "file".'));
      else resolve(file);
    });
    // A client that disconnects mid-upload: the parser would wait for the rest forever.
    req.once('close', () => {
      if (!req.complete) {
        failure ??= incomplete();
        req.unpipe(parser);
        parser.destroy(incomplete());
      }
    });
    req.on('error', () => undefined);
    req.pipe(parser);
  });
}

/**
 * What `POST /api/minutes/verify` was given: a file (multipart part `file`, or the raw body
 * as application/pdf or application/octet-stream) or `{ "sha256": "…" }` as JSON.
 * @throws AppError 400 (nothing usable), 413 (too large), 415 (another content type).
 */
export async function readVerifyInput(
  req: Request,
): Promise<{ bytes: Buffer } | { sha256: string }> {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) return { bytes: await readMultipart(req) };
  if (type.startsWith('application/pdf') || type.startsWith('application/octet-stream')) {
    const bytes = await readRaw(req);
    if (bytes.length === 0) throw badRequest('The body is empty: send the PDF file.');
    return { bytes };
  }
  if (type.startsWith('application/json')) {
    const parsed = verifyByHashSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw validationError(fieldIssues(parsed.error, 'body'));
    return { sha256: parsed.data.sha256 };
  }
  throw appError(
    'unsupported_media_type',
    415,
    'Send the file as multipart/form-data (part "file") or application/pdf, or JSON { "sha256": "…" }.',
  );
}
