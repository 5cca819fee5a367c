import { shouldReplicate, topicFilter } from '@ferry/core';
import type { Admin, Kafka } from 'kafkajs';
import type { FlowConfig } from '../config/flow-config.ts';
import { FerryError, type FerryErrorCode, toFerryError } from '../errors.ts';
import { kafkaFor, wireConfigFor } from '../kafka/client.ts';
import { decodeExactSync, offsetSyncsTopic } from '../offset-syncs/sync-record.ts';
import { loadPositions, positionsGroup, type RemotePartition } from '../positions/positions.ts';
import { sortPartitions } from '../tasks/assign.ts';
import { WireCluster } from '../wire/index.ts';
import { asReplicated, digestRecord, PartitionCheck, type PartitionCounts } from './compare.ts';
import { type ReadRange, readRanges } from './read-ranges.ts';
import { type PartitionVerification, totalsOf, type VerificationReport } from './report.ts';
import { planWindow, SyncWindow, type WindowPlan } from './window.ts';

/*
 * Verification: proves, record by record, that a flow's target holds what its source holds. For each
 * replicated partition it takes the last N records before the partition's committed replication position
 * (the positions group on the target), finds where each one was written on the target from the exact offset
 * syncs (`ferry-offset-syncs.<source>.internal`, written in the same transactions as the records), reads both
 * sides with read_committed and compares key, value, headers and timestamp at each pair of offsets; target
 * records inside the compared range that no sync accounts for are extra.
 *
 * Order of reads, so that a flow replicating meanwhile cannot produce false differences: positions first, then
 * the target end offsets, then the syncs (whose end is taken after the target's, so every record the flow
 * committed below the target end has its sync in what is read).
 */

export const MAX_RECORDS_PER_PARTITION = 100_000;

export interface VerifyFlowOptions {
  /** Records compared per partition, ending at the replicated position (1 … 100,000). */
  recordsPerPartition: number;
  /** Source topic → partition count to verify (a managed flow's pinned topics); default: the flow's. */
  topics?: Record<string, number>;
  /**
   * Records compared at once: partitions are compared in rounds of at most this many records (each record's
   * fingerprints take about 160 bytes per side, so 100,000 records hold about 33 MB). Default 100,000.
   */
  roundRecords?: number;
  /** A read that makes no progress for this long fails (VERIFY_READ_STALLED). Default 60 s. */
  stallTimeoutMs?: number;
}

interface Job {
  tp: RemotePartition;
  position: bigint | undefined;
  plan: WindowPlan | undefined;
  check: PartitionCheck | undefined;
  sourceRange: ReadRange | undefined;
  targetRange: ReadRange | undefined;
  note?: string;
}

async function connect(admin: Admin, code: FerryErrorCode, cluster: string): Promise<void> {
  try {
    await admin.connect();
  } catch (e) {
    throw toFerryError(e, code, { cluster });
  }
}

function bigMax(a: bigint, b: bigint): bigint {
  if (a >= b) return a;
  return b;
}

function bigMin(a: bigint, b: bigint): bigint {
  if (a <= b) return a;
  return b;
}

type Offsets = Map<number, { low: bigint; high: bigint }>;

async function topicOffsets(admin: Admin, topic: string, cluster: string): Promise<Offsets> {
  try {
    const res = await admin.fetchTopicOffsets(topic);
    return new Map(res.map((o) => [o.partition, { low: BigInt(o.low), high: BigInt(o.high) }]));
  } catch (e) {
    throw toFerryError(e, 'OFFSETS_FETCH_FAILED', { cluster, topic });
  }
}

