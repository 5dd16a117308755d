import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../server/config';
import { mayReadPublished } from '../../server/minutes/minutes.policy';
import type { MeetingAccess } from '../../server/meetings/meeting.policy';

function problems(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('signing settings', () => {
  it('default to demo certificates except in a real deployment (production without the demo seed)', () => {
    expect(parseConfig({}).signing).toEqual({ units: {}, allowDemoCertificates: true });
    // `npm start` runs the demo with NODE_ENV=production and SEED=demo: publishing must work.
    expect(parseConfig({ NODE_ENV: 'production' }).signing.allowDemoCertificates).toBe(true);
    expect(
      parseConfig({ NODE_ENV: 'production', SEED: 'none' }).signing.allowDemoCertificates,
    ).toBe(false);
    expect(parseConfig({ SIGNING_DEMO_CERTIFICATES: 'false' }).signing.allowDemoCertificates).toBe(
      false,
    );
  });

  it('reads per-unit PKCS#12 files by unit code', () => {
    const units = { '26': { p12Path: '/etc/dh/26.p12', passphraseFile: '/etc/dh/26.pass' } };
    expect(parseConfig({ SIGNING_CERTIFICATES: JSON.stringify(units) }).signing.units).toEqual(
      units,
    );
  });

  it('names the variable and hides the value when it is wrong', () => {
    const notJson = problems({ SIGNING_CERTIFICATES: '{"26": secret' });
    expect(notJson).toHaveLength(1);
    expect(notJson[0]).toMatch(/^SIGNING_CERTIFICATES: expected JSON \(value hidden\)$/);
    expect(problems({ SIGNING_CERTIFICATES: '{"26":{"path":"x"}}' })[0]).toMatch(
      /^SIGNING_CERTIFICATES: /,
    );
    expect(
      problems({ NODE_ENV: 'production', SEED: 'none', SIGNING_DEMO_CERTIFICATES: 'true' })[0],
    ).toMatch(/^SIGNING_DEMO_CERTIFICATES: demo certificates are not allowed in production/);
  });
});

const access = (over: Partial<MeetingAccess>): MeetingAccess => ({
  meetingId: 'm',
  userId: 'u',
  state: 'ended',
  visibility: 'internal',
  role: null,
  voting: false,
  substituteFor: null,
  operatedSiteIds: [],
  hostAdmin: false,
  systemAdmin: false,
  inHostUnit: false,
  ...over,
});

describe('who reads published minutes', () => {
  it('public for all, internal for the host unit, confidential for participants', () => {
    expect(mayReadPublished('public', null)).toBe(true);
    expect(mayReadPublished('internal', null)).toBe(false);
    expect(mayReadPublished('internal', access({ inHostUnit: true }))).toBe(true);
    expect(mayReadPublished('internal', access({}))).toBe(false);
    const outsider = access({ visibility: 'confidential', inHostUnit: true });
    expect(mayReadPublished('confidential', outsider)).toBe(false);
    expect(mayReadPublished('confidential', access({ role: 'delegate' }))).toBe(true);
  });
});
