import { shouldReplicate, topicFilter } from '@ferry/core';
import type { Admin } from 'kafkajs';
import type { FlowConfig } from '../config/flow-config.ts';
import { FerryError, type FerryErrorCode, toFerryError } from '../errors.ts';
import { kafkaFor, wireConfigFor } from '../kafka/client.ts';
import { HEARTBEATS_TOPIC } from '../mm2-formats/records.ts';
import { decodeExactSync, offsetSyncsTopic } from '../offset-syncs/sync-record.ts';
import { loadPositions, positionsGroup, type RemotePartition } from '../positions/positions.ts';
import type { RawBatch } from '../records/types.ts';
import { sortPartitions } from '../tasks/assign.ts';
import { WireCluster } from '../wire/index.ts';
import { asReplicated, compareDigests, digestRecord, type RecordDigest, type RecordView } from './compare.ts';
import { type ReadRange, readRangeBatches, readRanges } from './read-ranges.ts';
import { SideDigest } from './side-digest.ts';

/*
 * Whole-range verification (`ferry verify`): every committed record of each source partition over the
 * replicated range — from the source's log start (or --from, or the last N before the position) up to the
 * committed replication position — against the records of its remote partition between the target offsets
 * the exact offset syncs give for the two ends. Each side is streamed once, in offset order, into a count
 * and an order-sensitive digest (one running SHA-256 over each record's key, value and header list as the
 * record format writes them, its timestamp and timestamp type, record after record, read straight from the
 * batches: side-digest.ts). Both sides are read at once, all partitions of a side in one fetch loop per
 * leader. Memory does not grow with the range: besides the running
 * digests, one checkpoint (index, next offset, digest so far) is kept every `checkpointEvery` records.
 * When the two sides differ, the first checkpoint that differs brackets the first divergent record; that
 * block alone is read again on both sides and compared record by record, which names the source offset,
 * the target offset and what differs (or a record missing on the target, or an extra one such as a
 * duplicate).
 *
 * Reads are ordered like verifyFlow's so a live flow gives no false difference: positions first, then the
 * target ends, then the syncs. Records are read over Ferry's wire layer, so the header list is compared in
 * order (between keys too, null values included), and the timestamp type as well (compare.ts).
 */

export interface VerifyRangeOptions {
  /** Source topic → partition count to verify; default: the flow's pinned topics, or its filters. */
  topics?: Record<string, number>;
  /** First source offset of every partition (clamped to the log start). Default: the log start. */
  from?: bigint;
  /** Only the last N records before each partition's position. */
  last?: number;
  /** Records between two digest checkpoints (also the size of the re-read block). Default 10,000. */
  checkpointEvery?: number;
  stallTimeoutMs?: number;
  /** Called about once a second while reading, and once at the end of each phase. */
  onProgress?: (p: VerifyRangeProgress) => void;
}

export interface VerifyRangeProgress {
  phase: 'syncs' | 'compare' | 'bisect';
  /** Records read so far in this phase (both sides for compare). */
  records: number;
  /** Records to read in this phase, when known. */
  total?: number;
}

export interface RangeDifference {
  sourceOffset: string | null;
  targetOffset: string | null;
  field: 'key' | 'value' | 'headers' | 'timestamp' | 'missing' | 'extra';
  detail: string;
}

export interface PartitionRangeVerification {
  topic: string;
  partition: number;
  remoteTopic: string;
  /** Source offsets compared: [sourceFrom, sourceTo). null when nothing was. */
  sourceFrom: string | null;
  sourceTo: string | null;
  targetFrom: string | null;
  targetTo: string | null;
  sourceRecords: number;
  targetRecords: number;
  sourceDigest: string | null;
  targetDigest: string | null;
  ok: boolean;
  firstDifference?: RangeDifference;
  note?: string;
}

export interface RangeVerificationReport {
  flow: string;
  source: string;
  target: string;
  startedAt: string;
  durationMs: number;
  partitions: PartitionRangeVerification[];
  totals: { partitions: number; compared: number; records: number; differing: number };
  ok: boolean;
}