/** Source topic → partition count now, for the given topics (or every topic the flow's filters select). */
async function sourceTopics(
  flow: FlowConfig,
  admin: Admin,
  wanted: Record<string, number> | undefined,
): Promise<Map<string, number>> {
  let names: string[];
  try {
    const all = await admin.listTopics();
    if (wanted) {
      const have = new Set(all);
      names = Object.keys(wanted).filter((t) => have.has(t));
    } else {
      const filter = topicFilter(flow.topics, flow.topicsExclude);
      names = all.filter((t) => shouldReplicate(filter, flow.policy, flow.target.alias, t));
    }
    if (names.length === 0) return new Map();
    const meta = await admin.fetchTopicMetadata({ topics: names });
    return new Map(meta.topics.map((t) => [t.name, t.partitions.length]));
  } catch (e) {
    throw toFerryError(e, 'SOURCE_UNAVAILABLE', { cluster: flow.source.alias });
  }
}

/**
 * Reads the flow's exact offset syncs into one bounded window per partition. Starts near the end of the syncs
 * topic and reads further back only while a partition still lacks records (a long-running flow's syncs topic
 * holds one record per produced chunk since the flow began).
 */
async function readSyncWindows(
  flow: FlowConfig,
  target: WireCluster,
  admin: Admin,
  wanted: Map<string, { remoteTopic: string; position: bigint; sourceLow: bigint }>,
  n: number,
  stallTimeoutMs: number,
): Promise<{ windows: Map<string, SyncWindow>; readTo: Offsets }> {
  const topic = offsetSyncsTopic(flow.source.alias);
  const fresh = () => new Map([...wanted].map(([k, w]) => [k, new SyncWindow(w.position, n)]));
  if (wanted.size === 0 || !(await admin.listTopics()).includes(topic))
    return { windows: fresh(), readTo: new Map() };
  const ends = await topicOffsets(admin, topic, flow.target.alias);
  const ranges = [...ends].filter(([, o]) => o.high > o.low);
  let back = 50_000n;
  for (;;) {
    const windows = fresh();
    const starts = ranges.map(([partition, o]) => ({
      topic,
      partition,
      from: bigMax(o.high - back, o.low),
      to: o.high,
    }));
    await readRanges(
      target,
      starts,
      (_r, rec) => {
        if (!rec.key || !rec.value) return;
        const s = decodeExactSync({ key: rec.key, value: rec.value });
        const k = `${s.sourceTopic}:${s.partition}`;
        if (wanted.get(k)?.remoteTopic !== s.remoteTopic) return; // another flow's (or policy's) syncs
        windows.get(k)!.add(s);
      },
      {
        errorCode: 'OFFSET_SYNCS_READ_FAILED',
        cluster: flow.target.alias,
        stallTimeoutMs,
      },
    );
    const fromStart = starts.every((s) => s.from <= ends.get(s.partition)!.low);
    const lacking = [...windows].some(([k, win]) => {
      if (win.enough()) return false;
      const w = wanted.get(k)!;
      if (w.position <= w.sourceLow) return false; // nothing before the position exists on the source
      const first = win.syncs().find((s) => s.runs.length > 0)?.runs[0]?.start;
      return first === undefined || first > w.sourceLow;
    });
    if (fromStart || !lacking) return { windows, readTo: ends };
    back *= 8n;
  }
}

/**
 * Compares the last `recordsPerPartition` replicated records of every partition of the flow with the records
 * at their target offsets. Throws a FerryError (SOURCE_UNAVAILABLE, TARGET_UNAVAILABLE, POSITIONS_LOAD_FAILED,
 * OFFSET_SYNCS_READ_FAILED, VERIFY_READ_STALLED, …) when a cluster cannot be read; differences are not errors,
 * they are the report.
 */
