import type { AuthUser } from '../auth/auth-user';
import type { MinutesKind, MinutesRecord } from '../contracts/minutes';
import { conflict } from '../errors';
import { MinutesVersionModel } from './minutes.model';
import { isEmptyContent, oid } from './minutes-records';
import type { MinutesRecords } from './minutes-records';
import { nextStatus } from './minutes.workflow';

/**
 * Approval: submit → approve or return, and the correction of a published text, each step
 * taken by the workflow table (minutes.workflow.ts).
 */
export function createApproval(core: MinutesRecords) {
  const { update, refresh, audit, actor, stepError } = core;

  return {
    /** The secretary submits the text for approval; it becomes read-only. @throws 403, 409. */
    async submit(user: AuthUser, meetingId: string, kind: MinutesKind): Promise<MinutesRecord> {
      const { a, row } = await core.forAction(user, meetingId, kind, 'submit');
      const content = await core.readContent(meetingId, kind);
      if (isEmptyContent(content)) {
        throw conflict('The draft is empty: there is nothing to submit.');
      }
      const to = nextStatus('drafting', 'submit');
      const after = await update(row, (cur) => {
        if (cur.status !== 'drafting') throw stepError(cur.status, 'submit', 'drafting');
        return {
          status: to,
          submittedAt: new Date(),
          submittedBy: actor(user),
          returnComment: null,
        };
      });
      await refresh(meetingId, kind);
      await audit(user, meetingId, kind, 'submitted', { status: to }, { status: 'drafting' });
      return core.recordDto(after, a);
    },

    /** The chair approves the submitted text. @throws 403, 409. */
    async approve(user: AuthUser, meetingId: string, kind: MinutesKind): Promise<MinutesRecord> {
      const { a, row } = await core.forAction(user, meetingId, kind, 'approve');
      const to = nextStatus('submitted', 'approve');
      const after = await update(row, (cur) => {
        if (cur.status !== 'submitted') throw stepError(cur.status, 'approve', 'submitted');
        return { status: to, reviewedAt: new Date(), reviewedBy: actor(user) };
      });
      await audit(user, meetingId, kind, 'approved', { status: to }, { status: 'submitted' });
      return core.recordDto(after, a);
    },

    /** The chair returns the text with a comment; it is editable again. @throws 403, 409. */
    async returnToSecretary(
      user: AuthUser,
      meetingId: string,
      kind: MinutesKind,
      comment: string,
    ): Promise<MinutesRecord> {
      const { a, row } = await core.forAction(user, meetingId, kind, 'return');
      const to = nextStatus('submitted', 'return');
      const after = await update(row, (cur) => {
        if (cur.status !== 'submitted') throw stepError(cur.status, 'return', 'submitted');
        return {
          status: to,
          reviewedAt: new Date(),
          reviewedBy: actor(user),
          returnComment: comment,
        };
      });
      await refresh(meetingId, kind);
      await audit(
        user,
        meetingId,
        kind,
        'returned',
        { status: to, comment },
        { status: 'submitted' },
      );
      return core.recordDto(after, a);
    },

    /** The secretary starts a correction of the published text (a new version). @throws 403, 409. */
    async correct(
      user: AuthUser,
      meetingId: string,
      kind: MinutesKind,
      reason: string,
    ): Promise<MinutesRecord> {
      const { a, row } = await core.forAction(user, meetingId, kind, 'correct');
      const latest = await MinutesVersionModel.findOne(
        { meetingId: oid(meetingId), kind },
        { _id: 1, version: 1 },
      )
        .sort({ version: -1 })
        .lean();
      if (!latest) throw conflict('Nothing is published yet.');
      const to = nextStatus('published', 'correct');
      const after = await update(row, (cur) => {
        if (cur.status !== 'published') throw stepError(cur.status, 'correct', 'published');
        return {
          status: to,
          correcting: latest._id,
          submittedAt: null,
          submittedBy: null,
          reviewedAt: null,
          reviewedBy: null,
          returnComment: null,
        };
      });
      await refresh(meetingId, kind);
      await audit(
        user,
        meetingId,
        kind,
        'correction_started',
        { status: to, corrects: latest._id.toHexString(), version: latest.version, reason },
        { status: 'published' },
      );
      return core.recordDto(after, a);
    },
  };
}
