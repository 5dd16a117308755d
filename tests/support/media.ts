import { randomBytes } from 'node:crypto';
import { createConferenceToken } from '../../media/access-tokens';
import type { ConferenceTokenRequest } from '../../media/access-tokens';
import { ConferenceBot } from '../../media/bots/conference-bot';
import type { ConferenceRole } from '../../media/contracts/grant-profiles';
import { monitorIdentity } from '../../media/contracts/participant-identity';
import type { ConferenceUnit, UnitLevel } from '../../media/contracts/participant-metadata';
import type { LivekitEndpoint } from '../../media/livekit-health';

/** A fresh 24-hex meeting id, so each test file has a room of its own. */
export function randomObjectId(): string {
  return randomBytes(12).toString('hex');
}

/** A unit shaped like the demo province's (Vĩnh Phúc). */
export function unit(code: string, level: UnitLevel, name = `Điểm cầu ${code}`): ConferenceUnit {
  return { code, level, name: name.normalize('NFC') };
}

/** The token request of a site (or the hub) of a meeting, as the server makes it. */
export function siteTokenRequest(
  meetingId: string,
  site: ConferenceUnit,
  role: Extract<ConferenceRole, 'site' | 'hub'> = 'site',
): ConferenceTokenRequest {
  return {
    meetingId,
    identity: { kind: 'site', unitCode: site.code },
    role,
    displayName: site.name,
    unit: site,
  };
}

/** Who a bot is. */
export type BotWho =
  | { site: ConferenceUnit; role?: Extract<ConferenceRole, 'site' | 'hub'> }
  | { userId: string; role: Extract<ConferenceRole, 'chair' | 'delegate' | 'observer'> };

/** Joins a bot to a meeting's room with a token made by media/access-tokens. */
export async function joinBot(
  endpoint: LivekitEndpoint,
  meetingId: string,
  who: BotWho,
  options: { reportQuality?: boolean; autoSubscribe?: boolean; followFloor?: boolean } = {},
): Promise<ConferenceBot> {
  const { token } = await createConferenceToken(
    endpoint,
    'site' in who
      ? siteTokenRequest(meetingId, who.site, who.role)
      : {
          meetingId,
          identity: { kind: 'user', userId: who.userId },
          role: who.role,
          displayName: `Bot ${who.role}`,
        },
  );
  return ConferenceBot.join({
    url: endpoint.url,
    token,
    ...(options.autoSubscribe === undefined ? {} : { autoSubscribe: options.autoSubscribe }),
    ...(options.followFloor === undefined ? {} : { followFloor: options.followFloor }),
    ...(options.reportQuality ? { reportQualityTo: monitorIdentity(meetingId) } : {}),
  });
}

/** Disconnects every bot, ignoring the ones already gone. */
export async function disconnectAll(bots: Iterable<ConferenceBot | undefined>): Promise<void> {
  const present = [...bots].filter((b): b is ConferenceBot => b !== undefined);
  await Promise.all(present.map((b) => b.disconnect().catch(() => undefined)));
}
