import type {
  ConferenceRecording,
  ConferenceRemoval,
  ConferenceRollCall,
  ConferenceStatus,
  ConferenceTokenInfo,
  ProgrammeRecordingStatus,
  RecordingStatus,
} from '../../../server/contracts/conference';
import { http } from '../api/http';

/** Answer of `POST /api/meetings/:id/conference/token`. */
export type ConferenceToken = ConferenceTokenInfo;
export type {
  ConferenceRecording,
  ConferenceRemoval,
  ConferenceRollCall,
  ProgrammeRecordingStatus,
  RecordingStatus,
};

const base = (id: string): string => `/api/meetings/${encodeURIComponent(id)}/conference`;

/**
 * The conference routes (issue 5): joining, roll call and the chair's controls. Every call
 * throws ApiError; the controls go through the API (never LiveKit's admin API from the
 * browser) so they are authorized and audited.
 */
export const conferenceApi = {
  token: (id: string, siteId?: string, asHub = false) =>
    http.post<ConferenceToken>(
      `${base(id)}/token`,
      asHub ? { as: 'hub' } : siteId ? { siteId } : {},
    ),
  rollCall: (id: string) => http.get<ConferenceRollCall>(`${base(id)}/roll-call`),
  presentByPhone: (id: string, siteId: string) =>
    http.post(`${base(id)}/roll-call/${encodeURIComponent(siteId)}/present-by-phone`),
  grantFloor: (id: string, identity: string) => http.post(`${base(id)}/floor`, { identity }),
  endFloor: (id: string, identity: string) => http.post(`${base(id)}/floor/end`, { identity }),
  mute: (id: string, identity: string, trackSid?: string) =>
    http.post(`${base(id)}/mute`, trackSid ? { identity, trackSid } : { identity }),
  askUnmute: (id: string, identity: string) => http.post(`${base(id)}/ask-unmute`, { identity }),
  muteAll: (id: string) => http.post(`${base(id)}/mute-all`),
  spotlight: (id: string, identity: string | null) =>
    http.post(`${base(id)}/spotlight`, { identity }),
  remove: (id: string, identity: string) => http.post(`${base(id)}/remove`, { identity }),
  recording: (id: string) => http.get<RecordingStatus>(`${base(id)}/recording`),
  startRecording: (id: string) => http.post(`${base(id)}/recording/start`),
  stopRecording: (id: string) => http.post(`${base(id)}/recording/stop`),
  videoRecording: (id: string) => http.get<ProgrammeRecordingStatus>(`${base(id)}/video-recording`),
  startVideoRecording: (id: string) => http.post(`${base(id)}/video-recording/start`),
  stopVideoRecording: (id: string) => http.post(`${base(id)}/video-recording/stop`),
  recordings: (id: string) => http.get<ConferenceRecording[]>(`${base(id)}/recordings`),
  /** The plain download link; a click follows it with a single-use ticket (followWithTicket). */
  recordingUrl: (id: string, recordingId: string): string =>
    `${base(id)}/recordings/${encodeURIComponent(recordingId)}/content`,
  end: (id: string) => http.post<ConferenceStatus>(`${base(id)}/end`),
  reopen: (id: string) => http.post<ConferenceStatus>(`${base(id)}/reopen`),
  removed: (id: string) => http.get<ConferenceRemoval[]>(`${base(id)}/removed`),
  readmit: (id: string, identity: string) => http.post(`${base(id)}/readmit`, { identity }),
};
