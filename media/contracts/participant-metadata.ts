import { z } from 'zod';
import { conferenceRoles } from './grant-profiles';
import type { ConferenceRole } from './grant-profiles';
import { participantKinds, UNIT_CODE_PATTERN } from './participant-identity';
import type { ParticipantKind } from './participant-identity';

/** Administrative levels of a unit, as screens label sites. */
export const unitLevels = ['province', 'district', 'commune', 'department'] as const;

/** One of {@link unitLevels}. */
export type UnitLevel = (typeof unitLevels)[number];

/** The unit a site belongs to (or a person joins for). */
export const conferenceUnitSchema = z.object({
  code: z.string().regex(UNIT_CODE_PATTERN, 'unit code: letters, digits, ".", "_" or "-"'),
  name: z.string().trim().min(1).max(200),
  level: z.enum(unitLevels),
});

/** Type of {@link conferenceUnitSchema}. */
export type ConferenceUnit = z.infer<typeof conferenceUnitSchema>;

/** Which roles each identity kind may carry. */
export const rolesByKind: Readonly<Record<ParticipantKind, readonly ConferenceRole[]>> = {
  site: ['hub', 'site'],
  user: ['chair', 'delegate', 'observer'],
  recorder: ['recorder'],
  monitor: ['monitor'],
};

/**
 * Participant metadata, set by the server in the access token (participants cannot change it):
 * what screens show next to a video tile and what the server reads back when it changes grants.
 * Stored in LiveKit as a JSON string.
 */
export const participantMetadataSchema = z
  .object({
    kind: z.enum(participantKinds),
    role: z.enum(conferenceRoles),
    displayName: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .transform((s) => s.normalize('NFC')),
    unit: conferenceUnitSchema.optional(),
  })
  .superRefine((m, ctx) => {
    if (!rolesByKind[m.kind].includes(m.role)) {
      ctx.addIssue({
        code: 'custom',
        path: ['role'],
        message: `a ${m.kind} participant cannot have the role ${m.role}`,
      });
    }
    if (m.kind === 'site' && !m.unit) {
      ctx.addIssue({ code: 'custom', path: ['unit'], message: 'a site names its unit' });
    }
  });

/** Type of {@link participantMetadataSchema}. */
export type ParticipantMetadata = z.infer<typeof participantMetadataSchema>;

/**
 * Serializes metadata for a token.
 * @throws ZodError when the metadata does not fit the schema.
 */
export function formatParticipantMetadata(metadata: ParticipantMetadata): string {
  return JSON.stringify(participantMetadataSchema.parse(metadata));
}

/** Parses metadata read back from LiveKit; null when it is absent or not ours. */
export function parseParticipantMetadata(text: string | undefined): ParticipantMetadata | null {
  if (!text) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = participantMetadataSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
