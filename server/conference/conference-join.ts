import type { ConferenceRole } from '../../media/contracts/grant-profiles';
import type { ParticipantIdentity } from '../../media/contracts/participant-identity';
import type { ConferenceUnit } from '../../media/contracts/participant-metadata';
import type { AuthUser } from '../auth/auth-user';
import type { ConferenceTokenRequest } from '../contracts/conference';
import { badRequest, notFound } from '../errors';
import { MeetingModel } from '../meetings/meeting.model';
import { canChair, operatesSite } from '../meetings/meeting.policy';
import type { MeetingAccess } from '../meetings/meeting.policy';
import { UnitModel } from '../units/unit.model';
import { conferenceRefusals } from './conference-refusals';
import { conferenceSite } from './conference-sites';

/** Who a token is for: the LiveKit identity, the conference role and the name shown. */
export interface Joiner {
  identity: ParticipantIdentity;
  role: ConferenceRole;
  displayName: string;
  unit?: ConferenceUnit;
}

/** The conference role of a person by their meeting role. */
function personRole(role: NonNullable<MeetingAccess['role']>): ConferenceRole {
  switch (role) {
    case 'chair':
      return 'chair';
    case 'observer':
      return 'observer';
    default:
      // Secretary, presenters and delegates speak when given the floor.
      return 'delegate';
  }
}

/**
 * Who the caller joins the conference as: the hub (the chair's console, `as: 'hub'`), the site
 * they operate, or themselves by their meeting role.
 * @throws AppError 403 `not_site_operator` / `forbidden`, 404 (unknown site or host unit), 400
 *   (several operated sites and no `siteId`).
 */
export async function whoJoins(
  user: AuthUser,
  access: MeetingAccess,
  input: ConferenceTokenRequest,
): Promise<Joiner> {
  const asSite = async (siteId: string) => {
    const site = await conferenceSite(access.meetingId, siteId);
    if (!site) throw notFound(`Site ${siteId} of meeting ${access.meetingId}`);
    if (!operatesSite(access, siteId)) throw conferenceRefusals.notOperatorOfSite(site.unit.name);
    const meeting = await MeetingModel.findById(access.meetingId, { hostUnitId: 1 }).lean();
    const hub = meeting?.hostUnitId.toHexString() === site.unitId;
    return {
      identity: { kind: 'site', unitCode: site.unit.code } as const,
      role: hub ? ('hub' as const) : ('site' as const),
      displayName: site.unit.name,
      unit: site.unit,
    };
  };
  if (input.as === 'hub') return asHub(access);
  if (input.siteId) return asSite(input.siteId);
  if (access.role) {
    return {
      identity: { kind: 'user', userId: user.id },
      role: personRole(access.role),
      displayName: user.fullName,
    };
  }
  const [only, ...more] = access.operatedSiteIds;
  if (!only) throw conferenceRefusals.notSiteOperator();
  if (more.length > 0) {
    throw badRequest('You operate several sites of this meeting: say which one (siteId).', {
      siteIds: access.operatedSiteIds,
    });
  }
  return asSite(only);
}

/** The hub (the host unit's room), joined by the chair's console to put it on air. */
async function asHub(access: MeetingAccess): Promise<Joiner> {
  if (!canChair(access)) throw conferenceRefusals.hubForChairOnly();
  const meeting = await MeetingModel.findById(access.meetingId, { hostUnitId: 1 }).lean();
  const unit = meeting
    ? await UnitModel.findById(meeting.hostUnitId, {
        code: 1,
        name: 1,
        shortName: 1,
        level: 1,
      }).lean()
    : null;
  if (!unit) throw notFound(`The host unit of meeting ${access.meetingId}`);
  const name = (unit.shortName ?? unit.name).normalize('NFC');
  return {
    identity: { kind: 'site', unitCode: unit.code },
    role: 'hub',
    displayName: name,
    unit: { code: unit.code, name, level: unit.level },
  };
}
