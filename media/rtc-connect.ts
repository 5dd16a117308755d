import { ContinualGatheringPolicy, IceTransportType, Room } from '@livekit/rtc-node';
import type { RoomOptions } from '@livekit/rtc-node';

/** How a server-side participant (monitor, recorder, bot) reaches LiveKit. */
export interface RtcNetworkOptions {
  /**
   * True (the default) on loopback and closed networks: pass `iceServers: []` so the client uses
   * only the candidates the SFU advertises instead of STUN/TURN servers it cannot reach.
   * False: use the ICE servers LiveKit hands out.
   */
  closedNetwork?: boolean;
}

/**
 * Connects a @livekit/rtc-node room. Subscriptions are explicit unless `autoSubscribe` is set,
 * so helpers receive only the media they use.
 * @throws ConnectError (from @livekit/rtc-node) when LiveKit refuses the token or is unreachable.
 */
export async function connectRtcRoom(
  url: string,
  token: string,
  options: RtcNetworkOptions & { autoSubscribe?: boolean } = {},
): Promise<Room> {
  const room = new Room();
  const roomOptions: RoomOptions = {
    autoSubscribe: options.autoSubscribe ?? false,
    dynacast: false,
    ...(options.closedNetwork === false
      ? {}
      : {
          rtcConfig: {
            iceServers: [],
            iceTransportType: IceTransportType.TRANSPORT_ALL,
            continualGatheringPolicy: ContinualGatheringPolicy.GATHER_CONTINUALLY,
          },
        }),
  };
  await room.connect(url, token, roomOptions);
  return room;
}
