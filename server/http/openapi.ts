import { z } from 'zod';
import type { RouteDoc } from './api-router';

type JsonSchema = Record<string, unknown> & {
  properties?: Record<string, Record<string, unknown>>;
  required?: string[];
};

function schemaOf(type: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const schema = z.toJSONSchema(type, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
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
