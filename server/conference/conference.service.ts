import type { Logger } from 'pino';
import type { MediaService } from '../../media/media-service';
import type { FloorHooks } from '../speakers/floor-hooks';
import { ConferenceAttendance } from './conference-attendance';
import { ConferenceControls } from './conference-controls';
import { ConferenceJoining } from './conference-joining';
import { ConferenceRecordings } from './conference-recordings';
import { ConferenceRooms } from './conference-rooms';
import type { RoomVideoRecording } from './conference-rooms';
import type { RoomLimit } from './room-limit';

/**
 * The conference of live meetings, on top of the media library, in parts by job: the room's
 * lifecycle (`rooms`), joining and tokens (`joining`), chair controls and the floor
 * (`controls`), recording (`recordings`), roll call and webhooks into attendance
 * (`attendance`). Authorization comes from the meeting policy; every state change is audited.
 * One instance per process, built by startConference.
 */
export class ConferenceService {
  readonly rooms: ConferenceRooms;
  readonly joining: ConferenceJoining;
  readonly controls: ConferenceControls;
  readonly recordings: ConferenceRecordings;
  readonly attendance: ConferenceAttendance;
  /**
   * Told when what the chair's console shows may have changed (a join or leave, a control, a
   * floor move); the live feed (conference-feed.ts) pushes the new state on the stream.
   */
  onChange: ((meetingId: string) => void) | null = null;

  constructor(
    private readonly media: MediaService,
    logger: Logger,
    /** The configured limit of simultaneous connections per room (none: unlimited). */
    roomLimit?: RoomLimit,
    /** The programme video recorder, when configured. */
    video?: RoomVideoRecording & {
      /** Whether the recorder is in the room (it has the recorder's identity). */
      isRecording(meetingId: string): boolean;
    },
  ) {
    this.recordings = new ConferenceRecordings(
      media,
      () => this.rooms,
      (meetingId) => video?.isRecording(meetingId) ?? false,
    );
    this.rooms = new ConferenceRooms(media, logger, this.recordings, video);
    this.joining = new ConferenceJoining(media, this.rooms, roomLimit);
    const changed = (meetingId: string): void => this.onChange?.(meetingId);
    this.controls = new ConferenceControls(media, logger, this.rooms, changed);
    this.attendance = new ConferenceAttendance(media, logger, this.rooms, changed);
  }

  /** Turns publishing on and off when the speaker queue grants and ends the floor. */
  get floorHooks(): FloorHooks {
    return this.controls.floorHooks;
  }

  /** The meeting went live: open its room (in the background, in order with later moves). */
  meetingWentLive(meetingId: string): Promise<void> {
    return this.rooms.meetingWentLive(meetingId);
  }

  /** The meeting ended or was cancelled: finish the recording and close the room. */
  meetingEnded(meetingId: string): Promise<void> {
    return this.rooms.meetingEnded(meetingId);
  }

  /** Stops recordings and monitors of this process (rooms stay open for other nodes). */
  async close(): Promise<void> {
    await this.rooms.close();
    await this.recordings.stopAll();
    await this.media.close();
  }
}
