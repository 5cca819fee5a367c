import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from '@ferry/testkit';
import { testCluster, uniqueName } from '@ferry/testkit/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { CheckpointTask, commitGroupOffsets, resolveSyncSettings } from '../../src/checkpoints/index.ts';
import { kafkaFor } from '../../src/kafka/client.ts';
import { translateOffsets } from '../../src/translate/index.ts';
import { copyTopics } from '../checkpoints/copy-loop.ts';
import { createTopic, flowBetween, kafka } from '../helpers/kafka.ts';
import { javaCheck } from '../java/harness.ts';

const FERRY = join(import.meta.dirname, '..', '..', '..', 'cli', 'bin', 'ferry.js');

function ferry(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [FERRY, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('translateOffsets API and `ferry offsets translate|sync` (east -> west)', () => {
  const source = 'east';
  const target = 'west';
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('gives the same answers as Java RemoteClusterUtils; sync refuses an active group, then writes, never backwards; falls back to checkpoints when the source is down', async () => {
    const topic = uniqueName('xlate');
    const remote = `${source}.${topic}`;
    await createTopic(source, topic, 2);
    await createTopic(target, remote, 2);
    const p = kafka(source).producer({ idempotent: true, maxInFlightRequests: 1 });
    await p.connect();
    await p.send({
      topic,
      acks: -1,
      messages: Array.from({ length: 30 }, (_, i) => ({ partition: i % 2, key: `k${i}`, value: `v${i}` })),
    });
    await p.disconnect();
    await copyTopics(source, target, [topic]);
    const group = uniqueName('xlate-g');
    await commitGroupOffsets(kafka(source), group, [
      { topic, partition: 0, offset: 7n },
      { topic, partition: 1, offset: 15n },
    ]);

    // checkpoints for the Java side
    const flow = flowBetween(source, target, { topics: topic });
    const sourceK = kafkaFor(flow.source, 't');
    const targetK = kafkaFor(flow.target, 't');
    const sa = sourceK.admin();
    const ta = targetK.admin();
    await sa.connect();
    await ta.connect();
    const task = new CheckpointTask(
      flow,
      resolveSyncSettings(new Map([['groups', group]]), source, target),
      { source: sourceK, target: targetK, sourceAdmin: sa, targetAdmin: ta },
      () => undefined,
    );
    await task.start();
    cleanups.push(async () => {
      await task.stop();
      await sa.disconnect();
      await ta.disconnect();
    });
    await task.emitCheckpoints();

    const api = await translateOffsets({ group, source: flow.source, target: flow.target });
    expect(api.via).toBe('live');
    expect(api.partitions).toEqual([
      { topic, partition: 0, remoteTopic: remote, upstreamOffset: '7', downstreamOffset: '7', exact: true },
      { topic, partition: 1, remoteTopic: remote, upstreamOffset: '15', downstreamOffset: '15', exact: true },
    ]);
    const common = [
      '--group',
      group,
      '--from',
      source,
      '--to',
      target,
      '--target-bootstrap',
      testCluster(target).bootstrap,
    ];
    const cli = await ferry([
      'offsets',
      'translate',
      ...common,
      '--source-bootstrap',
      testCluster(source).bootstrap,
      '--json',
    ]);
    expect(cli.err).toBe('');
    expect(cli.code).toBe(0);
    const cliOffsets = Object.fromEntries(
      (JSON.parse(cli.out) as typeof api).partitions.map((x) => [
        `${x.remoteTopic}:${x.partition}`,
        x.downstreamOffset,
      ]),
    );
    const [java] = (await javaCheck([['translate', testCluster(target).bootstrap, source, group]])) as [
      Record<string, string>,
    ];
    expect(cliOffsets).toEqual(java);
    expect(java).toEqual({ [`${remote}:0`]: '7', [`${remote}:1`]: '15' });

    // the source is unreachable: translate uses the checkpoints on the target
    const down = await ferry([
      'offsets',
      'translate',
      ...common,
      '--source-bootstrap',
      '127.0.0.1:1',
      '--json',
    ]);
    expect(down.code).toBe(0);
    const downReport = JSON.parse(down.out) as typeof api;
    expect(downReport.via).toBe('checkpoints');
    expect(
      Object.fromEntries(
        downReport.partitions.map((x) => [`${x.remoteTopic}:${x.partition}`, x.downstreamOffset]),
      ),
    ).toEqual(java);

    // sync: refused while the group is active on the target
    const consumer = kafka(target).consumer({ groupId: group, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: [remote] });
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
    await consumer.run({ autoCommit: false, eachMessage: async () => undefined });
    await waitFor(() => joined, { timeoutMs: 30_000, what: 'consumer to join on the target' });
    const refused = await ferry([
      'offsets',
      'sync',
      ...common,
      '--source-bootstrap',
      testCluster(source).bootstrap,
    ]);
    await consumer.disconnect();
    expect(refused.code).toBe(4);
    expect(refused.err).toMatch(/active member/);

    const synced = await ferry([
      'offsets',
      'sync',
      ...common,
      '--source-bootstrap',
      testCluster(source).bootstrap,
    ]);
    expect(synced.err).toBe('');
    expect(synced.code).toBe(0);
    expect(synced.out).toMatch(new RegExp(`wrote ${remote}-0 = 7`));
    const committed = async () =>
      Object.fromEntries(
        (await ta.fetchOffsets({ groupId: group, topics: [remote] }))[0]!.partitions.map((x) => [
          x.partition,
          x.offset,
        ]),
      );
    expect(await committed()).toEqual({ 0: '7', 1: '15' });

    // the group moved on on the target; the source is behind it: never backwards
    await commitGroupOffsets(kafka(target), group, [{ topic: remote, partition: 0, offset: 12n }]);
    const again = await ferry([
      'offsets',
      'sync',
      ...common,
      '--source-bootstrap',
      testCluster(source).bootstrap,
    ]);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(new RegExp(`kept ${remote}-0 = 12`));
    expect(await committed()).toEqual({ 0: '12', 1: '15' });
  });
});
