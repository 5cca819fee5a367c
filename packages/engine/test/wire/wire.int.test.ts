import { errorSentence } from '@ferry/core';
import { STACK_SCRAM_USERS } from '@ferry/testkit';
import { testCluster, uniqueName } from '@ferry/testkit/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeRecords } from '../../src/records/decode.ts';
import * as A from '../../src/wire/apis/index.ts';
import { WireCluster } from '../../src/wire/cluster.ts';
import { ErrorCode, KafkaError } from '../../src/wire/errors.ts';
import { ZERO_UUID } from '../../src/wire/protocol/schema.ts';
import { batch, createTopic, records, wireConfig } from './helpers.ts';
import { fetchAll, fetchFrom, runScenario } from './scenario.ts';

const EXPECTED_VERSIONS: Record<string, Record<string, number>> = {
  // the highest version both sides implement, per broker major (ADR 0002)
  '4': {
    Produce: 11,
    Fetch: 17,
    ListOffsets: 10,
    Metadata: 12,
    OffsetCommit: 9,
    OffsetFetch: 9,
    FindCoordinator: 6,
    InitProducerId: 5,
    AddPartitionsToTxn: 3,
    AddOffsetsToTxn: 4,
    EndTxn: 4,
    TxnOffsetCommit: 4,
    ApiVersions: 4,
    SaslHandshake: 1,
    SaslAuthenticate: 2,
  },
  '3': {
    Produce: 11,
    Fetch: 17,
    ListOffsets: 9,
    Metadata: 12,
    OffsetCommit: 9,
    OffsetFetch: 9,
    FindCoordinator: 6,
    InitProducerId: 5,
    AddPartitionsToTxn: 3,
    AddOffsetsToTxn: 4,
    EndTxn: 4,
    TxnOffsetCommit: 4,
    ApiVersions: 4,
    SaslHandshake: 1,
    SaslAuthenticate: 2,
  },
};

const clusters: WireCluster[] = [];
afterAll(async () => {
  await Promise.all(clusters.map((c) => c.close()));
});
function open(name: string, over: Partial<ReturnType<typeof wireConfig>> = {}) {
  const c = new WireCluster({ ...wireConfig(testCluster(name)), ...over });
  clusters.push(c);
  return c;
}

