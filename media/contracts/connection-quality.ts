import { z } from 'zod';

/**
 * Connection quality as LiveKit rates it ('lost' when media stopped flowing), plus 'unknown'
 * for a participant that has not reported yet.
 */
export const connectionQualities = ['excellent', 'good', 'poor', 'lost', 'unknown'] as const;

/** One of {@link connectionQualities}. */
export type ConnectionQualityLevel = (typeof connectionQualities)[number];

/**
 * Connection-quality reports. livekit-server tells every participant its own quality but tells
 * others only the quality of participants whose tracks they subscribe to, so a site that only
 * listens is invisible to a server-side observer. Each client therefore forwards its own rating
 * (as the server computed it) in a reliable data message on this topic, addressed to the meeting's
 * monitor identity (`monitor:<meetingId>`), when it changes and every
 * {@link QUALITY_REPORT_INTERVAL_MS} as a heartbeat. The SFU stamps the sender identity, so a
 * client can only report about itself.
 */
export const QUALITY_REPORT_TOPIC = 'dienhong.quality';

/** Heartbeat period of quality reports; the monitor treats a silent participant as stale after 3. */
export const QUALITY_REPORT_INTERVAL_MS = 10_000;

/** Largest report accepted (bytes); anything bigger is dropped unread. */
export const QUALITY_REPORT_MAX_BYTES = 256;

/** The payload of a quality report (UTF-8 JSON). */
export const qualityReportSchema = z.object({
  v: z.literal(1),
  quality: z.enum(['excellent', 'good', 'poor', 'lost']),
});

/** Type of {@link qualityReportSchema}. */
export type QualityReport = z.infer<typeof qualityReportSchema>;

/** Encodes a report for `publishData`. */
export function encodeQualityReport(quality: QualityReport['quality']): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ v: 1, quality } satisfies QualityReport));
}

/** Decodes a report; null when the payload is too large or not a report. */
export function decodeQualityReport(payload: Uint8Array): QualityReport | null {
  if (payload.byteLength > QUALITY_REPORT_MAX_BYTES) return null;
  try {
    const parsed = qualityReportSchema.safeParse(JSON.parse(new TextDecoder().decode(payload)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** How long quality must stay poor (or lost) before the app proposes switching to audio only. */
export const AUDIO_ONLY_PROPOSAL_AFTER_MS = 15_000;

/** One observation of the local connection quality, in time order. */
export interface QualitySample {
  at: number;
  quality: ConnectionQualityLevel;
}

/**
 * Whether the app should propose audio only: the quality has been poor or lost, without a better
 * rating in between, for at least {@link AUDIO_ONLY_PROPOSAL_AFTER_MS} up to `now`.
 */
export function shouldProposeAudioOnly(
  samples: readonly QualitySample[],
  now: number,
  afterMs = AUDIO_ONLY_PROPOSAL_AFTER_MS,
): boolean {
  let badSince: number | null = null;
  for (const s of samples) {
    const bad = s.quality === 'poor' || s.quality === 'lost';
    if (bad) badSince ??= s.at;
    else badSince = null;
  }
  return badSince !== null && now - badSince >= afterMs;
}
