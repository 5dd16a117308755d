import { Types } from 'mongoose';
import type { AuthUser } from '../auth/auth-user';
import type { Page } from '../contracts/common';
import type {
  MinutesVerifyResult,
  PublishedListQuery,
  PublishedMinutesVersion,
} from '../contracts/minutes';
import { conflict, forbidden, notFound, unauthenticated } from '../errors';
import { accessOf, userUnitChain } from '../meetings/meeting-access.service';
import { MeetingModel } from '../meetings/meeting.model';
import { searchPattern } from '../text-search';
import { unitService } from '../units/unit.service';
import { MinutesVersionModel } from './minutes.model';
import type { MinutesVersionRow } from './minutes.model';
import { mayReadPublished } from './minutes.policy';
import { KIND_NAME, PUBLISHED_FORMATS, oid, versionDto } from './minutes-records';
import type { PublishedFormat } from './minutes-records';
import { openPublishedFile } from './minutes-storage';
import { verifyPdfSignatures } from './signing/pdf-verify';

/**
 * The public register: published versions as each caller may see them (anonymous: public
 * meetings only), their files, the refusal of any change, and the verification of a file.
 */
export function createRegister() {
  async function visibleVersion(
    user: AuthUser | null,
    versionId: string,
  ): Promise<MinutesVersionRow> {
    const v = Types.ObjectId.isValid(versionId)
      ? await MinutesVersionModel.findById(oid(versionId)).lean<MinutesVersionRow>()
      : null;
    if (!v) throw notFound(`Published version ${versionId}`);
    const a = user ? await accessOf(user, v.meetingId.toHexString()) : null;
    if (mayReadPublished(v.visibility, a)) return v;
    if (v.visibility === 'confidential') throw notFound(`Published version ${versionId}`);
    if (!user) throw unauthenticated('Log in to read the records of internal meetings.');
    throw forbidden('Only members of the host unit and participants read this record.');
  }

  return {
    /** Published versions visible to the caller (anonymous: public meetings only). */
    async listPublished(
      user: AuthUser | null,
      query: PublishedListQuery,
    ): Promise<Page<PublishedMinutesVersion>> {
      const and: Record<string, unknown>[] = [];
      if (!user) {
        and.push({ visibility: 'public' });
      } else {
        const [chain, mine] = await Promise.all([
          userUnitChain(user),
          MeetingModel.find({ memberIds: oid(user.id) }, { _id: 1 }).lean(),
        ]);
        const or: Record<string, unknown>[] = [
          { visibility: 'public' },
          { visibility: 'internal', unitId: { $in: chain.map(oid) } },
          { meetingId: { $in: mine.map((m) => m._id) } },
        ];
        if (user.roles.includes('system_admin')) or.push({ visibility: 'internal' });
        if (user.roles.includes('unit_admin')) {
          or.push({ visibility: 'internal', unitPath: oid(user.unitId) });
        }
        and.push({ $or: or });
      }
      if (query.unitId) {
        const ids = await unitService.subtreeIds(query.unitId, { includeInactive: true });
        and.push({ unitId: { $in: ids.map(oid) } });
      }
      if (query.kind) and.push({ kind: query.kind });
      if (query.meetingId) and.push({ meetingId: oid(query.meetingId) });
      if (query.from) {
        and.push({ meetingStartsAt: { $gte: new Date(`${query.from}T00:00:00+07:00`) } });
      }
      if (query.to) {
        and.push({ meetingStartsAt: { $lte: new Date(`${query.to}T23:59:59.999+07:00`) } });
      }
      if (query.q) and.push({ searchText: { $regex: searchPattern(query.q) } });
      const filter = and.length ? { $and: and } : {};
      const [rows, total] = await Promise.all([
        MinutesVersionModel.find(filter, { contentJson: 0, metaJson: 0 })
          .sort({ publishedAt: -1, _id: -1 })
          .skip((query.page - 1) * query.pageSize)
          .limit(query.pageSize)
          .lean<MinutesVersionRow[]>(),
        MinutesVersionModel.countDocuments(filter),
      ]);
      return { items: rows.map(versionDto), total, page: query.page, pageSize: query.pageSize };
    },

    /** One published version, if the caller may read it. @throws 401/403/404. */
    async getPublished(user: AuthUser | null, versionId: string): Promise<PublishedMinutesVersion> {
      return versionDto(await visibleVersion(user, versionId));
    },

    /** A published file: stream, content type and a download name. @throws 401/403/404. */
    async openFile(user: AuthUser | null, versionId: string, format: PublishedFormat) {
      const v = await visibleVersion(user, versionId);
      const file = v.files.find((f) => f.format === format);
      if (!file) throw notFound(`The ${format} file of version ${versionId}`);
      const name = `${KIND_NAME[v.kind]} ${v.numberSymbol.replace(/[\\/]/g, '-')} (bản ${String(v.version)}).${PUBLISHED_FORMATS[format].ext}`;
      return {
        stream: openPublishedFile(file.fileId),
        size: file.size,
        sha256: file.sha256,
        contentType: PUBLISHED_FORMATS[format].contentType,
        filename: name,
      };
    },

    /** Refuses any change to a published version (they never change). @throws 404, 409. */
    async refuseEdit(user: AuthUser | null, versionId: string): Promise<never> {
      await visibleVersion(user, versionId);
      throw conflict(
        'A published version never changes. A correction is published as a new version.',
      );
    },

    /**
     * Checks a file (or a SHA-256): whether it is byte-for-byte a published file, of which
     * meeting and version, and whether its signatures hold.
     */
    async verify(input: { bytes: Buffer } | { sha256: string }): Promise<MinutesVerifyResult> {
      const verification = 'bytes' in input ? verifyPdfSignatures(input.bytes) : null;
      const sha256 = verification?.sha256 ?? ('sha256' in input ? input.sha256 : '');
      const v = await MinutesVersionModel.findOne(
        { hashes: sha256 },
        { contentJson: 0, metaJson: 0 },
      ).lean<MinutesVersionRow>();
      return {
        sha256,
        published: v !== null,
        version: v ? versionDto(v) : null,
        verification,
      };
    },
  };
}
