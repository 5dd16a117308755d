import { Types } from 'mongoose';
import type { QueryFilter } from 'mongoose';
import type { AuthUser } from '../auth/auth-user';
import { credentialService } from '../auth/credential.service';
import type { Page } from '../contracts/common';
import type { CreateUserInput, ListUsersQuery, UpdateUserInput, User } from '../contracts/users';
import { appError, conflict, forbidden, notFound } from '../errors';
import { searchKey, searchPattern } from '../text-search';
import { isActive, unitService } from '../units/unit.service';
import { UserModel } from './user.model';
import type { UserDocument, UserRecord } from './user.model';
import { canActOnAccount, canGrantRoles, canManageUsersIn, isAdministrator } from './user.policy';

type UserLike = UserRecord & { _id: Types.ObjectId; createdAt: Date };

function toUserDto(u: UserLike, unitName: string | null): User {
  return {
    id: u._id.toHexString(),
    username: u.username,
    fullName: u.fullName,
    title: u.title,
    unitId: u.unitId.toHexString(),
    unitName,
    roles: [...u.roles],
    email: u.email ?? null,
    phone: u.phone ?? null,
    active: u.active,
    createdAt: u.createdAt.toISOString(),
  };
}

async function present(users: UserLike[]): Promise<User[]> {
  const names = await unitService.namesByIds(users.map((u) => u.unitId.toHexString()));
  return users.map((u) => toUserDto(u, names.get(u.unitId.toHexString()) ?? null));
}

async function unitScope(unitId: string) {
  const unit = await unitService.load(unitId);
  return {
    unit,
    scope: {
      id: unit._id.toHexString(),
      ancestorIds: unit.ancestorIds.map((a) => a.toHexString()),
    },
  };
}

function searchTextOf(u: { fullName: string; username: string; title: string }): string {
  return searchKey(`${u.fullName} ${u.username} ${u.title}`);
}

function aboveOwnRole() {
  return forbidden(
    'This account holds a role above yours; ask an administrator of at least that role.',
  );
}

