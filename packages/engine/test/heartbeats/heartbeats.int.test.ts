import { randomBytes } from 'node:crypto';
import { defaultReplicationPolicy, shouldReplicate, topicFilter } from '@ferry/core';
import { waitFor } from '@ferry/testkit';
import { testCluster } from '@ferry/testkit/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { HeartbeatEmitter } from '../../src/heartbeats/index.ts';
import { kafkaFor } from '../../src/kafka/client.ts';
import { decodeHeartbeat, HEARTBEATS_TOPIC } from '../../src/mm2-formats/index.ts';
import { copyTopics } from '../checkpoints/copy-loop.ts';
import { readToEnd, withAdmin } from '../checkpoints/drill-helpers.ts';
import { createTopic } from '../helpers/kafka.ts';
import { javaCheck } from '../java/harness.ts';

const alias = (p: string) => `${p}${randomBytes(3).toString('hex')}`;

describe('heartbeats', () => {
  const emitters: HeartbeatEmitter[] = [];
  const admins: Array<{ disconnect(): Promise<void> }> = [];
  /** Remote heartbeat topics this test created: removed afterwards, since every flow replicates heartbeats. */
  const created: Array<[string, string]> = [];
  afterEach(async () => {
    for (const e of emitters.splice(0)) await e.stop();
    for (const a of admins.splice(0)) await a.disconnect();
    for (const [cluster, topic] of created.splice(0))
      await withAdmin(cluster, (a) => a.deleteTopics({ topics: [topic] }));
  });
  const createRemote = async (cluster: string, topic: string) => {
    created.push([cluster, topic]);
    await createTopic(cluster, topic, 1);
  };

  async function emitter(
    sourceAlias: string,
    targetAlias: string,
    cluster: string,
  ): Promise<HeartbeatEmitter> {
    const k = kafkaFor(
      {
        alias: targetAlias,
        bootstrapServers: [testCluster(cluster).bootstrap],
        securityProtocol: 'PLAINTEXT',
      },
      'hb-test',
    );
    const admin = k.admin();
    await admin.connect();
    admins.push(admin);
    const e = new HeartbeatEmitter({
      sourceAlias,
      targetAlias,
      target: k,
      targetAdmin: admin,
      intervalMs: 200,
      onEvent: () => undefined,
    });
    await e.start();
    emitters.push(e);
    return e;
  }

  it("MM2's format on `heartbeats`, replicated along hops A<->B->C: Java's upstreamClusters/replicationHops see the topology, nothing loops", async () => {
    // aliases unique per run: `heartbeats` is shared on the test clusters, remote heartbeat topics are not
    const A = alias('a');
    const B = alias('b');
    const C = alias('c');
    await emitter(B, A, 'east'); // MM2 emits for every pair, also B->A which replicates nothing here
    await emitter(A, B, 'west');
    await emitter(B, C, 'east39');
    const start = Date.now();
    await waitFor(
      async () =>
        ((await readToEnd('west', HEARTBEATS_TOPIC)).get(0) ?? []).filter(
          (r) => decodeHeartbeat({ key: r.rawKey!, value: r.rawValue! }).sourceClusterAlias === A,
        ).length >= 3,
      { timeoutMs: 20_000, intervalMs: 300, what: `three heartbeats ${A}->${B} on west` },
    );

    // replicate heartbeats: A->B, B->A, B->C (the data path's rules, with the test copy loop)
    const policy = defaultReplicationPolicy();
    const all = topicFilter();
    await createRemote('west', `${A}.${HEARTBEATS_TOPIC}`);
    await copyTopics('east', 'west', [HEARTBEATS_TOPIC], { sourceAlias: A, targetAlias: B });
    await createRemote('east', `${B}.${HEARTBEATS_TOPIC}`);
    await copyTopics('west', 'east', [HEARTBEATS_TOPIC], { sourceAlias: B, targetAlias: A });
    // the heartbeats that came from A are not sent back to A; B->C forwards both
    expect(shouldReplicate(all, policy, A, `${A}.${HEARTBEATS_TOPIC}`)).toBe(false);
    expect(shouldReplicate(all, policy, A, HEARTBEATS_TOPIC)).toBe(true);
    expect(shouldReplicate(all, policy, C, `${A}.${HEARTBEATS_TOPIC}`)).toBe(true);
    expect(shouldReplicate(all, policy, B, `${B}.${A}.${HEARTBEATS_TOPIC}`)).toBe(false);
    await createRemote('east39', `${B}.${HEARTBEATS_TOPIC}`);
    await createRemote('east39', `${B}.${A}.${HEARTBEATS_TOPIC}`);
    await copyTopics('west', 'east39', [HEARTBEATS_TOPIC, `${A}.${HEARTBEATS_TOPIC}`], {
      sourceAlias: B,
      targetAlias: C,
    });

    const hb = (await readToEnd('east39', `${B}.${A}.${HEARTBEATS_TOPIC}`))
      .get(0)!
      .map((r) => decodeHeartbeat({ key: r.rawKey!, value: r.rawValue! }));
    expect(hb.length).toBeGreaterThan(0);
    expect(hb.some((h) => h.sourceClusterAlias === B && h.targetClusterAlias === A)).toBe(true);
    const west = testCluster('west').bootstrap;
    const east = testCluster('east').bootstrap;
    const east39 = testCluster('east39').bootstrap;
    const [upWest, upEast, upC, hopsWestA, hopsCA, hopsCB, hopsCX] = (await javaCheck([
      ['upstream', west],
      ['upstream', east],
      ['upstream', east39],
      ['hops', west, A],
      ['hops', east39, A],
      ['hops', east39, B],
      ['hops', east39, alias('nowhere')],
    ])) as [string[], string[], string[], number, number, number, number];
    expect(upWest).toContain(A);
    expect(upEast).toContain(B);
    expect(upEast).not.toContain(A);
    expect(upC).toEqual(expect.arrayContaining([A, B]));
    expect([hopsWestA, hopsCA, hopsCB, hopsCX]).toEqual([1, 2, 1, -1]);
    expect(Date.now() - start).toBeLessThan(120_000);
  });
});
