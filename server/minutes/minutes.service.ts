import { createApproval } from './minutes-approval.service';
import { createDrafting } from './minutes-drafting.service';
import { createPublishing } from './minutes-publishing.service';
import { createMinutesRecords } from './minutes-records';
import type { MinutesServiceDeps } from './minutes-records';
import { createRegister } from './minutes-register.service';

export { PUBLISHED_FORMATS, isEmptyContent } from './minutes-records';
export type { MinutesServiceDeps, PublishedFormat } from './minutes-records';

/**
 * The minutes workflow, by job: drafting (drafts seeded from the templates, facts rebuilt from
 * the record, one-action inserts, the frame), approval (submit → approve/return, corrections:
 * one transition table in minutes.workflow.ts), publishing (signed HTML/PDF/DOCX, immutable,
 * versioned) and the public register (search, files, verification).
 */
export function createMinutesService(deps: MinutesServiceDeps) {
  const core = createMinutesRecords(deps);
  const drafting = createDrafting(core);
  return {
    docName: core.docName,
    authorizeAction: core.authorizeAction,
    ...drafting,
    ...createApproval(core),
    ...createPublishing(core),
    ...createRegister(),
  };
}

/** The minutes service. */
export type MinutesService = ReturnType<typeof createMinutesService>;
