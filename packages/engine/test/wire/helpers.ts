import { type ClusterState, kafkajsConfig, STACK_SCRAM_USERS } from '@ferry/testkit';
import kafkajs from 'kafkajs';
import { buildBatch } from '../../src/records/build.ts';
import type { WireRecord } from '../../src/records/types.ts';
import type { WireClusterConfig } from '../../src/wire/config.ts';

/** Wire settings for a test-stack cluster on its client listener, with its security. */
export function wireConfig(c: ClusterState, clientId = 'ferry-wire-test'): WireClusterConfig {
  const cfg: WireClusterConfig = {
    bootstrap: [c.bootstrap],
    clientId,
    requestTimeoutMs: 15000,
    connectTimeoutMs: 5000,
  };
  if (c.security === 'SSL') cfg.tls = { ca: c.caPem ?? '', servername: 'localhost' };
  if (c.security === 'SASL_PLAINTEXT') {
    const u = STACK_SCRAM_USERS[0];
    cfg.sasl = { mechanism: 'scram-sha-512', username: u.username, password: u.password };
  }
  return cfg;
}

/** Topic creation stays on kafkajs's admin (ADR 0002). */
export async function createTopic(c: ClusterState, topic: string, partitions = 1): Promise<void> {
  const admin = new kafkajs.Kafka(kafkajsConfig(c, 'ferry-wire-test-admin')).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
}

export async function listGroups(c: ClusterState): Promise<string[]> {
  const admin = new kafkajs.Kafka(kafkajsConfig(c, 'ferry-wire-test-admin')).admin();
  await admin.connect();
  try {
    return (await admin.listGroups()).groups.map((g) => g.groupId).sort();
  } finally {
    await admin.disconnect();
  }
}

/**
 * Of the groups in `candidates`, those that show a reader of `topic`: committed offsets for it, or a member
 * with `clientId` (the shared stack has other engineers' groups appearing concurrently, so "no new group at
 * all" is not a stable assertion; "no group of ours and none on our topic" is).
 */
export async function groupsTouching(
  c: ClusterState,
  topic: string,
  clientId: string,
  candidates: string[],
): Promise<string[]> {
  if (candidates.length === 0) return [];
  const admin = new kafkajs.Kafka(kafkajsConfig(c, 'ferry-wire-test-admin')).admin();
  await admin.connect();
  try {
    const out: string[] = [];
    const described = await admin.describeGroups(candidates);
    for (const g of described.groups) {
      const offsets = await admin.fetchOffsets({ groupId: g.groupId, topics: [topic] });
      const committed = offsets.some((t) => t.partitions.some((p) => p.offset !== '-1'));
      if (committed || g.members.some((m) => m.clientId === clientId)) out.push(g.groupId);
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}

export function records(n: number, prefix: string, ts = 1_700_000_000_000n): WireRecord[] {
  const out: WireRecord[] = [];
  for (let i = 0; i < n; i++)
    out.push({
      offset: BigInt(i),
      timestamp: ts + BigInt(i),
      key: i % 3 === 2 ? null : Buffer.from(`${prefix}-k${i}`),
      value: i % 4 === 3 ? null : Buffer.from(`${prefix}-v${i}`),
      headers: [
        ['h', Buffer.from(String(i))],
        ['n', null],
        ['h', Buffer.from('again')],
      ],
    });
  return out;
}

export function batch(
  recs: WireRecord[],
  p: { producerId?: bigint; producerEpoch?: number; baseSequence?: number; transactional?: boolean } = {},
): Buffer {
  return buildBatch(recs, {
    compression: 'none',
    timestampType: 'create',
    producerId: p.producerId ?? -1n,
    producerEpoch: p.producerEpoch ?? -1,
    baseSequence: p.baseSequence ?? -1,
    transactional: p.transactional ?? false,
  });
}