/** Accounts: who people are, which unit they belong to, their system roles. */
export const userService = {
  /** @throws AppError 404. */
  async load(id: string): Promise<UserDocument> {
    const user = await UserModel.findById(id);
    if (!user) throw notFound(`User ${id}`);
    return user;
  },

  /** @throws AppError 404. */
  async get(id: string): Promise<User> {
    const [user] = await present([await this.load(id)]);
    if (!user) throw notFound(`User ${id}`);
    return user;
  },

  /** A user by login name, with what the login check needs; null if none. */
  async findByUsername(username: string): Promise<{ id: string; active: boolean } | null> {
    const user = await UserModel.findOne(
      { username: username.toLowerCase() },
      { _id: 1, active: 1 },
    ).lean();
    return user ? { id: user._id.toHexString(), active: user.active } : null;
  },

  /** Users by id, presented; unknown ids are skipped. */
  async getMany(ids: readonly string[]): Promise<User[]> {
    const valid = ids.filter((id) => Types.ObjectId.isValid(id));
    const users = await UserModel.find({ _id: { $in: valid } }).lean();
    return present(users);
  },

  /** Directory search; inactive accounts only for administrators. */
  async list(actor: AuthUser, query: ListUsersQuery): Promise<Page<User>> {
    const and: QueryFilter<UserRecord>[] = [];
    if (!(query.includeInactive && isAdministrator(actor))) and.push({ active: true });
    if (query.unitId) and.push({ unitId: new Types.ObjectId(query.unitId) });
    if (query.under) {
      const ids = await unitService.subtreeIds(query.under, { includeInactive: true });
      and.push({ unitId: { $in: ids.map((id) => new Types.ObjectId(id)) } });
    }
    if (query.role) and.push({ roles: query.role });
    if (query.q) and.push({ searchText: { $regex: searchPattern(query.q) } });
    const filter: QueryFilter<UserRecord> = and.length ? { $and: and } : {};
    const [items, total] = await Promise.all([
      UserModel.find(filter)
        .sort({ fullName: 1, _id: 1 })
        .skip((query.page - 1) * query.pageSize)
        .limit(query.pageSize)
        .lean(),
      UserModel.countDocuments(filter),
    ]);
    return { items: await present(items), total, page: query.page, pageSize: query.pageSize };
  },

  /**
   * Creates an account with its password.
   * @throws AppError 403 outside the actor's units or for a role they may not give, 404 for an
   * unknown unit, 409 for a taken username or a unit no longer in force.
   */
  async create(actor: AuthUser, input: CreateUserInput): Promise<User> {
    const { unit, scope } = await unitScope(input.unitId);
    if (!canManageUsersIn(actor, scope))
      throw forbidden('You may create accounts only in your own unit and below.');
    if (!canGrantRoles(actor, input.roles))
      throw forbidden('You may not give a role above your own.');
    if (!isActive(unit))
      throw conflict(`${unit.name} is no longer in force; choose a current unit.`);
    if (await UserModel.exists({ username: input.username })) {
      throw appError('duplicate', 409, `The username "${input.username}" is taken.`, {
        fields: ['username'],
      });
    }
    const user = await UserModel.create({
      username: input.username,
      fullName: input.fullName,
      title: input.title,
      unitId: unit._id,
      roles: [...new Set(input.roles)],
      email: input.email ?? null,
      phone: input.phone ?? null,
      searchText: searchTextOf(input),
    });
    try {
      await credentialService.setPassword(user._id.toHexString(), input.password);
    } catch (err) {
      // No transactions on FerretDB: undo the half-created account.
      await UserModel.deleteOne({ _id: user._id });
      throw err;
    }
    const [dto] = await present([user]);
    return dto ?? toUserDto(user, unit.name);
  },

  /** @throws AppError 403, 404, 409 (moving into a unit no longer in force). */
  async update(actor: AuthUser, id: string, input: UpdateUserInput): Promise<User> {
    const user = await this.load(id);
    const { scope } = await unitScope(user.unitId.toHexString());
    if (!canManageUsersIn(actor, scope))
      throw forbidden('You may change accounts only in your own unit and below.');
    if (!canActOnAccount(actor, user.roles)) throw aboveOwnRole();
    if (input.roles) {
      if (!canGrantRoles(actor, input.roles))
        throw forbidden('You may not give a role above your own.');
      if (
        user._id.toHexString() === actor.id &&
        actor.roles.some((r) => r !== 'member' && !input.roles?.includes(r))
      ) {
        throw conflict('You cannot remove your own administrator role; ask another administrator.');
      }
      user.roles = [...new Set(input.roles)];
    }
    if (input.unitId && input.unitId !== user.unitId.toHexString()) {
      const target = await unitScope(input.unitId);
      if (!canManageUsersIn(actor, target.scope))
        throw forbidden('You may move accounts only into your own unit and below.');
      if (!isActive(target.unit))
        throw conflict(`${target.unit.name} is no longer in force; choose a current unit.`);
      user.unitId = target.unit._id;
    }
    if (input.fullName !== undefined) user.fullName = input.fullName;
    if (input.title !== undefined) user.title = input.title;
    if (input.email !== undefined) user.email = input.email;
    if (input.phone !== undefined) user.phone = input.phone;
    user.searchText = searchTextOf(user);
    await user.save();
    return this.get(id);
  },

  /** Turns an account on or off; turning off ends its sessions. @throws AppError 403, 404, 409. */
  async setActive(actor: AuthUser, id: string, active: boolean): Promise<User> {
    const user = await this.load(id);
    const { scope } = await unitScope(user.unitId.toHexString());
    if (!canManageUsersIn(actor, scope))
      throw forbidden('You may change accounts only in your own unit and below.');
    if (!canActOnAccount(actor, user.roles)) throw aboveOwnRole();
    if (!active && id === actor.id) throw conflict('You cannot deactivate your own account.');
    user.active = active;
    await user.save();
    if (!active) await credentialService.revokeAllSessions(id);
    return this.get(id);
  },

  /** An administrator sets a new password; the user's sessions end. @throws AppError 403, 404. */
  async resetPassword(actor: AuthUser, id: string, password: string): Promise<void> {
    const user = await this.load(id);
    const { scope } = await unitScope(user.unitId.toHexString());
    if (!canManageUsersIn(actor, scope))
      throw forbidden('You may reset passwords only in your own unit and below.');
    if (!canActOnAccount(actor, user.roles)) throw aboveOwnRole();
    await credentialService.setPassword(id, password);
    await credentialService.revokeAllSessions(id);
  },
};
