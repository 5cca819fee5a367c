import { describe, expect, it } from 'vitest';
import { GET } from '@/app/api/v1/openapi.json/route.ts';
import { allRoutes } from '@/lib/api/routes.ts';
import { openApiDocument } from '@/lib/openapi.ts';

describe('OpenAPI document', () => {
  const doc = openApiDocument();
  it('is OpenAPI 3.1 with every registered route', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const r of allRoutes())
      expect(doc.paths[r.path]?.[r.method.toLowerCase()], `${r.method} ${r.path}`).toBeDefined();
  });
  it('describes bodies from the same zod schemas, with every $ref resolvable', () => {
    const create = doc.paths['/api/v1/teams/{teamId}/flows']?.post as {
      requestBody: { content: { 'application/json': { schema: unknown } } };
    };
    const text = JSON.stringify(doc);
    expect(JSON.stringify(create.requestBody)).toContain('#/components/schemas/FlowCreateInput');
    expect(JSON.stringify(doc.components.schemas.FlowCreateInput)).toContain('sourceClusterId');
    for (const [, ref] of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g))
      expect(doc.components.schemas, ref).toHaveProperty(ref as string);
    expect(doc.components.schemas).toHaveProperty('FlowConfig');
  });
  it('documents permissions and error responses', () => {
    const del = doc.paths['/api/v1/teams/{teamId}/clusters/{clusterId}']?.delete as {
      description: string;
      responses: Record<string, unknown>;
    };
    expect(del.description).toContain('clusters.write');
    expect(Object.keys(del.responses)).toEqual(expect.arrayContaining(['204', '401', '403', '404']));
  });
  it('is served at /api/v1/openapi.json', async () => {
    const res = GET();
    expect(res.status).toBe(200);
    expect(((await res.json()) as { openapi: string }).openapi).toBe('3.1.0');
  });
});
