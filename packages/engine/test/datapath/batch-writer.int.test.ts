import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@ferry/testkit';
import { createTopic, recreateTopic } from '@ferry/testkit/records';
import { REPLICATION_PAIRS, testCluster, uniqueName } from '@ferry/testkit/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { BatchWriter, type WriteItem, type WrittenBatch } from '../../src/datapath/batch-writer.ts';
import { FerryError } from '../../src/errors.ts';
import { buildBatch, type RawBatch, splitBatches } from '../../src/records/index.ts';
import {
  addOffsetsToTxnApi,
  addPartitionsToTxnApi,
  fetchApi,
  initProducerIdApi,
  offsetFetchApi,
  offsetFetchRequest,
  offsetFetchResult,
  produceApi,
  READ_COMMITTED,
  txnOffsetCommitApi,
  WireCluster,
} from '../../src/wire/index.ts';
import { kafka } from '../helpers/kafka.ts';
import { type JavaConsumed, javaConsume, javaDump, javaProduce } from '../records/java-tool.ts';

/*
 * BatchWriter against the shared stack, east → west: source data written by the Java producer (every codec,
 * header nulls, interleaved keys), fetched raw from east with a Fetch request, written to west by the writer,
 * read back from both with the Java consumer (read_committed) and compared record by record. The target base
 * offsets the writer returns must be where the Java consumer finds each batch's records.
 */

const EAST = testCluster('east').bootstrap;
const WEST = testCluster('west').bootstrap;
const clusters: WireCluster[] = [];

function wire(bootstrap: string): WireCluster {
  const c = new WireCluster({ bootstrap: [bootstrap], clientId: uniqueName('bw-test') });
  clusters.push(c);
  return c;
}

afterAll(async () => {
  await Promise.all(clusters.map((c) => c.close().catch(() => undefined)));
});

/** Raw batches of one partition from `from` to the high watermark, in fetch-sized chunks. */
async function fetchRaw(
  cluster: WireCluster,
  topic: string,
  partition: number,
  maxBytes = 64 << 10,
): Promise<RawBatch[][]> {
  const md = await cluster.metadata([topic], { refresh: true });
  const topicId = md.topics.get(topic)!.topicId;
  const chunks: RawBatch[][] = [];
  let offset = 0n;
  let limit = maxBytes;
  let errors = 0;
  for (;;) {
    const conn = await cluster.leaderFor(topic, partition);
    const res = await conn.send(fetchApi, {
      maxWaitMs: 50,
      minBytes: 1,
      maxBytes: limit,
      isolationLevel: READ_COMMITTED,
      topics: [
        { topic, topicId, partitions: [{ partition, fetchOffset: offset, partitionMaxBytes: limit }] },
      ],
    });
    const p = res.responses[0]!.partitions[0]!;
    if (p.errorCode !== 0) {
      // seen once under load (OFFSET_OUT_OF_RANGE at an offset inside the log): ask again, then fail with details
      const what = `${topic}-${partition} fetch at ${offset}: error ${p.errorCode}, hw ${p.highWatermark}, log start ${p.logStartOffset}`;
      if (++errors > 5) throw new Error(what);
      console.warn(what);
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    if (offset >= p.highWatermark) return chunks;
    const { batches, truncatedAt } = splitBatches(p.records ?? Buffer.alloc(0));
    const fresh = batches.filter((b) => b.header.baseOffset + BigInt(b.header.lastOffsetDelta) >= offset);
    if (fresh.length === 0) {
      expect(truncatedAt).not.toBeNull();
      limit *= 2; // one batch larger than the limit
      continue;
    }
    // copy out of the response buffer: the writer may be given these long after
    chunks.push(fresh.map((b) => ({ header: b.header, bytes: Buffer.from(b.bytes) })));
    const last = fresh[fresh.length - 1]!.header;
    offset = last.baseOffset + BigInt(last.lastOffsetDelta) + 1n;
    limit = maxBytes;
  }
}

function strip(r: JavaConsumed) {
  return {
    key: r.key,
    value: r.value,
    headers: r.headers,
    timestamp: r.timestamp,
    timestampType: r.timestampType,
  };
}

/** Fetched batches as the Java client reads them (MemoryRecords over the same bytes), as consumer records. */
async function javaRead(perPartition: RawBatch[][][]): Promise<JavaConsumed[]> {
  const out: JavaConsumed[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'ferry-bw-'));
  for (const [partition, chunks] of perPartition.entries()) {
    const file = join(dir, `p${partition}.bin`);
    writeFileSync(file, Buffer.concat(chunks.flat().map((b) => b.bytes)));
    for (const batch of await javaDump(file))
      for (const r of batch.records) out.push({ ...r, partition, timestampType: batch.timestampType });
  }
  return out;
}

/** Checks the target against the source record by record, and every written batch's target offsets. */
function compare(source: JavaConsumed[], target: JavaConsumed[], written: WrittenBatch[]) {
  const partitions = [...new Set(source.map((r) => r.partition))].sort();
  for (const p of partitions) {
    const s = source.filter((r) => r.partition === p);
    const t = target.filter((r) => r.partition === p);
    expect(t.length, `partition ${p} record count`).toBe(s.length);
    expect(t.map(strip), `partition ${p} records`).toEqual(s.map(strip));
  }
  // target offset → source offset, from the writer's answers
  const srcAt = new Map<string, JavaConsumed>(source.map((r) => [`${r.partition}:${r.offset}`, r]));
  const tgtAt = new Map<string, JavaConsumed>(target.map((r) => [`${r.partition}:${r.offset}`, r]));
  let mapped = 0;
  for (const w of written) {
    const offsets =
      w.sourceOffsets ??
      (w.sourceRuns
        ? w.sourceRuns.flatMap((r) => Array.from({ length: r.length }, (_, i) => r.start + BigInt(i)))
        : Array.from({ length: w.records }, (_, i) => w.sourceBaseOffset + BigInt(i)));
    expect(offsets).toHaveLength(w.records);
    offsets.forEach((so, i) => {
      const t = tgtAt.get(`${w.partition}:${w.targetBaseOffset + BigInt(i)}`);
      const s = srcAt.get(`${w.partition}:${so}`);
      expect(t, `target ${w.partition}:${w.targetBaseOffset + BigInt(i)}`).toBeDefined();
      expect(s, `source ${w.partition}:${so}`).toBeDefined();
      expect(strip(t!)).toEqual(strip(s!));
      mapped++;
    });
  }
  expect(mapped).toBe(target.length);
}

