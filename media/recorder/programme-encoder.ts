import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';

/** How the programme is encoded. */
export interface ProgrammeEncoderOptions {
  /** The ffmpeg binary (default Debian's /usr/bin/ffmpeg). */
  ffmpegPath?: string;
  /** Output file: a fragmented MP4, playable up to the last fragment if the process dies. */
  outputPath: string;
  width: number;
  height: number;
  fps: number;
  /** Mono 16-bit PCM sample rate of the audio pipe. */
  sampleRate: number;
  /** Called once with ffmpeg's error output when it exits on its own (a crash, a full disk). */
  onExit?: (code: number | null, signal: NodeJS.Signals | null, stderr: string) => void;
}

const HAS_SETPRIV = spawnSync('setpriv', ['--version']).status === 0;
/** ffmpeg may be behind (a loaded machine): it gets this long to encode what is queued. */
const STOP_GRACE_MS = 60_000;
const STDERR_KEEP = 8 * 1024;

/** The ffmpeg arguments of {@link ProgrammeEncoder} (exported for the docs and tests). */
export function programmeFfmpegArgs(o: ProgrammeEncoderOptions): string[] {
  return [
    '-hide_banner',
    '-nostats',
    '-loglevel',
    'error',
    // Raw I420 frames on stdin at a constant rate: timestamps come from the frame count.
    '-f',
    'rawvideo',
    '-pix_fmt',
    'yuv420p',
    '-video_size',
    `${o.width}x${o.height}`,
    '-framerate',
    String(o.fps),
    '-i',
    'pipe:0',
    // The mix on a pipe of its own (fd 3), 16-bit little-endian mono.
    '-f',
    's16le',
    '-ar',
    String(o.sampleRate),
    '-ac',
    '1',
    '-i',
    'pipe:3',
    '-map',
    '0:v',
    '-map',
    '1:a',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '26',
    '-pix_fmt',
    'yuv420p',
    // A keyframe (and so a fragment) every 2 s: a crash loses at most that much.
    '-g',
    String(o.fps * 2),
    '-keyint_min',
    String(o.fps * 2),
    '-sc_threshold',
    '0',
    '-c:a',
    'aac',
    '-b:a',
    '96k',
    '-movflags',
    '+frag_keyframe+empty_moov+default_base_moof',
    // Each fragment goes to disk as soon as it is complete, not when a 32 kB buffer fills (a
    // still picture compresses to far less than that in 2 s).
    '-flush_packets',
    '1',
    '-f',
    'mp4',
    '-y',
    o.outputPath,
  ];
}

/**
 * One ffmpeg child encoding the programme into H.264 + AAC in a fragmented MP4: raw frames go
 * in on stdin, the audio mix on fd 3. The child cannot outlive this process: it gets SIGTERM
 * from the kernel when we die (setpriv --pdeathsig, as infra/local's supervisor does for its
 * services), and it ends by itself when its pipes close; either way the file written so far
 * stays playable (fragmented MP4: no index to write at the end).
 */
export class ProgrammeEncoder {
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private stderr = '';
  private exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private ending = false;

  constructor(private readonly options: ProgrammeEncoderOptions) {
    const bin = options.ffmpegPath ?? '/usr/bin/ffmpeg';
    const args = programmeFfmpegArgs(options);
    const [cmd, argv] = HAS_SETPRIV
      ? ['setpriv', ['--pdeathsig', 'TERM', '--', bin, ...args]]
      : [bin, args];
    this.child = spawn(cmd, argv, { stdio: ['pipe', 'ignore', 'pipe', 'pipe'] });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_KEEP);
    });
    // A write after ffmpeg died fails with EPIPE on these streams: the exit handler reports it.
    this.video.on('error', () => undefined);
    this.audio.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      this.child.once('error', (err) => {
        this.stderr += `\n${err.message}`;
        this.exit ??= { code: null, signal: null };
        resolve();
      });
      this.child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        if (!this.ending) options.onExit?.(code, signal, this.stderr);
        resolve();
      });
    });
  }

  /** ffmpeg's process id (the benchmark reads its CPU time). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether ffmpeg still runs. */
  get running(): boolean {
    return this.exit === null;
  }

  private get video(): Writable {
    return this.child.stdio[0] as Writable;
  }

  private get audio(): Writable {
    return this.child.stdio[3] as Writable;
  }

  /** Bytes waiting in the pipes (ffmpeg falling behind shows here). */
  get backlogBytes(): number {
    return this.video.writableLength + this.audio.writableLength;
  }

  /** Queues one programme frame (a packed I420 picture of the configured size). */
  writeFrame(frame: Uint8Array): void {
    if (this.running && !this.ending) this.video.write(frame);
  }

  /** Queues mixed audio samples. */
  writeAudio(samples: Int16Array): void {
    if (!this.running || this.ending) return;
    this.audio.write(Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength));
  }

  /**
   * Closes the pipes and waits for ffmpeg to write the last fragment and exit (SIGTERM, then
   * SIGKILL, if it takes too long).
   * @throws Error with ffmpeg's error output when it did not exit cleanly.
   */
  async finish(): Promise<void> {
    if (!this.ending) {
      this.ending = true;
      this.video.end();
      this.audio.end();
    }
    const term = setTimeout(() => this.child.kill('SIGTERM'), STOP_GRACE_MS);
    const kill = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS + 5000);
    await this.exited;
    clearTimeout(term);
    clearTimeout(kill);
    if (this.exit?.code !== 0) {
      throw new Error(
        `ffmpeg exited with ${this.exit?.code ?? this.exit?.signal ?? 'an error'}: ${this.stderr.trim()}`,
      );
    }
  }

  /**
   * Stops ffmpeg now: its pipes are closed (it writes the last fragment and exits), SIGTERM
   * follows if it lingers. What it wrote stays playable. Idempotent.
   */
  async kill(): Promise<void> {
    this.ending = true;
    this.video.destroy();
    this.audio.destroy();
    const term = setTimeout(() => this.child.kill('SIGTERM'), 3000);
    const kill = setTimeout(() => this.child.kill('SIGKILL'), 8000);
    await this.exited;
    clearTimeout(term);
    clearTimeout(kill);
  }
}
