import { Types } from 'mongoose';
import { siteIdentity, userIdentity } from '../../media/contracts/participant-identity';
import type { ConferenceUnit } from '../../media/contracts/participant-metadata';
import { participantService } from '../meetings/participant.service';
import { operatorsOfSite } from '../meetings/site.model';
import { UnitModel } from '../units/unit.model';

/** A bridge point of a meeting, as the conference names it. */
export interface ConferenceSite {
  /** The meeting's site id (attendance, floor requests and roll-call marks use it). */
  siteId: string;
  unitId: string;
  /** `site:<unitCode>`: the LiveKit identity of the site. */
  identity: string;
  unit: ConferenceUnit;
  /** Who may join the bridge as this site. */
  operatorIds: string[];
}

const LEVEL_ORDER = ['province', 'department', 'district', 'commune'];

/**
 * The meeting's sites with their unit code, name and level, province first then districts and
 * communes (each by unit code): the order in which the roll call reads them.
 */
export async function conferenceSitesOf(meetingId: string): Promise<ConferenceSite[]> {
  const sites = await participantService.sitesOf(meetingId);
  if (sites.length === 0) return [];
  const units = await UnitModel.find(
    { _id: { $in: sites.map((s) => s.unitId) } },
    { code: 1, level: 1 },
  ).lean();
  const codes = new Map(units.map((u) => [u._id.toHexString(), u]));
  const out: ConferenceSite[] = [];
  for (const s of sites) {
    const u = codes.get(s.unitId.toHexString());
    if (!u) continue;
    const level = LEVEL_ORDER.includes(s.level) ? s.level : u.level;
    out.push({
      siteId: s._id.toHexString(),
      unitId: s.unitId.toHexString(),
      identity: siteIdentity(u.code),
      unit: {
        code: u.code,
        name: s.name.normalize('NFC'),
        level: level as ConferenceUnit['level'],
      },
      operatorIds: operatorsOfSite(s).map((o) => o.toHexString()),
    });
  }
  return out.sort(
    (a, b) =>
      LEVEL_ORDER.indexOf(a.unit.level) - LEVEL_ORDER.indexOf(b.unit.level) ||
      a.unit.code.localeCompare(b.unit.code),
  );
}

/** The site of a meeting by its site id, or null. */
export async function conferenceSite(
  meetingId: string,
  siteId: string,
): Promise<ConferenceSite | null> {
  if (!Types.ObjectId.isValid(siteId)) return null;
  return (await conferenceSitesOf(meetingId)).find((s) => s.siteId === siteId) ?? null;
}

/**
 * The LiveKit identity of a speaker of the floor: a user's own, or the site's (null: a site
 * that is no longer one of the meeting's, or another kind of speaker).
 */
export async function speakerIdentity(
  meetingId: string,
  speaker: { kind: string; id: string },
): Promise<string | null> {
  if (speaker.kind === 'user') return userIdentity(speaker.id);
  if (speaker.kind === 'site')
    return (await conferenceSite(meetingId, speaker.id))?.identity ?? null;
  return null;
}
