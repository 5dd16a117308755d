import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMeeting, demoClients, directory, meetingInput } from '../support/records';
import type { DemoClients, Directory } from '../support/records';
import { startTestApp } from '../support/stack';
import type { TestApp } from '../support/stack';

// Issue 12, point 11: undeclared methods answer 405 with Allow (derived from the declared
// routes), and the cross-field rules the API enforces are in its OpenAPI document.

type Operation = {
  requestBody?: { content: Record<string, { schema?: Record<string, unknown> }> };
};
type OpenApi = { paths: Record<string, Record<string, Operation>> };

let app: TestApp;
let c: DemoClients;
let dir: Directory;
let openApi: OpenApi;

beforeAll(async () => {
  app = await startTestApp();
  c = await demoClients(app.url);
  dir = await directory(c.admin);
  openApi = (await (await fetch(`${app.url}/api/openapi.json`)).json()) as OpenApi;
});
afterAll(async () => {
  await app.stop();
});

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const ID = '0123456789abcdef01234567';

function concrete(path: string): string {
  return path.replace(/\{[^}]+\}/g, ID);
}

function jsonBodySchema(path: string, method: string): Record<string, unknown> | undefined {
  return openApi.paths[path]?.[method]?.requestBody?.content['application/json']?.schema;
}

describe('405 Method Not Allowed', () => {
  it('answers every undeclared method on every documented path with 405 and the declared Allow', async () => {
    const checked: string[] = [];
    for (const [path, operations] of Object.entries(openApi.paths)) {
      const declared = Object.keys(operations);
      const undeclared = METHODS.find((m) => !declared.includes(m));
      if (!undeclared) continue;
      const res = await fetch(app.url + concrete(path), {
        method: undeclared.toUpperCase(),
        headers: { authorization: `Bearer ${c.admin.token ?? ''}` },
      });
      const allow = (res.headers.get('allow') ?? '').split(', ').filter(Boolean);
      // A more specific declared path may also match the concrete URL; its methods are added.
      expect(res.status, `${undeclared.toUpperCase()} ${path}`).toBe(405);
      for (const m of declared) expect(allow, path).toContain(m.toUpperCase());
      if (declared.includes('get')) expect(allow, path).toContain('HEAD');
      expect(allow, path).not.toContain(undeclared.toUpperCase());
      const body = (await res.json()) as { error: { code: string; details: { allow: string[] } } };
      expect(body.error.code).toBe('method_not_allowed');
      expect(body.error.details.allow).toEqual(allow);
      checked.push(path);
    }
    expect(checked.length).toBeGreaterThan(20);
  });

  it('answers PUT /api/meetings/:id with 405 and Allow naming GET and PATCH', async () => {
    const meeting = await buildMeeting(c, dir);
    const res = await fetch(`${app.url}/api/meetings/${meeting.id}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${c.secretary.token ?? ''}` },
    });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toMatch(/GET/);
    expect(res.headers.get('allow')).toMatch(/PATCH/);
  });

  it('answers POST /api/openapi.json with 405 and Allow GET, HEAD', async () => {
    const res = await fetch(`${app.url}/api/openapi.json`, { method: 'POST' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers GET /api/livekit/webhook with 405 and Allow POST', async () => {
    const res = await fetch(`${app.url}/api/livekit/webhook`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('still answers 404 on a path that no route declares', async () => {
    const res = await fetch(`${app.url}/api/no-such-thing`, { method: 'DELETE' });
    expect(res.status).toBe(404);
    expect(res.headers.get('allow')).toBeNull();
  });
});

describe('cross-field rules in the OpenAPI document', () => {
  it('every PATCH body says it needs at least one field (minProperties 1, or a required field)', () => {
    const patches = Object.keys(openApi.paths).filter((p) => jsonBodySchema(p, 'patch'));
    expect(patches.length).toBeGreaterThan(3);
    let refined = 0;
    for (const path of patches) {
      const schema = jsonBodySchema(path, 'patch') ?? {};
      const required = (schema.required ?? []) as string[];
      if (required.length > 0) continue;
      expect(schema.minProperties, path).toBe(1);
      expect(JSON.stringify(schema['x-rules']), path).toContain('at least one field');
      refined++;
    }
    expect(refined).toBeGreaterThan(3);
  });

  it('documents "endsAt after startsAt" on creating and changing a meeting', () => {
    for (const [path, method] of [
      ['/api/meetings', 'post'],
      ['/api/meetings/{id}', 'patch'],
    ] as const) {
      const schema = jsonBodySchema(path, method);
      expect(schema?.['x-rules'], `${method} ${path}`).toContainEqual({
        rule: 'must be after startsAt',
        path: 'endsAt',
      });
      expect(schema?.description).toMatch(/Rules: .*endsAt: must be after startsAt/);
    }
  });

  it('enforces "endsAt after startsAt" as documented', async () => {
    const input = meetingInput(dir) as { startsAt: string };
    const res = await c.secretary.post<{ error: { details: { issues: { path: string }[] } } }>(
      '/api/meetings',
      { ...input, endsAt: new Date(Date.parse(input.startsAt) - 60_000).toISOString() },
    );
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues.map((d) => d.path)).toContain('body.endsAt');
  });

  it('enforces a non-empty PATCH body as documented', async () => {
    const meeting = await buildMeeting(c, dir);
    const res = await c.secretary.patch(`/api/meetings/${meeting.id}`, {});
    expect(res.status).toBe(400);
  });
});
