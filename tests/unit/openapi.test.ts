import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Authenticator } from '../../server/auth/auth-user';
import { ApiRouter } from '../../server/http/api-router';
import { buildOpenApi } from '../../server/http/openapi';

const noAuth: Authenticator = { fromRequest: () => Promise.resolve(null) };

describe('buildOpenApi', () => {
  it('describes routes from the same Zod schemas that validate them', () => {
    const api = new ApiRouter(noAuth);
    api.route({
      method: 'post',
      path: '/things/:id',
      summary: 'Change a thing',
      tags: ['things'],
      params: z.object({ id: z.string().length(24) }),
      query: z.object({ dryRun: z.enum(['true', 'false']).optional() }),
      body: z.object({ name: z.string().min(2) }),
      response: z.object({ ok: z.boolean() }),
      errors: [404],
      handler: () => ({ ok: true }),
    });
    const doc = buildOpenApi(api.docs, { version: '1.2.3' }) as {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          {
            parameters: { name: string; in: string }[];
            requestBody: unknown;
            responses: Record<string, unknown>;
          }
        >
      >;
    };
    expect(doc.openapi).toBe('3.1.0');
    const op = doc.paths['/api/things/{id}']?.post;
    expect(op?.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(['path:id', 'query:dryRun']);
    expect(JSON.stringify(op?.requestBody)).toContain('"minLength":2');
    expect(Object.keys(op?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '400', '401', '404']),
    );
  });

  it('describes cross-field rules (refinements) as x-rules, and a non-empty PATCH as minProperties', () => {
    const api = new ApiRouter(noAuth);
    api.route({
      method: 'patch',
      path: '/periods/:id',
      summary: 'Change a period',
      tags: ['periods'],
      body: z
        .object({ from: z.string(), to: z.string() })
        .partial()
        .refine((v) => Object.keys(v).length > 0, 'give at least one field to change')
        .refine((v) => !v.from || !v.to || v.to > v.from, {
          message: 'must be after from',
          path: ['to'],
        }),
      handler: () => undefined,
    });
    const doc = buildOpenApi(api.docs, { version: '1' }) as {
      paths: Record<
        string,
        { patch: { requestBody: { content: Record<string, { schema: object }> } } }
      >;
    };
    const schema = doc.paths['/api/periods/{id}']?.patch.requestBody.content['application/json']
      ?.schema as Record<string, unknown>;
    expect(schema.minProperties).toBe(1);
    expect(schema['x-rules']).toEqual([
      { rule: 'give at least one field to change' },
      { rule: 'must be after from', path: 'to' },
    ]);
    expect(schema.description).toBe(
      'Rules: give at least one field to change; to: must be after from.',
    );
  });
});