export async function verifyFlow(flow: FlowConfig, opts: VerifyFlowOptions): Promise<VerificationReport> {
  const n = opts.recordsPerPartition;
  if (!Number.isInteger(n) || n < 1 || n > MAX_RECORDS_PER_PARTITION)
    throw new FerryError(
      'INVALID_VERIFY_OPTIONS',
      `recordsPerPartition must be an integer from 1 to ${MAX_RECORDS_PER_PARTITION}, got ${n}`,
      { context: { flow: flow.id } },
    );
  const roundRecords = Math.max(1, opts.roundRecords ?? 100_000);
  const stallTimeoutMs = opts.stallTimeoutMs ?? 60_000;
  const startedAt = new Date();
  const clientId = `ferry-verify.${flow.source.alias}.${flow.target.alias}`;
  const source = kafkaFor(flow.source, clientId);
  const target = kafkaFor(flow.target, clientId);
  // records are read by assignment over the wire layer: no consumer group, nothing written to either cluster
  const sourceWire = new WireCluster(wireConfigFor(flow.source, clientId));
  const targetWire = new WireCluster(wireConfigFor(flow.target, clientId));
  const sourceAdmin = source.admin();
  const targetAdmin = target.admin();
  const notes: string[] = [
    `Compared the last ${n.toLocaleString('en')} replicated records of each partition before its committed replication position, each with the record at the target offset the exact offset syncs give for it: key, value, headers, timestamp and order.`,
    'Headers are compared per key: the same keys, and the values of each key in the same order. The order between headers of different keys is not compared (the Kafka client groups headers by key).',
    `Extra records are looked for on the target from the first compared record up to ${n.toLocaleString('en')} records past the last replicated one.`,
  ];
  if (!flow.exactlyOnce)
    notes.push(
      'This flow is at-least-once: a retried write can leave a duplicate on the target; a duplicate with an offset sync is not counted, one without is counted as extra.',
    );
  try {
    await connect(sourceAdmin, 'SOURCE_UNAVAILABLE', flow.source.alias);
    await connect(targetAdmin, 'TARGET_UNAVAILABLE', flow.target.alias);

    const wanted = opts.topics ?? flow.pinnedTopics;
    const counts = await sourceTopics(flow, sourceAdmin, wanted);
    if (wanted)
      for (const t of Object.keys(wanted))
        if (!counts.has(t)) notes.push(`Topic ${t} no longer exists on ${flow.source.alias}: not verified.`);
    const tps: RemotePartition[] = sortPartitions(
      [...counts].flatMap(([topic, count]) =>
        Array.from({ length: Math.min(count, wanted?.[topic] ?? count) }, (_, partition) => ({
          topic,
          partition,
        })),
      ),
    ).map((tp) => ({ ...tp, remoteTopic: flow.policy.formatRemoteTopic(flow.source.alias, tp.topic) }));

    let remoteTopics: Set<string>;
    try {
      remoteTopics = new Set(await targetAdmin.listTopics());
    } catch (e) {
      throw toFerryError(e, 'TARGET_UNAVAILABLE', { cluster: flow.target.alias });
    }
    const present = tps.filter((tp) => remoteTopics.has(tp.remoteTopic));
    // 1. positions, 2. target ends, 3. syncs (see above)
    const positions = await loadPositions(
      targetAdmin,
      positionsGroup(flow.source.alias, flow.target.alias, flow.instance),
      present,
    );
    const targetEnds = new Map<string, Offsets>();
    for (const t of new Set(present.map((tp) => tp.remoteTopic)))
      targetEnds.set(t, await topicOffsets(targetAdmin, t, flow.target.alias));
    const sourceOffsets = new Map<string, Offsets>();
    for (const t of counts.keys())
      sourceOffsets.set(t, await topicOffsets(sourceAdmin, t, flow.source.alias));

    const key = (tp: { topic: string; partition: number }) => `${tp.topic}:${tp.partition}`;
    const wantedSyncs = new Map<string, { remoteTopic: string; position: bigint; sourceLow: bigint }>();
    for (const tp of present) {
      const position = positions.get(key(tp));
      if (position === undefined) continue;
      const low = sourceOffsets.get(tp.topic)?.get(tp.partition)?.low ?? 0n;
      wantedSyncs.set(key(tp), { remoteTopic: tp.remoteTopic, position, sourceLow: low });
    }
    const { windows, readTo: syncsReadTo } = await readSyncWindows(
      flow,
      targetWire,
      targetAdmin,
      wantedSyncs,
      n,
      stallTimeoutMs,
    );

    const jobs: Job[] = tps.map((tp) => {
      const job: Job = {
        tp,
        position: positions.get(key(tp)),
        plan: undefined,
        check: undefined,
        sourceRange: undefined,
        targetRange: undefined,
      };
      if (!remoteTopics.has(tp.remoteTopic)) {
        job.note = `the remote topic ${tp.remoteTopic} does not exist on ${flow.target.alias}: nothing replicated yet`;
        return job;
      }
      if (job.position === undefined) {
        job.note = 'nothing replicated yet (no committed replication position)';
        return job;
      }
      const syncs = windows.get(key(tp))?.syncs() ?? [];
      let plan = planWindow(syncs, job.position, n);
      if (plan.syncedUpTo !== undefined && plan.syncedUpTo < job.position) {
        // A transaction's markers reach its partitions one by one: the position can be visible before the
        // offset syncs of the same transaction. Compare what the visible syncs account for.
        job.note = `the replicated position is ${job.position}; its offset syncs were visible up to source offset ${plan.syncedUpTo}, where the comparison ends`;
        job.position = plan.syncedUpTo;
        plan = planWindow(syncs, job.position, n);
      }
      job.plan = plan;
      job.check = new PartitionCheck({ ...plan, tailFrom: plan.targetCoveredEnd });
      if (plan.pairs.length === 0) {
        job.note = `no replicated record before position ${job.position} is listed in the offset syncs: nothing to compare`;
        return job;
      }
      if (plan.pairs.length < n)
        job.note = [
          job.note,
          `${plan.pairs.length.toLocaleString('en')} replicated records exist before position ${job.position}`,
        ]
          .filter(Boolean)
          .join('; ');
      const src = sourceOffsets.get(tp.topic)?.get(tp.partition);
      const sourceFrom = src ? bigMax(src.low, plan.sourceFrom) : plan.sourceFrom;
      const sourceTo = src ? bigMin(src.high, job.position) : job.position;
      job.sourceRange = { topic: tp.topic, partition: tp.partition, from: sourceFrom, to: sourceTo };
      const tgt = targetEnds.get(tp.remoteTopic)?.get(tp.partition);
      if (tgt && plan.targetFrom !== undefined) {
        const from = bigMax(tgt.low, plan.targetFrom);
        const lastPair = plan.pairs.reduce((m, p) => bigMax(m, p.targetOffset), -1n) + 1n;
        const coveredEnd = plan.targetCoveredEnd ?? lastPair;
        const scanEnd = bigMax(coveredEnd, lastPair) + BigInt(n);
        job.targetRange = {
          topic: tp.remoteTopic,
          partition: tp.partition,
          from,
          to: bigMin(tgt.high, scanEnd),
        };
      }
      return job;
    });

    // compare in rounds: at most `roundRecords` records' fingerprints held at once
    const rounds: Job[][] = [];
    let round: Job[] = [];
    let size = 0;
    for (const j of jobs) {
      if (!j.sourceRange) continue;
      const k = j.plan!.pairs.length;
      if (round.length > 0 && size + k > roundRecords) {
        rounds.push(round);
        round = [];
        size = 0;
      }
      round.push(j);
      size += k;
    }
    if (round.length > 0) rounds.push(round);
    for (const r of rounds) {
      const bySource = new Map(r.map((j) => [key(j.tp), j]));
      const byTarget = new Map(r.map((j) => [`${j.tp.remoteTopic}:${j.tp.partition}`, j]));
      await Promise.all([
        readRanges(
          sourceWire,
          r.map((j) => j.sourceRange!),
          (range, rec) =>
            bySource.get(key(range))!.check!.addSource(rec.offset, () => digestRecord(asReplicated(rec))),
          {
            errorCode: 'SOURCE_READ_FAILED',
            cluster: flow.source.alias,
            stallTimeoutMs,
          },
        ),
        readRanges(
          targetWire,
          r.flatMap((j) => (j.targetRange ? [j.targetRange] : [])),
          (range, rec) => byTarget.get(key(range))!.check!.addTarget(rec.offset, () => digestRecord(rec)),
          {
            errorCode: 'TARGET_READ_FAILED',
            cluster: flow.target.alias,
            stallTimeoutMs,
          },
        ),
      ]);
    }

    await coverLateSyncs(flow, target, targetWire, jobs, syncsReadTo, stallTimeoutMs);
    const partitions = jobs.map((j) => toPartitionVerification(j));
    const totals = totalsOf(partitions);
    return {
      flow: flow.id,
      source: flow.source.alias,
      target: flow.target.alias,
      recordsPerPartition: n,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      partitions,
      totals,
      ok: totals.missing === 0 && totals.mismatched === 0 && totals.extra === 0,
      notes,
    };
  } finally {
    await sourceAdmin.disconnect().catch(() => undefined);
    await targetAdmin.disconnect().catch(() => undefined);
    await sourceWire.close().catch(() => undefined);
    await targetWire.close().catch(() => undefined);
  }
}

