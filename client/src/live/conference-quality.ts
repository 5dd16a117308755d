import { ConnectionState } from 'livekit-client';
import type { Room } from 'livekit-client';
import { ref } from 'vue';
import type { Ref } from 'vue';
import {
  QUALITY_REPORT_INTERVAL_MS,
  QUALITY_REPORT_TOPIC,
  encodeQualityReport,
  shouldProposeAudioOnly,
} from '../../../media/contracts/connection-quality';
import type {
  ConnectionQualityLevel,
  QualitySample,
} from '../../../media/contracts/connection-quality';
import { monitorIdentity } from '../../../media/contracts/participant-identity';

/** The local link's quality as {@link useQualityReports} follows it. */
export interface QualityReports {
  localQuality: Ref<ConnectionQualityLevel>;
  /** The quality has stayed poor: the page proposes audio only. */
  proposeAudioOnly: Ref<boolean>;
  /** LiveKit measured the local link again. */
  record(quality: ConnectionQualityLevel): void;
  /** Reports and weighs the quality at a steady pace (idempotent). */
  start(): void;
  stop(): void;
}

/**
 * Follows this screen's own connection quality on the bridge: forwards it to the meeting's
 * monitor participant (the chair's roll call shows it) when it changes and at a steady pace,
 * and proposes audio only when it stays poor (never while already audio only).
 */
export function useQualityReports(
  meetingId: string,
  room: () => Room | undefined,
  audioOnly: () => boolean,
): QualityReports {
  const localQuality = ref<ConnectionQualityLevel>('unknown');
  const proposeAudioOnly = ref(false);
  const samples: QualitySample[] = [];
  let timer: ReturnType<typeof setInterval> | undefined;

  function report(): void {
    const r = room();
    const q = localQuality.value;
    if (!r || r.state !== ConnectionState.Connected || q === 'unknown') return;
    r.localParticipant
      .publishData(new Uint8Array(encodeQualityReport(q)), {
        reliable: true,
        topic: QUALITY_REPORT_TOPIC,
        destinationIdentities: [monitorIdentity(meetingId)],
      })
      .catch(() => undefined);
  }

  function record(quality: ConnectionQualityLevel): void {
    localQuality.value = quality;
    samples.push({ at: Date.now(), quality });
    if (samples.length > 50) samples.splice(0, samples.length - 50);
    report();
  }

  function start(): void {
    timer ??= setInterval(() => {
      report();
      proposeAudioOnly.value = !audioOnly() && shouldProposeAudioOnly(samples, Date.now());
    }, QUALITY_REPORT_INTERVAL_MS / 2);
  }

  function stop(): void {
    clearInterval(timer);
    timer = undefined;
  }

  return { localQuality, proposeAudioOnly, record, start, stop };
}
