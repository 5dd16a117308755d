import type { Types } from 'mongoose';
import type { AuthUser } from '../auth/auth-user';
import { minutesDocumentMetaSchema } from '../contracts/minutes';
import type { MinutesKind, PublishedMinutesVersion } from '../contracts/minutes';
import { appError, conflict, notFound } from '../errors';
import { MeetingModel } from '../meetings/meeting.model';
import { searchKey } from '../text-search';
import { UnitModel } from '../units/unit.model';
import { KeyedQueue } from '../keyed-queue';
import { isDuplicateKey } from '../write-serialization';
import { MinutesVersionModel } from './minutes.model';
import type { MinutesVersionRow } from './minutes.model';
import { KIND_NAME, PUBLISHED_FORMATS, oid, parseMeta, versionDto } from './minutes-records';
import type { MinutesRecords } from './minutes-records';
import { removePublishedFiles, storePublishedFile } from './minutes-storage';
import { nextStatus } from './minutes.workflow';
import { publishRender } from './publish-render';

/**
 * Whether a number and symbol is a real one ("12/BB-UBND"): a number, a slash and a symbol,
 * not the template's "…/BB-UBND" placeholder.
 */
export function isRealNumberSymbol(numberSymbol: string): boolean {
  return /^\d+[A-Za-z]?\/\S+$/u.test(numberSymbol.trim()) && !numberSymbol.includes('…');
}

/**
 * Publishing: renders HTML, PDF (signed by the host unit) and DOCX, stores them immutably
 * with their SHA-256, records the version and, for the minutes, moves the meeting to
 * minutes_published. One publish per record at a time in this process.
 */
export function createPublishing(core: MinutesRecords) {
  const { deps, update, refresh, audit, actor, stepError } = core;
  const publishing = new KeyedQueue();

  async function unitOf(unitId: Types.ObjectId) {
    const unit = await UnitModel.findById(unitId, { code: 1, name: 1 }).lean();
    if (!unit) throw notFound(`Unit ${unitId.toHexString()}`);
    return { code: unit.code, name: unit.name };
  }

  async function publishOnce(
    user: AuthUser,
    meetingId: string,
    kind: MinutesKind,
  ): Promise<PublishedMinutesVersion> {
    const { row } = await core.forAction(user, meetingId, kind, 'publish');
    const meta = parseMeta(row.metaJson);
    if (!meta) throw conflict('The draft has no frame yet: create it from the template first.');
    if (!isRealNumberSymbol(meta.numberSymbol)) {
      throw appError(
        'number_symbol_required',
        409,
        `The number and symbol is still "${meta.numberSymbol}". Enter the number the records office gave (e.g. "12/BB-UBND") before publishing.`,
        { numberSymbol: meta.numberSymbol },
      );
    }
    const content = await core.readContent(meetingId, kind);
    const meeting = await MeetingModel.findById(oid(meetingId)).lean();
    if (!meeting) throw notFound(`Meeting ${meetingId}`);
    const unit = await unitOf(meeting.hostUnitId);
    const signer = deps.signerFor(unit);
    const now = new Date();
    const frozen = minutesDocumentMetaSchema.parse({ ...meta, createdAt: now.toISOString() });
    const rendered = await publishRender(content, frozen, {
      signer,
      signedAt: now,
      ...(deps.fontDir ? { fontDir: deps.fontDir } : {}),
    });
    const latest = await MinutesVersionModel.findOne(
      { meetingId: oid(meetingId), kind },
      { _id: 1, version: 1 },
    )
      .sort({ version: -1 })
      .lean();
    const version = (latest?.version ?? 0) + 1;
    const stored: Types.ObjectId[] = [];
    const files = [];
    try {
      for (const format of ['html', 'pdf', 'docx'] as const) {
        const f = rendered[format];
        const id = await storePublishedFile(
          f.bytes,
          `${meetingId}-${kind}-v${String(version)}.${format}`,
          PUBLISHED_FORMATS[format].contentType,
        );
        stored.push(id);
        files.push({ format, fileId: id, sha256: f.sha256, size: f.bytes.length });
      }
      const supersedesId = row.correcting ?? null;
      const created = await MinutesVersionModel.create({
        meetingId: oid(meetingId),
        kind,
        version,
        supersedesId,
        numberSymbol: frozen.numberSymbol,
        title: frozen.title,
        unitId: meeting.hostUnitId,
        unitName: unit.name,
        unitPath: meeting.hostUnitPath,
        meetingTitle: meeting.title,
        meetingStartsAt: meeting.startsAt,
        visibility: meeting.visibility,
        publishedAt: now,
        publishedBy: actor(user),
        files,
        signer: {
          commonName: signer.commonName,
          organization: signer.organization,
          fingerprint: signer.fingerprint,
        },
        contentJson: JSON.stringify(content),
        metaJson: JSON.stringify(frozen),
        hashes: files.map((f) => f.sha256),
        searchText: searchKey(
          [frozen.title, meeting.title, frozen.numberSymbol, unit.name, KIND_NAME[kind]].join(' '),
        ),
      });
      const v = created.toObject<MinutesVersionRow>();
      if (supersedesId) {
        await MinutesVersionModel.updateOne(
          { _id: supersedesId, supersededById: null },
          { $set: { supersededById: v._id } },
        );
      }
      const to = nextStatus('approved', 'publish');
      await update(row, (cur) => {
        if (cur.status !== 'approved') throw stepError(cur.status, 'publish', 'approved');
        return { status: to, correcting: null };
      });
      await refresh(meetingId, kind);
      await audit(user, meetingId, kind, 'published', {
        versionId: v._id.toHexString(),
        version,
        supersedesId: supersedesId?.toHexString() ?? null,
        files: files.map((f) => ({ format: f.format, sha256: f.sha256, size: f.size })),
        signer: signer.commonName,
      });
      deps.logger.info(
        { meetingId, kind, version, ms: Math.round(rendered.timings.total) },
        'minutes published',
      );
      if (kind === 'minutes' && meeting.state === 'ended') {
        await deps.markMeetingPublished?.(meetingId);
      }
      return versionDto(v);
    } catch (err) {
      if (isDuplicateKey(err)) {
        await removePublishedFiles(stored);
        throw conflict('Someone else published this text at the same moment; reload.');
      }
      if (stored.length && !(await MinutesVersionModel.exists({ 'files.fileId': stored[0] }))) {
        await removePublishedFiles(stored);
      }
      throw err;
    }
  }

  return {
    /**
     * Publishes the approved text (see above); a correction references the version it
     * replaces. @throws 403, 409 (state, or `number_symbol_required` while the number is the
     * template's placeholder), and signing/rendering errors (500).
     */
    async publish(
      user: AuthUser,
      meetingId: string,
      kind: MinutesKind,
    ): Promise<PublishedMinutesVersion> {
      return publishing.run(`${meetingId}:${kind}`, () => publishOnce(user, meetingId, kind));
    },
  };
}
