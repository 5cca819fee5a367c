import { VERIFICATION_QUEUE } from '@ferry/core';
import { schema } from '@ferry/db';
import { waitFor } from '@ferry/testkit';
import { WorkerFleet, workerEntry } from '@ferry/testkit/worker-fleet';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlQueue, liveWorkers } from '@/lib/control-jobs.ts';
import { db } from '@/lib/db.ts';
import { env } from '@/lib/env.ts';
import { openApiDocument } from '@/lib/openapi.ts';
import { NO_WORKER_NOTICE } from '@/lib/request-verification.ts';
import { call } from '../helpers.ts';
import { type TeamFixture, teamFixture } from './fixtures.ts';

/**
 * Verification through the API: a run is recorded and put on the verification queue (real Redis, this file's
 * own key prefix, see setup-db.ts) whether or not a worker is running; a real worker then runs it.
 */
let A: TeamFixture;
let fleet: WorkerFleet | undefined;
const runs = (flowId = A.flow) => `/api/v1/teams/${A.id}/flows/${flowId}/verifications`;

beforeAll(async () => {
  A = await teamFixture('verify');
});
afterAll(async () => {
  await fleet?.stopAll();
});

describe('flow verification API', () => {
  it('with no worker running, queues the run anyway and says it runs when a worker starts', async () => {
    expect(await liveWorkers()).toEqual([]);
    const r = await call('POST', runs(), A.people.operator, {});
    expect(r.status, r.text).toBe(202);
    expect(r.json).toMatchObject({
      flowId: A.flow,
      state: 'queued',
      recordsPerPartition: 1000,
      requestedBy: A.people.operator.email,
      report: null,
      error: null,
      notice: NO_WORKER_NOTICE,
    });
    expect(r.json.summary).toMatch(/^Queued/);
    const job = await controlQueue(VERIFICATION_QUEUE).getJob(r.json.id);
    expect(job?.data).toEqual({
      flowId: A.flow,
      teamId: A.id,
      verificationId: r.json.id,
      recordsPerPartition: 1000,
    });
    const audit = await db()
      .select()
      .from(schema.auditLog)
      .where(and(eq(schema.auditLog.action, 'flow.verify'), eq(schema.auditLog.targetId, A.flow)));
    expect(audit.at(-1)?.after).toEqual({ verificationId: r.json.id, recordsPerPartition: 1000 });
    expect(audit.at(-1)?.actorName).toBe(A.people.operator.email);
  });

  it.each([
    [{ recordsPerPartition: 0 }, 'recordsPerPartition', 'at least 1'],
    [{ recordsPerPartition: 100_001 }, 'recordsPerPartition', 'at most 100,000'],
    [{ recordsPerPartition: 2.5 }, 'recordsPerPartition', 'a whole number of records'],
    [{ recordsPerPartition: '10' }, 'recordsPerPartition', 'a whole number of records'],
  ])('400 naming the field for %j', async (body, field, message) => {
    const r = await call('POST', runs(), A.people.operator, body);
    expect(r.status, r.text).toBe(400);
    expect(r.json.error.code).toBe('validation_failed');
    expect(r.json.error.issues[0]).toEqual({ path: field, message });
    expect(r.json.error.message).toBe(`${field}: ${message}`);
  });

  it('400 for an unknown field and for a body that is not JSON; nothing is queued', async () => {
    const before = (await call('GET', runs(), A.people.viewer)).json.items.length;
    const unknown = await call('POST', runs(), A.people.operator, { records: 5 });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toMatch(/records/);
    const notJson = await call('POST', runs(), A.people.operator, 'not json');
    expect(notJson.status).toBe(400);
    expect((await call('GET', runs(), A.people.viewer)).json.items.length).toBe(before);
  });

  it('a viewer may read runs but not start one', async () => {
    expect((await call('POST', runs(), A.people.viewer, {})).status).toBe(403);
    expect((await call('GET', runs(), A.people.viewer)).status).toBe(200);
  });

  it('lists runs newest first and reads one; another flow or an unknown id is 404', async () => {
    const first = await call('POST', runs(), A.people.admin, { recordsPerPartition: 5 });
    const second = await call('POST', runs(), A.people.admin, { recordsPerPartition: 6 });
    const list = await call('GET', runs(), A.people.viewer);
    expect(list.status).toBe(200);
    expect(list.json.items.slice(0, 2).map((x: { id: string }) => x.id)).toEqual([
      second.json.id,
      first.json.id,
    ]);
    const one = await call('GET', `${runs()}/${first.json.id}`, A.people.viewer);
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ id: first.json.id, recordsPerPartition: 5, state: 'queued' });
    expect(one.json.notice).toBeUndefined();
    expect(
      (await call('GET', `${runs()}/00000000-0000-4000-8000-000000000000`, A.people.viewer)).status,
    ).toBe(404);
    expect((await call('GET', `${runs()}/not-a-uuid`, A.people.viewer)).status).toBe(404);
    const B = await teamFixture('verify-other');
    expect((await call('POST', runs(B.flow), A.people.owner, {})).status).toBe(404);
  });

  it('is in the OpenAPI document with its permission and 202', () => {
    const doc = openApiDocument() as { paths: Record<string, Record<string, { responses: object }>> };
    const p = doc.paths['/api/v1/teams/{teamId}/flows/{flowId}/verifications'];
    expect(Object.keys(p?.post?.responses ?? {})).toEqual(expect.arrayContaining(['202', '400', '403']));
    expect(
      doc.paths['/api/v1/teams/{teamId}/flows/{flowId}/verifications/{verificationId}']?.get,
    ).toBeTruthy();
  });

  it('a running worker picks the queued runs up and stores their result', async () => {
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
    const r = await call('POST', runs(), A.people.operator, { recordsPerPartition: 10 });
    expect(r.status, r.text).toBe(202);
    let run: { state: string; summary: string; report: { ok: boolean } | null } = r.json;
    await waitFor(
      async () => {
        run = (await call('GET', `${runs()}/${r.json.id}`, A.people.viewer)).json;
        return run.state !== 'queued' && run.state !== 'running';
      },
      { timeoutMs: 90_000, what: 'the worker to finish the verification' },
    );
    // The fixture flow has never replicated anything: nothing to compare, nothing different.
    expect(run.state, run.summary).toBe('passed');
    expect(run.report?.ok).toBe(true);
    expect(run.summary).toMatch(/records compared/);
    // the run queued before the worker started ran too
    await waitFor(
      async () =>
        (await call('GET', runs(), A.people.viewer)).json.items.every(
          (x: { state: string }) => x.state !== 'queued' && x.state !== 'running',
        ),
      { timeoutMs: 90_000, what: 'every queued run to finish' },
    );
  });
});
