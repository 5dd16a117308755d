import {
  EgressClient,
  EgressStatus,
  EncodedFileOutput,
  EncodedFileType,
  S3Upload,
} from 'livekit-server-sdk';
import type { EgressInfo } from 'livekit-server-sdk';
import { conferenceRoomName } from './contracts/conference-room';
import { livekitHttpUrl } from './livekit-health';
import type { LivekitEndpoint } from './livekit-health';
import { MediaError } from './media-errors';

/** Where LiveKit Egress writes video recordings. */
export type EgressOutput =
  /** A directory on the egress nodes (a shared volume the app can read). */
  | { kind: 'file'; directory: string }
  /** An S3-compatible bucket (MinIO on premises, or a cloud). */
  | {
      kind: 's3';
      bucket: string;
      region?: string;
      endpoint?: string;
      accessKey: string;
      secret: string;
      forcePathStyle?: boolean;
    };

/** Video recording through LiveKit Egress (see infra/deploy/egress.md). */
export interface EgressConfig {
  output: EgressOutput;
  /** Room-composite layout (default 'speaker': the spotlight or active speaker large). */
  layout?: 'speaker' | 'grid' | 'single-speaker';
}

/** One video recording as LiveKit Egress reports it. */
export interface VideoRecording {
  egressId: string;
  status: 'starting' | 'active' | 'ending' | 'complete' | 'failed' | 'aborted' | 'limit_reached';
  startedAt: Date | null;
  endedAt: Date | null;
  /** Where the file went (path or object key), once known. */
  location: string | null;
  error: string | null;
}

const STATUS: Record<number, VideoRecording['status']> = {
  [EgressStatus.EGRESS_STARTING]: 'starting',
  [EgressStatus.EGRESS_ACTIVE]: 'active',
  [EgressStatus.EGRESS_ENDING]: 'ending',
  [EgressStatus.EGRESS_COMPLETE]: 'complete',
  [EgressStatus.EGRESS_FAILED]: 'failed',
  [EgressStatus.EGRESS_ABORTED]: 'aborted',
  [EgressStatus.EGRESS_LIMIT_REACHED]: 'limit_reached',
};

/**
 * Starts and stops video recordings of a conference through LiveKit Egress (a room-composite
 * MP4: headless Chrome renders the room, GStreamer encodes). Egress needs Redis, Chrome and
 * GStreamer next to LiveKit and cannot run on this machine; without an {@link EgressConfig} every
 * method throws MediaError `not_configured` so the app answers with a clear message. The audio
 * recorder (ConferenceRecorder) works everywhere.
 */
export class EgressController {
  private readonly client: EgressClient | null;

  constructor(
    endpoint: LivekitEndpoint,
    private readonly config?: EgressConfig,
  ) {
    this.client = config
      ? new EgressClient(livekitHttpUrl(endpoint.url), endpoint.apiKey, endpoint.apiSecret)
      : null;
  }

  /** Whether video recording is available. */
  get configured(): boolean {
    return this.client !== null;
  }

  /**
   * Starts a room-composite MP4 recording of the meeting's conference.
   * @throws MediaError `not_configured` without Egress; `livekit_unavailable` when LiveKit or
   *   its egress workers refuse.
   */
  async startVideoRecording(meetingId: string): Promise<VideoRecording> {
    const { client, config } = this.require();
    const roomName = conferenceRoomName(meetingId);
    const filepath = `meeting-${meetingId}/{time}.mp4`;
    const file = new EncodedFileOutput({
      fileType: EncodedFileType.MP4,
      filepath:
        config.output.kind === 'file'
          ? `${config.output.directory.replace(/\/$/, '')}/${filepath}`
          : filepath,
      ...(config.output.kind === 's3'
        ? {
            output: {
              case: 's3',
              value: new S3Upload({
                bucket: config.output.bucket,
                region: config.output.region ?? '',
                endpoint: config.output.endpoint ?? '',
                accessKey: config.output.accessKey,
                secret: config.output.secret,
                forcePathStyle: config.output.forcePathStyle ?? true,
              }),
            },
          }
        : {}),
    });
    const info = await this.call(() =>
      client.startRoomCompositeEgress(roomName, file, { layout: config.layout ?? 'speaker' }),
    );
    return toRecording(info);
  }

  /** Stops a video recording. @throws MediaError `not_configured`, `livekit_unavailable`. */
  async stopVideoRecording(egressId: string): Promise<VideoRecording> {
    const { client } = this.require();
    return toRecording(await this.call(() => client.stopEgress(egressId)));
  }

  /** Video recordings of a meeting. @throws MediaError `not_configured`, `livekit_unavailable`. */
  async listVideoRecordings(meetingId: string): Promise<VideoRecording[]> {
    const { client } = this.require();
    const infos = await this.call(() =>
      client.listEgress({ roomName: conferenceRoomName(meetingId) }),
    );
    return infos.map(toRecording);
  }

  private require(): { client: EgressClient; config: EgressConfig } {
    if (!this.client || !this.config) {
      throw new MediaError(
        'not_configured',
        'Video recording needs LiveKit Egress, which is not configured on this server. The conference audio can still be recorded. An administrator sets Egress up as described in infra/deploy/egress.md.',
      );
    }
    return { client: this.client, config: this.config };
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw new MediaError(
        'livekit_unavailable',
        `LiveKit Egress did not complete the request: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }
}

function toRecording(info: EgressInfo): VideoRecording {
  const file = info.fileResults[0];
  const ms = (ns: bigint): Date | null => (ns > 0n ? new Date(Number(ns / 1_000_000n)) : null);
  return {
    egressId: info.egressId,
    status: STATUS[info.status] ?? 'failed',
    startedAt: ms(info.startedAt),
    endedAt: ms(info.endedAt),
    location: file?.location || file?.filename || null,
    error: info.error || null,
  };
}
