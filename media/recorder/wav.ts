/** WAV (RIFF, 16-bit PCM) headers for the recorder, and a reader for checking recordings. */

/** Size of the canonical 16-bit PCM WAV header. */
export const WAV_HEADER_BYTES = 44;

/** Largest PCM payload a WAV file can describe (its sizes are 32-bit). */
export const WAV_MAX_DATA_BYTES = 0xffffffff - 36;

/**
 * The 44-byte header of a 16-bit PCM WAV file holding `dataBytes` bytes of samples.
 * @throws RangeError when the payload is too large for a WAV file or not whole frames.
 */
export function wavHeader(dataBytes: number, sampleRate: number, channels = 1): Buffer {
  const blockAlign = channels * 2;
  if (!Number.isInteger(dataBytes) || dataBytes < 0 || dataBytes > WAV_MAX_DATA_BYTES) {
    throw new RangeError(`a WAV file holds 0 to ${WAV_MAX_DATA_BYTES} bytes of samples`);
  }
  if (dataBytes % blockAlign !== 0) throw new RangeError('WAV payload must be whole frames');
  const h = Buffer.alloc(WAV_HEADER_BYTES);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * blockAlign, 28);
  h.writeUInt16LE(blockAlign, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

/** A decoded 16-bit PCM WAV file. */
export interface WavContent {
  sampleRate: number;
  channels: number;
  /** Interleaved samples. */
  samples: Int16Array;
  durationMs: number;
}

/**
 * Reads a 16-bit PCM WAV file (any chunk layout).
 * @throws Error when the buffer is not such a file.
 */
export function readWav(file: Buffer): WavContent {
  if (file.toString('ascii', 0, 4) !== 'RIFF' || file.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a RIFF/WAVE file');
  }
  let offset = 12;
  let sampleRate = 0;
  let channels = 0;
  while (offset + 8 <= file.length) {
    const id = file.toString('ascii', offset, offset + 4);
    const size = file.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (file.readUInt16LE(body) !== 1 || file.readUInt16LE(body + 14) !== 16) {
        throw new Error('not 16-bit PCM');
      }
      channels = file.readUInt16LE(body + 2);
      sampleRate = file.readUInt32LE(body + 4);
    } else if (id === 'data') {
      if (!sampleRate) throw new Error('data chunk before fmt chunk');
      if (body + size > file.length) throw new Error('truncated data chunk');
      const bytes = file.subarray(body, body + size);
      const samples = new Int16Array(bytes.length / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(i * 2);
      return {
        sampleRate,
        channels,
        samples,
        durationMs: (samples.length / channels / sampleRate) * 1000,
      };
    }
    offset = body + size + (size % 2);
  }
  throw new Error('no data chunk');
}
