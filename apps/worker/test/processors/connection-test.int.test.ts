import { randomBytes } from 'node:crypto';
import { CONNECTION_TESTS_QUEUE, type ConnectionReport, type ConnectionTestJobData } from '@ferry/core';
import { parseSecretKey, seal } from '@ferry/core/secret-box';
import { type Db, schema } from '@ferry/db';
import { testDb } from '@ferry/db/testing';
import { testCluster, uniqueName } from '@ferry/testkit/vitest';
import { type Job, Queue, QueueEvents, type Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectionTestProcessor } from '../../src/processors/connection-test.ts';
import { startProcessor } from '../../src/processors/processor.ts';

/**
 * The connection-tests queue end to end: real Redis (a prefix of its own), real Postgres (a cloned database),
 * the test stack's real clusters. Jobs go in through BullMQ exactly as the web app enqueues them.
 */
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = uniqueName('test-conn');
const key = parseSecretKey('k1', randomBytes(32).toString('base64'));
const WRONG_PASSWORD = `wrong-${randomBytes(6).toString('hex')}`;
const connections: Redis[] = [];
const connection = () => {
  const r = new Redis(redisUrl, { maxRetriesPerRequest: null });
  connections.push(r);
  return r;
};

let db: Db;
let worker: Worker;
let queue: Queue;
let events: QueueEvents;
const ids = { teamA: '', teamB: '', east: '', auth: '', authWrong: '', otherTeams: '' };

async function run(data: ConnectionTestJobData): Promise<ConnectionReport> {
  const job = await queue.add('test', data, { removeOnComplete: true, removeOnFail: true });
  return (await job.waitUntilFinished(events, 60_000)) as ConnectionReport;
}

beforeAll(async () => {
  ({ db } = await testDb(inject('dbRunId'), 'conntest'));
  const [a, b] = await db
    .insert(schema.teams)
    .values([
      { name: 'A', slug: uniqueName('a') },
      { name: 'B', slug: uniqueName('b') },
    ])
    .returning();
  ids.teamA = a!.id;
  ids.teamB = b!.id;
  const auth = testCluster('auth');
  const scram = (password: string) => ({
    bootstrapServers: auth.bootstrap,
    securityProtocol: 'SASL_PLAINTEXT' as const,
    settings: { sasl: { mechanism: 'SCRAM-SHA-512', username: auth.sasl!.username } },
    secrets: seal({ saslPassword: password }, key) as unknown as Record<string, string>,
  });
  const rows = await db
    .insert(schema.clusters)
    .values([
      { teamId: ids.teamA, name: 'east', bootstrapServers: testCluster('east').bootstrap },
      { teamId: ids.teamA, name: 'auth', ...scram(auth.sasl!.password) },
      { teamId: ids.teamA, name: 'auth-wrong', ...scram(WRONG_PASSWORD) },
      { teamId: ids.teamB, name: 'east', bootstrapServers: testCluster('east').bootstrap },
    ])
    .returning();
  [ids.east, ids.auth, ids.authWrong, ids.otherTeams] = rows.map((r) => r.id) as [
    string,
    string,
    string,
    string,
  ];
  worker = startProcessor(connectionTestProcessor({ db, keyring: [key], workerId: 'worker-under-test' }), {
    connection,
    prefix,
    name: 'worker-under-test',
  });
  queue = new Queue(CONNECTION_TESTS_QUEUE, { connection: connection(), prefix });
  events = new QueueEvents(CONNECTION_TESTS_QUEUE, { connection: connection(), prefix });
  await Promise.all([worker.waitUntilReady(), events.waitUntilReady()]);
});

afterAll(async () => {
  await worker?.close();
  await queue?.obliterate({ force: true }).catch(() => {});
  await Promise.allSettled([queue?.close(), events?.close()]);
  await Promise.allSettled(connections.map((c) => c.quit()));
  await db?.$client.end();
});

describe('connection-tests processor', () => {
  it('reports the brokers, version and topic count of a reachable plaintext cluster, and which worker tested it', async () => {
    const r = await run({ clusterId: ids.east, teamId: ids.teamA });
    expect(r.ok, r.problems.join(' ')).toBe(true);
    expect(r.brokers[0]).toMatchObject({
      host: '127.0.0.1',
      port: Number(testCluster('east').bootstrap.split(':')[1]),
    });
    expect(r.controllerId).not.toBeNull();
    expect(r.clusterId).toBeTruthy();
    expect(r.kafkaVersion).toMatch(/^Kafka 4\.x/);
    expect(r.topicCount).toBeGreaterThanOrEqual(0);
    expect(r.problems).toEqual([]);
    expect(r.testedBy).toBe('worker-under-test');
  });

  it('connects to the SCRAM cluster with the right password, opened with the worker key', async () => {
    const r = await run({ clusterId: ids.auth, teamId: ids.teamA });
    expect(r.ok, r.problems.join(' ')).toBe(true);
    expect(r.brokers.length).toBeGreaterThan(0);
  });

  it('explains a wrong password in plain words, never echoing it', async () => {
    const r = await run({ clusterId: ids.authWrong, teamId: ids.teamA });
    expect(r.ok).toBe(false);
    expect(r.brokers).toEqual([]);
    expect(r.problems.join(' ')).toMatch(
      /^Authentication failed: the broker rejected the username or password/,
    );
    expect(JSON.stringify(r)).not.toContain(WRONG_PASSWORD);
    expect(r.testedBy).toBe('worker-under-test');
  });

  it('refuses a cluster of another team (and one that does not exist) without testing it', async () => {
    await expect(run({ clusterId: ids.otherTeams, teamId: ids.teamA })).rejects.toThrow(
      `cluster ${ids.otherTeams} is not a cluster of team ${ids.teamA}`,
    );
    await expect(
      run({ clusterId: '00000000-0000-0000-0000-000000000000', teamId: ids.teamA }),
    ).rejects.toThrow(/is not a cluster of team/);
    await expect(run({ clusterId: ids.east, teamId: 'not-a-team' })).rejects.toThrow(
      /is not a cluster of team/,
    );
    // The same cluster in its own team is tested.
    expect((await run({ clusterId: ids.otherTeams, teamId: ids.teamB })).ok).toBe(true);
  });

  it('says so when this worker has no key to open the stored secrets', async () => {
    const keyless = connectionTestProcessor({ db, keyring: [], workerId: 'keyless' });
    const r = (await keyless.process(
      { clusterId: ids.auth, teamId: ids.teamA },
      {} as Job,
    )) as ConnectionReport;
    expect(r.ok).toBe(false);
    expect(r.problems.join(' ')).toMatch(/cannot be decrypted: .*no FERRY_SECRET_KEY/);
    expect(r.testedBy).toBe('keyless');
  });
});
