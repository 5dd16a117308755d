import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { AccessToken } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Supervisor } from '../../infra/local/supervisor';
import type { ConferenceBot } from '../../media/bots/conference-bot';
import { ConferenceControl } from '../../media/conference-control';
import { siteIdentity, userIdentity } from '../../media/contracts/participant-identity';
import type { LivekitEndpoint } from '../../media/livekit-health';
import { isMediaError } from '../../media/media-errors';
import { ConferenceWebhook } from '../../media/webhook';
import type { ConferenceEvent } from '../../media/webhook';
import { stack, waitFor } from '../support/stack';
import { disconnectAll, joinBot, randomObjectId, unit } from '../support/media';

describe('LiveKit webhooks', () => {
  const supervisor = new Supervisor({
    root: stack().root,
    dataDir: mkdtempSync(join(stack().tmpDir, 'lk-webhook-')),
    log: () => undefined,
  });
  let server: Server;
  let webhookUrl: string;
  let endpoint: LivekitEndpoint;
  let control: ConferenceControl;
  const events: ConferenceEvent[] = [];
  const bots: ConferenceBot[] = [];

  let webhook: ConferenceWebhook | undefined;

  beforeAll(async () => {
    // Stands in for the API route POST /api/livekit/webhook that the server will mount as a raw
    // route: raw body + Authorization header into ConferenceWebhook, 401 on a bad signature.
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const hook = webhook;
        if (!hook) {
          res.writeHead(503).end();
          return;
        }
        hook
          .handle(Buffer.concat(chunks), req.headers.authorization, (e) => {
            events.push(e);
          })
          .then(
            () => res.writeHead(200).end(),
            (err: unknown) => res.writeHead(isMediaError(err) ? err.status : 500).end(),
          );
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    webhookUrl = `http://127.0.0.1:${port}/api/livekit/webhook`;
    const lk = await supervisor.startLivekit({ webhookUrl });
    endpoint = { url: lk.url, apiKey: lk.apiKey, apiSecret: lk.apiSecret };
    webhook = new ConferenceWebhook({ apiKey: lk.apiKey, apiSecret: lk.apiSecret });
    control = new ConferenceControl({ endpoint });
  });

  afterAll(async () => {
    await disconnectAll(bots);
    await supervisor.stop();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('reports joins and leaves in order, with times, and the room lifecycle', async () => {
    const meetingId = randomObjectId();
    const chairId = randomObjectId();
    const site = unit('VP-249-11', 'commune', 'UBND xã Tam Hợp');
    const seen = (type: ConferenceEvent['type'], identity?: string) => () =>
      events.find(
        (e) =>
          e.meetingId === meetingId &&
          e.type === type &&
          (identity === undefined || ('identity' in e && e.identity === identity)),
      );

    await control.openRoom({ meetingId, title: 'Giao ban trực tuyến' });
    await waitFor(seen('room_started'), 'room_started');
    const chair = await joinBot(endpoint, meetingId, { userId: chairId, role: 'chair' });
    bots.push(chair);
    await waitFor(seen('participant_joined', userIdentity(chairId)), 'chair joined');
    const commune = await joinBot(endpoint, meetingId, { site });
    bots.push(commune);
    await waitFor(seen('participant_joined', siteIdentity(site.code)), 'site joined');
    await commune.disconnect();
    await waitFor(seen('participant_left', siteIdentity(site.code)), 'site left');
    await chair.disconnect();
    await waitFor(seen('participant_left', userIdentity(chairId)), 'chair left');
    await control.closeRoom(meetingId);
    await waitFor(seen('room_finished'), 'room_finished');

    const mine = events.filter((e) => e.meetingId === meetingId);
    const participantEvents = mine.filter((e) => e.type.startsWith('participant_'));
    expect(participantEvents.map((e) => [e.type, 'identity' in e ? e.identity : ''])).toEqual([
      ['participant_joined', userIdentity(chairId)],
      ['participant_joined', siteIdentity(site.code)],
      ['participant_left', siteIdentity(site.code)],
      ['participant_left', userIdentity(chairId)],
    ]);
    for (let i = 1; i < participantEvents.length; i++) {
      expect(participantEvents[i]?.at.getTime()).toBeGreaterThanOrEqual(
        Math.floor((participantEvents[i - 1]?.at.getTime() ?? 0) / 1000) * 1000,
      );
    }
    const siteJoin = participantEvents[1];
    const siteLeft = participantEvents[2];
    if (siteJoin?.type !== 'participant_joined' || siteLeft?.type !== 'participant_left') {
      throw new Error('unexpected event types');
    }
    // The host pairs a join with its leave by session id to record an attendance interval.
    expect(siteLeft.participantSid).toBe(siteJoin.participantSid);
    expect(siteLeft.at.getTime()).toBeGreaterThanOrEqual(siteJoin.at.getTime());
    expect(siteJoin.metadata).toMatchObject({ role: 'site', unit: site, displayName: site.name });
    expect(siteLeft.reason).toBe('CLIENT_INITIATED');
    expect(Math.abs(siteJoin.at.getTime() - Date.now())).toBeLessThan(60_000);
    expect(mine[0]?.type).toBe('room_started');
    expect(mine.at(-1)?.type).toBe('room_finished');
  });

  it('refuses forged or altered webhooks and records nothing', async () => {
    const before = events.length;
    const body = JSON.stringify({
      event: 'participant_joined',
      id: 'EV_test',
      createdAt: String(Math.floor(Date.now() / 1000)),
      room: { name: `meeting-${randomObjectId()}` },
      participant: { identity: siteIdentity('243'), sid: 'PA_forged', joinedAt: '1' },
    });
    const sign = async (secret: string, payload: string): Promise<string> => {
      const at = new AccessToken(endpoint.apiKey, secret, { ttl: 300 });
      at.sha256 = createHash('sha256').update(payload).digest('base64');
      return at.toJwt();
    };
    const post = async (payload: string, authorization?: string): Promise<number> => {
      const res = await fetch(webhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/webhook+json',
          ...(authorization ? { authorization } : {}),
        },
        body: payload,
      });
      return res.status;
    };
    expect(await post(body, await sign('not-the-secret-of-this-server-000000', body))).toBe(401);
    expect(
      await post(body.replace('PA_forged', 'PA_changed'), await sign(endpoint.apiSecret, body)),
    ).toBe(401);
    expect(await post(body)).toBe(401);
    expect(await post(body, 'Bearer not-a-jwt')).toBe(401);
    // Correctly signed: accepted (this proves the three refusals were about the signature).
    expect(await post(body, await sign(endpoint.apiSecret, body))).toBe(200);
    expect(events.slice(before).map((e) => e.eventId)).toEqual(['EV_test']);
  });
});