for (const name of ['east', 'east39']) {
  describe(`wire layer against ${name} (Kafka ${testCluster(name).kafkaVersion})`, () => {
    it('negotiates the expected version of every API with ApiVersions', async () => {
      const cluster = open(name);
      const conn = await cluster.anyConnection();
      const got = Object.fromEntries(A.ALL_APIS.map((a) => [a.name, conn.versionOf(a)]));
      expect(got).toEqual(EXPECTED_VERSIONS[testCluster(name).kafkaVersion.split('.')[0] as string]);
    });

    it('metadata: brokers, partitions, leaders, topic ids; an unknown topic is an error code, not a crash', async () => {
      const cluster = open(name);
      const topic = uniqueName('wire-md');
      await createTopic(testCluster(name), topic, 3);
      const md = await cluster.metadata([topic, `${topic}-missing`], { refresh: true });
      const t = md.topics.get(topic);
      expect(t?.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
      expect(t?.topicId).not.toBe(ZERO_UUID);
      for (const p of t?.partitions ?? []) expect(md.brokers.has(p.leader)).toBe(true);
      expect(md.topics.get(`${topic}-missing`)?.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      await expect(cluster.leaderFor(`${topic}-missing`, 0)).rejects.toMatchObject({
        name: 'UNKNOWN_TOPIC_OR_PARTITION',
      });
      await expect(cluster.leaderFor(topic, 7)).rejects.toThrow(/has 3 partitions/);
    });

    it('produce, fetch (topic names and topic ids), list offsets, a committed and an aborted transaction, require_stable', async () => {
      const cluster = open(name);
      const topic = uniqueName('wire-txn');
      await createTopic(testCluster(name), topic, 1);
      const r = await runScenario(cluster, topic, {
        group: uniqueName('wire-g'),
        txn: uniqueName('wire-tx'),
      });

      expect(r.produced?.baseOffset).toBe(0n);
      // read_uncommitted sees everything: the plain batch, both transactions and both markers
      const all = r.fetched.split.batches;
      expect(all.length).toBeGreaterThanOrEqual(1);
      const plainBack = await decodeRecords(all[0] as never);
      expect(plainBack.map((x) => [x.offset, x.key, x.value, x.headers, x.timestamp])).toEqual(
        r.plain.map((x) => [x.offset, x.key, x.value, x.headers, x.timestamp]),
      );

      // read_committed: committed data, both control batches, aborted list names the aborted transaction
      const c = r.committedRead;
      const kinds = c.batches.map((b) =>
        b.header.isControl ? 'control' : b.header.isTransactional ? 'txn' : 'plain',
      );
      expect(kinds).toEqual(['plain', 'txn', 'control', 'txn', 'control']);
      expect(c.aborted).toEqual([{ producerId: r.producer.producerId, firstOffset: 6n }]);
      expect(c.partition.highWatermark).toBe(9n); // 3 plain + 2 + marker + 2 + marker
      expect(c.partition.lastStableOffset).toBe(9n);
      expect(r.latest?.offset).toBe(9n);
      expect(r.earliest?.offset).toBe(0n);
      const committedBack = await decodeRecords(c.batches[1] as never);
      expect(committedBack.map((x) => [x.key, x.value, x.headers])).toEqual(
        r.committed.map((x) => [x.key, x.value, x.headers]),
      );

      // the transactional offset commit is visible with require_stable
      expect(r.stable?.errorCode).toBe(0);
      expect(r.stable?.topics[0]?.partitions[0]).toMatchObject({
        partitionIndex: 0,
        committedOffset: 42n,
        errorCode: 0,
      });

      // both topic addressing modes return the same bytes
      const byName = await fetchAll(cluster, topic, A.READ_COMMITTED, 12);
      const byId = await fetchAll(cluster, topic, A.READ_COMMITTED, 13);
      const oldest = await fetchAll(cluster, topic, A.READ_COMMITTED, 4);
      expect(byName.bytes.equals(byId.bytes)).toBe(true);
      expect(byName.bytes.equals(c.bytes)).toBe(true);
      expect(oldest.bytes.equals(c.bytes)).toBe(true);
    });

    it('FindCoordinator: batched keys (v4+) and the single-key layout (v3) name the same coordinator', async () => {
      const cluster = open(name);
      const conn = await cluster.anyConnection();
      const key = uniqueName('wire-fc');
      let v6: A.FindCoordinatorResponse | undefined;
      for (let i = 0; i < 100; i++) {
        v6 = await conn.send(
          A.findCoordinatorApi,
          { keyType: A.KEY_TYPE.group, coordinatorKeys: [key] },
          { version: 6 },
        );
        if (v6.coordinators[0]?.errorCode === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const v3 = await conn.send(A.findCoordinatorApi, { key, keyType: A.KEY_TYPE.group }, { version: 3 });
      expect(v6?.coordinators[0]).toMatchObject({ key, errorCode: 0 });
      expect(v3).toMatchObject({
        errorCode: 0,
        nodeId: v6?.coordinators[0]?.nodeId,
        port: v6?.coordinators[0]?.port,
      });
    });

    it('fetching past the end is OFFSET_OUT_OF_RANGE; a request to a closed connection fails clearly', async () => {
      const cluster = open(name);
      const topic = uniqueName('wire-oor');
      await createTopic(testCluster(name), topic, 1);
      await cluster.metadata([topic], { refresh: true });
      await expect(fetchFrom(cluster, topic, 1000n, A.READ_COMMITTED)).rejects.toMatchObject({
        name: 'OFFSET_OUT_OF_RANGE',
        code: 1,
      });
      const conn = await cluster.leaderFor(topic, 0);
      await conn.close();
      await expect(conn.send(A.metadataApi, { topics: [] })).rejects.toMatchObject({
        name: 'NETWORK_EXCEPTION',
      });
      // the cluster re-opens a closed broker connection
      const again = await cluster.leaderFor(topic, 0);
      expect(again).not.toBe(conn);
      expect((await again.send(A.metadataApi, { topics: [] })).brokers.length).toBeGreaterThan(0);
    });
  });
}

describe('security', () => {
  it('SCRAM-SHA-512 as ferry authenticates and reads metadata', async () => {
    const cluster = open('auth');
    const md = await cluster.metadata();
    expect(md.brokers.size).toBeGreaterThan(0);
    const conn = await cluster.anyConnection();
    expect(conn.versionOf(A.saslAuthenticateApi)).toBe(2);
  });

  it('a wrong password is a clear, non-retriable SASL_AUTHENTICATION_FAILED', async () => {
    const cluster = open('auth', {
      sasl: { mechanism: 'scram-sha-512', username: 'ferry', password: 'wrong' },
    });
    const e = await cluster.metadata().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(KafkaError);
    expect(e).toMatchObject({ name: 'SASL_AUTHENTICATION_FAILED', retriable: false });
    expect((e as Error).message).toMatch(/SCRAM-SHA-512 as "ferry"/);
  });

  it('a mechanism the broker does not enable names the ones it does', async () => {
    const cluster = open('auth', {
      sasl: { mechanism: 'plain', username: 'ferry', password: 'ferry-secret' },
    });
    const e = await cluster.metadata().catch((x: unknown) => x);
    expect(e).toMatchObject({ name: 'UNSUPPORTED_SASL_MECHANISM' });
    expect((e as Error).message).toMatch(/SCRAM-SHA-512/);
  });

  // The data path's exchanges end to end on the secured listeners: produce, fetch (read_committed, aborted list),
  // a committed and an aborted transaction with offsets committed inside, OffsetFetch require_stable.
  for (const name of ['auth', 'secure'])
    it(`${name === 'auth' ? 'SCRAM-SHA-512' : 'TLS'}: produce, fetch, transactions and offsets over the authenticated connection`, async () => {
      const cluster = open(name);
      const topic = uniqueName(`wire-${name}`);
      await createTopic(testCluster(name), topic, 1);
      const r = await runScenario(cluster, topic, {
        group: uniqueName('wire-g'),
        txn: uniqueName('wire-tx'),
      });
      expect(r.produced?.baseOffset).toBe(0n);
      const kinds = r.committedRead.batches.map((b) =>
        b.header.isControl ? 'control' : b.header.isTransactional ? 'txn' : 'plain',
      );
      expect(kinds).toEqual(['plain', 'txn', 'control', 'txn', 'control']);
      expect(r.committedRead.aborted).toEqual([{ producerId: r.producer.producerId, firstOffset: 6n }]);
      const back = await decodeRecords(r.committedRead.batches[1] as never);
      expect(back.map((x) => [x.key, x.value, x.headers])).toEqual(
        r.committed.map((x) => [x.key, x.value, x.headers]),
      );
      expect(r.stable?.topics[0]?.partitions[0]).toMatchObject({ committedOffset: 42n, errorCode: 0 });
    });

  it('SCRAM-SHA-512 as a user without ACLs authenticates; its produce is refused, not retried', async () => {
    const alice = STACK_SCRAM_USERS.find((u) => !u.superUser)!;
    const topic = uniqueName('wire-acl');
    await createTopic(testCluster('auth'), topic, 1);
    const cluster = open('auth', {
      sasl: { mechanism: 'scram-sha-512', username: alice.username, password: alice.password },
    });
    const conn = await cluster.anyConnection(); // authenticated: SaslAuthenticate accepted the proof
    const res = await conn.send(A.produceApi, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 5000,
      topics: [{ name: topic, partitions: [{ index: 0, records: batch(records(1, 'acl')) }] }],
    });
    const code = res.responses[0]?.partitions[0]?.errorCode ?? -1;
    expect(new KafkaError(code)).toMatchObject({ name: 'TOPIC_AUTHORIZATION_FAILED', retriable: false });
  });

  it('SCRAM-SHA-256 against a listener that only enables SCRAM-SHA-512 names the enabled mechanism', async () => {
    const cluster = open('auth', {
      sasl: { mechanism: 'scram-sha-256', username: 'ferry', password: 'ferry-secret' },
    });
    const e = await cluster.metadata().catch((x: unknown) => x);
    expect(e).toMatchObject({ name: 'UNSUPPORTED_SASL_MECHANISM', retriable: false });
    expect((e as Error).message).toMatch(/SCRAM-SHA-256 is not enabled; the broker offers SCRAM-SHA-512/);
  });

  it('TLS with the stack CA (PEM) reads metadata; without the CA it is a non-retriable TLS error', async () => {
    const ok = open('secure');
    expect((await ok.metadata()).brokers.size).toBeGreaterThan(0);
    const bad = open('secure', { tls: { servername: 'localhost' } });
    const e = await bad.metadata().catch((x: unknown) => x);
    expect(e).toMatchObject({ name: 'TLS_HANDSHAKE_FAILED', retriable: false });
    expect((e as Error).message).toMatch(/certificate/i);
  });

  it('PLAINTEXT on the TLS listener: the TLS alert read as a frame size is refused as not Kafka, in words', async () => {
    const e = await open('secure', { tls: undefined })
      .metadata()
      .catch((x: unknown) => x);
    expect(e).toMatchObject({ name: 'NOT_KAFKA_PROTOCOL', retriable: false });
    expect((e as Error).message).toMatch(/a response frame of \d+ bytes, outside 0\.\.\d+/);
    expect(errorSentence(e)).toMatch(
      /^The broker's answer is not Kafka's protocol .*PLAINTEXT on a TLS listener/,
    );
  });
});
