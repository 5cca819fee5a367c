import { AssignedFetcher } from '../datapath/assigned-fetch.ts';
import { FerryError, type FerryErrorCode, toFerryError } from '../errors.ts';
import { decodeRecords, lastOffsetOf } from '../records/index.ts';
import type { RawBatch } from '../records/types.ts';
import type { WireCluster } from '../wire/index.ts';

/** Offsets [from, to) of one partition. */
export interface ReadRange {
  topic: string;
  partition: number;
  from: bigint;
  to: bigint;
}

export interface RangeRecord {
  offset: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<[string, Buffer | null]>;
  timestampMs: number;
  timestampType: 'create' | 'log-append';
}

export interface ReadRangesOptions {
  /** Fails with VERIFY_READ_STALLED when no fetch made progress for this long. Default 60 s. */
  stallTimeoutMs?: number;
  /** Error code and cluster for a failure of the reader. */
  errorCode: FerryErrorCode;
  cluster: string;
}

/**
 * Reads exactly the given offset ranges with read_committed (aborted records and transaction markers are
 * skipped; a marker still counts as read) and hands over each record once, in offset order per partition, with
 * its headers in wire order. Resolves once every range is read to its end. Fetches by assignment over Ferry's
 * wire layer: no consumer group, nothing is written to the cluster read. Offsets the cluster no longer has
 * (deleted by retention) are skipped, as a reader starting at the log start would.
 */
export function readRanges(
  cluster: WireCluster,
  ranges: ReadRange[],
  onRecord: (range: ReadRange, r: RangeRecord) => void,
  o: ReadRangesOptions,
): Promise<void> {
  return readRangeBatches(
    cluster,
    ranges,
    (r, b, from) => {
      let next: bigint | undefined;
      for (const rec of decodeRecords(b)) {
        if (rec.offset < from || rec.offset >= r.to) continue;
        onRecord(r, {
          offset: rec.offset,
          key: rec.key,
          value: rec.value,
          headers: rec.headers,
          timestampMs: Number(rec.timestamp),
          timestampType: b.header.timestampType,
        });
        next = rec.offset + 1n;
      }
      return next;
    },
    o,
  );
}

/**
 * readRanges a batch at a time, for a reader that walks the records itself (the verify digest): `onBatch`
 * gets each data batch that reaches past `from` (the next offset wanted; records below it, and at or past
 * `range.to`, are not to be read) and returns the offset after the last record it read, or undefined.
 * Nothing of a batch is kept after `onBatch` returns.
 */
export async function readRangeBatches(
  cluster: WireCluster,
  ranges: ReadRange[],
  onBatch: (range: ReadRange, b: RawBatch, from: bigint) => bigint | undefined,
  o: ReadRangesOptions,
): Promise<void> {
  const todo = ranges.filter((r) => r.to > r.from);
  if (todo.length === 0) return;
  const key = (topic: string, partition: number) => `${topic}:${partition}`;
  const byKey = new Map(todo.map((r) => [key(r.topic, r.partition), r]));
  if (byKey.size !== todo.length)
    throw new FerryError('DUPLICATE_RANGE', 'readRanges: one range per partition', {});
  const next = new Map(todo.map((r) => [key(r.topic, r.partition), r.from]));
  const open = new Set(byKey.keys());

  let done!: () => void;
  let failed!: (e: unknown) => void;
  const finished = new Promise<void>((res, rej) => {
    done = res;
    failed = rej;
  });
  let lastProgress = Date.now();
  const fetcher: AssignedFetcher = new AssignedFetcher({
    cluster,
    partitions: todo.map(({ topic, partition }) => ({ topic, partition })),
    positions: new Map(next),
    startPosition: 'earliest',
    // a response (at most maxBytes, two in flight) is walked batch by batch; nothing is held after it. Larger
    // fetches (4 MiB per partition, 16 MiB per request) were no faster on 10 M records (docs/reliability.md)
    maxBytesPerPartition: 1 << 20,
    maxBytes: 8 << 20,
    maxWaitMs: 100,
    onChunk: async (c) => {
      const k = key(c.topic, c.partition);
      const r = byKey.get(k);
      if (!r || !open.has(k)) return;
      let at = next.get(k)!;
      for (const b of c.batches) {
        if (at >= r.to) break;
        if (lastOffsetOf(b.header) < at) continue;
        const after = onBatch(r, b, at);
        if (after !== undefined && after > at) at = after;
      }
      if (c.nextOffset > at) at = c.nextOffset;
      if (at > next.get(k)!) {
        next.set(k, at);
        lastProgress = Date.now();
      }
      if (next.get(k)! >= r.to) {
        open.delete(k);
        fetcher.pause({ topic: c.topic, partition: c.partition });
        if (open.size === 0) done();
      }
    },
    onGap: (g) => {
      const k = key(g.topic, g.partition);
      if (open.has(k) && g.to > next.get(k)!) next.set(k, g.to);
      lastProgress = Date.now();
    },
    onError: (e) => failed(e),
  });
  const stall = o.stallTimeoutMs ?? 60_000;
  const timer = setInterval(() => {
    if (Date.now() - lastProgress <= stall) return;
    const behind = [...open].map((k) => `${k} at ${next.get(k)} of ${byKey.get(k)!.to}`).join(', ');
    failed(
      new FerryError(
        'VERIFY_READ_STALLED',
        `reading ${o.cluster} made no progress for ${Math.round(stall / 1000)} s (${behind})`,
        { retriable: true, context: { cluster: o.cluster } },
      ),
    );
  }, 1000);
  try {
    await fetcher.start();
    await finished;
  } catch (e) {
    throw toFerryError(e, o.errorCode, { cluster: o.cluster });
  } finally {
    clearInterval(timer);
    await fetcher.stop().catch(() => undefined);
  }
}
