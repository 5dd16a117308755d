import type { Response } from 'express';
import type { Readable } from 'node:stream';

/** A file a service opened for a route to send: its bytes and the headers that describe them. */
export interface FileStream {
  stream: Readable;
  headers: Record<string, string>;
}

/**
 * Sends a file stream as a 200 answer. A stream that fails before any byte went out rejects
 * (its headers are taken back, so the error handler answers with a JSON error); one that fails
 * mid-way cuts the connection (the client sees a short body, never a wrong complete one). A
 * client that goes away stops the read. Never throws past the returned promise: nothing here
 * ends the process.
 */
export function sendFileStream(res: Response, file: FileStream): Promise<void> {
  res.status(200).set(file.headers);
  return new Promise<void>((resolve, reject) => {
    file.stream.on('error', (err) => {
      if (res.headersSent) {
        res.destroy(err);
        resolve();
        return;
      }
      for (const name of Object.keys(file.headers)) res.removeHeader(name);
      reject(err);
    });
    res.on('close', () => {
      file.stream.destroy();
      resolve();
    });
    file.stream.pipe(res);
  });
}
