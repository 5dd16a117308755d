import { createConferenceToken } from './access-tokens';
import type { ConferenceTokenRequest } from './access-tokens';
import { ConferenceControl } from './conference-control';
import type { OpenRoomInput } from './conference-control';
import { ConferenceMonitor } from './conference-monitor';
import type { ConferenceJoinInfo } from './contracts/client-options';
import type { RoomMetadata } from './contracts/conference-room';
import type { ConferenceRole } from './contracts/grant-profiles';
import type { ConferenceUnit } from './contracts/participant-metadata';
import type { RollCall } from './contracts/roll-call';
import { EgressController } from './egress-controller';
import type { EgressConfig } from './egress-controller';
import type { LivekitEndpoint } from './livekit-health';
import { MediaError } from './media-errors';
import { ConferenceRecorder } from './recorder/conference-recorder';
import type { RecordingResult, RecordingSink } from './recorder/conference-recorder';
import { buildRollCall } from './roll-call';
import { ConferenceWebhook } from './webhook';

/** Configuration of the media library, built by the host from its own config. */
export interface MediaServiceOptions {
  /** The LiveKit server (and the key pair it signs webhooks with). */
  livekit: LivekitEndpoint;
  /** The URL browsers connect to, when it differs from `livekit.url` (a public wss:// name). */
  publicUrl?: string;
  /** Loopback or closed network: clients pass `iceServers: []` (default true). */
  closedNetwork?: boolean;
  /** Lifetime of conference tokens in seconds (default 2 h). */
  tokenTtlSeconds?: number;
  /** Audio recordings: where to spool while recording, and the sample rate. */
  recorder?: { spoolDir?: string; sampleRate?: 8000 | 16000 | 24000 | 48000 };
  /** LiveKit Egress for video recording; unset: video recording answers `not_configured`. */
  egress?: EgressConfig;
  /** Room defaults (see ConferenceControlOptions). */
  room?: { emptyTimeoutSeconds?: number; maxParticipants?: number };
  /**
   * Told when the monitor muted again a participant that unmuted itself without the floor
   * (the sids muted), or failed to (the error): for the host's log.
   */
  onFloorEnforced?: (meetingId: string, identity: string, result: string[] | Error) => void;
}

/** What {@link MediaService.rollCall} needs from the record. */
export interface RollCallRequest {
  expectedSites: readonly ConferenceUnit[];
  presentByPhone?: Iterable<string>;
  lastSeen?: ReadonlyMap<string, Date>;
}

/**
 * The media library's entry point for server/main.ts: tokens, the room lifecycle with its
 * monitor, roll call, the audio recorder, webhooks and Egress, for meetings this process runs.
 * Monitors and recorders live in this process; with several API nodes, route a meeting's
 * conference calls to one node (see docs/media.md).
 */
export class MediaService {
  readonly control: ConferenceControl;
  readonly webhook: ConferenceWebhook;
  readonly egress: EgressController;
  private readonly monitors = new Map<string, Promise<ConferenceMonitor>>();
  private readonly recorders = new Map<string, ConferenceRecorder>();

  constructor(private readonly options: MediaServiceOptions) {
    const { livekit } = options;
    this.control = new ConferenceControl({
      endpoint: livekit,
      ...options.room,
      knownRole: (meetingId, identity) => this.monitoredRole(meetingId, identity),
    });
    this.webhook = new ConferenceWebhook({ apiKey: livekit.apiKey, apiSecret: livekit.apiSecret });
    this.egress = new EgressController(livekit, options.egress);
  }

  /**
   * A token to join a meeting's conference, with what the browser needs to connect. The host
   * checks first that the meeting is live and the caller takes part in it with this role.
   * @throws MediaError `invalid_input` (see createConferenceToken).
   */
  async createJoinInfo(
    request: Omit<ConferenceTokenRequest, 'ttlSeconds'>,
  ): Promise<ConferenceJoinInfo> {
    const t = await createConferenceToken(this.options.livekit, {
      ...request,
      ...(this.options.tokenTtlSeconds ? { ttlSeconds: this.options.tokenTtlSeconds } : {}),
    });
    return {
      url: this.options.publicUrl ?? this.options.livekit.url,
      token: t.token,
      expiresAt: t.expiresAt.toISOString(),
      identity: t.identity,
      roomName: t.roomName,
      closedNetwork: this.options.closedNetwork ?? true,
    };
  }

  /**
   * The meeting goes live: opens its room and starts its monitor (idempotent).
   * @throws MediaError `invalid_input`, `livekit_unavailable`.
   */
  async goLive(input: OpenRoomInput): Promise<RoomMetadata> {
    const metadata = await this.control.openRoom(input);
    await this.ensureMonitor(input.meetingId);
    return metadata;
  }

