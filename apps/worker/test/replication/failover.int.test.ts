import { execSync } from 'node:child_process';
import { type Db, schema } from '@ferry/db';
import { waitFor } from '@ferry/testkit';
import { byPartition, counts, createTopic, makeRecords, readTopic } from '@ferry/testkit/records';
import { testCluster, uniqueName } from '@ferry/testkit/vitest';
import type { WorkerFleet } from '@ferry/testkit/worker-fleet';
import { eq } from 'drizzle-orm';
import { Kafka } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createFlow as createManagedFlow,
  dumpOnFailure,
  expectSameRecords,
  type Managed,
  managedSetup,
  tasksRunning as managedTasksRunning,
  workerIdOf as managedWorkerIdOf,
  produceOverTime,
} from '../fixtures/managed.ts';

/**
 * Replication through the whole managed path: a flow in Postgres, tasks dispatched through Redis to worker
 * processes running the engine, records from east to west. Faults: SIGKILL, SIGSTOP/SIGCONT (fencing),
 * Redis and Postgres restarts. Verified record by record: nothing lost, nothing duplicated.
 */
const PARTITIONS = 6;
let m: Managed;
let db: Db;
let fleet: WorkerFleet;
let firstTopic = '';

const createFlow = (topic: string, tasksMax: number) => createManagedFlow(m, { topics: [topic], tasksMax });
const tasksRunning = (flowId: string, n: number, opts: { notOn?: string } = {}) =>
  managedTasksRunning(db, flowId, n, opts);
const workerIdOf = (pid: number) => managedWorkerIdOf(db, pid);

beforeAll(async () => {
  m = await managedSetup(inject('dbRunId'), 'replication', ['w1', 'w2', 'w3']);
  ({ db, fleet } = m);
});

afterEach((ctx) => dumpOnFailure(m, ctx.task.result?.state));

afterAll(async () => {
  await fleet?.stopAll();
  await db?.$client.end();
});

