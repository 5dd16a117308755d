import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../server/contracts/audit';
import type { ChatList, ChatMessage } from '../../server/contracts/chat';
import type { Page } from '../../server/contracts/common';
import type { LiveEvent } from '../../server/contracts/live';
import type { Meeting } from '../../server/contracts/meetings';
import { buildMeeting, demoClients, directory } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { SseClient } from '../support/sse-client';
import { startTestApp } from '../support/stack';
import type { ApiClient, TestApp } from '../support/stack';

let app: TestApp;
let c: DemoClients;
let dir: Directory;
let streams: SseClient[] = [];

beforeAll(async () => {
  app = await startTestApp();
  c = await demoClients(app.url);
  dir = await directory(c.admin);
});

afterEach(async () => {
  await Promise.all(streams.map((s) => s.close()));
  streams = [];
});

afterAll(async () => {
  await app.stop();
});

type ErrorBody = { error: { code: string; message: string; details?: unknown } };

/** A live meeting with the three delegates and the Tam Hop site (operator diemcau.tamhop). */
async function liveMeeting(overrides: Record<string, unknown> = {}): Promise<Meeting> {
  const m = await buildMeeting(c, dir, { state: 'scheduled', overrides });
  const inv = await c.secretary.post(`/api/meetings/${m.id}/invitations`, {
    kind: 'unit',
    unitId: dir.unitId('VP-249-11'),
    operatorId: dir.userId('diemcau.tamhop'),
  });
  expect(inv.status).toBe(200);
  const live = await c.secretary.post(`/api/meetings/${m.id}/transitions`, { to: 'live' });
  expect(live.status).toBe(200);
  return m;
}

async function follow(client: ApiClient, meetingId: string): Promise<SseClient> {
  const sse = await SseClient.connect(
    `${app.url}${await client.ticketed(`/api/meetings/${meetingId}/live`, 'live')}`,
  );
  streams.push(sse);
  expect(sse.status).toBe(200);
  await sse.next((e) => e.event === 'ready', 'the ready event', 10_000);
  return sse;
}

function liveEventWithSeq(sse: SseClient, seq: number) {
  return sse.next(
    (e) => e.event === 'message' && (JSON.parse(e.data) as LiveEvent).seq === seq,
    `live event ${seq}`,
  );
}

async function seqOf(meetingId: string): Promise<number> {
  const res = await c.chair.get<{ seq: number }>(`/api/meetings/${meetingId}/live/state`);
  return res.body.seq;
}

