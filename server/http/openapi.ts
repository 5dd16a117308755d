import { z } from 'zod';
import type { RouteDoc } from './api-router';

type JsonSchema = Record<string, unknown> & {
  properties?: Record<string, Record<string, unknown>>;
  required?: string[];
};

/** The message of the refinement every PATCH body carries (see the contracts). */
const NON_EMPTY_RULE = 'give at least one field to change';

/** One cross-field rule of a schema: what must hold, and the field it is reported on. */
interface RefinementRule {
  rule: string;
  path?: string;
}

/**
 * The refinements (`.refine(...)`) of one Zod schema node, by their messages. JSON Schema cannot
 * express rules such as "endsAt after startsAt"; without this they would be enforced by the API
 * but missing from its description.
 */
function refinementRules(type: z.core.$ZodType): RefinementRule[] {
  const rules: RefinementRule[] = [];
  for (const check of type._zod.def.checks ?? []) {
    const def = check._zod.def as {
      check: string;
      path?: PropertyKey[];
      error?: (issue: unknown) => unknown;
    };
    if (def.check !== 'custom') continue;
    const out = def.error?.({ code: 'custom', input: undefined, path: [] });
    const message =
      typeof out === 'string'
        ? out
        : typeof (out as { message?: unknown } | undefined)?.message === 'string'
          ? (out as { message: string }).message
          : 'a rule checked by the server (see the error message)';
    rules.push({
      rule: message,
      ...(def.path?.length ? { path: def.path.map(String).join('.') } : {}),
    });
  }
  return rules;
}

function schemaOf(type: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const schema = z.toJSONSchema(type, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
    override: (ctx) => {
      const rules = refinementRules(ctx.zodSchema);
      if (!rules.length) return;
      const json = ctx.jsonSchema as Record<string, unknown>;
      // Expressed in JSON Schema where it can be; described (x-rules, description) in any case.
      if (rules.some((r) => r.rule === NON_EMPTY_RULE)) json.minProperties = 1;
      json['x-rules'] = rules;
      const text = rules.map((r) => (r.path ? `${r.path}: ${r.rule}` : r.rule)).join('; ');
      const before = typeof json.description === 'string' ? `${json.description} ` : '';
      json.description = `${before}Rules: ${text}.`;
    },
  }) as JsonSchema;
  delete schema.$schema;
  return schema;
}

function parametersOf(type: z.ZodType | undefined, location: 'path' | 'query'): object[] {
  if (!type) return [];
  const schema = schemaOf(type, 'input');
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    schema: property,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }));
}

const errorResponse = {
  description: 'Error',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: {
              code: { type: 'string' },
              message: { type: 'string' },
              details: {},
              requestId: { type: 'string' },
            },
          },
        },
      },
    },
  },
};

/**
 * Builds the OpenAPI 3.1 document of the API from the same Zod schemas that validate each
 * route, so the description cannot drift from what the server accepts.
 */
export function buildOpenApi(docs: readonly RouteDoc[], info: { version: string }): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const doc of docs) {
    const path = '/api' + doc.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const responses: Record<string, object> = {};
    if (doc.response) {
      responses[String(doc.status)] = {
        description: 'Success',
        content: { 'application/json': { schema: schemaOf(doc.response, 'output') } },
      };
    } else if (doc.responseContentType) {
      responses[String(doc.status)] = {
        description: 'Success',
        content: { [doc.responseContentType]: {} },
      };
    } else {
      responses[doc.status === 200 ? '204' : String(doc.status)] = {
        description: 'Success, no content',
      };
    }
    const statuses = new Set([400, ...(doc.auth === 'required' ? [401] : []), ...doc.errors]);
    for (const s of statuses) responses[String(s)] = errorResponse;
    const operation: Record<string, unknown> = {
      summary: doc.summary,
      tags: doc.tags,
      operationId: `${doc.method}${path
        .replace(/[{}]/g, '')
        .replace(/\/(\w)/g, (_m, c: string) => c.toUpperCase())
        .replace(/[^A-Za-z0-9]/g, '')}`,
      parameters: [
        ...parametersOf(doc.params, 'path'),
        ...parametersOf(doc.query, 'query'),
        ...(doc.ticket
          ? [
              {
                name: 'ticket',
                in: 'query',
                required: false,
                schema: { type: 'string' },
                description: `Single-use ticket (purpose "${doc.ticket}") from POST /api/tickets, for clients that cannot set headers`,
              },
            ]
          : []),
      ],
      responses,
      ...(doc.auth === 'none' ? { security: [] } : {}),
    };
    if (doc.body) {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: schemaOf(doc.body, 'input') } },
      };
    } else if (doc.requestContentType) {
      operation.requestBody = { required: true, content: { [doc.requestContentType]: {} } };
    }
    (paths[path] ??= {})[doc.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Diên Hồng API',
      version: info.version,
      description:
        'Paperless meetings and video bridges. Errors are JSON: { "error": { "code", "message", "details" } }.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