type Offsets = Map<number, { low: bigint; high: bigint }>;

function bigMax(a: bigint, b: bigint): bigint {
  if (a >= b) return a;
  return b;
}

async function offsetsOf(
  admin: Admin,
  topic: string,
  cluster: string,
  code: FerryErrorCode,
): Promise<Offsets> {
  try {
    const res = await admin.fetchTopicOffsets(topic);
    return new Map(res.map((o) => [o.partition, { low: BigInt(o.low), high: BigInt(o.high) }]));
  } catch (e) {
    throw toFerryError(e, code, { cluster, topic });
  }
}

interface Job {
  tp: RemotePartition;
  sourceFrom: bigint;
  sourceTo: bigint;
  /** The range ends at a position that did not move while the target ends were read: compare to the end. */
  tail: boolean;
  targetFrom?: bigint;
  targetTo?: bigint;
  source?: SideDigest;
  target?: SideDigest;
  note?: string;
  result?: PartitionRangeVerification;
}

/**
 * Verifies every record of a flow's replicated range, partition by partition (see above). Throws a
 * FerryError when a cluster cannot be read; differences are the report.
 */
export async function verifyFlowRange(
  flow: FlowConfig,
  opts: VerifyRangeOptions = {},
): Promise<RangeVerificationReport> {
  if (opts.last !== undefined && (!Number.isInteger(opts.last) || opts.last < 1))
    throw new FerryError('INVALID_VERIFY_OPTIONS', `last must be a positive integer, got ${opts.last}`);
  if (opts.from !== undefined && opts.from < 0n)
    throw new FerryError('INVALID_VERIFY_OPTIONS', `from must be an offset ≥ 0, got ${opts.from}`);
  const every = Math.max(1, opts.checkpointEvery ?? 10_000);
  const stallTimeoutMs = opts.stallTimeoutMs ?? 60_000;
  const startedAt = new Date();
  const clientId = `ferry-verify.${flow.source.alias}.${flow.target.alias}`;
  const source = kafkaFor(flow.source, clientId);
  const target = kafkaFor(flow.target, clientId);
  const sourceAdmin = source.admin();
  const targetAdmin = target.admin();
  // records are read by assignment over the wire layer: no consumer group, nothing written to either cluster
  const sourceWire = new WireCluster(wireConfigFor(flow.source, clientId));
  const targetWire = new WireCluster(wireConfigFor(flow.target, clientId));
  try {
    try {
      await sourceAdmin.connect();
    } catch (e) {
      throw toFerryError(e, 'SOURCE_UNAVAILABLE', { cluster: flow.source.alias });
    }
    try {
      await targetAdmin.connect();
    } catch (e) {
      throw toFerryError(e, 'TARGET_UNAVAILABLE', { cluster: flow.target.alias });
    }
    const wanted = opts.topics ?? flow.pinnedTopics;
    let counts: Map<string, number>;
    let remote: Set<string>;
    try {
      const all = await sourceAdmin.listTopics();
      const filter = topicFilter(flow.topics, flow.topicsExclude);
      // Heartbeats topics are written by every flow between the same clusters (and MM2's): their remote
      // copies hold several flows' records, so they are compared only when asked for by name.
      const names = wanted
        ? Object.keys(wanted).filter((t) => all.includes(t))
        : all.filter(
            (t) =>
              shouldReplicate(filter, flow.policy, flow.target.alias, t) &&
              t !== HEARTBEATS_TOPIC &&
              !t.endsWith(`.${HEARTBEATS_TOPIC}`),
          );
      const meta = names.length ? await sourceAdmin.fetchTopicMetadata({ topics: names }) : { topics: [] };
      counts = new Map(meta.topics.map((t) => [t.name, t.partitions.length]));
    } catch (e) {
      throw toFerryError(e, 'SOURCE_UNAVAILABLE', { cluster: flow.source.alias });
    }
    try {
      remote = new Set(await targetAdmin.listTopics());
    } catch (e) {
      throw toFerryError(e, 'TARGET_UNAVAILABLE', { cluster: flow.target.alias });
    }
    const tps: RemotePartition[] = sortPartitions(
      [...counts].flatMap(([topic, n]) =>
        Array.from({ length: Math.min(n, wanted?.[topic] ?? n) }, (_, partition) => ({ topic, partition })),
      ),
    ).map((tp) => ({ ...tp, remoteTopic: flow.policy.formatRemoteTopic(flow.source.alias, tp.topic) }));
    const present = tps.filter((tp) => remote.has(tp.remoteTopic));
    // 1. positions, 2. target ends, 3. syncs
    const positions = await loadPositions(
      targetAdmin,
      positionsGroup(flow.source.alias, flow.target.alias, flow.instance),
      present,
    );
    const targetEnds = new Map<string, Offsets>();
    for (const t of new Set(present.map((tp) => tp.remoteTopic)))
      targetEnds.set(t, await offsetsOf(targetAdmin, t, flow.target.alias, 'TARGET_UNAVAILABLE'));
    // 2b. positions again: a partition whose position did not move while the target ends were read has
    // nothing in flight below those (read_committed) ends, so target records past its last replicated one are
    // extra (a duplicate written at the tail, a foreign producer) and are compared too
    const settled = await loadPositions(
      targetAdmin,
      positionsGroup(flow.source.alias, flow.target.alias, flow.instance),
      present,
    );
    const sourceOffsets = new Map<string, Offsets>();
    for (const t of counts.keys())
      sourceOffsets.set(t, await offsetsOf(sourceAdmin, t, flow.source.alias, 'SOURCE_UNAVAILABLE'));

    const key = (tp: { topic: string; partition: number }) => `${tp.topic}:${tp.partition}`;
    const jobs: Job[] = [];
    const results: PartitionRangeVerification[] = [];
    const empty = (tp: RemotePartition, note: string): PartitionRangeVerification => ({
      topic: tp.topic,
      partition: tp.partition,
      remoteTopic: tp.remoteTopic,
      sourceFrom: null,
      sourceTo: null,
      targetFrom: null,
      targetTo: null,
      sourceRecords: 0,
      targetRecords: 0,
      sourceDigest: null,
      targetDigest: null,
      ok: true,
      note,
    });
    for (const tp of tps) {
      if (!remote.has(tp.remoteTopic)) {
        results.push(
          empty(tp, `${tp.remoteTopic} does not exist on ${flow.target.alias}: nothing replicated yet`),
        );
        continue;
      }
      const position = positions.get(key(tp));
      if (position === undefined) {
        results.push(empty(tp, 'nothing replicated yet (no committed replication position)'));
        continue;
      }
      const src = sourceOffsets.get(tp.topic)?.get(tp.partition) ?? { low: 0n, high: 0n };
      let from = src.low;
      if (opts.from !== undefined && opts.from > from) from = opts.from;
      if (opts.last !== undefined && position - BigInt(opts.last) > from) from = position - BigInt(opts.last);
      const to = position < src.high ? position : src.high;
      const job: Job = {
        tp,
        sourceFrom: from,
        sourceTo: to,
        tail: to === position && settled.get(key(tp)) === position,
      };
      if (src.low > 0n && opts.from === undefined && opts.last === undefined)
        job.note = `the source holds offsets from ${src.low} (earlier ones were deleted by retention or compaction): compared from there`;
      jobs.push(job);
    }

    // Target ends of each range from the exact syncs: the first target offset of a replicated source
    // offset ≥ sourceFrom, and one past the last target offset of a source offset < sourceTo.
    const byKey = new Map(jobs.map((j) => [key(j.tp), j]));
    const syncTopic = offsetSyncsTopic(flow.source.alias);
    if (jobs.length > 0 && remote.has(syncTopic)) {
      const ends = await offsetsOf(targetAdmin, syncTopic, flow.target.alias, 'OFFSET_SYNCS_READ_FAILED');
      let read = 0;
      let lastReport = Date.now();
      await readRanges(
        targetWire,
        [...ends].map(([partition, o]) => ({ topic: syncTopic, partition, from: o.low, to: o.high })),
        (_r, rec) => {
          read++;
          if (opts.onProgress && Date.now() - lastReport > 1000) {
            lastReport = Date.now();
            opts.onProgress({ phase: 'syncs', records: read });
          }
          if (!rec.key || !rec.value) return;
          const s = decodeExactSync({ key: rec.key, value: rec.value });
          const j = byKey.get(`${s.sourceTopic}:${s.partition}`);
          if (!j || j.tp.remoteTopic !== s.remoteTopic) return;
          let t = s.targetBaseOffset;
          for (const run of s.runs) {
            const runEnd = run.start + BigInt(run.length);
            // first source offset of this run ≥ sourceFrom
            if (runEnd > j.sourceFrom && run.start < j.sourceTo) {
              const first = bigMax(run.start, j.sourceFrom);
              const tFirst = t + (first - run.start);
              if (j.targetFrom === undefined || tFirst < j.targetFrom) j.targetFrom = tFirst;
              const last = (runEnd <= j.sourceTo ? runEnd : j.sourceTo) - 1n;
              const tLast = t + (last - run.start) + 1n;
              if (j.targetTo === undefined || tLast > j.targetTo) j.targetTo = tLast;
            }
            t += BigInt(run.length);
          }
        },
        {
          errorCode: 'OFFSET_SYNCS_READ_FAILED',
          cluster: flow.target.alias,
          stallTimeoutMs,
        },
      );
      opts.onProgress?.({ phase: 'syncs', records: read });
    }
    for (const j of jobs) {
      const tEnd = targetEnds.get(j.tp.remoteTopic)?.get(j.tp.partition);
      if (j.targetFrom === undefined || j.targetTo === undefined) {
        j.note = [j.note, 'no offset sync covers the range: the target side is empty']
          .filter(Boolean)
          .join('; ');
        j.targetFrom = j.targetTo = tEnd?.high ?? 0n;
      }
      if (tEnd && j.targetFrom < tEnd.low) {
        j.note = [j.note, `the target holds offsets from ${tEnd.low} only (retention on the remote topic)`]
          .filter(Boolean)
          .join('; ');
        j.targetFrom = tEnd.low;
      }
      // Records past the last sync but before the target end are checked for extras up to the end read.
      if (tEnd && j.targetTo > tEnd.high) j.targetTo = tEnd.high;
      if (tEnd && j.tail && tEnd.high > j.targetTo) j.targetTo = tEnd.high;
      j.source = new SideDigest(every);
      j.target = new SideDigest(every);
    }

    // 4. stream both sides
    const total = jobs.reduce(
      (n, j) => n + Number(j.sourceTo - j.sourceFrom) + Number(j.targetTo! - j.targetFrom!),
      0,
    );
    let done = 0;
    let lastReport = Date.now();
    const tick = (n: number) => {
      done += n;
      if (opts.onProgress && Date.now() - lastReport > 1000) {
        lastReport = Date.now();
        opts.onProgress({ phase: 'compare', records: done, total });
      }
    };
    // one job per range object: the batch handler finds its digest without building a key per record
    const sourceSide = new Map<ReadRange, SideDigest>();
    const targetSide = new Map<ReadRange, SideDigest>();
    for (const j of jobs) {
      sourceSide.set(
        { topic: j.tp.topic, partition: j.tp.partition, from: j.sourceFrom, to: j.sourceTo },
        j.source!,
      );
      targetSide.set(
        { topic: j.tp.remoteTopic, partition: j.tp.partition, from: j.targetFrom!, to: j.targetTo! },
        j.target!,
      );
    }
    const side =
      (sides: Map<ReadRange, SideDigest>, replicated: boolean) =>
      (r: ReadRange, b: RawBatch, from: bigint) => {
        const d = sides.get(r)!;
        const before = d.count;
        const next = d.addBatch(b, from, r.to, replicated);
        tick(d.count - before);
        return next;
      };
    // both sides at once, every partition of a side in one fetch loop per leader
    await Promise.all([
      readRangeBatches(sourceWire, [...sourceSide.keys()], side(sourceSide, true), {
        errorCode: 'SOURCE_READ_FAILED',
        cluster: flow.source.alias,
        stallTimeoutMs,
      }),
      readRangeBatches(targetWire, [...targetSide.keys()], side(targetSide, false), {
        errorCode: 'TARGET_READ_FAILED',
        cluster: flow.target.alias,
        stallTimeoutMs,
      }),
    ]);
    opts.onProgress?.({ phase: 'compare', records: done, total });

    // 5. differing partitions: re-read the first differing block on both sides
    for (const j of jobs) {
      const s = j.source!;
      const t = j.target!;
      const ok = s.count === t.count && s.digest() === t.digest();
      const base: PartitionRangeVerification = {
        topic: j.tp.topic,
        partition: j.tp.partition,
        remoteTopic: j.tp.remoteTopic,
        sourceFrom: String(j.sourceFrom),
        sourceTo: String(j.sourceTo),
        targetFrom: String(j.targetFrom),
        targetTo: String(j.targetTo),
        sourceRecords: s.count,
        targetRecords: t.count,
        sourceDigest: s.digest(),
        targetDigest: t.digest(),
        ok,
        ...(j.note ? { note: j.note } : {}),
      };
      if (!ok) {
        opts.onProgress?.({ phase: 'bisect', records: 0 });
        base.firstDifference = await firstDivergence(j, every, {
          source: (range, on) =>
            readRanges(sourceWire, [range], (_r, rec) => on(rec.offset, asReplicated(rec)), {
              errorCode: 'SOURCE_READ_FAILED',
              cluster: flow.source.alias,
              stallTimeoutMs,
            }),
          target: (range, on) =>
            readRanges(targetWire, [range], (_r, rec) => on(rec.offset, rec), {
              errorCode: 'TARGET_READ_FAILED',
              cluster: flow.target.alias,
              stallTimeoutMs,
            }),
        });
      }
      results.push(base);
    }
    results.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
    const differing = results.filter((r) => !r.ok).length;
    return {
      flow: flow.id,
      source: flow.source.alias,
      target: flow.target.alias,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      partitions: results,
      totals: {
        partitions: results.length,
        compared: results.filter((r) => r.sourceRecords + r.targetRecords > 0).length,
        records: results.reduce((n, r) => n + r.sourceRecords, 0),
        differing,
      },
      ok: differing === 0,
    };
  } finally {
    await sourceAdmin.disconnect().catch(() => undefined);
    await targetAdmin.disconnect().catch(() => undefined);
    await sourceWire.close().catch(() => undefined);
    await targetWire.close().catch(() => undefined);
  }
}