describe('meeting chat', () => {
  it('delivers a message to everyone on the live stream and keeps it with the meeting', async () => {
    const m = await liveMeeting();
    const operator = await follow(c.opTamHop, m.id);
    const sent = await c.d1.post<ChatMessage>(`/api/meetings/${m.id}/chat`, {
      text: '  Xin chào các điểm cầu  ',
    });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ to: 'everyone', text: 'Xin chào các điểm cầu' });
    const arrived = await operator.next(
      (e) => e.event === 'message' && (JSON.parse(e.data) as LiveEvent).type === 'chat.message',
      'the chat message',
    );
    const event = JSON.parse(arrived.data) as LiveEvent;
    expect(event.data.message).toMatchObject({ id: sent.body.id, text: 'Xin chào các điểm cầu' });
    expect(event).not.toHaveProperty('audience');
    const list = await c.opTamHop.get<ChatList>(`/api/meetings/${m.id}/chat`);
    expect(list.body.items.map((x) => x.text)).toEqual(['Xin chào các điểm cầu']);
    expect(list.body.can).toEqual({ post: true, hide: false, insertIntoMinutes: false });
  });

  it('refuses an empty message and one over 2,000 characters, storing nothing', async () => {
    const m = await liveMeeting();
    const empty = await c.d1.post<ErrorBody>(`/api/meetings/${m.id}/chat`, { text: '   ' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('validation_failed');
    const long = await c.d1.post<ErrorBody>(`/api/meetings/${m.id}/chat`, {
      text: 'a'.repeat(2001),
    });
    expect(long.status).toBe(400);
    expect(JSON.stringify(long.body.error.details)).toContain('body.text');
    const exact = await c.d1.post(`/api/meetings/${m.id}/chat`, { text: 'b'.repeat(2000) });
    expect(exact.status).toBe(201);
    const list = await c.d1.get<ChatList>(`/api/meetings/${m.id}/chat`);
    expect(list.body.items).toHaveLength(1);
  });

  it('refuses a flood: the sixth message within 10 s gets 429 with Retry-After', async () => {
    const m = await liveMeeting();
    for (let i = 1; i <= 5; i++) {
      const ok = await c.d2.post(`/api/meetings/${m.id}/chat`, { text: `Tin ${i}` });
      expect(ok.status).toBe(201);
    }
    const sixth = await c.d2.post<ErrorBody>(`/api/meetings/${m.id}/chat`, { text: 'Tin 6' });
    expect(sixth.status).toBe(429);
    expect(sixth.body.error.code).toBe('rate_limited');
    const retryAfter = Number(sixth.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(10);
    // Another person is not held back by the flooder.
    const other = await c.d3.post(`/api/meetings/${m.id}/chat`, { text: 'Tôi vẫn gửi được' });
    expect(other.status).toBe(201);
  });

  it('delivers a private message only to the sender, the chair and the secretary', async () => {
    const m = await liveMeeting();
    const [chair, secretary, sender, other, operator] = await Promise.all([
      follow(c.chair, m.id),
      follow(c.secretary, m.id),
      follow(c.d1, m.id),
      follow(c.d2, m.id),
      follow(c.opTamHop, m.id),
    ]);
    const sent = await c.d1.post<ChatMessage>(`/api/meetings/${m.id}/chat`, {
      text: 'Đề nghị chủ tọa cho phát biểu',
      to: 'chair',
    });
    expect(sent.status).toBe(201);
    // The message's own event (the bridge's state may be pushed around it).
    const seq = (
      JSON.parse(
        (
          await chair.next(
            (e) => e.event === 'message' && e.data.includes('"chat.message"'),
            'the private message at the chair',
          )
        ).data,
      ) as LiveEvent
    ).seq;
    for (const sse of [chair, secretary, sender]) {
      const e = JSON.parse((await liveEventWithSeq(sse, seq)).data) as LiveEvent;
      expect(e.type).toBe('chat.message');
      expect(e.data.message).toMatchObject({ text: 'Đề nghị chủ tọa cho phát biểu', to: 'chair' });
    }
    for (const sse of [other, operator]) {
      const arrived = await liveEventWithSeq(sse, seq);
      expect(JSON.parse(arrived.data)).toMatchObject({ type: 'restricted', data: {} });
      expect(arrived.data).not.toContain('Đề nghị');
    }
    const otherList = await c.d2.get<ChatList>(`/api/meetings/${m.id}/chat`);
    expect(otherList.body.items).toHaveLength(0);
    const secretaryList = await c.secretary.get<ChatList>(`/api/meetings/${m.id}/chat`);
    expect(secretaryList.body.items.map((x) => x.id)).toEqual([sent.body.id]);
    const senderList = await c.d1.get<ChatList>(`/api/meetings/${m.id}/chat`);
    expect(senderList.body.items.map((x) => x.id)).toEqual([sent.body.id]);
  });

  it('replays a private message to a reconnecting chair but not to a reconnecting delegate', async () => {
    const m = await liveMeeting();
    const before = await seqOf(m.id);
    await c.d1.post(`/api/meetings/${m.id}/chat`, { text: 'Riêng tư', to: 'chair' });
    const reconnect = async (client: ApiClient) => {
      const path = await client.ticketed(`/api/meetings/${m.id}/live`, 'live', {
        lastEventId: String(before),
      });
      const sse = await SseClient.connect(`${app.url}${path}`);
      streams.push(sse);
      return sse;
    };
    // Other events (the bridge's state) may come between: find the message's own event.
    const chairs = await reconnect(c.chair);
    const message = JSON.parse(
      (
        await chairs.next(
          (e) => e.data.includes('"chat.message"') && e.data.includes('Riêng tư'),
          'the private message replayed to the chair',
        )
      ).data,
    ) as LiveEvent;
    expect(message.seq).toBeGreaterThan(before);
    const replayed = await liveEventWithSeq(await reconnect(c.d2), message.seq);
    expect(JSON.parse(replayed.data)).toMatchObject({ type: 'restricted', data: {} });
    expect(replayed.data).not.toContain('Riêng tư');
  });

  it('lets the chair hide a message, keeping its text in the audit chain', async () => {
    const m = await liveMeeting();
    const sent = await c.d2.post<ChatMessage>(`/api/meetings/${m.id}/chat`, {
      text: 'Nội dung không phù hợp',
    });
    const notChair = await c.d1.post<ErrorBody>(`/api/meetings/${m.id}/chat/${sent.body.id}/hide`);
    expect(notChair.status).toBe(403);
    const hidden = await c.chair.post<ChatMessage>(
      `/api/meetings/${m.id}/chat/${sent.body.id}/hide`,
    );
    expect(hidden.status).toBe(200);
    expect(hidden.body).toMatchObject({ hidden: true, text: 'Nội dung không phù hợp' });
    const again = await c.chair.post<ErrorBody>(`/api/meetings/${m.id}/chat/${sent.body.id}/hide`);
    expect(again.status).toBe(409);
    const seen = await c.d1.get<ChatList>(`/api/meetings/${m.id}/chat`);
    expect(seen.body.items[0]).toMatchObject({ id: sent.body.id, hidden: true, text: '' });
    const audit = await c.chair.get<Page<AuditEntry>>(`/api/meetings/${m.id}/audit?pageSize=500`);
    const entry = audit.body.items.find((e) => e.action === 'chat.hidden');
    expect(entry).toMatchObject({
      actor: { id: dir.userId('chutich') },
      target: { kind: 'chat_message', id: sent.body.id },
      before: { text: 'Nội dung không phù hợp' },
    });
    const verify = await c.chair.get<{ ok: boolean }>(`/api/meetings/${m.id}/audit/verify`);
    expect(verify.body.ok).toBe(true);
  });

  it('tells everyone following the meeting at once when the chair hides a message', async () => {
    const m = await liveMeeting();
    const operator = await follow(c.opTamHop, m.id);
    const sent = await c.d2.post<ChatMessage>(`/api/meetings/${m.id}/chat`, { text: 'Lạc đề' });
    await c.chair.post(`/api/meetings/${m.id}/chat/${sent.body.id}/hide`);
    const arrived = await operator.next(
      (e) => e.event === 'message' && (JSON.parse(e.data) as LiveEvent).type === 'chat.hidden',
      'the hidden notice',
    );
    expect(JSON.parse(arrived.data)).toMatchObject({ data: { messageId: sent.body.id } });
    expect(arrived.data).not.toContain('Lạc đề');
  });

  it('lets the secretary copy a message into the minutes draft, and nobody else', async () => {
    const m = await liveMeeting();
    const sent = await c.d3.post<ChatMessage>(`/api/meetings/${m.id}/chat`, {
      text: 'Đề nghị bổ sung kinh phí cho xã Tam Hợp',
    });
    const byChair = await c.chair.post<ErrorBody>(
      `/api/meetings/${m.id}/chat/${sent.body.id}/minutes`,
    );
    expect(byChair.status).toBe(403);
    const copied = await c.secretary.post<ChatMessage>(
      `/api/meetings/${m.id}/chat/${sent.body.id}/minutes`,
    );
    expect(copied.status).toBe(200);
    expect(copied.body.insertedIntoMinutesAt).not.toBeNull();
    const content = await c.secretary.get<{ text: string }>(
      `/api/meetings/${m.id}/minutes/minutes/content`,
    );
    expect(content.status).toBe(200);
    expect(content.body.text).toContain('Đề nghị bổ sung kinh phí cho xã Tam Hợp');
    expect(content.body.text).toContain('Hoàng Đức Cường');
  });

  it('refuses to post for someone who only follows the meeting, and before it is live', async () => {
    const m = await liveMeeting();
    const admin = await c.admin.post<ErrorBody>(`/api/meetings/${m.id}/chat`, { text: 'Chào' });
    expect(admin.status).toBe(403);
    const later = await buildMeeting(c, dir, { state: 'scheduled' });
    const early = await c.d1.post<ErrorBody>(`/api/meetings/${later.id}/chat`, { text: 'Chào' });
    expect(early.status).toBe(409);
  });

  it("keeps a confidential meeting's chat to those taking part", async () => {
    const m = await liveMeeting({ visibility: 'confidential' });
    const admin = await follow(c.admin, m.id);
    const operator = await follow(c.opTamHop, m.id);
    await c.d1.post(`/api/meetings/${m.id}/chat`, { text: 'Mật' });
    // The message's own event (the bridge's state may be pushed around it).
    const seq = (
      JSON.parse(
        (
          await operator.next(
            (e) => e.event === 'message' && e.data.includes('"chat.message"'),
            'the message at the operator',
          )
        ).data,
      ) as LiveEvent
    ).seq;
    expect(JSON.parse((await liveEventWithSeq(admin, seq)).data)).toMatchObject({
      type: 'restricted',
    });
    const read = await c.admin.get<ErrorBody>(`/api/meetings/${m.id}/chat`);
    expect(read.status).toBe(403);
  });
});