describe('managed replication across worker processes', () => {
  it('loses and duplicates nothing while workers are SIGKILLed during load', async () => {
    const topic = uniqueName('orders');
    firstTopic = topic;
    await createTopic('east', topic, PARTITIONS);
    const flowId = await createFlow(topic, 3);
    await waitFor(() => tasksRunning(flowId, 3), { timeoutMs: 60_000, what: 'three tasks running' });

    const records = makeRecords(6000, PARTITIONS, 'kill');
    const load = produceOverTime(topic, records, 20, 400);
    const failovers: number[] = [];
    for (const [victim, replacement] of [
      ['w1', 'w4'],
      ['w2', 'w5'],
    ] as const) {
      const victimId = await workerIdOf(fleet.pid(victim));
      const killedAt = new Date();
      fleet.signal(victim, 'SIGKILL');
      await waitFor(() => tasksRunning(flowId, 3, { notOn: victimId }), {
        timeoutMs: 60_000,
        intervalMs: 100,
        what: `the tasks of ${victim} running elsewhere`,
      });
      failovers.push(Date.now() - killedAt.getTime());
      await fleet.start(replacement);
    }
    await load;
    console.log(
      `failover after SIGKILL: ${failovers.map((ms) => `${ms} ms`).join(', ')} (tasks running again elsewhere)`,
    );

    const got = await readTopic('west', `east.${topic}`, counts(byPartition(records)), 120_000, 1500);
    expectSameRecords(records, got);
  });

  it('fences a worker paused with SIGSTOP: once it wakes, nothing it writes lands', async () => {
    const topic = uniqueName('fence');
    await createTopic('east', topic, PARTITIONS);
    const flowId = await createFlow(topic, 2);
    await waitFor(() => tasksRunning(flowId, 2), { timeoutMs: 60_000, what: 'two tasks running' });
    const owners = await db.select().from(schema.flowTasks).where(eq(schema.flowTasks.flowId, flowId));
    const pausedWorkerId = owners[0]!.workerId!;
    const [paused] = [...fleet.procs.entries()]
      .filter(([, p]) => p.child.exitCode === null)
      .map(([n]) => n)
      .filter((n) => pausedWorkerId.includes(`-${fleet.pid(n)}-`));
    expect(paused).toBeDefined();

    const records = makeRecords(3000, PARTITIONS, 'stop');
    const load = produceOverTime(topic, records, 10, 300);
    fleet.signal(paused!, 'SIGSTOP');
    await waitFor(() => tasksRunning(flowId, 2, { notOn: pausedWorkerId }), {
      timeoutMs: 60_000,
      what: 'the paused worker’s tasks taken over',
    });
    fleet.signal(paused!, 'SIGCONT');
    await load;
    const got = await readTopic('west', `east.${topic}`, counts(byPartition(records)), 120_000, 3000);
    expectSameRecords(records, got);
  });

  it('keeps replicating through a Redis restart and a Postgres restart', async () => {
    const topic = uniqueName('restart');
    await createTopic('east', topic, PARTITIONS);
    const flowId = await createFlow(topic, 2);
    await waitFor(() => tasksRunning(flowId, 2), { timeoutMs: 60_000, what: 'two tasks running' });
    const records = makeRecords(3000, PARTITIONS, 'rst');
    const load = produceOverTime(topic, records, 12, 300);
    execSync('redis-cli -h 127.0.0.1 -p 6379 shutdown nosave || true', { stdio: 'ignore' });
    execSync(
      'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log',
      { stdio: 'ignore' },
    );
    await waitFor(() => execSync('redis-cli ping').toString().trim() === 'PONG', {
      timeoutMs: 10_000,
      what: 'Redis back',
    });
    execSync('pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main restart', {
      stdio: 'ignore',
    });
    await load;
    const got = await readTopic('west', `east.${topic}`, counts(byPartition(records)), 120_000, 1500);
    expectSameRecords(records, got);
    // Dispatch state lost with Redis is rebuilt from Postgres: both tasks are running (those that kept their
    // lock never re-report, so no freshness filter here; the records above prove replication went on).
    await waitFor(() => tasksRunning(flowId, 2), {
      timeoutMs: 60_000,
      what: 'tasks running after restarts',
    });
  });

  it('exposes MM2-named metrics, replication lag and checkpoint latency on /metrics while replicating', async () => {
    // A consumer group on the source: the flow's checkpoints (every second here) measure its latency.
    const group = uniqueName('app');
    const admin = new Kafka({ brokers: [testCluster('east').bootstrap], logLevel: 0 }).admin();
    await admin.connect();
    await admin.setOffsets({
      groupId: group,
      topic: firstTopic,
      partitions: [{ partition: 0, offset: '10' }],
    });
    await admin.disconnect();
    const [, p] = [...fleet.procs.entries()].find(
      ([, x]) => x.child.exitCode === null && x.child.signalCode === null,
    )!;
    let text = '';
    await waitFor(
      async () => {
        const all = await Promise.all(
          [...fleet.procs.values()]
            .filter((x) => x.child.exitCode === null && x.child.signalCode === null)
            .map((x) =>
              fetch(`http://127.0.0.1:${x.port}/metrics`, { signal: AbortSignal.timeout(2000) })
                .then((r) => r.text())
                .catch(() => ''),
            ),
        );
        text = all.join('\n');
        return (
          /kafka_connect_mirror_source_connector_record_count\{[^}]*topic="[^"]+"[^}]*\} [1-9]/.test(text) &&
          text.includes(`group="${group}"`)
        );
      },
      { timeoutMs: 60_000, what: 'record_count and checkpoint latency series' },
    );
    expect(p.port).toBeGreaterThan(0);
    expect(text).toMatch(
      /kafka_connect_mirror_source_connector_replication_latency_ms_avg\{source="east",target="west",topic="[^"]+",partition="\d"\} \d/,
    );
    expect(text).toMatch(/kafka_connect_mirror_source_connector_record_age_ms_max\{/);
    expect(text).toMatch(
      new RegExp(
        `kafka_connect_mirror_checkpoint_connector_checkpoint_latency_ms_avg\\{source="east",target="west",group="${group}",topic="${firstTopic}",partition="0"\\} \\d`,
      ),
    );
    expect(text).toMatch(
      /ferry_replication_lag_records\{source="east",target="west",topic="[^"]+",partition="\d"\} \d/,
    );
    const latest = await db.select().from(schema.partitionMetricsLatest);
    expect(latest.length).toBeGreaterThan(0);
    expect(latest.every((r) => r.replicatedOffset === null || r.replicatedOffset >= 0)).toBe(true);
  });
});
