import { createHash } from 'node:crypto';
import { AccessToken, TokenVerifier } from 'livekit-server-sdk';
import { describe, expect, it } from 'vitest';
import { createConferenceToken, DEFAULT_TOKEN_TTL_SECONDS } from '../../../media/access-tokens';
import type { ConferenceParticipant } from '../../../media/conference-participant';
import { EgressController } from '../../../media/egress-controller';
import { isMediaError } from '../../../media/media-errors';
import { buildRollCall } from '../../../media/roll-call';
import { ConferenceWebhook } from '../../../media/webhook';

const endpoint = {
  url: 'ws://127.0.0.1:1',
  apiKey: 'APItest',
  apiSecret: 'a-secret-of-at-least-32-characters-long',
};
const meetingId = '0123456789abcdef01234567';
const userId = 'fedcba9876543210fedcba98';
const commune = { code: 'VP-249-11', name: 'Xã Tam Hợp', level: 'commune' } as const;

describe('conference tokens', () => {
  it('carries the identity, metadata and grants of the role, and expires', async () => {
    const before = Date.now();
    const t = await createConferenceToken(endpoint, {
      meetingId,
      identity: { kind: 'site', unitCode: commune.code },
      role: 'site',
      displayName: commune.name,
      unit: commune,
    });
    const claims = await new TokenVerifier(endpoint.apiKey, endpoint.apiSecret).verify(t.token);
    expect(claims.sub).toBe('site:VP-249-11');
    expect(JSON.parse(claims.metadata ?? '')).toMatchObject({
      kind: 'site',
      role: 'site',
      unit: commune,
    });
    expect(claims.video).toMatchObject({
      room: `meeting-${meetingId}`,
      roomJoin: true,
      canSubscribe: true,
      // Only its microphone, published muted on joining: the floor unmutes it.
      canPublish: true,
      canPublishSources: ['microphone'],
      canPublishData: true,
      hidden: false,
    });
    expect(claims.video?.roomAdmin).toBeFalsy();
    expect(t.expiresAt.getTime()).toBeGreaterThanOrEqual(before + DEFAULT_TOKEN_TTL_SECONDS * 1000);
    expect(t.expiresAt.getTime()).toBeLessThanOrEqual(
      Date.now() + DEFAULT_TOKEN_TTL_SECONDS * 1000,
    );
  });

  it('lets the chair publish every source but never administer LiveKit directly', async () => {
    const t = await createConferenceToken(endpoint, {
      meetingId,
      identity: { kind: 'user', userId },
      role: 'chair',
      displayName: 'Chủ tịch',
      ttlSeconds: 600,
    });
    const claims = await new TokenVerifier(endpoint.apiKey, endpoint.apiSecret).verify(t.token);
    expect(claims.video?.canPublish).toBe(true);
    // The SDK writes sources into the JWT by name.
    expect([...(claims.video?.canPublishSources ?? [])].sort()).toEqual([
      'camera',
      'microphone',
      'screen_share',
      'screen_share_audio',
    ]);
    expect(claims.video?.roomAdmin).toBeFalsy();
    expect(claims.video?.roomCreate).toBeFalsy();
  });

  it('refuses a role that does not fit, a bad meeting id and an absurd lifetime', async () => {
    const base = { meetingId, identity: { kind: 'user', userId } as const, displayName: 'x' };
    for (const request of [
      { ...base, role: 'site' as const },
      { ...base, role: 'chair' as const, meetingId: 'nope' },
      { ...base, role: 'chair' as const, ttlSeconds: 5 },
      { ...base, role: 'chair' as const, displayName: '   ' },
    ]) {
      await expect(createConferenceToken(endpoint, request)).rejects.toSatisfy((e) =>
        isMediaError(e, 'invalid_input'),
      );
    }
  });
});