/** Writes all chunks: transaction k holds chunk k of every partition; positions = after the chunk. */
async function replicate(
  writer: BatchWriter,
  perPartition: RawBatch[][][],
  remoteTopic: string,
  sourceTopic: string,
  maxMessageBytes = 1 << 20,
): Promise<WrittenBatch[]> {
  const all: WrittenBatch[] = [];
  const rounds = Math.max(...perPartition.map((c) => c.length));
  for (let k = 0; k < rounds; k++) {
    const items: WriteItem[] = [];
    const positions: Array<{ remoteTopic: string; partition: number; next: bigint }> = [];
    perPartition.forEach((chunks, partition) => {
      const batches = chunks[k];
      if (!batches) return;
      items.push({ remoteTopic, partition, sourceTopic, maxMessageBytes, batches });
      const last = batches[batches.length - 1]!.header;
      positions.push({ remoteTopic, partition, next: last.baseOffset + BigInt(last.lastOffsetDelta) + 1n });
    });
    all.push(...(await writer.write(items, positions)));
  }
  return all;
}

/** One item per partition: its batches (all chunks, or chunk `k`), 1 MiB max.message.bytes. */
function itemsOf(
  perPartition: RawBatch[][][],
  remoteTopic: string,
  sourceTopic: string,
  k?: number,
): WriteItem[] {
  return perPartition.map((chunks, partition) => ({
    remoteTopic,
    partition,
    sourceTopic,
    maxMessageBytes: 1 << 20,
    batches: k === undefined ? chunks.flat() : chunks[k]!,
  }));
}

/** The position after each item's last batch. */
function positionsAfter(items: WriteItem[]) {
  return items.map((it) => {
    const h = it.batches.at(-1)!.header;
    return {
      remoteTopic: it.remoteTopic,
      partition: it.partition,
      next: h.baseOffset + BigInt(h.lastOffsetDelta) + 1n,
    };
  });
}

/** The positions committed on the target for `group`, per partition (read with require_stable). */
async function committed(cluster: WireCluster, group: string, topic: string, partitions: number) {
  const conn = await cluster.coordinator('group', group);
  const res = await conn.send(
    offsetFetchApi,
    offsetFetchRequest(group, [{ name: topic, partitionIndexes: [...Array(partitions).keys()] }], true),
  );
  const { errorCode, topics } = offsetFetchResult(res, conn.versionOf(offsetFetchApi));
  expect(errorCode).toBe(0);
  return new Map((topics[0]?.partitions ?? []).map((p) => [p.partitionIndex, p.committedOffset]));
}

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

