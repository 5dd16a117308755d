import { z } from 'zod';
import {
  isoDateTimeSchema,
  objectIdSchema,
  pageSchema,
  paginationQuerySchema,
  queryBooleanSchema,
  textSchema,
} from './common';

/** Lifecycle states of a meeting. */
export const meetingStates = [
  'draft',
  'scheduled',
  'live',
  'ended',
  'minutes_published',
  'cancelled',
] as const;
/** One of {@link meetingStates}. */
export type MeetingState = (typeof meetingStates)[number];

/**
 * The lifecycle: draft → scheduled → live → ended → minutes_published; cancelled from draft or
 * scheduled. Every state is left at most once, which the server relies on.
 */
export const meetingTransitions: Readonly<Record<MeetingState, readonly MeetingState[]>> = {
  draft: ['scheduled', 'cancelled'],
  scheduled: ['live', 'cancelled'],
  live: ['ended'],
  ended: ['minutes_published'],
  minutes_published: [],
  cancelled: [],
};

/** The states a meeting may move to from `state`. */
export function allowedTransitions(state: MeetingState): readonly MeetingState[] {
  return meetingTransitions[state];
}

/** Kinds of meeting. */
export const meetingKinds = ['regular', 'extraordinary', 'thematic', 'briefing'] as const;
/** One of {@link meetingKinds}. */
export type MeetingKind = (typeof meetingKinds)[number];

/**
 * Who may see a meeting: public (everyone logged in), internal (the host unit and the units
 * below it, plus those invited), confidential (only those invited; others get 404).
 */
export const meetingVisibilities = ['public', 'internal', 'confidential'] as const;
/** One of {@link meetingVisibilities}. */
export type MeetingVisibility = (typeof meetingVisibilities)[number];

/** Roles in one meeting (system roles are separate, see users.ts). */
export const meetingRoles = ['chair', 'secretary', 'delegate', 'presenter', 'observer'] as const;
/** One of {@link meetingRoles}. */
export type MeetingRole = (typeof meetingRoles)[number];

/** Roles that vote and count towards the quorum unless a participant says otherwise. */
export const votingRolesByDefault: readonly MeetingRole[] = ['chair', 'delegate'];

/**
 * A quorum rule: met when `count * denominator > numerator * base` (or `>=` when inclusive).
 * The default, more than half, is `{ numerator: 1, denominator: 2, inclusive: false }`;
 * "at least two thirds" is `{ numerator: 2, denominator: 3, inclusive: true }`.
 */
export const quorumRuleSchema = z
  .object({
    numerator: z.number().int().min(0).max(100),
    denominator: z.number().int().min(1).max(100),
    inclusive: z.boolean(),
  })
  .refine((r) => r.numerator <= r.denominator, {
    message: 'numerator must not exceed denominator',
    path: ['numerator'],
  });
/** A quorum rule. */
export type QuorumRule = z.infer<typeof quorumRuleSchema>;

/** More than half. */
export const DEFAULT_QUORUM_RULE: QuorumRule = { numerator: 1, denominator: 2, inclusive: false };

/** How the floor is given: how many may speak at once. */
export const floorPolicySchema = z.object({
  maxSpeakers: z.number().int().min(1).max(10),
});
/** How the floor is given. */
export type FloorPolicy = z.infer<typeof floorPolicySchema>;

/**
 * What the caller is to a meeting, as lists and the meeting page show it: its meeting role,
 * `site_operator` when it runs one of the meeting's sites, `host_admin` when it administers the
 * host unit. The client derives each person's way into the live screens from these.
 */
export const myMeetingRoles = [...meetingRoles, 'site_operator', 'host_admin'] as const;
/** One of {@link myMeetingRoles}. */
export type MyMeetingRole = (typeof myMeetingRoles)[number];

/** A meeting as the API returns it. */
export const meetingSchema = z.object({
  id: objectIdSchema,
  title: z.string(),
  kind: z.enum(meetingKinds),
  hostUnitId: objectIdSchema,
  hostUnitName: z.string().nullable(),
  chairId: objectIdSchema,
  secretaryId: objectIdSchema.nullable(),
  place: z.string(),
  startsAt: isoDateTimeSchema,
  endsAt: isoDateTimeSchema,
  visibility: z.enum(meetingVisibilities),
  description: z.string(),
  state: z.enum(meetingStates),
  quorum: quorumRuleSchema,
  floor: floorPolicySchema,
  currentItemId: objectIdSchema.nullable(),
  cancelReason: z.string().nullable(),
  createdBy: objectIdSchema,
  createdAt: isoDateTimeSchema,
  updatedAt: isoDateTimeSchema,
  /** The caller's roles in this meeting (lists and `GET /meetings/:id`; absent in live events). */
  myRoles: z.array(z.enum(myMeetingRoles)).optional(),
});
/** A meeting as the API returns it. */
export type Meeting = z.infer<typeof meetingSchema>;