  /**
   * The meeting ends: finishes a running audio recording (written to its sink), stops the
   * monitor and closes the room, disconnecting everyone. Idempotent.
   * @returns the finished recording, if one was running.
   * @throws whatever finishing the recording throws (the room is closed anyway).
   */
  async end(meetingId: string): Promise<{ recording: RecordingResult | null }> {
    let recording: RecordingResult | null = null;
    let failure: Error | null = null;
    if (this.recorders.has(meetingId)) {
      try {
        recording = await this.stopRecording(meetingId);
      } catch (err) {
        failure = err instanceof Error ? err : new Error(String(err));
      }
    }
    await this.stopMonitor(meetingId);
    await this.control.closeRoom(meetingId);
    if (failure) throw failure;
    return { recording };
  }

  /**
   * Roll call: expected sites against connected ones, with each site's reported connection
   * quality and last sign of life (starts the monitor if it is not running, e.g. after a restart).
   * @throws MediaError `room_not_found` when the conference is not open.
   */
  async rollCall(meetingId: string, request: RollCallRequest): Promise<RollCall> {
    const participants = await this.control.listParticipants(meetingId);
    const monitor = await this.ensureMonitor(meetingId).catch(() => null);
    return buildRollCall({
      meetingId,
      expectedSites: request.expectedSites,
      participants,
      ...(monitor ? { observations: monitor.snapshot() } : {}),
      ...(request.presentByPhone ? { presentByPhone: request.presentByPhone } : {}),
      ...(request.lastSeen ? { lastSeen: request.lastSeen } : {}),
    });
  }

  /**
   * Starts recording the conference audio (the chair's command).
   * @throws MediaError `already_running` when this meeting is being recorded, `room_not_found`
   *   when the conference is not open.
   */
  async startRecording(meetingId: string, sink: RecordingSink): Promise<{ startedAt: Date }> {
    if (this.recorders.has(meetingId)) {
      throw new MediaError('already_running', 'The conference audio is already being recorded.');
    }
    if (!(await this.control.isOpen(meetingId))) {
      throw new MediaError('room_not_found', `The conference of meeting ${meetingId} is not open.`);
    }
    const recorder = await ConferenceRecorder.start({
      endpoint: this.options.livekit,
      meetingId,
      sink,
      closedNetwork: this.options.closedNetwork ?? true,
      ...this.options.recorder,
    });
    if (this.recorders.has(meetingId)) {
      await recorder.abort();
      throw new MediaError('already_running', 'The conference audio is already being recorded.');
    }
    this.recorders.set(meetingId, recorder);
    return { startedAt: new Date() };
  }

  /**
   * Stops the audio recording and writes it to the sink given at start.
   * @throws MediaError `not_running` when no recording runs for this meeting here; what the
   *   sink throws.
   */
  async stopRecording(meetingId: string): Promise<RecordingResult> {
    const recorder = this.recorders.get(meetingId);
    if (!recorder) {
      throw new MediaError('not_running', 'No audio recording is running for this meeting.');
    }
    this.recorders.delete(meetingId);
    return recorder.stop();
  }

  /** Whether the meeting's audio is being recorded here, and for how long. */
  recordingStatus(meetingId: string): { recording: boolean; durationMs: number } {
    const r = this.recorders.get(meetingId);
    return { recording: r !== undefined, durationMs: r?.durationMs ?? 0 };
  }

  /** Server shutdown: finishes recordings and leaves every room (rooms stay open). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.recorders.keys()].map((id) => this.stopRecording(id)));
    await Promise.allSettled([...this.monitors.keys()].map((id) => this.stopMonitor(id)));
  }

  /** A participant's role as the meeting's running monitor sees it; null otherwise. */
  private async monitoredRole(meetingId: string, identity: string): Promise<ConferenceRole | null> {
    const monitor = await this.monitors.get(meetingId)?.catch(() => null);
    return monitor?.connected ? monitor.roleOf(identity) : null;
  }

  private ensureMonitor(meetingId: string): Promise<ConferenceMonitor> {
    const existing = this.monitors.get(meetingId);
    if (existing) {
      return existing.then((m) => (m.connected ? m : this.restartMonitor(meetingId)));
    }
    return this.restartMonitor(meetingId);
  }

  private restartMonitor(meetingId: string): Promise<ConferenceMonitor> {
    const started = ConferenceMonitor.start({
      endpoint: this.options.livekit,
      meetingId,
      closedNetwork: this.options.closedNetwork ?? true,
      onOffFloorAudio: (identity) => {
        this.control.enforceFloor(meetingId, identity).then(
          (sids) => this.options.onFloorEnforced?.(meetingId, identity, sids),
          (err: unknown) =>
            this.options.onFloorEnforced?.(
              meetingId,
              identity,
              err instanceof Error ? err : new Error(String(err)),
            ),
        );
      },
    });
    this.monitors.set(meetingId, started);
    started.catch(() => {
      if (this.monitors.get(meetingId) === started) this.monitors.delete(meetingId);
    });
    return started;
  }

  private async stopMonitor(meetingId: string): Promise<void> {
    const monitor = this.monitors.get(meetingId);
    this.monitors.delete(meetingId);
    await monitor?.then((m) => m.stop()).catch(() => undefined);
  }
}
