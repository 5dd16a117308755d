import { AudioStream } from '@livekit/rtc-node';
import type { AudioFrame, RemoteTrack } from '@livekit/rtc-node';
import type { WallClockMixer } from './wall-clock-mixer';

/**
 * Reads a subscribed audio track into `mixer` as the source `sid` (mono at `sampleRate`) until
 * the track's stream ends or the returned reader is cancelled. Both recorders mix this way.
 */
export function mixTrack(
  track: RemoteTrack,
  sid: string,
  mixer: WallClockMixer,
  sampleRate: number,
): ReadableStreamDefaultReader<AudioFrame> {
  const reader = new AudioStream(track, { sampleRate, numChannels: 1 }).getReader();
  mixer.addSource(sid);
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        mixer.push(sid, value.data);
      }
    } catch {
      // The stream closed with the track: nothing more to mix from it.
    }
  })();
  return reader;
}
