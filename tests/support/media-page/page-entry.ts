// A tiny conference page for the browser test: it joins with livekit-client the way the app's
// media adapter will (the options from media/contracts), and publishes camera and microphone
// as soon as the server gives it the floor. The test reads `window.conference`.
import { Room, RoomEvent } from 'livekit-client';
import {
  conferenceConnectOptions,
  conferenceRoomOptions,
} from '../../../media/contracts/client-options';

interface PageState {
  connected: boolean;
  canPublish: boolean;
  published: string[];
  errors: string[];
}

declare global {
  interface Window {
    conference: PageState;
  }
}

const state: PageState = { connected: false, canPublish: false, published: [], errors: [] };
window.conference = state;

async function main(): Promise<void> {
  const params = new URLSearchParams(window.location.hash.slice(1));
  const url = params.get('url') ?? '';
  const token = params.get('token') ?? '';
  const room = new Room(conferenceRoomOptions);
  const publish = async (): Promise<void> => {
    try {
      await room.localParticipant.setCameraEnabled(true);
      await room.localParticipant.setMicrophoneEnabled(true);
      state.published = [...room.localParticipant.trackPublications.values()].map((p) => p.source);
    } catch (err) {
      state.errors.push(String(err));
    }
  };
  room.on(RoomEvent.ParticipantPermissionsChanged, (_previous, participant) => {
    if (participant !== room.localParticipant) return;
    state.canPublish = participant.permissions?.canPublish ?? false;
    if (state.canPublish) void publish();
  });
  await room.connect(url, token, conferenceConnectOptions({ closedNetwork: true }));
  state.connected = true;
}

main().catch((err: unknown) => state.errors.push(String(err)));
