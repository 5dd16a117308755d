import { Types } from 'mongoose';
import type { QueryFilter } from 'mongoose';
import type { AuthUser } from '../auth/auth-user';
import type { Page } from '../contracts/common';
import {
  allowedParentLevels,
  type CreateUnitInput,
  type DeactivateUnitInput,
  type ListUnitsQuery,
  type Unit,
  type UnitLevel,
  type UnitTreeNode,
  type UpdateUnitInput,
} from '../contracts/units';
import { appError, conflict, forbidden, notFound } from '../errors';
import { searchKey, searchPattern } from '../text-search';
import { UnitModel } from './unit.model';
import type { UnitDocument, UnitRecord } from './unit.model';
import { canCreateUnitUnder, canManageUnit } from './unit.policy';

type UnitLike = UnitRecord & { _id: Types.ObjectId };

/** Whether a unit is in force at `at`. */
export function isActive(unit: Pick<UnitRecord, 'validTo'>, at = new Date()): boolean {
  return !unit.validTo || unit.validTo > at;
}

/** The API shape of a unit. */
export function toUnitDto(u: UnitLike): Unit {
  return {
    id: u._id.toHexString(),
    code: u.code,
    name: u.name,
    shortName: u.shortName ?? null,
    level: u.level,
    parentId: u.parentId ? u.parentId.toHexString() : null,
    ancestorIds: u.ancestorIds.map((a) => a.toHexString()),
    validFrom: u.validFrom ? u.validFrom.toISOString() : null,
    validTo: u.validTo ? u.validTo.toISOString() : null,
    replacedById: u.replacedById ? u.replacedById.toHexString() : null,
    active: isActive(u),
    isSample: u.isSample,
    order: u.order,
  };
}

function scopeOf(u: UnitLike): { id: string; ancestorIds: string[] } {
  return { id: u._id.toHexString(), ancestorIds: u.ancestorIds.map((a) => a.toHexString()) };
}

function activeFilter(at = new Date()): QueryFilter<UnitRecord> {
  return { $or: [{ validTo: null }, { validTo: { $gt: at } }] };
}

function checkParentLevel(level: UnitLevel, parent: UnitLike | null): void {
  const allowed = allowedParentLevels[level];
  const parentLevel = parent ? parent.level : null;
  if (!allowed.includes(parentLevel)) {
    const expected = allowed.map((l) => l ?? 'no parent').join(' or ');
    throw appError(
      'validation_failed',
      400,
      `A ${level} unit must have ${expected} as its parent, not ${parentLevel ?? 'no parent'}.`,
      { issues: [{ path: 'body.parentId', message: `expected a parent of level ${expected}` }] },
    );
  }
}