/** A page of meetings. */
export const meetingPageSchema = pageSchema(meetingSchema);

const meetingFields = {
  title: textSchema(3, 300),
  kind: z.enum(meetingKinds),
  hostUnitId: objectIdSchema,
  chairId: objectIdSchema,
  secretaryId: objectIdSchema.nullable(),
  place: textSchema(0, 300),
  startsAt: isoDateTimeSchema,
  endsAt: isoDateTimeSchema,
  visibility: z.enum(meetingVisibilities),
  description: textSchema(0, 5000),
  quorum: quorumRuleSchema,
  floor: floorPolicySchema,
};

const endsAfterStart = {
  check: (v: { startsAt?: string | undefined; endsAt?: string | undefined }) =>
    !v.startsAt || !v.endsAt || Date.parse(v.endsAt) > Date.parse(v.startsAt),
  params: { message: 'must be after startsAt', path: ['endsAt'] },
};

/** Body of `POST /api/meetings`. The secretary defaults to the creator. */
export const createMeetingSchema = z
  .object({
    ...meetingFields,
    kind: meetingFields.kind.default('regular'),
    secretaryId: meetingFields.secretaryId.optional(),
    place: meetingFields.place.default(''),
    visibility: meetingFields.visibility.default('internal'),
    description: meetingFields.description.default(''),
    quorum: meetingFields.quorum.optional(),
    floor: meetingFields.floor.optional(),
  })
  .refine(endsAfterStart.check, endsAfterStart.params);
/** Body of `POST /api/meetings`. */
export type CreateMeetingInput = z.infer<typeof createMeetingSchema>;

/** Body of `PATCH /api/meetings/:id`. */
export const updateMeetingSchema = z
  .object(meetingFields)
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'give at least one field to change')
  .refine(endsAfterStart.check, endsAfterStart.params);
/** Body of `PATCH /api/meetings/:id`. */
export type UpdateMeetingInput = z.infer<typeof updateMeetingSchema>;

/** Body of `POST /api/meetings/:id/transitions`: move the lifecycle. */
export const transitionSchema = z
  .object({
    to: z.enum(meetingStates),
    /** Why (required when cancelling). */
    reason: textSchema(1, 1000).optional(),
  })
  .refine((v) => v.to !== 'cancelled' || v.reason !== undefined, {
    message: 'say why the meeting is cancelled',
    path: ['reason'],
  });
/** Body of `POST /api/meetings/:id/transitions`. */
export type TransitionInput = z.infer<typeof transitionSchema>;

/** Details of a 409 `invalid_transition`. */
export interface InvalidTransitionDetails {
  current: MeetingState;
  requested: MeetingState;
  allowed: MeetingState[];
}

/** Query of `GET /api/meetings`. */
export const listMeetingsQuerySchema = paginationQuerySchema.extend({
  q: z.string().trim().max(100).optional(),
  /** Meetings hosted by this unit. */
  unitId: objectIdSchema.optional(),
  /** Meetings hosted by this unit or any unit below it. */
  under: objectIdSchema.optional(),
  status: z.enum(meetingStates).optional(),
  from: isoDateTimeSchema.optional(),
  to: isoDateTimeSchema.optional(),
  /** Only meetings the caller takes part in (participant or site operator). */
  mine: queryBooleanSchema.optional(),
});
/** Query of `GET /api/meetings`. */
export type ListMeetingsQuery = z.infer<typeof listMeetingsQuerySchema>;

/** How a participant or site came to be invited. */
export const invitedViaSchema = z.enum(['person', 'unit', 'level', 'substitute', 'role']);

/** A person taking part in a meeting. */
export const participantSchema = z.object({
  /** `<meetingId>:<userId>`. */
  id: z.string(),
  meetingId: objectIdSchema,
  userId: objectIdSchema,
  fullName: z.string(),
  title: z.string(),
  unitId: objectIdSchema,
  unitName: z.string().nullable(),
  role: z.enum(meetingRoles),
  voting: z.boolean(),
  invitedVia: invitedViaSchema,
  /** The site this person attends from, if any. */
  siteId: objectIdSchema.nullable(),
  /** Set when this person attends in someone else's place (người dự thay). */
  substituteFor: objectIdSchema.nullable(),
  createdAt: isoDateTimeSchema,
});
/** A person taking part in a meeting. */
export type Participant = z.infer<typeof participantSchema>;

