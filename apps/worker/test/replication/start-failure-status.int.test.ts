import type { TaskJobData } from '@ferry/core';
import { type Db, StatusWriter, schema } from '@ferry/db';
import { testDb } from '@ferry/db/testing';
import { createTopic } from '@ferry/testkit/records';
import { testCluster, uniqueName } from '@ferry/testkit/vitest';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEngineRunner } from '../../src/engine-runner.ts';
import { createFlow, managedOn } from '../fixtures/managed.ts';

/**
 * A task that cannot start (the source refuses Ferry's credentials: a SCRAM user deleted, a password
 * rotated) fails its run, and the dispatcher retries it. Its row must say why, and keep saying it while the
 * retries start again: before, the run's end wrote `stopped` with no error, every retry, and the flow's
 * page showed nothing wrong (found by the fault suite's scram-user-deleted scenario). Real worker task
 * runner, real Postgres, the shared stack's SASL cluster `auth` with a wrong password (the team's source
 * cluster row, through managedOn's cluster override; no worker process: the test runs the task itself).
 */
let db: Db;
let dbUrl: string;

beforeAll(async () => {
  ({ db, url: dbUrl } = await testDb(inject('dbRunId'), 'startfail'));
});
afterAll(async () => {
  await db?.$client.end();
});

describe('a task whose source refuses the credentials', () => {
  it('fails with the authentication error on its row and the flow, kept while the retry starts again', async () => {
    const topic = uniqueName('startfail');
    const auth = testCluster('auth');
    await createTopic('auth', topic, 2);
    const m = await managedOn(db, dbUrl, [], {
      clusters: {
        east: {
          name: 'auth-wrong',
          bootstrapServers: auth.bootstrap,
          securityProtocol: 'SASL_PLAINTEXT',
          settings: { sasl: { mechanism: 'SCRAM-SHA-512', username: auth.sasl!.username } },
          secrets: { saslPassword: 'not-the-password' },
        },
      },
    });
    const flowId = await createFlow(m, { topics: [topic], tasksMax: 1 });
    const task: TaskJobData = {
      flowId,
      generation: 0,
      taskIndex: 0,
      tasksMax: 1,
      taskCount: 1,
      topics: { [topic]: 2 },
    };
    const status = new StatusWriter(db, 'w-startfail');
    const runner = createEngineRunner({
      db,
      keyring: [m.secretKey],
      log: pino({ level: 'silent' }),
      status,
      onPartitionMetrics: () => {},
    });
    const row = async () =>
      (await db.select().from(schema.flowTasks).where(eq(schema.flowTasks.flowId, flowId)))[0];
    const flow = async () => (await db.select().from(schema.flows).where(eq(schema.flows.id, flowId)))[0];

    const ac = new AbortController();
    await expect(runner.run(task, ac.signal)).rejects.toThrow(/authentication/i);
    expect(await row()).toMatchObject({
      state: 'failed',
      lastError: expect.stringMatching(/auth-wrong.*authentication failed/i),
    });
    expect(await flow()).toMatchObject({ status: 'failed', lastError: (await row())!.lastError });

    // the dispatcher's retry: it starts again (and fails again); meanwhile the row keeps the cause
    const again = runner.run(task, ac.signal);
    const seen: Array<{ state: string; lastError: string | null }> = [];
    const poll = setInterval(() => {
      void row().then((r) => r && seen.push({ state: r.state, lastError: r.lastError }));
    }, 20);
    await expect(again).rejects.toThrow(/authentication/i);
    clearInterval(poll);
    expect(seen.filter((s) => !s.lastError)).toEqual([]);
    expect(await row()).toMatchObject({ state: 'failed' });
  }, 60_000);
});