/** Administrative units: a tree with levels, kept through renames, moves and mergers. */
export const unitService = {
  /** @throws AppError 404 when there is no such unit. */
  async get(id: string): Promise<Unit> {
    return toUnitDto(await this.load(id));
  },

  /** @throws AppError 404 when there is no such unit. */
  async load(id: string): Promise<UnitDocument> {
    const unit = await UnitModel.findById(id);
    if (!unit) throw notFound(`Unit ${id}`);
    return unit;
  },

  /** Units by id, for presenting references (unknown ids are skipped). */
  async namesByIds(ids: readonly string[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const units = await UnitModel.find({ _id: { $in: unique } }, { name: 1 }).lean();
    return new Map(units.map((u) => [u._id.toHexString(), u.name]));
  },

  /** Ids of `rootId` and every unit below it (active ones unless `includeInactive`). */
  async subtreeIds(rootId: string, opts: { includeInactive?: boolean } = {}): Promise<string[]> {
    const filter: QueryFilter<UnitRecord> = {
      $and: [
        { $or: [{ _id: new Types.ObjectId(rootId) }, { ancestorIds: new Types.ObjectId(rootId) }] },
        ...(opts.includeInactive ? [] : [activeFilter()]),
      ],
    };
    const units = await UnitModel.find(filter, { _id: 1 }).lean();
    return units.map((u) => u._id.toHexString());
  },

  async list(query: ListUnitsQuery): Promise<Page<Unit>> {
    const and: QueryFilter<UnitRecord>[] = [];
    if (!query.includeInactive) and.push(activeFilter());
    if (query.level) and.push({ level: query.level });
    if (query.parentId) and.push({ parentId: new Types.ObjectId(query.parentId) });
    if (query.under) and.push({ ancestorIds: new Types.ObjectId(query.under) });
    if (query.q) {
      const pattern = searchPattern(query.q);
      and.push({
        $or: [{ searchText: { $regex: pattern } }, { code: { $regex: pattern, $options: 'i' } }],
      });
    }
    const filter: QueryFilter<UnitRecord> = and.length ? { $and: and } : {};
    const [items, total] = await Promise.all([
      UnitModel.find(filter)
        .sort({ order: 1, name: 1, _id: 1 })
        .skip((query.page - 1) * query.pageSize)
        .limit(query.pageSize)
        .lean(),
      UnitModel.countDocuments(filter),
    ]);
    return { items: items.map(toUnitDto), total, page: query.page, pageSize: query.pageSize };
  },

  /** The whole tree (several roots are possible), children sorted by order then name. */
  async tree(opts: { includeInactive?: boolean } = {}): Promise<UnitTreeNode[]> {
    const units = await UnitModel.find(opts.includeInactive ? {} : activeFilter())
      .sort({ order: 1, name: 1, _id: 1 })
      .lean();
    const nodes = new Map<string, UnitTreeNode>();
    for (const u of units) nodes.set(u._id.toHexString(), { ...toUnitDto(u), children: [] });
    const roots: UnitTreeNode[] = [];
    for (const node of nodes.values()) {
      const parent = node.parentId ? nodes.get(node.parentId) : undefined;
      if (parent) parent.children.push(node);
      else roots.push(node);
    }
    return roots;
  },

  /**
   * @throws AppError 400 on a parent of the wrong level, 403 outside the caller's reach,
   * 404 for an unknown parent, 409 on a duplicate code.
   */
  async create(actor: AuthUser, input: CreateUnitInput): Promise<Unit> {
    const parent = input.parentId ? await this.load(input.parentId) : null;
    if (!canCreateUnitUnder(actor, parent ? scopeOf(parent) : null)) {
      throw forbidden('You may create units only below your own unit.');
    }
    if (parent && !isActive(parent))
      throw conflict(`The parent unit ${parent.name} is no longer in force.`);
    checkParentLevel(input.level, parent);
    const unit = await UnitModel.create({
      code: input.code,
      name: input.name,
      shortName: input.shortName ?? null,
      level: input.level,
      parentId: parent?._id ?? null,
      ancestorIds: parent ? [...parent.ancestorIds, parent._id] : [],
      validFrom: input.validFrom ? new Date(input.validFrom) : null,
      order: input.order ?? 0,
      searchText: searchKey(`${input.name} ${input.shortName ?? ''}`),
    });
    return toUnitDto(unit);
  },

  /**
   * Renames, recodes, reorders or moves a unit; a move carries its whole subtree along.
   * @throws AppError 400 (bad parent level, a move under itself), 403, 404, 409.
   */
  async update(actor: AuthUser, id: string, input: UpdateUnitInput): Promise<Unit> {
    const unit = await this.load(id);
    if (!canManageUnit(actor, scopeOf(unit)))
      throw forbidden('You may change only units below your own unit.');
    if (input.code !== undefined) unit.code = input.code;
    if (input.name !== undefined) unit.name = input.name;
    if (input.shortName !== undefined) unit.shortName = input.shortName;
    if (input.order !== undefined) unit.order = input.order;
    unit.searchText = searchKey(`${unit.name} ${unit.shortName ?? ''}`);
    const moving =
      input.parentId !== undefined && input.parentId !== (unit.parentId?.toHexString() ?? null);
    let newAncestors: Types.ObjectId[] = unit.ancestorIds;
    if (moving) {
      const parent = input.parentId ? await this.load(input.parentId) : null;
      if (
        parent &&
        (parent._id.equals(unit._id) || parent.ancestorIds.some((a) => a.equals(unit._id)))
      ) {
        throw appError('validation_failed', 400, 'A unit cannot be moved below itself.', {
          issues: [
            { path: 'body.parentId', message: 'is the unit itself or one of its descendants' },
          ],
        });
      }
      if (!canCreateUnitUnder(actor, parent ? scopeOf(parent) : null)) {
        throw forbidden('You may move units only below your own unit.');
      }
      checkParentLevel(unit.level, parent);
      newAncestors = parent ? [...parent.ancestorIds, parent._id] : [];
      unit.parentId = parent?._id ?? null;
    }
    const oldDepth = unit.ancestorIds.length;
    unit.ancestorIds = newAncestors;
    await unit.save();
    if (moving) {
      // No multi-document transactions on FerretDB: rewrite each descendant's path; a retry of
      // the same move converges because each path is recomputed from the moved unit.
      const descendants = await UnitModel.find(
        { ancestorIds: unit._id },
        { ancestorIds: 1 },
      ).lean();
      for (const d of descendants) {
        const tail = d.ancestorIds.slice(oldDepth);
        await UnitModel.updateOne(
          { _id: d._id },
          { $set: { ancestorIds: [...newAncestors, ...tail] } },
        );
      }
    }
    return toUnitDto(unit);
  },

  /**
   * Ends a unit (dissolved or merged into `replacedById`). Its records stay; it leaves the tree
   * and the pickers. Units below it must be ended or moved first.
   * @throws AppError 403, 404, 409 when active units remain below it.
   */
  async deactivate(actor: AuthUser, id: string, input: DeactivateUnitInput): Promise<Unit> {
    const unit = await this.load(id);
    if (!canManageUnit(actor, scopeOf(unit)))
      throw forbidden('You may end only units below your own unit.');
    const validTo = input.validTo ? new Date(input.validTo) : new Date();
    const activeChildren = await UnitModel.countDocuments({
      $and: [{ parentId: unit._id }, activeFilter(validTo)],
    });
    if (activeChildren > 0) {
      throw conflict(
        `${unit.name} still has ${activeChildren} unit(s) in force below it. Move or end them first.`,
        { activeChildren },
      );
    }
    if (input.replacedById) {
      const successor = await this.load(input.replacedById);
      if (successor._id.equals(unit._id)) throw conflict('A unit cannot replace itself.');
      unit.replacedById = successor._id;
    }
    unit.validTo = validTo;
    await unit.save();
    return toUnitDto(unit);
  },
};
