import type { Logger } from 'pino';
import { credentialService } from '../auth/credential.service';
import { UnitModel } from '../units/unit.model';
import { searchKey } from '../text-search';
import { UserModel } from '../users/user.model';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './demo-accounts';
import {
  COMMUNE_COUNT,
  DEPARTMENTS,
  DISTRICTS,
  PROVINCE,
  sampleCommuneNames,
} from './vinh-phuc.data';

/** A further seeding step contributed by a domain module (meetings, documents, ...). */
export type SeedStep = (ctx: SeedContext) => Promise<void>;

/** What seeding steps can use: ids of the seeded units and users. */
export interface SeedContext {
  logger: Logger;
  unitIdByCode: Map<string, string>;
  userIdByUsername: Map<string, string>;
}

/** Demo commune code: `VP-<district code>-<two-digit index>`. */
export function communeCode(districtCode: string, index: number): string {
  return `VP-${districtCode}-${String(index + 1).padStart(2, '0')}`;
}

async function seedUnits(): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const province = await UnitModel.create({
    ...PROVINCE,
    level: 'province',
    searchText: searchKey(`${PROVINCE.name} ${PROVINCE.shortName}`),
  });
  ids.set(PROVINCE.code, province._id.toHexString());
  await UnitModel.insertMany(
    DEPARTMENTS.map((d, i) => ({
      ...d,
      level: 'department',
      parentId: province._id,
      ancestorIds: [province._id],
      order: i,
      searchText: searchKey(`${d.name} ${d.shortName}`),
    })),
  ).then((docs) => docs.forEach((d) => ids.set(d.code, d._id.toHexString())));

  const realCount = DISTRICTS.reduce((n, d) => n + d.communes.length, 0);
  const samples = sampleCommuneNames(Math.max(0, COMMUNE_COUNT - realCount));
  const smallest = [...DISTRICTS].sort((a, b) => a.communes.length - b.communes.length)[0];
  for (const [i, district] of DISTRICTS.entries()) {
    const d = await UnitModel.create({
      code: district.code,
      name: district.name,
      shortName: district.shortName,
      level: 'district',
      parentId: province._id,
      ancestorIds: [province._id],
      order: 100 + i,
      searchText: searchKey(`${district.name} ${district.shortName}`),
    });
    ids.set(district.code, d._id.toHexString());
    const names = [
      ...district.communes.map((name) => ({ name, sample: false })),
      ...(district === smallest ? samples.map((name) => ({ name, sample: true })) : []),
    ];
    const communes = await UnitModel.insertMany(
      names.map((c, j) => ({
        code: communeCode(district.code, j),
        name: `Ủy ban nhân dân ${c.name.charAt(0).toLowerCase()}${c.name.slice(1)}`,
        shortName: c.name,
        level: 'commune',
        parentId: d._id,
        ancestorIds: [province._id, d._id],
        isSample: c.sample,
        order: j,
        searchText: searchKey(c.name),
      })),
    );
    communes.forEach((c) => ids.set(c.code, c._id.toHexString()));
  }
  return ids;
}

async function seedUsers(unitIds: Map<string, string>): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const account of DEMO_ACCOUNTS) {
    const unitId = unitIds.get(account.unitCode);
    if (!unitId)
      throw new Error(`demo account ${account.username}: unknown unit code ${account.unitCode}`);
    const user = await UserModel.create({
      username: account.username,
      fullName: account.fullName,
      title: account.title,
      unitId,
      roles: account.roles,
      searchText: searchKey(`${account.fullName} ${account.username} ${account.title}`),
    });
    await credentialService.setPassword(user._id.toHexString(), DEMO_PASSWORD);
    ids.set(account.username, user._id.toHexString());
  }
  return ids;
}

/**
 * Seeds the demo province, its units and the demo accounts, then runs the modules' steps —
 * only when the database has no unit yet, so it never touches real data.
 * @returns whether anything was seeded.
 */
export async function seedDemoData(logger: Logger, steps: SeedStep[] = []): Promise<boolean> {
  if (await UnitModel.exists({})) return false;
  const started = Date.now();
  const unitIdByCode = await seedUnits();
  const userIdByUsername = await seedUsers(unitIdByCode);
  for (const step of steps) await step({ logger, unitIdByCode, userIdByUsername });
  logger.info(
    { units: unitIdByCode.size, users: userIdByUsername.size, ms: Date.now() - started },
    'seeded demo data',
  );
  return true;
}
