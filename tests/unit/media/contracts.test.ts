import { describe, expect, it } from 'vitest';
import {
  conferenceRoomName,
  parseConferenceRoomName,
  parseRoomMetadata,
} from '../../../media/contracts/conference-room';
import {
  decodeQualityReport,
  encodeQualityReport,
  QUALITY_REPORT_MAX_BYTES,
  shouldProposeAudioOnly,
} from '../../../media/contracts/connection-quality';
import { conferenceConnectOptions } from '../../../media/contracts/client-options';
import {
  canHoldFloor,
  conferenceRoles,
  grantProfiles,
} from '../../../media/contracts/grant-profiles';
import {
  formatParticipantIdentity,
  isServiceIdentity,
  monitorIdentity,
  parseParticipantIdentity,
  siteIdentity,
} from '../../../media/contracts/participant-identity';
import {
  formatParticipantMetadata,
  parseParticipantMetadata,
} from '../../../media/contracts/participant-metadata';

const ID = '0123456789abcdef01234567';

describe('participant identities', () => {
  it('round-trips every kind', () => {
    for (const identity of [
      { kind: 'site', unitCode: 'VP-249-11' },
      { kind: 'site', unitCode: '26' },
      { kind: 'user', userId: ID },
      { kind: 'recorder', meetingId: ID },
      { kind: 'monitor', meetingId: ID },
    ] as const) {
      expect(parseParticipantIdentity(formatParticipantIdentity(identity))).toEqual(identity);
    }
  });

  it('rejects anything else', () => {
    for (const bad of [
      '',
      'site:',
      'site:-x',
      'site:a b',
      'user:xyz',
      `user:${ID}0`,
      'chair:1',
      ID,
      `recorder:${ID.toUpperCase()}`,
    ]) {
      expect(parseParticipantIdentity(bad)).toBeNull();
    }
    expect(() => siteIdentity('bad code')).toThrow();
  });

  it('tells helpers from attendees', () => {
    expect(isServiceIdentity(monitorIdentity(ID))).toBe(true);
    expect(isServiceIdentity(siteIdentity('243'))).toBe(false);
  });
});

describe('participant metadata', () => {
  const site = {
    kind: 'site',
    role: 'site',
    displayName: 'Xã Tam Hợp',
    unit: { code: 'VP-249-11', name: 'Xã Tam Hợp', level: 'commune' },
  } as const;

  it('round-trips and normalizes Vietnamese to NFC', () => {
    const decomposed = 'Xã Tam Hợp'.normalize('NFD');
    const text = formatParticipantMetadata({ ...site, displayName: decomposed });
    expect(parseParticipantMetadata(text)?.displayName).toBe('Xã Tam Hợp'.normalize('NFC'));
  });

  it('refuses a role that does not fit the identity kind, and a site without unit', () => {
    expect(() => formatParticipantMetadata({ ...site, role: 'chair' })).toThrow(
      /cannot have the role/,
    );
    expect(() =>
      formatParticipantMetadata({ kind: 'site', role: 'site', displayName: 'x' }),
    ).toThrow(/names its unit/);
    expect(
      parseParticipantMetadata('{"kind":"user","role":"recorder","displayName":"x"}'),
    ).toBeNull();
    expect(parseParticipantMetadata('not json')).toBeNull();
    expect(parseParticipantMetadata(undefined)).toBeNull();
  });
});

describe('rooms', () => {
  it('names a meeting room and parses it back', () => {
    expect(conferenceRoomName(ID)).toBe(`meeting-${ID}`);
    expect(parseConferenceRoomName(`meeting-${ID}`)).toBe(ID);
    expect(parseConferenceRoomName('lobby')).toBeNull();
    expect(() => conferenceRoomName('42')).toThrow();
  });

  it('accepts only complete room metadata', () => {
    const ok = {
      meetingId: ID,
      title: 'Họp',
      currentItem: { id: 'i1', title: 'Mục 1' },
      spotlight: null,
    };
    expect(parseRoomMetadata(JSON.stringify(ok))).toEqual(ok);
    expect(parseRoomMetadata(JSON.stringify({ ...ok, meetingId: 'x' }))).toBeNull();
    expect(parseRoomMetadata('')).toBeNull();
  });
});

describe('grant profiles', () => {
  it('gives the floor only to sites and delegates, and hides only the helpers', () => {
    expect(conferenceRoles.filter(canHoldFloor)).toEqual(['site', 'delegate']);
    expect(conferenceRoles.filter((r) => grantProfiles[r].hidden)).toEqual(['recorder', 'monitor']);
    expect(conferenceRoles.filter((r) => grantProfiles[r].canPublish)).toEqual(['chair', 'hub']);
    expect(grantProfiles.observer).toMatchObject({
      canSubscribe: true,
      canPublish: false,
      canPublishData: false,
    });
  });
});

describe('connection quality reports', () => {
  it('round-trips and drops junk', () => {
    expect(decodeQualityReport(encodeQualityReport('poor'))).toEqual({ v: 1, quality: 'poor' });
    expect(decodeQualityReport(new TextEncoder().encode('{"v":1,"quality":"great"}'))).toBeNull();
    expect(decodeQualityReport(new Uint8Array(QUALITY_REPORT_MAX_BYTES + 1))).toBeNull();
  });

  it('proposes audio only after quality stayed poor long enough', () => {
    const poorFrom = [
      { at: 0, quality: 'excellent' },
      { at: 1000, quality: 'poor' },
      { at: 9000, quality: 'lost' },
    ] as const;
    expect(shouldProposeAudioOnly(poorFrom, 15_999)).toBe(false);
    expect(shouldProposeAudioOnly(poorFrom, 16_000)).toBe(true);
    expect(shouldProposeAudioOnly([...poorFrom, { at: 12_000, quality: 'good' }], 60_000)).toBe(
      false,
    );
  });
});

describe('client connect options', () => {
  it('override ICE servers only on closed networks', () => {
    expect(conferenceConnectOptions({ closedNetwork: true }).rtcConfig).toEqual({ iceServers: [] });
    expect(conferenceConnectOptions({ closedNetwork: false }).rtcConfig).toBeUndefined();
  });
});