type Reader = (range: ReadRange, on: (offset: bigint, r: RecordView) => void) => Promise<void>;

/**
 * The first divergent record of a partition whose digests differ: the first checkpoint that differs
 * brackets it; that block is read again on both sides (at most `every` records each) and compared record
 * by record. A record missing on the target or an extra one (a duplicate) shows as the next record of one
 * side matching the current one of the other.
 */
export async function firstDivergence(
  j: Pick<Job, 'tp' | 'sourceFrom' | 'sourceTo' | 'targetFrom' | 'targetTo' | 'source' | 'target'>,
  every: number,
  read: { source: Reader; target: Reader },
): Promise<RangeDifference> {
  const s = j.source!;
  const t = j.target!;
  let i = 0;
  while (
    i < s.checkpoints.length &&
    i < t.checkpoints.length &&
    s.checkpoints[i]!.digest === t.checkpoints[i]!.digest
  )
    i++;
  const sFrom = i === 0 ? j.sourceFrom : s.checkpoints[i - 1]!.next;
  const tFrom = i === 0 ? j.targetFrom! : t.checkpoints[i - 1]!.next;
  const limit = every + 1; // one past the block, to tell a missing or extra record from a changed one
  // the block and the next one hold more than `limit` records: read no further (not to the partition's end)
  const sTo = s.checkpoints[i + 1]?.next ?? j.sourceTo;
  const tTo = t.checkpoints[i + 1]?.next ?? j.targetTo!;
  const collect = async (reader: Reader, range: ReadRange) => {
    const out: Array<{ offset: bigint; d: RecordDigest }> = [];
    await reader(range, (offset, r) => {
      if (out.length < limit) out.push({ offset, d: digestRecord(r) });
    });
    return out;
  };
  const [ss, ts] = await Promise.all([
    collect(read.source, { topic: j.tp.topic, partition: j.tp.partition, from: sFrom, to: sTo }),
    collect(read.target, {
      topic: j.tp.remoteTopic,
      partition: j.tp.partition,
      from: tFrom,
      to: tTo,
    }),
  ]);
  const same = (a?: RecordDigest, b?: RecordDigest) => !!a && !!b && compareDigests(a, b) === undefined;
  const id = (d: RecordDigest) =>
    `${d.fp}|${d.keySize}|${d.valueSize}|${d.headerCount}|${d.timestampMs}|${d.logAppendTime}`;
  const sourceAt = new Map<string, { index: number; offset: bigint }>();
  ss.forEach((x, index) => {
    if (!sourceAt.has(id(x.d))) sourceAt.set(id(x.d), { index, offset: x.offset });
  });
  for (let k = 0; k < Math.max(ss.length, ts.length); k++) {
    const a = ss[k];
    const b = ts[k];
    if (a && b && same(a.d, b.d)) continue;
    const earlier = b ? sourceAt.get(id(b.d)) : undefined;
    if (a && b && earlier && earlier.index < k)
      return {
        sourceOffset: String(a.offset),
        targetOffset: String(b.offset),
        field: 'extra',
        detail: `target offset ${b.offset} is a second copy of source offset ${earlier.offset} (a duplicate); source offset ${a.offset} was expected there`,
      };
    if (a && b && earlier && earlier.index > k)
      return {
        sourceOffset: String(a.offset),
        targetOffset: String(b.offset),
        field: 'missing',
        detail: `source offsets ${a.offset} to ${ss[earlier.index - 1]!.offset} are missing on the target (target offset ${b.offset} holds source offset ${earlier.offset})`,
      };
    if (a && !b)
      return {
        sourceOffset: String(a.offset),
        targetOffset: null,
        field: 'missing',
        detail: `source offset ${a.offset} and the records after it are not on the target (the target range ends first)`,
      };
    if (!a && b)
      return {
        sourceOffset: null,
        targetOffset: String(b.offset),
        field: 'extra',
        detail: `target offset ${b.offset} is past every replicated source record of the range: an extra record`,
      };
    if (same(a!.d, ts[k + 1]?.d))
      return {
        sourceOffset: String(a!.offset),
        targetOffset: String(b!.offset),
        field: 'extra',
        detail: `target offset ${b!.offset} is an extra record (the next target record is source offset ${a!.offset}'s copy; a duplicate or a foreign write)`,
      };
    if (same(ss[k + 1]?.d, b!.d))
      return {
        sourceOffset: String(a!.offset),
        targetOffset: String(b!.offset),
        field: 'missing',
        detail: `source offset ${a!.offset} is missing on the target (target offset ${b!.offset} holds the next source record)`,
      };
    const diff = compareDigests(a!.d, b!.d)!;
    return {
      sourceOffset: String(a!.offset),
      targetOffset: String(b!.offset),
      field: diff.field,
      detail: diff.detail,
    };
  }
  return {
    sourceOffset: String(sFrom),
    targetOffset: String(tFrom),
    field: 'extra',
    detail:
      'the digests differ but the re-read block matches: a side changed while it was read (retention or a live write); run again',
  };
}