/**
 * Target records past the last sync read looked extra. A transaction's markers reach its partitions one by one,
 * so some may be the flow's, committed with syncs that were not visible yet: read the syncs written since and
 * let them account for what they cover. What no sync covers then is extra.
 */
async function coverLateSyncs(
  flow: FlowConfig,
  target: Kafka,
  targetWire: WireCluster,
  jobs: Job[],
  readTo: Offsets,
  stallTimeoutMs: number,
): Promise<void> {
  const waiting = new Map(
    jobs.filter((j) => j.check?.hasTailCandidates()).map((j) => [`${j.tp.topic}:${j.tp.partition}`, j]),
  );
  if (waiting.size === 0) return;
  const topic = offsetSyncsTopic(flow.source.alias);
  const admin = target.admin();
  await connect(admin, 'TARGET_UNAVAILABLE', flow.target.alias);
  try {
    const now = await topicOffsets(admin, topic, flow.target.alias);
    const ranges = [...now].map(([partition, o]) => ({
      topic,
      partition,
      from: bigMax(readTo.get(partition)?.high ?? o.low, o.low),
      to: o.high,
    }));
    await readRanges(
      targetWire,
      ranges,
      (_r, rec) => {
        if (!rec.key || !rec.value) return;
        const s = decodeExactSync({ key: rec.key, value: rec.value });
        const j = waiting.get(`${s.sourceTopic}:${s.partition}`);
        if (!j || j.tp.remoteTopic !== s.remoteTopic) return;
        const records = s.runs.reduce((a, r) => a + r.length, 0);
        j.check!.addCovered({ start: s.targetBaseOffset, end: s.targetBaseOffset + BigInt(records) });
      },
      {
        errorCode: 'OFFSET_SYNCS_READ_FAILED',
        cluster: flow.target.alias,
        stallTimeoutMs,
      },
    );
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function toPartitionVerification(j: Job): PartitionVerification {
  const c: PartitionCounts = j.check?.result() ?? {
    checked: 0,
    matched: 0,
    missing: 0,
    mismatched: 0,
    extra: 0,
    sourceGone: 0,
  };
  const notes = j.note ? [j.note] : [];
  if (c.sourceGone > 0)
    notes.push(
      `${c.sourceGone.toLocaleString('en')} replicated records are no longer on the source (compacted or deleted by retention): not compared`,
    );
  const d = c.firstDifference;
  return {
    topic: j.tp.topic,
    partition: j.tp.partition,
    remoteTopic: j.tp.remoteTopic,
    sourceFrom: j.plan && j.plan.pairs.length > 0 ? String(j.plan.sourceFrom) : null,
    sourceTo: j.position === undefined ? null : String(j.position),
    checked: c.checked,
    matched: c.matched,
    missing: c.missing,
    mismatched: c.mismatched,
    extra: c.extra,
    sourceGone: c.sourceGone,
    ...(d
      ? {
          firstDifference: {
            sourceOffset: String(d.sourceOffset),
            ...(d.targetOffset !== undefined ? { targetOffset: String(d.targetOffset) } : {}),
            field: d.field,
            detail: d.detail,
          },
        }
      : {}),
    ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
  };
}
