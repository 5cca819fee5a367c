import { ERROR_STATUS } from '@ferry/core';
import { z } from 'zod';
import { allRoutes } from './api/routes.ts';

const errorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ id: 'Error' });

/** OpenAPI 3.1 from the route registry and the same zod schemas that validate requests. */
export function openApiDocument() {
  const schemas: Record<string, unknown> = {};
  const toSchema = (s: z.ZodType, io: 'input' | 'output') => {
    // Schemas with a meta id land in components; inputs get their own copy (defaults make fields optional).
    const suffix = io === 'input' ? 'Input' : '';
    const raw = JSON.stringify(z.toJSONSchema(s, { target: 'draft-2020-12', io, unrepresentable: 'any' }));
    const js = JSON.parse(
      raw.replace(/"#\/\$defs\/([^"]+)"/g, (_m, id: string) => `"#/components/schemas/${id}${suffix}"`),
    ) as Record<string, unknown> & {
      $defs?: Record<string, unknown>;
    };
    for (const [k, v] of Object.entries(js.$defs ?? {})) schemas[`${k}${suffix}`] = v;
    delete js.$defs;
    delete js.$schema;
    return js;
  };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of allRoutes()) {
    const params = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: m[1]?.endsWith('Id') ? { type: 'string', format: 'uuid' } : { type: 'string' },
    }));
    const query = r.query
      ? Object.entries((toSchema(r.query, 'input').properties ?? {}) as Record<string, unknown>).map(
          ([name, schema]) => ({ name, in: 'query', required: false, schema }),
        )
      : [];
    const ok = r.status ?? 200;
    const responses: Record<string, unknown> = {
      [ok]:
        ok === 204
          ? { description: 'Done' }
          : r.text
            ? { description: 'OK', content: { 'text/plain': { schema: { type: 'string' } } } }
            : {
                description: 'OK',
                content: { 'application/json': { schema: r.response ? toSchema(r.response, 'output') : {} } },
              },
    };
    const err = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    if (r.body || r.query)
      responses['400'] = { description: 'Validation failed; `issues` name the fields', ...err };
    responses['401'] = { description: 'Not signed in / invalid token', ...err };
    if (r.permission) {
      responses['403'] = { description: `Your role lacks \`${r.permission}\``, ...err };
      responses['404'] = { description: 'Not found (or another team’s resource)', ...err };
    }
    for (const [code, description] of Object.entries(r.errors ?? {}))
      responses[String(ERROR_STATUS[code as keyof typeof ERROR_STATUS])] = {
        description: `\`${code}\`: ${description}`,
        ...err,
      };
    paths[r.path] ??= {};
    (paths[r.path] as Record<string, unknown>)[r.method.toLowerCase()] = {
      operationId: r.id,
      summary: r.summary,
      tags: [r.tag],
      description: [
        r.permission ? `Requires permission \`${r.permission}\`.` : 'Any signed-in person.',
        ...(r.description ? [r.description] : []),
      ].join(' '),
      parameters: [...params, ...query],
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: toSchema(r.body, 'input') } },
            },
          }
        : {}),
      responses,
    };
  }
  toSchema(errorSchema, 'output');
  return {
    openapi: '3.1.0',
    info: {
      title: 'Ferry control plane API',
      version: '1.0.0',
      description:
        'Kafka cluster-to-cluster replication: clusters, flows, teams, audit, API tokens, MM2 import/export.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { session: [] }],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'API token (fry_…), created per team with a role',
        },
        session: { type: 'apiKey', in: 'cookie', name: 'ferry.session_token' },
      },
      schemas,
    },
    paths,
  };
}
