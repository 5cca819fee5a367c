import type { Role } from '@ferry/core';
import { schema } from '@ferry/db';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db.ts';
import { openApiDocument } from '@/lib/openapi.ts';
import { call, secretsFound } from '../helpers.ts';
import { freshToken, SASL_SECRET, type TeamFixture, TLS_KEY, teamFixture } from './fixtures.ts';

/**
 * Property-based: every operation of the OpenAPI document, called by every role (and a token) with valid
 * and hostile path parameters and bodies, never answers 500, changes nothing when it refuses, and never
 * answers with a secret. Routes that reach Kafka get only bodies that fail validation (no traffic).
 */
let A: TeamFixture;
let token: string;
const ROLES: Role[] = ['owner', 'admin', 'operator', 'viewer'];

beforeAll(async () => {
  A = await teamFixture('fuzz');
  token = (await freshToken(A, 'admin')).token;
});

const ops = Object.entries(openApiDocument().paths as Record<string, Record<string, unknown>>).flatMap(
  ([path, methods]) => Object.keys(methods).map((m) => ({ path, method: m.toUpperCase() })),
);
const REACHES_KAFKA = /\/test$|test-draft|preview$|verifications$/;

const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    '../../etc/passwd',
    '%00',
    "' or 1=1 --",
    '<script>alert(1)</script>',
    '00000000-0000-4000-8000-000000000000',
    'x'.repeat(5000),
    '\u0000\uffff\ud800',
    '(a+)+$',
    '{"__proto__":{"x":1}}',
  ),
);
const hostileBody = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.dictionary(
    fc.constantFrom(
      'name',
      'bootstrapServers',
      'securityProtocol',
      'sasl',
      'config',
      'role',
      'email',
      'properties',
      'enabled',
      '__proto__',
      'constructor',
    ),
    fc.oneof(
      hostileString,
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(hostileString, { maxLength: 3 }),
    ),
  ),
  fc.constant('not json {'),
  fc.constant('[]'.repeat(2000)),
);

async function snapshot(): Promise<string> {
  const [clusters, flows, members, invitations, tokens, teams, settings] = await Promise.all([
    db().select().from(schema.clusters),
    db().select().from(schema.flows),
    db().select().from(schema.members),
    db().select().from(schema.invitations),
    db().select().from(schema.apiTokens),
    db().select().from(schema.teams),
    db().select().from(schema.instanceSettings),
  ]);
  const audit = await db().select({ id: schema.auditLog.id }).from(schema.auditLog);
  return JSON.stringify({
    clusters,
    flows,
    members,
    invitations,
    tokens: tokens.map(({ lastUsedAt: _, ...t }) => t),
    teams,
    settings,
    audit: audit.length,
  });
}

describe('fuzzing every endpoint of the OpenAPI document', () => {
  it('lists the operations', () => {
    expect(ops.length).toBeGreaterThanOrEqual(38);
  });

  it('no 500, no change after a refusal, no secret in any answer', async () => {
    const ids: Record<string, string> = { teamId: A.id, clusterId: A.auth, flowId: A.flow };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ops),
        fc.constantFrom<Role | 'token' | 'nobody'>(...ROLES, 'token', 'nobody'),
        fc.boolean(),
        hostileString,
        hostileBody,
        async (op, who, validIds, param, body) => {
          const path = op.path.replace(/\{(\w+)\}/g, (_, k: string) =>
            encodeURIComponent(
              validIds && ids[k] ? (ids[k] as string) : param.replace(/[\ud800-\udfff]/g, '?') || 'x',
            ),
          );
          const auth =
            who === 'token'
              ? { token, origin: null }
              : who === 'nobody'
                ? {}
                : { cookie: A.people[who].cookie };
          const sendBody = op.method === 'GET' || op.method === 'DELETE' ? undefined : body;
          // Routes that would reach Kafka only get a body that cannot validate.
          const b =
            REACHES_KAFKA.test(op.path) && sendBody !== undefined ? { bootstrapServers: 7 } : sendBody;
          const before = await snapshot();
          const r = await call(
            op.method,
            path,
            auth,
            typeof b === 'string' ? b : b === undefined ? undefined : b,
          );
          expect(r.status, `${op.method} ${path} as ${who}: ${r.text.slice(0, 300)}`).toBeLessThan(500);
          if (r.status >= 400)
            expect(await snapshot(), `${op.method} ${path} changed state on ${r.status}`).toBe(before);
        },
      ),
      { numRuns: 250, seed: 1301 },
    );
    expect(secretsFound([SASL_SECRET, TLS_KEY.split('\n')[1] as string])).toEqual([]);
  }, 300_000);
});
