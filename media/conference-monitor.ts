import { RoomEvent } from '@livekit/rtc-node';
import type { Participant, RemoteParticipant, Room, TrackPublication } from '@livekit/rtc-node';
import { createConferenceToken } from './access-tokens';
import { decodeQualityReport, QUALITY_REPORT_TOPIC } from './contracts/connection-quality';
import { alwaysPublishes, floorGrantedIn } from './contracts/grant-profiles';
import type { ConferenceRole } from './contracts/grant-profiles';
import { parseParticipantMetadata } from './contracts/participant-metadata';
import { isServiceIdentity } from './contracts/participant-identity';
import type { LivekitEndpoint } from './livekit-health';
import type { ParticipantObservation } from './roll-call';
import { connectRtcRoom } from './rtc-connect';
import type { RtcNetworkOptions } from './rtc-connect';

/** Options of {@link ConferenceMonitor.start}. */
export interface ConferenceMonitorOptions extends RtcNetworkOptions {
  endpoint: LivekitEndpoint;
  meetingId: string;
  /** Clock (tests). */
  now?: () => Date;
  /**
   * Called when a participant that may speak only with the floor, and does not hold it as far
   * as the monitor sees, has a track on air (it unmuted itself, or published unmuted): the host
   * mutes it again (ConferenceControl.enforceFloor). Errors are the callback's to handle.
   */
  onOffFloorAudio?: (identity: string) => void;
}

/**
 * A hidden server-side participant (`monitor:<meetingId>`, @livekit/rtc-node) that follows who is
 * connected and the connection quality each participant reports about itself.
 *
 * Why reports: livekit-server rates every participant's connection (loss, jitter, RTT of its
 * media) but sends a rating only to the participant itself and to those subscribed to its tracks,
 * and its server API does not expose it. A site without the floor publishes nothing, so no
 * observer could see its rating. Clients therefore forward their own rating to this monitor
 * (media/contracts/connection-quality.ts); the SFU stamps the sender, so a client can only
 * speak for itself. The monitor subscribes to no media and costs one signalling connection.
 */
export class ConferenceMonitor {
  private readonly observations = new Map<string, ParticipantObservation>();
  private stopped = false;

  private constructor(
    private readonly room: Room,
    private readonly now: () => Date,
    private readonly onOffFloorAudio?: (identity: string) => void,
  ) {
    // SECURITY: the floor decides who is heard. The SFU forwards nothing of a muted track, but a
    // client may unmute its own track: the monitor sees every mute change (no subscription
    // needed) and has the host mute it again.
    room.on(RoomEvent.TrackUnmuted, (publication, participant) =>
      this.checkOnAir(publication, participant),
    );
    room.on(RoomEvent.TrackPublished, (publication, participant) =>
      this.checkOnAir(publication, participant),
    );
    for (const p of room.remoteParticipants.values()) this.onConnected(p);
    room.on(RoomEvent.ParticipantConnected, (p) => this.onConnected(p));
    room.on(RoomEvent.ParticipantDisconnected, (p) => this.onDisconnected(p));
    room.on(RoomEvent.DataReceived, (payload, participant, _kind, topic) => {
      if (topic !== QUALITY_REPORT_TOPIC || !participant) return;
      const report = decodeQualityReport(payload);
      if (!report) return;
      const at = this.now();
      this.observations.set(participant.identity, {
        quality: report.quality,
        reportedAt: at,
        connected: true,
        lastSeenAt: at,
      });
    });
  }

  /**
   * Joins the meeting's room as its hidden monitor.
   * @throws MediaError `invalid_input` for a malformed meeting id; ConnectError from rtc-node when
   *   LiveKit refuses the connection.
   */
  static async start(options: ConferenceMonitorOptions): Promise<ConferenceMonitor> {
    const { token } = await createConferenceToken(options.endpoint, {
      meetingId: options.meetingId,
      identity: { kind: 'monitor', meetingId: options.meetingId },
      role: 'monitor',
      displayName: 'Monitor',
    });
    const room = await connectRtcRoom(options.endpoint.url, token, {
      autoSubscribe: false,
      ...(options.closedNetwork === undefined ? {} : { closedNetwork: options.closedNetwork }),
    });
    const monitor = new ConferenceMonitor(
      room,
      options.now ?? (() => new Date()),
      options.onOffFloorAudio,
    );
    for (const p of room.remoteParticipants.values()) {
      for (const publication of p.trackPublications.values()) monitor.checkOnAir(publication, p);
    }
    return monitor;
  }

  /** What the monitor has seen, by identity (a copy). */
  snapshot(): Map<string, ParticipantObservation> {
    return new Map([...this.observations].map(([k, v]) => [k, { ...v }]));
  }

  /**
   * The role of a connected participant from the metadata LiveKit gave this monitor (which
   * only the server's token sets: participants may not update their metadata); null when the
   * monitor does not see it connected.
   */
  roleOf(identity: string): ConferenceRole | null {
    const participant = this.room.remoteParticipants.get(identity);
    return participant ? (parseParticipantMetadata(participant.metadata)?.role ?? null) : null;
  }

  /** Whether the monitor is still connected. */
  get connected(): boolean {
    return !this.stopped && this.room.isConnected;
  }

  /** Leaves the room. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.room.disconnect();
  }

  private checkOnAir(publication: TrackPublication, participant: Participant): void {
    if (!this.onOffFloorAudio || publication.muted === true) return;
    if (isServiceIdentity(participant.identity)) return;
    const role = parseParticipantMetadata(participant.metadata)?.role;
    if (role && alwaysPublishes(role)) return;
    if (floorGrantedIn(participant.attributes)) return;
    this.onOffFloorAudio(participant.identity);
  }

  private onConnected(p: RemoteParticipant): void {
    if (isServiceIdentity(p.identity)) return;
    const previous = this.observations.get(p.identity);
    const at = this.now();
    this.observations.set(p.identity, {
      // A rejoin starts over: the old rating says nothing about the new connection.
      quality: 'unknown',
      reportedAt: null,
      connected: true,
      lastSeenAt: previous && previous.lastSeenAt > at ? previous.lastSeenAt : at,
    });
  }

  private onDisconnected(p: RemoteParticipant): void {
    const previous = this.observations.get(p.identity);
    if (!previous) return;
    this.observations.set(p.identity, {
      ...previous,
      connected: false,
      lastSeenAt: this.now(),
    });
  }
}