// JVMs (producer, two consumers) per test on a shared two-core box: generous time
describe('BatchWriter east → west', { timeout: 300_000 }, () => {
  it.each(REPLICATION_PAIRS)(
    '$label: forwards every codec as bytes in transactions; the Java consumer reads the same records where the writer said',
    async ({ source: from, target: to }) => {
      const FROM = testCluster(from).bootstrap;
      const TO = testCluster(to).bootstrap;
      const src = uniqueName('bw-src');
      const dst = `${from}.${src}`;
      await createTopic(from, src, CODECS.length);
      await createTopic(to, dst, CODECS.length);
      await javaProduce(FROM, src, [0, 1, 2, 3, 4], 1500, [...CODECS]);

      const east = wire(FROM);
      const west = wire(TO);
      const perPartition = await Promise.all(CODECS.map((_c, p) => fetchRaw(east, src, p)));
      expect(perPartition.every((c) => c.length >= 2)).toBe(true); // several transactions per partition
      const group = uniqueName('bw-positions');
      const writer = new BatchWriter({
        cluster: west,
        transactionalId: uniqueName('bw-txn'),
        positionsGroup: group,
        coalesceBytes: 0, // every batch as it came (coalescing: its own test below)
      });
      await writer.start();
      const written = await replicate(writer, perPartition, dst, src);
      const stats = writer.stats();
      expect(stats.rebuiltBatches).toBe(0);
      expect(stats.coalescedBatches).toBe(0);
      expect(stats.forwardedBatches).toBe(perPartition.flat(2).length);
      expect(stats.forwardedBytes).toBe(perPartition.flat(2).reduce((n, b) => n + b.bytes.length, 0));
      // many partitions per produce request: fewer requests than batches
      expect(stats.produceRequests).toBeLessThan(stats.forwardedBatches);

      const [source, target] = await Promise.all([
        javaConsume(FROM, src, CODECS.length),
        javaConsume(TO, dst, CODECS.length, 1500 * CODECS.length),
      ]);
      expect(source).toHaveLength(1500 * CODECS.length);
      compare(source, target, written);

      // positions committed in the same transactions: the source offset after each partition's last batch
      const c = await committed(west, group, dst, CODECS.length);
      for (let p = 0; p < CODECS.length; p++) {
        const last = perPartition[p]!.at(-1)!.at(-1)!.header;
        expect(c.get(p)).toBe(last.baseOffset + BigInt(last.lastOffsetDelta) + 1n);
      }
    },
  );

  it('coalesces consecutive small uncompressed batches: fewer batches, one produce round, the same records at the offsets the writer said', async () => {
    const src = uniqueName('bw-coalesce');
    const dst = `east.${src}`;
    const partitions = 4;
    await createTopic('east', src, partitions);
    await createTopic('west', dst, partitions);
    // small producer batches (a few records each), as a producer spread over many partitions writes them;
    // partition 3 is lz4: forwarded as it came
    const per = 300;
    await javaProduce(EAST, src, [0, 1, 2], per, 'none', { batchSize: 1024, keys: 50 });
    await javaProduce(EAST, src, [3], per, 'lz4', { batchSize: 1024 });
    const east = wire(EAST);
    const west = wire(WEST);
    // one chunk per partition: one transaction holds all of it
    const perPartition = await Promise.all(
      [...Array(partitions).keys()].map((p) => fetchRaw(east, src, p, 8 << 20)),
    );
    const sourceBatches = perPartition.map((c) => c.flat().length);
    expect(sourceBatches.every((n) => n > 10)).toBe(true);
    const group = uniqueName('bw-positions');
    // 16 KiB: several coalesced batches per partition, cut by size
    const writer = new BatchWriter({
      cluster: west,
      transactionalId: uniqueName('bw-txn'),
      positionsGroup: group,
      coalesceBytes: 16 << 10,
    });
    await writer.start();
    const written = await replicate(writer, perPartition, dst, src);
    const stats = writer.stats();
    expect(stats.rebuiltBatches).toBe(0);
    const uncompressed = sourceBatches.slice(0, 3).reduce((a, b) => a + b, 0);
    expect(stats.coalescedSourceBatches).toBe(uncompressed);
    expect(stats.forwardedBatches).toBe(stats.coalescedBatches + sourceBatches[3]!);
    expect(stats.coalescedBatches).toBeLessThan(uncompressed / 4);
    // each written batch is one run of source offsets; one made of several source batches fits the limit
    const asFetched = new Set(
      perPartition.flatMap((c, p) =>
        c
          .flat()
          .map(
            (b) => `${p}:${b.header.baseOffset}:${b.header.baseOffset + BigInt(b.header.lastOffsetDelta)}`,
          ),
      ),
    );
    for (const w of written) {
      expect(w.sourceOffsets).toBeUndefined();
      expect(Number(w.sourceLastOffset - w.sourceBaseOffset) + 1).toBe(w.records);
      if (!asFetched.has(`${w.partition}:${w.sourceBaseOffset}:${w.sourceLastOffset}`))
        expect(w.bytes).toBeLessThanOrEqual(16 << 10);
    }
    expect(written.filter((w) => w.partition === 3)).toHaveLength(sourceBatches[3]!);
    const [source, target] = await Promise.all([
      javaConsume(EAST, src, partitions),
      javaConsume(WEST, dst, partitions, per * partitions),
    ]);
    expect(source).toHaveLength(per * partitions);
    compare(source, target, written);
    // on the target, the batches the writer reported (a second reader over the log's own bytes)
    for (let p = 0; p < 3; p++) {
      const onTarget = (await fetchRaw(west, dst, p, 8 << 20)).flat().filter((b) => !b.header.isControl);
      expect(onTarget).toHaveLength(written.filter((w) => w.partition === p).length);
    }
    const c = await committed(west, group, dst, partitions);
    for (let p = 0; p < partitions; p++) expect(c.get(p)).toBe(BigInt(per));
  });

  it('coalesces a transactional source across its commit markers: one batch and one produce round per partition, source runs exact', async () => {
    const src = uniqueName('bw-coalesce-txn');
    const dst = `east.${src}`;
    const partitions = 2;
    await createTopic('east', src, partitions);
    await createTopic('west', dst, partitions);
    // a second client's transactions (not Ferry's wire layer): 8 of 10 records per partition, each one
    // batch, then its commit marker (one offset) in every partition
    const tp = kafka('east').producer({
      transactionalId: uniqueName('bw-src-txn'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await tp.connect();
    const txns = 8;
    const per = 10;
    for (let t = 0; t < txns; t++) {
      const tx = await tp.transaction();
      await tx.send({
        topic: src,
        messages: [...Array(partitions * per).keys()].map((i) => ({
          partition: i % partitions,
          key: `k${t}-${i}`,
          value: Buffer.alloc(100 + i, t),
          headers: { h: `${t}` },
        })),
      });
      await tx.commit();
    }
    await tp.disconnect();
    const east = wire(EAST);
    const west = wire(WEST);
    const perPartition = await Promise.all(
      [...Array(partitions).keys()].map((p) => fetchRaw(east, src, p, 8 << 20)),
    );
    // as fetched: the data batches and the markers between them, in one chunk per partition
    for (const chunks of perPartition) {
      expect(chunks).toHaveLength(1);
      expect(chunks[0]!.filter((b) => b.header.isControl)).toHaveLength(txns);
      expect(chunks[0]!.filter((b) => !b.header.isControl)).toHaveLength(txns);
    }
    const writer = new BatchWriter({
      cluster: west,
      transactionalId: uniqueName('bw-txn'),
      positionsGroup: uniqueName('bw-positions'),
    });
    await writer.start();
    const written = await replicate(writer, perPartition, dst, src);
    await writer.stop();
    const stats = writer.stats();
    expect(stats).toMatchObject({
      rebuiltBatches: 0,
      coalescedBatches: partitions,
      coalescedSourceBatches: txns * partitions,
    });
    // one written batch per partition, its records' source offsets in runs that skip every marker
    expect(written).toHaveLength(partitions);
    for (const w of written) {
      expect(w.records).toBe(txns * per);
      expect(w.sourceRuns).toEqual(
        [...Array(txns).keys()].map((t) => ({ start: BigInt(t * (per + 1)), length: per })),
      );
      expect(w.sourceBaseOffset).toBe(0n);
      expect(w.sourceLastOffset).toBe(BigInt((txns - 1) * (per + 1) + per - 1));
    }
    const [source, target] = await Promise.all([
      javaConsume(EAST, src, partitions),
      javaConsume(WEST, dst, partitions, txns * per * partitions),
    ]);
    expect(source).toHaveLength(txns * per * partitions);
    compare(source, target, written);
    // a second reader over the target's own bytes: one data batch per partition
    for (let p = 0; p < partitions; p++) {
      const onTarget = (await fetchRaw(west, dst, p, 8 << 20)).flat().filter((b) => !b.header.isControl);
      expect(onTarget).toHaveLength(1);
      expect(onTarget[0]!.header.recordCount).toBe(txns * per);
    }
  });

  it('rebuilds compacted batches (offset gaps) and oversized ones; they still compare equal', async () => {
    const src = uniqueName('bw-compact');
    const dst = `east.${src}`;
    await createTopic('east', src, 2, [
      { name: 'cleanup.policy', value: 'compact' },
      { name: 'segment.ms', value: '200' },
      { name: 'min.cleanable.dirty.ratio', value: '0.0001' },
      { name: 'min.compaction.lag.ms', value: '0' },
      { name: 'delete.retention.ms', value: '0' },
    ]);
    // the target accepts batches of at most 8 KiB: the 64 KiB source batches must be cut
    await createTopic('west', dst, 2, [{ name: 'max.message.bytes', value: '8192' }]);
    await javaProduce(EAST, src, [0, 1], 2000, ['zstd', 'none'], { keys: 60, batchSize: 65536 });
    await new Promise((r) => setTimeout(r, 400));
    // roll the segments (a record after segment.ms), so the cleaner may compact the first ones
    await javaProduce(EAST, src, [0, 1], 1, 'none', { keys: 1000 });

    const east = wire(EAST);
    let perPartition: RawBatch[][][] = [];
    const deadline = Date.now() + 90_000;
    const gappy = (b: RawBatch) => b.header.recordCount !== b.header.lastOffsetDelta + 1;
    for (;;) {
      perPartition = await Promise.all([0, 1].map((p) => fetchRaw(east, src, p)));
      if (perPartition.every((chunks) => chunks.flat().some(gappy))) break;
      if (Date.now() > deadline) throw new Error('the broker did not compact the topic within 90 s');
      await new Promise((r) => setTimeout(r, 1000));
    }

    const west = wire(WEST);
    const writer = new BatchWriter({
      cluster: west,
      transactionalId: uniqueName('bw-txn'),
      positionsGroup: uniqueName('bw-pos'),
    });
    await writer.start();
    const written = await replicate(writer, perPartition, dst, src, 8192);
    const stats = writer.stats();
    expect(stats.rebuildReasons['offset-gap']).toBeGreaterThan(0);
    expect(stats.rebuiltBatches).toBeGreaterThan(0);
    expect(written.some((w) => w.rebuilt && w.sourceBaseOffset > 0n)).toBe(true);
    expect(written.every((w) => w.bytes <= 8192)).toBe(true);

    // the cleaner may compact the source again while this runs, so the source side is what the Java client reads
    // from exactly the bytes that were fetched and replicated
    const source = await javaRead(perPartition);
    const target = await javaConsume(WEST, dst, 2, source.length);
    compare(source, target, written);
  });

  it('idempotent mode (at-least-once): forwards, splits batches over the target limit, commits positions after the acks', async () => {
    const src = uniqueName('bw-idem');
    const dst = `east.${src}`;
    await createTopic('east', src, 2);
    await createTopic('west', dst, 2, [{ name: 'max.message.bytes', value: '16384' }]);
    await javaProduce(EAST, src, 0, 800, 'lz4');
    await javaProduce(EAST, src, 1, 800, 'none', { batchSize: 65536 });
    const east = wire(EAST);
    const west = wire(WEST);
    const perPartition = await Promise.all([0, 1].map((p) => fetchRaw(east, src, p)));
    const group = uniqueName('bw-pos');
    const writer = new BatchWriter({ cluster: west, positionsGroup: group });
    await writer.start();
    const written = await replicate(writer, perPartition, dst, src, 16384);
    const stats = writer.stats();
    expect(stats.forwardedBatches).toBeGreaterThan(0);
    expect(stats.rebuildReasons['too-large']).toBeGreaterThan(0);
    expect(stats.rebuiltBatches).toBeGreaterThan(stats.rebuildReasons['too-large']); // cut into several
    expect(written.every((w) => w.bytes <= 16384)).toBe(true);
    const [source, target] = await Promise.all([javaConsume(EAST, src, 2), javaConsume(WEST, dst, 2, 1600)]);
    compare(source, target, written);
    // no transaction markers: the target offsets are the source offsets
    expect(written.every((w) => w.targetBaseOffset === w.sourceBaseOffset)).toBe(true);
    const c = await committed(west, group, dst, 2);
    expect([c.get(0), c.get(1)]).toEqual([800n, 800n]);
  });

  it('the remote topic deleted and re-created between two writes: TARGET_TOPIC_RECREATED, nothing written into the new topic', async () => {
    const src = uniqueName('bw-recreated');
    const dst = `east.${src}`;
    await createTopic('east', src, 1);
    await createTopic('west', dst, 1);
    await javaProduce(EAST, src, 0, 400, 'none');
    const east = wire(EAST);
    const west = wire(WEST);
    const [chunks] = await Promise.all([fetchRaw(east, src, 0, 4096)]);
    expect(chunks!.length).toBeGreaterThanOrEqual(2);
    const writer = new BatchWriter({
      cluster: west,
      transactionalId: uniqueName('bw-txn'),
      positionsGroup: uniqueName('bw-pos'),
    });
    await writer.start();
    const item = (batches: RawBatch[]): WriteItem => ({
      remoteTopic: dst,
      partition: 0,
      sourceTopic: src,
      maxMessageBytes: 1 << 20,
      batches,
    });
    await writer.write([item(chunks![0]!)], []);
    const firstId = writer.topicIdOf(dst);
    expect(firstId).toBeTruthy();
    // deleted and created again by someone else between two writes: no produce of this writer saw an error
    await recreateTopic('west', dst, 1);
    const err = await writer.write([item(chunks![1]!)], []).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FerryError);
    expect((err as FerryError).code).toBe('TARGET_TOPIC_RECREATED');
    expect((err as FerryError).retriable).toBe(false);
    expect((err as FerryError).message).toContain(firstId!);
    // the new topic got nothing: its end is 0
    const probe = kafka('west').admin();
    await probe.connect();
    try {
      const offsets = await probe.fetchTopicOffsets(dst);
      expect(offsets.map((o) => o.high)).toEqual(['0']);
    } finally {
      await probe.disconnect();
    }
  });

  it('re-created while a write was under way (its first check saw the old topic): the transaction is aborted, a read_committed reader sees nothing in the new topic', async () => {
    /** One try on a topic of its own: whether the produce reached the new topic, and what a reader sees there. */
    const once = async () => {
      const src = uniqueName('bw-inflight');
      const dst = `east.${src}`;
      await createTopic('east', src, 1);
      await createTopic('west', dst, 1);
      await javaProduce(EAST, src, 0, 400, 'none');
      const [chunks] = await Promise.all([fetchRaw(wire(EAST), src, 0, 4096)]);
      expect(chunks!.length).toBeGreaterThanOrEqual(2);
      const writer = new BatchWriter({
        cluster: wire(WEST),
        transactionalId: uniqueName('bw-txn'),
        positionsGroup: uniqueName('bw-pos'),
        // the check before the write trusts what it saw a moment ago: this is the write whose check came just
        // before the deletion, made deterministic (its produce then goes by name into whatever topic is there)
        topicIdCheckMs: 600_000,
      });
      await writer.start();
      const item = (batches: RawBatch[]): WriteItem => ({
        remoteTopic: dst,
        partition: 0,
        sourceTopic: src,
        maxMessageBytes: 1 << 20,
        batches,
      });
      await writer.write([item(chunks![0]!)], [{ remoteTopic: dst, partition: 0, next: 1n }]);
      const firstId = writer.topicIdOf(dst);
      const admin = kafka('west').admin();
      await admin.connect();
      try {
        await recreateTopic('west', dst, 1);
        // its leader takes writes (else the produce is refused and the retry's fresh check finds the new id)
        await waitFor(
          async () =>
            admin.fetchTopicOffsets(dst).then(
              () => true,
              () => false,
            ),
          { timeoutMs: 30_000, what: `${dst} to take writes` },
        );
        const err = await writer
          .write([item(chunks![1]!)], [{ remoteTopic: dst, partition: 0, next: 2n }])
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        // whatever the path, the write fails, naming the old id
        expect(err).toBeInstanceOf(FerryError);
        expect((err as FerryError).code).toBe('TARGET_TOPIC_RECREATED');
        expect((err as FerryError).message).toContain(firstId!);
        const [end] = await admin.fetchTopicOffsets(dst);
        // transactions V2 produce by topic id: the new topic refuses the produce, nothing reaches it
        if (writer.transactionVersion === 2) expect(Number(end!.high)).toBe(0);
        return { reached: Number(end!.high) > 0, visible: await javaConsume(WEST, dst, 1), writer };
      } finally {
        await admin.disconnect();
      }
    };
    // Whether the produce reaches the new topic depends on timing: when the new partition (its leader, the
    // transaction coordinator) refuses the first attempt, the retry's fresh check finds the new id before anything
    // is written (the other protection). Either way nothing may become visible there. Up to three tries for the
    // window itself; it was reached at loads 5-13 on this machine, not on an idle one (the fault suite's "target
    // topic deleted" exercises it end to end).
    let reached = 0;
    for (let i = 0; i < 3 && reached === 0; i++) {
      const r = await once();
      expect(r.visible, 'a read_committed reader of the new topic').toEqual([]);
      if (!r.reached) continue;
      reached++;
      expect(r.writer.stats().abortedTransactions).toBe(1);
    }
    if (reached === 0)
      console.warn(
        're-created while a write was under way: the produce did not reach the new topic in 3 tries',
      );
  });

  it('a second writer with the same transactional id fences the first (TASK_FENCED)', async () => {
    const dst = uniqueName('bw-fence');
    await createTopic('west', dst, 1);
    const west = wire(WEST);
    const tid = uniqueName('bw-txn');
    const batch = () => {
      const bytes = buildBatch(
        [
          {
            offset: 0n,
            timestamp: BigInt(Date.now()),
            key: null,
            value: Buffer.from('v'),
            headers: [['h', null]],
          },
        ],
        {
          compression: 'none',
          timestampType: 'create',
          producerId: -1n,
          producerEpoch: -1,
          baseSequence: -1,
          transactional: false,
        },
      );
      return splitBatches(bytes).batches;
    };
    const item = (): WriteItem => ({
      remoteTopic: dst,
      partition: 0,
      sourceTopic: 'x',
      maxMessageBytes: 1 << 20,
      batches: batch(),
    });
    const first = new BatchWriter({
      cluster: west,
      transactionalId: tid,
      positionsGroup: uniqueName('bw-pos'),
    });
    await first.start();
    await first.write([item()], []);
    const second = new BatchWriter({
      cluster: wire(WEST),
      transactionalId: tid,
      positionsGroup: uniqueName('bw-pos'),
    });
    await second.start();
    expect(second.producer.producerEpoch).toBeGreaterThan(first.producer.producerEpoch);
    const err = await first.write([item()], []).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FerryError);
    expect((err as FerryError).code).toBe('TASK_FENCED');
    expect((err as FerryError).retriable).toBe(false);
    await second.write([item()], []);
    const target = await javaConsume(WEST, dst, 1, 2);
    expect(target.map((r) => r.value)).toEqual([
      Buffer.from('v').toString('hex'),
      Buffer.from('v').toString('hex'),
    ]);
  });
  it('a writer whose producer must start again after a newer one took the id over is fenced, and never takes the id back', async () => {
    // the zombie: a task left running on a stalled worker while its job was started elsewhere. Its write failed
    // (here: stop(), which, like any failure, makes the next write initialise the producer again) before the new
    // task initialised the same transactional id; its next attempt must not fence the new task and commit.
    const dst = uniqueName('bw-zombie');
    await createTopic('west', dst, 1);
    const tid = uniqueName('bw-txn');
    const item = (value: string): WriteItem => ({
      remoteTopic: dst,
      partition: 0,
      sourceTopic: 'x',
      maxMessageBytes: 1 << 20,
      batches: splitBatches(
        buildBatch(
          [{ offset: 0n, timestamp: BigInt(Date.now()), key: null, value: Buffer.from(value), headers: [] }],
          {
            compression: 'none',
            timestampType: 'create',
            producerId: -1n,
            producerEpoch: -1,
            baseSequence: -1,
            transactional: false,
          },
        ),
      ).batches,
    });
    const zombie = new BatchWriter({
      cluster: wire(WEST),
      transactionalId: tid,
      positionsGroup: uniqueName('bw-pos'),
    });
    await zombie.start();
    await zombie.write([item('old-1')], []);
    await zombie.stop();
    const successor = new BatchWriter({
      cluster: wire(WEST),
      transactionalId: tid,
      positionsGroup: uniqueName('bw-pos'),
    });
    await successor.start();
    const err = await zombie.write([item('old-2')], []).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FerryError);
    expect((err as FerryError).code).toBe('TASK_FENCED');
    // the successor still owns the id: its write commits
    await successor.write([item('new-1')], []);
    const target = await javaConsume(WEST, dst, 1, 2);
    expect(target.map((r) => Buffer.from(r.value!, 'hex').toString())).toEqual(['old-1', 'new-1']);
  });

  it('a predecessor killed inside a transaction: the next writer starts at once, its write commits, the old data stays invisible', async () => {
    // what `kill -9` in the middle of a commit leaves: records produced and positions added to the transaction,
    // no EndTxn. InitProducerId of the same transactional id then answers CONCURRENT_TRANSACTIONS (with producer
    // id -1) until the coordinator has aborted it; the writer must wait that out, not take -1 as its producer.
    const dst = uniqueName('bw-killed');
    await createTopic('west', dst, 1);
    const tid = uniqueName('bw-txn');
    const group = uniqueName('bw-pos');
    const west = wire(WEST);
    const record = (v: string, at = 0n) => ({
      offset: at,
      timestamp: BigInt(Date.now()),
      key: null,
      value: Buffer.from(v),
      headers: [] as Array<[string, Buffer | null]>,
    });
    const coordinator = await west.coordinator('transaction', tid);
    const init = await coordinator.send(initProducerIdApi, {
      transactionalId: tid,
      transactionTimeoutMs: 60_000,
    });
    expect(init.errorCode).toBe(0);
    const { producerId, producerEpoch } = init;
    const added = await coordinator.send(addPartitionsToTxnApi, {
      transactionalId: tid,
      producerId,
      producerEpoch,
      topics: [{ name: dst, partitions: [0] }],
    });
    expect(added.results.flatMap((r) => r.resultsByPartition.map((p) => p.partitionErrorCode))).toEqual([0]);
    const leader = await west.leaderFor(dst, 0);
    const produced = await leader.send(produceApi, {
      transactionalId: tid,
      acks: -1,
      timeoutMs: 30_000,
      topics: [
        {
          name: dst,
          partitions: [
            {
              index: 0,
              records: buildBatch([record('killed')], {
                compression: 'none',
                timestampType: 'create',
                producerId,
                producerEpoch,
                baseSequence: 0,
                transactional: true,
              }),
            },
          ],
        },
      ],
    });
    expect(produced.responses[0]!.partitions[0]!.errorCode).toBe(0);
    const offsets = await coordinator.send(addOffsetsToTxnApi, {
      transactionalId: tid,
      producerId,
      producerEpoch,
      groupId: group,
    });
    expect(offsets.errorCode).toBe(0);
    const groupCoordinator = await west.coordinator('group', group);
    const txnCommit = await groupCoordinator.send(txnOffsetCommitApi, {
      transactionalId: tid,
      groupId: group,
      producerId,
      producerEpoch,
      topics: [{ name: dst, partitions: [{ partitionIndex: 0, committedOffset: 999n }] }],
    });
    expect(txnCommit.topics[0]!.partitions[0]!.errorCode).toBe(0);
    // no EndTxn: the predecessor is gone

    const writer = new BatchWriter({ cluster: wire(WEST), transactionalId: tid, positionsGroup: group });
    const t0 = Date.now();
    await writer.start();
    expect(writer.producer.producerId).toBe(producerId);
    expect(writer.producer.producerEpoch).toBeGreaterThan(producerEpoch);
    const batches = splitBatches(
      buildBatch([record('next')], {
        compression: 'none',
        timestampType: 'create',
        producerId: -1n,
        producerEpoch: -1,
        baseSequence: -1,
        transactional: false,
      }),
    ).batches;
    await writer.write(
      [{ remoteTopic: dst, partition: 0, sourceTopic: 'x', maxMessageBytes: 1 << 20, batches }],
      [{ remoteTopic: dst, partition: 0, next: 1n }],
    );
    // far below the transaction timeout (60 s) the old transaction would otherwise hold everything for
    expect(Date.now() - t0).toBeLessThan(20_000);
    const target = await javaConsume(WEST, dst, 1, 1);
    expect(target.map((r) => r.value)).toEqual([Buffer.from('next').toString('hex')]);
    // the new position, not the aborted one (the commit markers are written after EndTxn answers)
    await waitFor(async () => (await committed(west, group, dst, 1)).get(0) === 1n, {
      timeoutMs: 15_000,
      what: 'the position of the new transaction',
    });
  });

  it('a batch that starts before the position is rebuilt from the position on', async () => {
    const dst = uniqueName('bw-trim');
    await createTopic('west', dst, 1);
    const records = Array.from({ length: 10 }, (_, i) => ({
      offset: 10n + BigInt(i),
      timestamp: BigInt(Date.now()) + BigInt(i), // recent: retention would delete old ones
      key: Buffer.from(`k${i}`),
      value: i === 7 ? null : Buffer.from(`v${i}`),
      headers: [
        ['h', null],
        ['g', Buffer.from('1')],
        ['h', Buffer.from('2')],
      ] as Array<[string, Buffer | null]>,
    }));
    const bytes = buildBatch(records, {
      compression: 'snappy',
      timestampType: 'create',
      producerId: -1n,
      producerEpoch: -1,
      baseSequence: -1,
      transactional: false,
      baseOffset: 10n,
    });
    const writer = new BatchWriter({
      cluster: wire(WEST),
      transactionalId: uniqueName('bw-txn'),
      positionsGroup: uniqueName('bw-pos'),
    });
    await writer.start();
    const written = await writer.write(
      [
        {
          remoteTopic: dst,
          partition: 0,
          sourceTopic: 's',
          maxMessageBytes: 1 << 20,
          batches: splitBatches(bytes).batches,
          fromOffset: 15n,
        },
      ],
      [],
    );
    expect(written).toMatchObject([
      { sourceBaseOffset: 15n, sourceLastOffset: 19n, records: 5, rebuilt: true, targetBaseOffset: 0n },
    ]);
    expect(writer.stats().trimmedBatches).toBe(1);
    const target = await javaConsume(WEST, dst, 1, 5);
    const hex = (b: Buffer | null) => (b === null ? null : b.toString('hex'));
    expect(
      target.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp })),
    ).toEqual(
      records.slice(5).map((r) => ({
        key: hex(r.key),
        value: hex(r.value),
        headers: r.headers.map(([k, v]) => [k, hex(v)]),
        timestamp: String(r.timestamp),
      })),
    );
  });
  it('LogAppendTime source batches arrive as CreateTime with the timestamps the source showed', async () => {
    const src = uniqueName('bw-lat');
    const dst = `east.${src}`;
    await createTopic('east', src, 1, [{ name: 'message.timestamp.type', value: 'LogAppendTime' }]);
    await createTopic('west', dst, 1);
    const t0 = Date.now();
    await javaProduce(EAST, src, 0, 400, 'lz4');
    const perPartition = [await fetchRaw(wire(EAST), src, 0)];
    expect(perPartition[0]!.flat().every((b) => b.header.timestampType === 'log-append')).toBe(true);
    const writer = new BatchWriter({
      cluster: wire(WEST),
      transactionalId: uniqueName('bw-txn'),
      positionsGroup: uniqueName('bw-pos'),
    });
    await writer.start();
    const written = await replicate(writer, perPartition, dst, src);
    expect(writer.stats().rebuildReasons['log-append-time']).toBe(perPartition[0]!.flat().length);
    const [source, target] = await Promise.all([javaConsume(EAST, src, 1), javaConsume(WEST, dst, 1, 400)]);
    expect(source).toHaveLength(400);
    expect(source.every((r) => r.timestampType === 'LogAppendTime')).toBe(true);
    expect(target.every((r) => r.timestampType === 'CreateTime')).toBe(true);
    // the append times, not the producer's create times inside the batches (those start a minute before t0)
    expect(source.every((r) => BigInt(r.timestamp) >= BigInt(t0 - 1000))).toBe(true);
    compare(
      source.map((r) => ({ ...r, timestampType: 'CreateTime' })),
      target,
      written,
    );
  });
  it('connections lost inside a transaction: the write retries and the records are there exactly once', async () => {
    const src = uniqueName('bw-drop');
    const dst = `east.${src}`;
    await createTopic('east', src, 2);
    await createTopic('west', dst, 2);
    await javaProduce(EAST, src, [0, 1], 600, ['zstd', 'none']);
    const perPartition = await Promise.all([0, 1].map((p) => fetchRaw(wire(EAST), src, p)));
    const west = wire(WEST);
    const tid = uniqueName('bw-txn');
    const writer = new BatchWriter({
      cluster: west,
      transactionalId: tid,
      positionsGroup: uniqueName('bw-pos'),
    });
    await writer.start();
    const items = itemsOf(perPartition, dst, src);
    const positions = positionsAfter(items);
    // after the data is produced and before the commit, every connection of the writer drops
    const leader = await west.broker(await west.leaderIdFor(dst, 0));
    const coordinator = await west.coordinator('transaction', tid);
    let calls = 0;
    const epochBefore = writer.producer.producerEpoch;
    const written = await writer.write(items, positions, () => {
      if (calls++ === 0) {
        void leader.close();
        void coordinator.close();
      }
      return [];
    });
    expect(calls).toBeGreaterThanOrEqual(1);
    const [source, target] = await Promise.all([javaConsume(EAST, src, 2), javaConsume(WEST, dst, 2, 1200)]);
    expect(source).toHaveLength(1200);
    compare(source, target, written);
    // either the coordinator calls retried in place, or the whole write ran again under a new epoch
    expect(calls === 1 || writer.producer.producerEpoch > epochBefore).toBe(true);
  });

  it.each([
    { version: 1 as const, adds: [1, 2] },
    // transactions V2 (Kafka 4.1+): the produces and TxnOffsetCommit add their partitions and group themselves
    { version: 2 as const, adds: [0, 0] },
  ])(
    'transactions V$version: extra partitions named in advance join with the data; positions committed beside the produce: an abort after the produce leaves no record and no position, the next write commits all of it once',
    async ({ version, adds: expectedAdds }) => {
      const src = uniqueName('bw-early');
      const dst = `east.${src}`;
      const side = `${dst}-side`;
      await createTopic('east', src, 2);
      await createTopic('west', dst, 2);
      await createTopic('west', side, 2);
      await javaProduce(EAST, src, [0, 1], 400, ['none', 'lz4']);
      const perPartition = await Promise.all([0, 1].map((p) => fetchRaw(wire(EAST), src, p)));
      const west = wire(WEST);
      const group = uniqueName('bw-pos');
      const tid = uniqueName('bw-txn');
      const writer = new BatchWriter({
        cluster: west,
        transactionalId: tid,
        positionsGroup: group,
        transactionVersion: version === 1 ? 1 : 'auto',
      });
      await writer.start();
      expect(writer.transactionVersion).toBe(version);
      const items = itemsOf(perPartition, dst, src);
      const positions = positionsAfter(items);
      const named = [
        { topic: side, partition: 0 },
        { topic: side, partition: 1 },
      ];
      // the data is produced and the positions are being committed when the extra records fail: all of it aborts
      const err = await writer
        .write(
          items,
          positions,
          () => {
            throw new Error('no extra records');
          },
          named,
        )
        .catch((e: unknown) => e);
      expect((err as Error).message).toBe('no extra records');
      expect(writer.stats().abortedTransactions).toBe(1);
      expect([...(await committed(west, group, dst, 2)).values()].every((o) => o < 0n)).toBe(true);
      expect(await javaConsume(WEST, dst, 2)).toHaveLength(0);

      // again, counting AddPartitionsToTxn: one for the data and both named partitions, though only one of them
      // gets extra records (the other only a commit marker)
      const coordinator = await west.coordinator('transaction', tid);
      const send = coordinator.send.bind(coordinator);
      let adds = 0;
      let offsetAdds = 0;
      // accepted AddPartitionsToTxn requests (one answered CONCURRENT_TRANSACTIONS, while the previous commit's
      // markers are written, is asked again: not another request of the writer's plan)
      coordinator.send = ((api: unknown, ...rest: unknown[]) => {
        const answer = (send as (...a: unknown[]) => Promise<unknown>)(api, ...rest);
        if (api === addOffsetsToTxnApi)
          return answer.then((res) => {
            if ((res as { errorCode: number }).errorCode === 0) offsetAdds++;
            return res;
          });
        if (api !== addPartitionsToTxnApi) return answer;
        return answer.then((res) => {
          const r = res as { results: Array<{ resultsByPartition: Array<{ partitionErrorCode: number }> }> };
          if (r.results.every((t) => t.resultsByPartition.every((p) => p.partitionErrorCode === 0))) adds++;
          return res;
        });
      }) as typeof coordinator.send;
      const sideRecord = (i: number, value: string) => ({
        offset: BigInt(i),
        timestamp: 1n,
        key: Buffer.from('k'),
        value: Buffer.from(value),
        headers: [],
      });
      const written = await writer.write(
        items,
        positions,
        (w) => [
          { topic: side, partition: 0, records: w.map((b, i) => sideRecord(i, String(b.targetBaseOffset))) },
        ],
        named,
      );
      expect(adds).toBe(expectedAdds[0]);
      // a partition not named in advance joins when its records are known (a positions-only write here)
      await writer.write([], positions, () => [
        { topic: side, partition: 1, records: [sideRecord(0, 'late')] },
      ]);
      expect(adds).toBe(expectedAdds[1]);
      expect(offsetAdds).toBe(version === 1 ? 2 : 0);
      const [source, target, extra] = await Promise.all([
        javaConsume(EAST, src, 2),
        javaConsume(WEST, dst, 2, 800),
        javaConsume(WEST, side, 2, written.length + 1),
      ]);
      expect(source).toHaveLength(800);
      compare(source, target, written);
      expect(extra.map((r) => r.partition).sort()).toEqual([...written.map(() => 0), 1]);
      const c = await committed(west, group, dst, 2);
      for (const p of positions) expect(c.get(p.partition)).toBe(p.next);
    },
  );

  it('partitions created a moment ago: the write waits for their leaders outside the transaction and commits once, nothing aborted', async () => {
    // A new remote topic is in the metadata before its leader has loaded it; a produce inside the transaction got
    // NOT_LEADER_OR_FOLLOWER, and the abort that followed kept InitProducerId at CONCURRENT_TRANSACTIONS for 30 s
    // (the coordinator writes its abort markers into the same unready partitions). 200 partitions, created without
    // waiting, written at once: one record each, raw bytes, read back by the Java consumer.
    const PARTITIONS = 200;
    const dst = uniqueName('bw-fresh');
    const admin = kafka('west').admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [{ topic: dst, numPartitions: PARTITIONS, replicationFactor: 1 }],
        waitForLeaders: false,
      });
      const writer = new BatchWriter({
        cluster: wire(WEST),
        transactionalId: uniqueName('bw-txn'),
        positionsGroup: uniqueName('bw-pos'),
      });
      await writer.start();
      const items: WriteItem[] = Array.from({ length: PARTITIONS }, (_, partition) => {
        const bytes = buildBatch(
          [
            {
              offset: 0n,
              timestamp: 1_700_000_000_000n + BigInt(partition),
              key: Buffer.from(`k${partition}`),
              value: Buffer.from(`v${partition}`),
              headers: [],
            },
          ],
          {
            compression: 'none',
            timestampType: 'create',
            producerId: -1n,
            producerEpoch: -1,
            baseSequence: -1,
            transactional: false,
          },
        ) as Buffer;
        return {
          remoteTopic: dst,
          partition,
          sourceTopic: 'fresh',
          maxMessageBytes: 1 << 20,
          batches: splitBatches(bytes).batches,
        };
      });
      const positions = items.map((it) => ({ remoteTopic: dst, partition: it.partition, next: 1n }));
      const written = await writer.write(items, positions);
      expect(written).toHaveLength(PARTITIONS);
      expect(writer.stats()).toMatchObject({ transactions: 1, abortedTransactions: 0 });
      const target = await javaConsume(WEST, dst, PARTITIONS, PARTITIONS);
      expect(target).toHaveLength(PARTITIONS);
      for (const r of target) {
        // the Java tool prints bytes as hex
        expect(r.key).toBe(Buffer.from(`k${r.partition}`).toString('hex'));
        expect(r.value).toBe(Buffer.from(`v${r.partition}`).toString('hex'));
        expect(r.offset).toBe('0');
        expect(r.timestamp).toBe(String(1_700_000_000_000 + r.partition));
      }
    } finally {
      await admin.deleteTopics({ topics: [dst] }).catch(() => undefined);
      await admin.disconnect();
    }
  });
});
