import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import mongoose from 'mongoose';
import type { Types } from 'mongoose';
import type { GridFSBucket, GridFSBucketReadStream } from 'mongodb';

/** The GridFS bucket of published files (collections minutes_files.files/.chunks). */
export const MINUTES_BUCKET = 'minutes_files';

let bucket: { db: unknown; bucket: GridFSBucket } | undefined;

function minutesBucket(): GridFSBucket {
  const db = mongoose.connection.db;
  if (!db) throw new Error('MongoDB is not connected');
  if (bucket?.db !== db) {
    bucket = { db, bucket: new mongoose.mongo.GridFSBucket(db, { bucketName: MINUTES_BUCKET }) };
  }
  return bucket.bucket;
}

/**
 * Stores one published file. Files are written once and never replaced: a correction is a
 * new version with new files. @throws database errors.
 */
export async function storePublishedFile(
  bytes: Buffer,
  filename: string,
  contentType: string,
): Promise<Types.ObjectId> {
  const upload = minutesBucket().openUploadStream(filename, { metadata: { contentType } });
  await pipeline(Readable.from([bytes]), upload);
  return upload.id;
}

/** Opens a published file for download. */
export function openPublishedFile(fileId: Types.ObjectId): GridFSBucketReadStream {
  return minutesBucket().openDownloadStream(fileId);
}

/** Removes files of a publish that failed before its version was recorded. */
export async function removePublishedFiles(fileIds: Types.ObjectId[]): Promise<void> {
  for (const id of fileIds)
    await minutesBucket()
      .delete(id)
      .catch(() => undefined);
}
