import { schema } from '@ferry/db';
import { waitFor } from '@ferry/testkit';
import { WorkerFleet, workerEntry } from '@ferry/testkit/worker-fleet';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveWorkers } from '@/lib/control-jobs.ts';
import { db } from '@/lib/db.ts';
import { env } from '@/lib/env.ts';
import { openApiDocument } from '@/lib/openapi.ts';
import { call, secretsFound } from '../helpers.ts';
import { SASL_SECRET, type TeamFixture, teamFixture } from './fixtures.ts';

/**
 * "Test connection" of a stored cluster goes to a worker through the connection-tests queue (real Redis,
 * this file's own key prefix, see setup-db.ts); with no worker running the web server tests it itself.
 */
let A: TeamFixture;
let fleet: WorkerFleet | undefined;
const testPath = (clusterId: string) => `/api/v1/teams/${A.id}/clusters/${clusterId}/test`;

beforeAll(async () => {
  A = await teamFixture('conn');
});
afterAll(async () => {
  await fleet?.stopAll();
});

describe('test connection of a stored cluster', () => {
  it('with no worker running, tests from the web server and says so', async () => {
    expect(await liveWorkers()).toEqual([]);
    const r = await call('POST', testPath(A.east), A.people.operator);
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({
      ok: true,
      testedBy: 'web',
      note: 'no worker is running; tested from the web server',
    });
    expect(r.json.brokers.length).toBeGreaterThan(0);
  });

  it('with a worker running, the worker tests it (secrets opened with its own key) and the report names it', async () => {
    const [current] = env().keyring;
    fleet = new WorkerFleet(workerEntry(), {
      ...process.env,
      DATABASE_URL: env().databaseUrl,
      REDIS_URL: env().redisUrl,
      FERRY_REDIS_PREFIX: env().redisPrefix,
      FERRY_SECRET_KEY: current!.key.toString('base64'),
      FERRY_SECRET_KEY_ID: current!.id,
    });
    await fleet.start('w1');
    let workerId = '';
    await waitFor(
      async () => {
        [workerId = ''] = await liveWorkers();
        return workerId !== '';
      },
      { timeoutMs: 30_000, what: 'the worker in the presence set' },
    );
    expect(workerId).toContain(`-${fleet.pid('w1')}-`);

    const r = await call('POST', testPath(A.auth), A.people.operator);
    expect(r.status, r.text).toBe(200);
    expect(r.json.ok, r.text).toBe(true);
    expect(r.json.testedBy).toBe(workerId);
    expect(r.json.note).toBeUndefined();
    expect(r.json.kafkaVersion).toMatch(/^Kafka /);

    // Audit as before: one entry per test, with the outcome.
    const audits = await db()
      .select()
      .from(schema.auditLog)
      .where(and(eq(schema.auditLog.action, 'cluster.test'), eq(schema.auditLog.targetId, A.auth)));
    expect(audits.at(-1)?.after).toEqual({ ok: true, problems: [] });
    expect(secretsFound([SASL_SECRET])).toEqual([]);
  });

  it('another team cannot have its clusters tested through this team', async () => {
    const B = await teamFixture('conn-other');
    const r = await call('POST', testPath(B.east), A.people.owner);
    expect(r.status).toBe(404);
  });

  it('documents where the test runs and its timeout in OpenAPI', () => {
    const op = openApiDocument().paths['/api/v1/teams/{teamId}/clusters/{clusterId}/test']?.post as {
      description: string;
      responses: Record<string, { description: string }>;
    };
    expect(op.description).toMatch(/Runs on a worker/);
    expect(op.responses['504']?.description).toMatch(/^`timeout`/);
    expect(op.responses['502']?.description).toMatch(/^`worker_failed`/);
  });
});
