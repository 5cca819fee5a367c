import { REPLICATION_PAIRS, uniqueName } from '@ferry/testkit/vitest';
import { CompressionTypes } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { createFlowRunner, type EngineEvent, type FlowRunner } from '../../src/index.ts';
import {
  byPartition,
  counts,
  createTopic,
  flowBetween,
  kafka,
  makeRecords,
  produce,
  type Rec,
  readTopic,
} from '../helpers/kafka.ts';

describe.each(REPLICATION_PAIRS)('replication $label ($source -> $target)', ({ source, target }) => {
  let runner: FlowRunner | undefined;
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
  });

  it('copies records one by one: partition, order, key, value, tombstones, headers, timestamps, every codec, compacted topics, aborted transactions', async () => {
    const prefix = uniqueName('rep');
    const plain = `${prefix}.plain`;
    const compacted = `${prefix}.compacted`;
    const txn = `${prefix}.txn`;
    const codecs = {
      gzip: CompressionTypes.GZIP,
      snappy: CompressionTypes.Snappy,
      lz4: CompressionTypes.LZ4,
      zstd: CompressionTypes.ZSTD,
    } as const;
    await createTopic(source, plain, 8);
    await createTopic(source, compacted, 3, [{ name: 'cleanup.policy', value: 'compact' }]);
    await createTopic(source, txn, 2);
    for (const c of Object.keys(codecs)) await createTopic(source, `${prefix}.${c}`, 2);

    const expected = new Map<string, Rec[]>();
    expected.set(plain, makeRecords(2000, 8, 'plain'));
    await produce(source, plain, expected.get(plain)!);
    expected.set(
      compacted,
      makeRecords(300, 3, 'compacted').filter((r) => r.key !== null),
    );
    await produce(source, compacted, expected.get(compacted)!);
    for (const [c, type] of Object.entries(codecs)) {
      expected.set(`${prefix}.${c}`, makeRecords(400, 2, c));
      await produce(source, `${prefix}.${c}`, expected.get(`${prefix}.${c}`)!, type);
    }
    // a transactional producer: committed, aborted, committed
    const tp = kafka(source).producer({
      transactionalId: uniqueName('txn'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await tp.connect();
    const txnRecords = makeRecords(90, 2, 'txn');
    const committed: Rec[] = [];
    for (let i = 0; i < 3; i++) {
      const chunk = txnRecords.slice(i * 30, i * 30 + 30);
      const t = await tp.transaction();
      await t.send({
        topic: txn,
        messages: chunk.map((r) => ({
          partition: r.partition,
          key: r.key,
          value: r.value,
          timestamp: r.timestamp,
          headers: Object.fromEntries(r.headers.map(([k, v]) => [k, v])),
        })),
      });
      if (i === 1) await t.abort();
      else {
        await t.commit();
        committed.push(...chunk.map((r) => ({ ...r, headers: dedupeHeaders(r.headers) })));
      }
    }
    await tp.disconnect();
    expected.set(txn, committed);

    const events: EngineEvent[] = [];
    runner = createFlowRunner(flowBetween(source, target, { topics: `${prefix}\\..*`, 'tasks.max': '3' }), {
      onEvent: (e) => events.push(e),
    });
    await runner.start();
    expect(runner.assignment().length).toBe(3);

    for (const [topic, recs] of expected) {
      const want = byPartition(recs);
      const got = await readTopic(target, `${source}.${topic}`, counts(want));
      expect(got, topic).toEqual(want);
    }
    const remote = kafka(target).admin();
    await remote.connect();
    const cfg = await remote.describeConfigs({
      resources: [{ type: 2, name: `${source}.${compacted}` }],
      includeSynonyms: false,
    });
    await remote.disconnect();
    expect(cfg.resources[0]!.configEntries.find((c) => c.configName === 'cleanup.policy')?.configValue).toBe(
      'compact',
    );
    expect(events.some((e) => e.type === 'topic-created' && e.remoteTopic === `${source}.${plain}`)).toBe(
      true,
    );
    expect(events.filter((e) => e.type === 'task-error')).toEqual([]);
  });
});

/** kafkajs collapses headers given as an object: the test's transactional records carry one value per key. */
function dedupeHeaders(hs: Array<[string, string]>): Array<[string, string]> {
  const m = new Map<string, string>();
  for (const [k, v] of hs) m.set(k, v);
  return [...m];
}