/** A bridge point: a unit joining the meeting by video, run by its operators. */
export const siteSchema = z.object({
  id: objectIdSchema,
  meetingId: objectIdSchema,
  unitId: objectIdSchema,
  name: z.string(),
  level: z.string(),
  /** Who run the site and may join the bridge as it (the first one, or null). */
  operatorId: objectIdSchema.nullable(),
  /** The operators' names, comma-separated (null when the site has none). */
  operatorName: z.string().nullable(),
  /** Every operator of the site. */
  operators: z.array(z.object({ id: objectIdSchema, fullName: z.string() })),
  invitedVia: invitedViaSchema,
  createdAt: isoDateTimeSchema,
});
/** A bridge point. */
export type Site = z.infer<typeof siteSchema>;

const inviteAs = z.enum(['site', 'members']);

/**
 * Body of `POST /api/meetings/:id/invitations`: people by id; a unit (as a bridge point, or
 * its members as participants); or every unit of a level under a unit ("all communes of
 * district X"), as sites or as their members.
 */
export const inviteSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('person'),
    userIds: z.array(objectIdSchema).min(1).max(500),
    role: z.enum(meetingRoles).default('delegate'),
  }),
  z.object({
    kind: z.literal('unit'),
    unitId: objectIdSchema,
    as: inviteAs.default('site'),
    role: z.enum(meetingRoles).default('delegate'),
    /** The site's one operator; without it, the unit's users with the site_operator role. */
    operatorId: objectIdSchema.optional(),
  }),
  z.object({
    kind: z.literal('level'),
    underUnitId: objectIdSchema,
    level: z.enum(['department', 'district', 'commune']),
    as: inviteAs.default('site'),
    role: z.enum(meetingRoles).default('delegate'),
  }),
]);
/** Body of `POST /api/meetings/:id/invitations`. */
export type InviteInput = z.infer<typeof inviteSchema>;

/** Answer of `POST /api/meetings/:id/invitations`. */
export const inviteResultSchema = z.object({
  participantsAdded: z.number().int(),
  sitesAdded: z.number().int(),
  /** Already invited, or inactive. */
  skipped: z.number().int(),
});
/** Answer of `POST /api/meetings/:id/invitations`. */
export type InviteResult = z.infer<typeof inviteResultSchema>;

/** Body of `PATCH /api/meetings/:id/participants/:userId`. */
export const updateParticipantSchema = z
  .object({
    role: z.enum(meetingRoles),
    voting: z.boolean(),
    siteId: objectIdSchema.nullable(),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'give at least one field to change');
/** Body of `PATCH /api/meetings/:id/participants/:userId`. */
export type UpdateParticipantInput = z.infer<typeof updateParticipantSchema>;

/** Body of `PATCH /api/meetings/:id/sites/:siteId`. */
export const updateSiteSchema = z
  .object({
    /** Replaces the operators with this one (null: none). */
    operatorId: objectIdSchema.nullable(),
    /** Replaces the operators (at most 20; empty: none). */
    operatorIds: z.array(objectIdSchema).max(20),
    name: textSchema(2, 200),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'give at least one field to change');
/** Body of `PATCH /api/meetings/:id/sites/:siteId`. */
export type UpdateSiteInput = z.infer<typeof updateSiteSchema>;

/** What the caller may do in one meeting (`GET /api/meetings/:id/access`). */
export const meetingAccessSchema = z.object({
  meetingId: objectIdSchema,
  state: z.enum(meetingStates),
  visibility: z.enum(meetingVisibilities),
  /** The caller's meeting role, if invited. */
  role: z.enum(meetingRoles).nullable(),
  voting: z.boolean(),
  /** Sites the caller operates. */
  operatedSiteIds: z.array(objectIdSchema),
  /** Administrator of the host unit (or a system administrator). */
  hostAdmin: z.boolean(),
  canView: z.boolean(),
  /** May move the lifecycle and change the meeting (chair, secretary, host administrator). */
  canManage: z.boolean(),
  /** May drive the meeting: current item, floor, polls (the chair, or whoever sits in for them). */
  canChair: z.boolean(),
});
/** What the caller may do in one meeting. */
export type MeetingAccessInfo = z.infer<typeof meetingAccessSchema>;