describe('roll call', () => {
  const participant = (identity: string, joinedAt: Date): ConferenceParticipant => ({
    identity,
    parsed: identity.startsWith('site:') ? { kind: 'site', unitCode: identity.slice(5) } : null,
    name: identity,
    metadata: null,
    role: 'site',
    joinedAt,
    canPublish: false,
    holdsFloor: false,
    hidden: false,
    tracks: [],
  });
  const now = new Date('2026-11-23T08:00:00Z');
  const sites = [
    commune,
    { code: '243', name: 'TP Vĩnh Yên', level: 'district' },
    { code: 'VP-250-02', name: 'Xã B', level: 'commune' },
  ] as const;

  it('merges the server list, the monitor, the phone marks and older attendance', () => {
    const call = buildRollCall({
      meetingId,
      now,
      expectedSites: sites,
      participants: [
        participant('site:VP-249-11', new Date('2026-11-23T07:50:00Z')),
        participant('site:VP-999-01', now),
      ],
      observations: new Map([
        [
          'site:VP-249-11',
          {
            quality: 'poor',
            reportedAt: new Date(now.getTime() - 5000),
            connected: true,
            lastSeenAt: now,
          },
        ],
        [
          'site:243',
          {
            quality: 'good',
            reportedAt: new Date('2026-11-23T07:40:00Z'),
            connected: false,
            lastSeenAt: new Date('2026-11-23T07:45:00Z'),
          },
        ],
      ]),
      presentByPhone: ['VP-250-02'],
      lastSeen: new Map([['site:243', new Date('2026-11-23T07:30:00Z')]]),
    });
    expect(call.sites.map((s) => [s.status, s.quality, s.lastSeenAt])).toEqual([
      ['connected', 'poor', now.toISOString()],
      ['absent', 'unknown', '2026-11-23T07:45:00.000Z'],
      ['present_by_phone', 'unknown', null],
    ]);
    expect(call.unexpected).toEqual(['site:VP-999-01']);
    expect(call.counts).toEqual({ expected: 3, connected: 1, presentByPhone: 1, absent: 1 });
  });

  it('calls a connected site whose reports stopped "lost"', () => {
    const call = buildRollCall({
      meetingId,
      now,
      expectedSites: [commune],
      participants: [participant('site:VP-249-11', now)],
      observations: new Map([
        [
          'site:VP-249-11',
          {
            quality: 'excellent',
            reportedAt: new Date(now.getTime() - 31_000),
            connected: true,
            lastSeenAt: now,
          },
        ],
      ]),
    });
    expect(call.sites[0]?.quality).toBe('lost');
  });

  it('tells who is on air and whose microphone is on, muted or not published', () => {
    const track = (sid: string, source: 'camera' | 'microphone', muted: boolean) => ({
      sid,
      kind: source === 'camera' ? ('video' as const) : ('audio' as const),
      source,
      muted,
    });
    const call = buildRollCall({
      meetingId,
      now,
      expectedSites: [commune],
      participants: [
        {
          ...participant('site:26', now),
          role: 'hub',
          canPublish: true,
          tracks: [track('TR_cam', 'camera', false), track('TR_mic', 'microphone', false)],
        },
        {
          ...participant('site:VP-249-11', now),
          canPublish: true,
          tracks: [track('TR_mic2', 'microphone', true)],
        },
        participant('site:243', now),
        { ...participant('recorder:x', now), hidden: true },
      ],
    });
    expect(call.participants.map((p) => [p.identity, p.camera, p.microphone])).toEqual([
      ['site:26', true, 'on'],
      ['site:VP-249-11', false, 'muted'],
      ['site:243', false, 'off'],
    ]);
  });
});

describe('webhook verification', () => {
  const hook = new ConferenceWebhook({ apiKey: endpoint.apiKey, apiSecret: endpoint.apiSecret });
  const body = JSON.stringify({
    event: 'participant_left',
    id: 'EV_1',
    createdAt: '1795449000',
    room: { name: `meeting-${meetingId}` },
    participant: {
      identity: 'site:243',
      sid: 'PA_1',
      joinedAtMs: '1795449000500',
      disconnectReason: 'PARTICIPANT_REMOVED',
    },
  });
  const sign = (secret: string, payload: string): Promise<string> => {
    const at = new AccessToken(endpoint.apiKey, secret, { ttl: 60 });
    at.sha256 = createHash('sha256').update(payload).digest('base64');
    return at.toJwt();
  };

  it('turns a signed webhook into an event whose leave is never before its join', async () => {
    const event = await hook.verify(Buffer.from(body), await sign(endpoint.apiSecret, body));
    expect(event).toMatchObject({
      type: 'participant_left',
      meetingId,
      identity: 'site:243',
      participantSid: 'PA_1',
      reason: 'PARTICIPANT_REMOVED',
      service: false,
    });
    expect(event?.at.getTime()).toBe(1795449000500);
  });

  it('throws invalid_signature for a wrong key, an altered body or no header', async () => {
    const invalid = (e: unknown): boolean => isMediaError(e, 'invalid_signature');
    await expect(
      hook.verify(body, await sign('another-secret-of-at-least-32-characters', body)),
    ).rejects.toSatisfy(invalid);
    await expect(
      hook.verify(body.replace('243', '244'), await sign(endpoint.apiSecret, body)),
    ).rejects.toSatisfy(invalid);
    await expect(hook.verify(body, undefined)).rejects.toSatisfy(invalid);
  });

  it('ignores verified events about other rooms', async () => {
    const other = body.replace(`meeting-${meetingId}`, 'lobby');
    expect(await hook.verify(other, await sign(endpoint.apiSecret, other))).toBeNull();
  });
});

describe('egress', () => {
  it('answers not_configured with a clear message when Egress is not set up', async () => {
    const egress = new EgressController(endpoint);
    expect(egress.configured).toBe(false);
    await expect(egress.startVideoRecording(meetingId)).rejects.toSatisfy(
      (e) =>
        isMediaError(e, 'not_configured') &&
        e.status === 501 &&
        e.message.includes('infra/deploy/egress.md'),
    );
  });
});
