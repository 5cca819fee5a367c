import { randomBytes } from 'node:crypto';
import { waitFor } from '@ferry/testkit';
import { testCluster, uniqueName } from '@ferry/testkit/vitest';
import type { Kafka } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import type { SyncEvent } from '../../src/checkpoints/events.ts';
import { HeartbeatEmitter } from '../../src/heartbeats/index.ts';
import { kafkaFor } from '../../src/kafka/client.ts';
import { RenewingProducer } from '../../src/kafka/renewing-producer.ts';
import { decodeHeartbeat, HEARTBEATS_TOPIC } from '../../src/mm2-formats/index.ts';
import { readToEnd, withAdmin } from '../checkpoints/drill-helpers.ts';
import { createTopic } from '../helpers/kafka.ts';

/**
 * Periodic producers recover from any producer error with a new producer (issue #12: after broker and
 * process restarts every heartbeat failed with OUT_OF_ORDER_SEQUENCE_NUMBER, 200 times in a row: the same
 * broken producer was used again and again). Real brokers; the faults are a producer left unusable and a
 * topic deleted under it.
 */
const west = (): Kafka =>
  kafkaFor(
    { alias: 'west', bootstrapServers: [testCluster('west').bootstrap], securityProtocol: 'PLAINTEXT' },
    'recovery-test',
  );

describe('periodic producers after a producer error', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of closers.splice(0)) await c().catch(() => undefined);
  });

  it('heartbeats continue after the producer became unusable: the next beat has a new producer', async () => {
    const k = west();
    const admin = k.admin();
    await admin.connect();
    closers.push(() => admin.disconnect());
    const source = `hbrec${randomBytes(3).toString('hex')}`;
    const events: SyncEvent[] = [];
    const hb = new HeartbeatEmitter({
      sourceAlias: source,
      targetAlias: 'west',
      target: k,
      targetAdmin: admin,
      intervalMs: 60_000, // beats are driven by the test, like the heartbeats control job does
      onEvent: (e) => events.push(e),
    });
    await hb.open();
    closers.push(() => hb.stop());
    await hb.beat();
    // Break the producer behind the emitter's back: every send of this producer fails from now on, the
    // way an idempotent producer with a stale sequence does.
    const inner = (hb as unknown as { producer: { producer: { disconnect(): Promise<void> } } }).producer;
    await inner.producer.disconnect();
    await hb.beat(); // fails: reported, and the producer is dropped
    for (let i = 0; i < 3; i++) await hb.beat();
    const failed = events.filter((e) => e.type === 'sync-error');
    const emitted = events.filter((e) => e.type === 'heartbeat-emitted');
    expect(failed).toHaveLength(1);
    expect(emitted).toHaveLength(4);
    expect(hb.renewals).toBe(1);
    const mine = async () =>
      ((await readToEnd('west', HEARTBEATS_TOPIC)).get(0) ?? []).filter(
        (r) => decodeHeartbeat({ key: r.rawKey!, value: r.rawValue! }).sourceClusterAlias === source,
      ).length;
    await waitFor(async () => (await mine()) >= 4, { timeoutMs: 20_000, what: 'four heartbeats on west' });
  });

  it('a deleted topic is re-created and the next send succeeds with a new producer', async () => {
    const topic = uniqueName('renew');
    await createTopic('west', topic, 1);
    const k = west();
    const admin = k.admin();
    await admin.connect();
    closers.push(() => admin.disconnect());
    const p = new RenewingProducer(
      k,
      { idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, retry: { retries: 2 } },
      {
        beforeRenew: async () => {
          await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
        },
      },
    );
    await p.connect();
    closers.push(() => p.disconnect());
    await p.send({ topic, acks: -1, messages: [{ value: 'one' }] });
    await withAdmin('west', (a) => a.deleteTopics({ topics: [topic] }));
    await waitFor(async () => !(await admin.listTopics()).includes(topic), {
      timeoutMs: 20_000,
      what: `${topic} deleted`,
    });
    await expect(p.send({ topic, acks: -1, messages: [{ value: 'lost' }] })).rejects.toThrow();
    await p.send({ topic, acks: -1, messages: [{ value: 'two' }] });
    expect(p.renewals).toBe(1);
    const values = ((await readToEnd('west', topic)).get(0) ?? []).map((r) => r.rawValue?.toString());
    expect(values).toEqual(['two']);
  });
});
