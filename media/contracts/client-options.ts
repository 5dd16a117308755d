/**
 * How the browser joins a conference, as plain data for livekit-client (`new Room(options)`,
 * `room.connect(url, token, connectOptions)`). Written without livekit-client's types so the
 * contracts stay dependency-free; the shapes match its RoomOptions and RoomConnectOptions.
 *
 * Weak links at communes: adaptive stream (subscribe only at the size a tile is shown, pause
 * hidden video), dynacast (stop encoding layers nobody watches), simulcast (three layers so a
 * poor link gets the low one), Opus DTX + RED (audio survives loss), automatic reconnection.
 */
export const conferenceRoomOptions = {
  adaptiveStream: true,
  dynacast: true,
  stopLocalTrackOnUnpublish: true,
  disconnectOnPageLeave: true,
  audioCaptureDefaults: {
    echoCancellation: true,
    noiseSuppression: true,
    autoGainControl: true,
  },
  videoCaptureDefaults: {
    resolution: { width: 1280, height: 720, frameRate: 15 },
  },
  publishDefaults: {
    simulcast: true,
    dtx: true,
    red: true,
    videoCodec: 'vp8',
  },
} as const;

/** What the connect call needs to know about the network it runs on. */
export interface ConferenceNetwork {
  /**
   * True on loopback and on closed government networks without STUN/TURN: the client then uses
   * only the candidates the SFU advertises (`iceServers: []` overrides the servers LiveKit hands
   * out, which would be unreachable and delay ICE).
   */
  closedNetwork: boolean;
}

/** The options of `room.connect`, shaped like livekit-client's RoomConnectOptions. */
export interface ConferenceConnectOptions {
  autoSubscribe: boolean;
  maxRetries: number;
  peerConnectionTimeout: number;
  websocketTimeout: number;
  rtcConfig?: { iceServers: [] };
}

/** Connect options for a conference on the given network. */
export function conferenceConnectOptions(network: ConferenceNetwork): ConferenceConnectOptions {
  return {
    autoSubscribe: true,
    maxRetries: 3,
    peerConnectionTimeout: 15_000,
    websocketTimeout: 15_000,
    ...(network.closedNetwork ? { rtcConfig: { iceServers: [] } } : {}),
  };
}

/** The answer of the conference-token route: where to connect and with what. */
export interface ConferenceJoinInfo {
  /** ws(s):// URL of the LiveKit server. */
  url: string;
  token: string;
  /** When the token stops being accepted for a new connection (ISO). */
  expiresAt: string;
  identity: string;
  roomName: string;
  closedNetwork: boolean;
}
