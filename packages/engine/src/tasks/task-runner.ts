import { FLOW_KEYS } from '@ferry/core';
import type { Admin, Kafka } from 'kafkajs';
import type { FlowConfig } from '../config/flow-config.ts';
import { AssignedFetcher, type FetchedChunk, type GapEvent } from '../datapath/assigned-fetch.ts';
import { BatchWriter, type WriteItem, type WrittenBatch } from '../datapath/batch-writer.ts';
import { FerryError, type FerryErrorCode, toFerryError } from '../errors.ts';
import type { EventListener } from '../events.ts';
import { wireConfigFor } from '../kafka/client.ts';
import { PartitionMeter } from '../metrics/partition-metrics.ts';
import { OffsetSyncEmitter } from '../offset-syncs/emitter.ts';
import { runRecords } from '../offset-syncs/sync-record.ts';
import {
  DURABLE_POSITIONS_TOPIC,
  type DurablePosition,
  durableKey,
  durablePositionRecords,
  ensurePositionsTopic,
  loadDurablePositions,
} from '../positions/durable-positions.ts';
import { loadPositions, POSITION_REFRESH_MS, positionsGroup } from '../positions/positions.ts';
import {
  BATCH_HEADER_SIZE,
  buildBatch,
  decodeRecords,
  lastOffsetOf,
  type RawBatch,
  recordSize,
  splitBatches,
  type WireRecord,
} from '../records/index.ts';
import { readRangeBatches } from '../verify/read-ranges.ts';
import { EARLIEST, LATEST, listOffsetsApi, READ_COMMITTED, WireCluster } from '../wire/index.ts';
import { type TopicPartition, tpKey } from './assign.ts';
import { nextWriteIn } from './commit-cadence.ts';

/** `fetch.linger.ms`'s default, for a FlowConfig built without it. */
const DEFAULT_FETCH_LINGER_MS = Number(FLOW_KEYS['fetch.linger.ms']);

/** One source partition of a task with what the data path needs about its remote topic. */
export interface TaskPartition extends TopicPartition {
  remoteTopic: string;
  /** The remote topic's effective max.message.bytes. */
  maxMessageBytes: number;
}

/**
 * The flow's admin clients (kafkajs: discovery, positions, the syncs topic). The data path itself talks to both
 * clusters over Ferry's wire layer: each task opens its own `WireCluster`s from the same stored cluster config.
 */
export interface TaskClients {
  source: Kafka;
  target: Kafka;
  sourceAdmin: Admin;
  targetAdmin: Admin;
}

/** Stable across restarts and processes: a restarted task fences the one it replaces. */
export function transactionalIdFor(flow: FlowConfig, index: number): string {
  return `ferry.${flow.source.alias}.${flow.target.alias}${flow.instance ? `.${flow.instance}` : ''}.task-${index}`;
}

/** Longer than the writer's own retry deadline (30 s) plus a slow commit. */
const WRITE_TIMEOUT_MS = 45_000;

const FENCED = new Set([
  'PRODUCER_FENCED',
  'INVALID_PRODUCER_EPOCH',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
]);

/** Called by the runner at fixed points of a start (FlowRunnerOptions.guard). Throwing ends the run. */
export interface TaskHooks {
  /** After the producer is initialised, before positions are read and anything is written. */
  afterProducerStart?: () => Promise<void>;
}

interface PartitionState {
  tp: TaskPartition;
  /** Next source offset committed on the target. */
  committed: bigint | undefined;
  /** Next source offset after the batches buffered so far (past control batches and aborted data). */
  next: bigint | undefined;
  dirty: boolean;
  halted: boolean;
  meter: PartitionMeter;
  /** Buffered data batches, in offset order. */
  batches: RawBatch[];
  /** The position when the first buffered batch was taken: the writer rebuilds a batch that starts before it. */
  batchesFrom: bigint | undefined;
  /**
   * Id of the remote topic this partition's position belongs to (stored with it as `rid`). A partition halted
   * because its remote topic was re-created keeps the old id, so its position never vouches for the new topic.
   */
  remoteTopicId?: string;
}

const NO_TOPIC_ID = '00000000-0000-0000-0000-000000000000';

/** A batch of the given records, with the source batch's codec and timestamp type (only for trimming). */
function rebuilt(like: RawBatch, records: WireRecord[]): RawBatch {
  const bytes = buildBatch(records, {
    compression: like.header.compression,
    timestampType: like.header.timestampType,
    producerId: -1n,
    producerEpoch: -1,
    baseSequence: -1,
    transactional: false,
    baseOffset: records[0]!.offset,
    offsetDeltas: 'from-records',
  }) as Buffer;
  const { batches } = splitBatches(bytes);
  return batches[0]!;
}

/**
 * One task: copies its source partitions to the same partitions of their remote topics, as record batches
 * (issue #10): fetched by assignment on the source (no group, nothing written there), forwarded as bytes and
 * written with the new positions and the exact offset syncs in one transaction (one at a time; the next starts
 * `commit.linger.ms` after records find the task idle, at once when records arrived during the previous one, at
 * `batch.max.bytes`, and never later than `commit.interval.ms`: see commit-cadence.ts). The task never decodes records except to find the one
 * record too large for the target (the writer rebuilds what it cannot forward: a batch starting before the
 * position, offset gaps, a batch over max.message.bytes, LogAppendTime). Any failure of a write ends the run ('failed'); the owner restarts the task,
 * which resumes from the committed positions, so nothing in flight is lost or duplicated.
 */
export class TaskRunner {
  readonly index: number;
  readonly partitions: TaskPartition[];
  private readonly flow: FlowConfig;
  private readonly clients: TaskClients;
  private readonly emit: EventListener;
  private readonly metricsIntervalMs: number;
  private readonly state = new Map<string, PartitionState>();
  private readonly byRemote = new Map<string, PartitionState>();
  private sourceWire: WireCluster | undefined;
  private targetWire: WireCluster | undefined;
  private fetcher: AssignedFetcher | undefined;
  private writer: BatchWriter | undefined;
  private syncs: OffsetSyncEmitter | undefined;
  private pendingBytes = 0;
  private flushing: Promise<void> | undefined;
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;
  private failure: FerryError | undefined;
  private lastFullCommit = Date.now();
  /** The commit cadence (commit-cadence.ts): when the oldest buffered record not yet in a write arrived. */
  private oldestPendingAt: number | undefined;
  private lastWriteStart: number | undefined;
  private lastWriteEnd: number | undefined;
  /** The next write the cadence asked for, and when it is due. */
  private cadenceTimer: NodeJS.Timeout | undefined;
  private cadenceAt = 0;
  /** Resolves when the run ends: stopped (undefined) or failed (the error). */
  readonly done: Promise<FerryError | undefined>;
  private finish!: (e: FerryError | undefined) => void;
  private readonly hooks: TaskHooks;

  constructor(
    flow: FlowConfig,
    index: number,
    partitions: TaskPartition[],
    clients: TaskClients,
    emit: EventListener,
    metricsIntervalMs = 5000,
    hooks: TaskHooks = {},
  ) {
    this.hooks = hooks;
    this.flow = flow;
    this.index = index;
    this.partitions = partitions;
    this.clients = clients;
    this.emit = emit;
    this.metricsIntervalMs = metricsIntervalMs;
    this.done = new Promise((r) => {
      this.finish = r;
    });
    for (const tp of partitions) {
      const st: PartitionState = {
        tp,
        committed: undefined,
        next: undefined,
        dirty: false,
        halted: false,
        meter: new PartitionMeter(tp.topic, tp.partition, tp.remoteTopic),
        batches: [],
        batchesFrom: undefined,
      };
      this.state.set(tpKey(tp), st);
      this.byRemote.set(`${tp.remoteTopic}:${tp.partition}`, st);
    }
  }

  private ctx(): { flow: string; task: number } {
    return { flow: this.flow.id, task: this.index };
  }

  async start(): Promise<void> {
    const { flow } = this;
    const txId = flow.exactlyOnce ? transactionalIdFor(flow, this.index) : undefined;
    const group = positionsGroup(flow.source.alias, flow.target.alias, flow.instance);
    const clientId = `ferry-${flow.source.alias}-${flow.target.alias}-task-${this.index}`;
    try {
      this.sourceWire = new WireCluster(wireConfigFor(flow.source, clientId));
      this.targetWire = new WireCluster(wireConfigFor(flow.target, clientId));
      this.syncs = new OffsetSyncEmitter(flow.source.alias, (t) => flow.policy.upstreamTopic(t) ?? t);
      await this.syncs.prepare(this.clients.target);
      await ensurePositionsTopic(this.clients.targetAdmin, flow.replicationFactor);
      this.writer = new BatchWriter({
        cluster: this.targetWire,
        ...(txId ? { transactionalId: txId } : {}),
        transactionVersion: flow.transactionVersion ?? 'auto',
        positionsGroup: group,
        // the fetched buffers are not read after the write: rewrite producer fields in place, no copy
        inPlace: true,
      });
      await this.writer.start();
      // The producer is initialised (older producers of this id are fenced): last chance to refuse.
      await this.hooks.afterProducerStart?.();
      const positions = await loadPositions(this.clients.targetAdmin, group, this.partitions);
      const durable = await this.restoreDurable(group, positions);
      await this.checkRemoteIds(durable.stored, positions);
      if (flow.startPosition === 'latest') await this.resolveLatest(positions);
      for (const [k, st] of this.state) {
        const p = positions.get(k);
        st.committed = p;
        st.next = p;
      }
      this.fetcher = new AssignedFetcher({
        cluster: this.sourceWire,
        partitions: this.partitions.map(({ topic, partition }) => ({ topic, partition })),
        positions,
        startPosition: flow.startPosition,
        maxBytesPerPartition: flow.fetchMaxBytesPerPartition,
        maxBytes: Math.max(flow.fetchMaxBytesPerPartition * 4, 16 << 20),
        // an idle fetch returns at the first byte (the wait only bounds empty polls, each listing every partition);
        // while records flow it lingers up to fetch.linger.ms for more (fetchWait)
        maxWaitMs: 500,
        lingerMs: flow.fetchLingerMs ?? DEFAULT_FETCH_LINGER_MS,
        maxInFlightBytes: Math.max(flow.batchMaxBytes * 2, 8 << 20),
        topicIds: durable.topicIds,
        knownEnds: durable.knownEnds,
        onChunk: (c) => this.onChunk(c),
        onGap: (g) => this.onGap(g),
        onError: (e) =>
          void this.fail(toFerryError(e, 'FETCH_FAILED', { cluster: flow.source.alias, task: this.index })),
      });
      // timers first: commits and metrics must not wait for the fetcher's start (it may hand chunks over already)
      this.timers.push(setInterval(() => void this.flush().catch(() => undefined), flow.commitIntervalMs));
      this.timers.push(setInterval(() => void this.reportMetrics(), this.metricsIntervalMs));
      for (const st of this.state.values()) if (st.halted) this.fetcher.pause(st.tp);
      await this.fetcher.start();
    } catch (e) {
      await this.fail(this.classify(e, 'TASK_START_FAILED'));
      return;
    }
    this.emit({
      type: 'task-started',
      ...this.ctx(),
      partitions: this.partitions.map(({ topic, partition }) => ({ topic, partition })),
      ...(txId
        ? { transactionalId: txId, transactionVersion: this.writer!.transactionVersion === 2 ? 2 : 1 }
        : {}),
    });
  }

  /**
   * The durable copy of the positions (`ferry-positions.internal`, written in the same transactions): partitions
   * the group has no offset for (expired after `offsets.retention.minutes`) resume from it; the source topic ids
   * and ends stored with them let the fetcher tell a topic re-created while the task was away.
   */
  private async restoreDurable(
    group: string,
    positions: Map<string, bigint>,
  ): Promise<{
    topicIds: Map<string, string>;
    knownEnds: Map<string, bigint>;
    stored: Map<string, DurablePosition>;
  }> {
    const stored = await loadDurablePositions(this.targetWire!, group);
    const topicIds = new Map<string, string>();
    const knownEnds = new Map<string, bigint>();
    const restored: Array<{ topic: string; partition: number; next: string }> = [];
    for (const tp of this.partitions) {
      const d = stored.get(durableKey(tp.remoteTopic, tp.partition));
      if (!d || d.sourceTopic !== tp.topic) continue;
      const k = tpKey(tp);
      if (d.topicId) topicIds.set(tp.topic, d.topicId);
      if (d.sourceEnd !== undefined) knownEnds.set(k, d.sourceEnd);
      if (!positions.has(k)) {
        positions.set(k, d.next);
        const st = this.state.get(k);
        if (st) st.dirty = true; // committed to the group again with the first transaction
        restored.push({ topic: tp.topic, partition: tp.partition, next: String(d.next) });
      }
    }
    if (restored.length > 0) this.emit({ type: 'positions-restored', ...this.ctx(), partitions: restored });
    return { topicIds, knownEnds, stored };
  }

  /**
   * Issue #12, "target topic deleted": the remote topic's id stored with each durable position (`rid`) against
   * the id the target has now. Another id means the remote topic was deleted and re-created after the position
   * was written, and the records below the position are gone from the target (Kafka deleted the group's offsets
   * with the topic; the durable copy restored them). An empty new partition (or one holding only aborted records
   * and markers: holdsCommittedData) is copied again from the source's log start (`target-recreated` event; what the source no longer holds is a `target-recreated` data gap). A new
   * partition that already holds records is halted with a partition error naming the lost range: Ferry does not
   * guess which of them are which. A remote topic that is missing (deleted, not created again yet) fails the
   * start (retriable): the task restarts once discovery has created it. The writer then refuses any other id.
   */
  private async checkRemoteIds(
    stored: Map<string, DurablePosition>,
    positions: Map<string, bigint>,
  ): Promise<void> {
    const wire = this.targetWire!;
    const remotes = [...new Set(this.partitions.map((tp) => tp.remoteTopic))];
    const md = await wire.metadata(remotes, { refresh: true });
    const ids = new Map<string, string>();
    for (const t of remotes) {
      const info = md.topics.get(t);
      if (info?.errorCode === 0 && info.topicId && info.topicId !== NO_TOPIC_ID) ids.set(t, info.topicId);
    }
    for (const tp of this.partitions) {
      const k = tpKey(tp);
      const st = this.state.get(k)!;
      const current = ids.get(tp.remoteTopic);
      st.remoteTopicId = current;
      const d = stored.get(durableKey(tp.remoteTopic, tp.partition));
      if (!d?.remoteTopicId || d.sourceTopic !== tp.topic || d.remoteTopicId === current) continue;
      if (current === undefined) {
        if (md.topics.get(tp.remoteTopic)?.errorCode === 0) continue; // a broker without topic ids
        throw new FerryError(
          'TARGET_TOPIC_RECREATED',
          `the remote topic ${tp.remoteTopic} (topic id ${d.remoteTopicId}) is missing on ${this.flow.target.alias}: the task starts again once it exists`,
          { retriable: true, context: { cluster: this.flow.target.alias, topic: tp.remoteTopic } },
        );
      }
      const old = positions.get(k) ?? d.next;
      const [targetStart, targetEnd] = (await this.offsetsOf(wire, tp.remoteTopic, tp.partition, [
        EARLIEST,
        LATEST,
      ])) as [bigint, bigint];
      if (
        targetEnd > targetStart &&
        (await this.holdsCommittedData(tp.remoteTopic, tp.partition, targetStart, targetEnd))
      ) {
        st.remoteTopicId = d.remoteTopicId;
        this.haltPartition(
          st,
          'TARGET_TOPIC_RECREATED',
          `the remote topic ${tp.remoteTopic} was deleted and re-created on ${this.flow.target.alias} (topic id ${d.remoteTopicId} is now ${current}) and its partition ${tp.partition} already holds ${targetEnd - targetStart} records (offsets ${targetStart}..${targetEnd - 1n}) that Ferry did not write from this position: source offsets below ${old} of ${tp.topic}-${tp.partition} are no longer on the target. The partition is halted at ${old}; to copy it again, delete the remote topic (or truncate its partition) and restart the flow.`,
          this.flow.target.alias,
          String(old),
        );
        continue;
      }
      const [sourceStart] = (await this.offsetsOf(this.sourceWire!, tp.topic, tp.partition, [EARLIEST])) as [
        bigint,
      ];
      // below the source's log start nothing can be copied again; when the old position is lower still, the
      // fetcher reports [old, sourceStart) as the ordinary `deleted` gap
      // biome-ignore lint/complexity/useMathMinMax: offsets are bigints
      const resumeAt = old < sourceStart ? old : sourceStart;
      const policy = this.flow.gapPolicy ?? 'continue';
      if (resumeAt > 0n)
        this.emit({
          type: 'data-gap',
          ...this.ctx(),
          topic: tp.topic,
          partition: tp.partition,
          remoteTopic: tp.remoteTopic,
          from: '0',
          to: String(resumeAt),
          records: String(resumeAt),
          logStartOffset: String(sourceStart),
          resumeAt: String(resumeAt),
          reason: 'target-recreated',
          policy,
        });
      if (resumeAt > 0n && policy === 'halt') {
        // stays at its old position and id: with the policy set to continue, the next start copies it again
        st.remoteTopicId = d.remoteTopicId;
        this.haltPartition(
          st,
          'DATA_GAP',
          `the remote topic ${tp.remoteTopic} was deleted and re-created on ${this.flow.target.alias}, and offsets 0..${resumeAt - 1n} of ${tp.topic}-${tp.partition} are no longer on ${this.flow.source.alias} either: they cannot be copied again. The partition is halted (gap policy halt); set the flow's gap policy to continue to copy it again from offset ${resumeAt}.`,
          this.flow.target.alias,
          '0',
        );
        continue;
      }
      positions.set(k, resumeAt);
      st.dirty = true;
      this.syncs?.forget(tp.topic, tp.partition);
      this.emit({
        type: 'target-recreated',
        ...this.ctx(),
        topic: tp.topic,
        partition: tp.partition,
        remoteTopic: tp.remoteTopic,
        oldTopicId: d.remoteTopicId,
        newTopicId: current,
        recopyFrom: String(resumeAt),
        recopyTo: String(old),
      });
    }
    this.writer!.expectTopicIds(ids);
  }

  /**
   * Whether [from, to) of a remote partition holds a record a read_committed reader would see. A write of this
   * task that was under way when the remote topic was deleted and re-created can leave records in the new
   * partition, but only in a transaction the writer aborted (BatchWriter checks the topic id again before each
   * commit; the producer's start aborted any transaction still open): aborted records and markers are not data
   * Ferry or anyone else wrote there, and the partition is copied again after them. Stops at the first data batch.
   */
  private async holdsCommittedData(
    topic: string,
    partition: number,
    from: bigint,
    to: bigint,
  ): Promise<boolean> {
    if (!this.flow.exactlyOnce) return true;
    let found = false;
    await readRangeBatches(
      this.targetWire!,
      [{ topic, partition, from, to }],
      (r) => {
        found = true;
        return r.to;
      },
      { errorCode: 'TASK_START_FAILED', cluster: this.flow.target.alias, stallTimeoutMs: 30_000 },
    );
    return found;
  }

  /** ListOffsets of one partition at its leader, one answer per asked timestamp (EARLIEST / LATEST). */
  private async offsetsOf(
    wire: WireCluster,
    topic: string,
    partition: number,
    timestamps: bigint[],
  ): Promise<bigint[]> {
    const out: bigint[] = [];
    for (const timestamp of timestamps) {
      const conn = await wire.leaderFor(topic, partition);
      const res = await conn.send(listOffsetsApi, {
        replicaId: -1,
        isolationLevel: 0,
        topics: [{ name: topic, partitions: [{ partitionIndex: partition, timestamp }] }],
      });
      const p = res.topics[0]?.partitions[0];
      if (p?.errorCode !== 0) {
        wire.invalidate(topic);
        throw new FerryError(
          'TASK_START_FAILED',
          `ListOffsets on ${topic}-${partition} answered error ${p?.errorCode}`,
          { retriable: true, context: { topic, partition } },
        );
      }
      out.push(p.offset);
    }
    return out;
  }

  /** The read_committed end (last stable offset) of each partition, asked of its leader. */
  private async sourceEnds(tps: TopicPartition[]): Promise<Map<string, bigint>> {
    const wire = this.sourceWire!;
    // grouped with push, not spread: every metrics interval walks all of a task's partitions (hundreds)
    const byLeader = new Map<number, Map<string, number[]>>();
    for (const tp of tps) {
      const id = await wire.leaderIdFor(tp.topic, tp.partition);
      let topics = byLeader.get(id);
      if (!topics) {
        topics = new Map();
        byLeader.set(id, topics);
      }
      const ps = topics.get(tp.topic);
      if (ps) ps.push(tp.partition);
      else topics.set(tp.topic, [tp.partition]);
    }
    const out = new Map<string, bigint>();
    for (const [id, topics] of byLeader) {
      const conn = await wire.broker(id);
      const res = await conn.send(listOffsetsApi, {
        replicaId: -1,
        isolationLevel: READ_COMMITTED,
        topics: [...topics].map(([name, ps]) => ({
          name,
          partitions: ps.map((partitionIndex) => ({ partitionIndex, timestamp: LATEST })),
        })),
      });
      for (const t of res.topics)
        for (const p of t.partitions) {
          if (p.errorCode !== 0) {
            wire.invalidate(t.name);
            continue;
          }
          out.set(`${t.name}:${p.partitionIndex}`, p.offset);
        }
    }
    return out;
  }

  /** 'latest' start: partitions without a position begin at the current end, committed with the first batch. */
  private async resolveLatest(positions: Map<string, bigint>): Promise<void> {
    const missing = this.partitions.filter((tp) => !positions.has(tpKey(tp)));
    if (missing.length === 0) return;
    for (const [k, end] of await this.sourceEnds(missing)) {
      const st = this.state.get(k);
      if (st && !positions.has(k)) {
        positions.set(k, end);
        st.dirty = true;
      }
    }
  }

  private async onChunk(c: FetchedChunk): Promise<void> {
    if (this.stopped || this.failure) return;
    const st = this.state.get(`${c.topic}:${c.partition}`);
    if (!st || st.halted) return;
    st.meter.sourceEnd = c.lastStableOffset;
    // A fetch returns whole batches: the first may start below the position asked for. Records below it were
    // never asked for (a first fetch at the log start, or after a gap: deleted on the source) and are not copied.
    if (st.next === undefined || c.fromOffset > st.next) st.next = c.fromOffset;
    const now = Date.now();
    for (const b of c.batches) {
      const last = lastOffsetOf(b.header);
      if (st.next !== undefined && last < st.next) continue; // already replicated
      if (b.bytes.length > st.tp.maxMessageBytes) {
        const tooLarge = this.firstTooLarge(st, b);
        if (tooLarge) {
          if (tooLarge.before.length > 0) this.buffer(st, rebuilt(b, tooLarge.before), now);
          this.haltTooLarge(st, tooLarge.offset, tooLarge.bytes, tooLarge.timestamp);
          break;
        }
      }
      this.buffer(st, b, now);
    }
    // past control batches and aborted data at the end of the chunk (a transactional source reaches lag 0)
    if (!st.halted && (st.next === undefined || c.nextOffset > st.next)) {
      st.next = c.nextOffset;
      st.dirty = true;
    }
    // a failed write ends the run through fail(); the fetcher must not see it as a crash of its own
    if (this.pendingBytes >= this.flow.batchMaxBytes) await this.flush().catch(() => undefined);
    else this.scheduleWrite();
  }

  /**
   * Asks for the next write when the commit cadence says (commit-cadence.ts): `commit.linger.ms` after a record
   * found the task idle, at once after a write during which records arrived, and never later than
   * `commit.interval.ms` after a record was buffered. Called when records are buffered and when a write ends;
   * while a write is in flight nothing is scheduled (its end asks again). A due time earlier than the one
   * already set replaces it.
   */
  private scheduleWrite(): void {
    if (this.stopped || this.failure) return;
    const now = Date.now();
    const delay = nextWriteIn(
      {
        now,
        oldestAt: this.oldestPendingAt,
        writing: this.flushing !== undefined,
        lastStartAt: this.lastWriteStart,
        lastEndAt: this.lastWriteEnd,
      },
      {
        lingerMs: this.flow.commitLingerMs,
        intervalMs: this.flow.commitIntervalMs,
        minGapMs: this.flow.commitMinIntervalMs,
      },
    );
    if (delay === undefined) return;
    if (this.cadenceTimer && this.cadenceAt <= now + delay) return;
    clearTimeout(this.cadenceTimer);
    this.cadenceAt = now + delay;
    this.cadenceTimer = setTimeout(() => {
      this.cadenceTimer = undefined;
      void this.flush().catch(() => undefined);
    }, delay);
  }

  private buffer(st: PartitionState, b: RawBatch, now: number): void {
    const h = b.header;
    st.meter.fetchedBatch(Number(h.baseTimestamp), Number(h.maxTimestamp), now);
    if (st.batches.length === 0) st.batchesFrom = st.next;
    this.oldestPendingAt ??= now;
    st.batches.push(b);
    this.pendingBytes += b.bytes.length;
    st.next = lastOffsetOf(h) + 1n;
    st.dirty = true;
  }

  /** The first record of `b` that alone exceeds the target's limit, with the records before it. */
  private firstTooLarge(
    st: PartitionState,
    b: RawBatch,
  ): { offset: bigint; bytes: number; timestamp: number; before: WireRecord[] } | undefined {
    const records = decodeRecords(b) as WireRecord[];
    const base = records[0];
    for (const [i, r] of records.entries()) {
      const bytes = recordSize(r, Number(r.timestamp - (base?.timestamp ?? 0n)), 0) + BATCH_HEADER_SIZE;
      if (bytes > st.tp.maxMessageBytes)
        return {
          offset: r.offset,
          bytes,
          timestamp: Number(r.timestamp),
          before: records.slice(0, i).filter((x) => st.next === undefined || x.offset >= st.next),
        };
    }
    return undefined;
  }

  private haltTooLarge(st: PartitionState, offset: bigint, bytes: number, timestampMs: number): void {
    st.meter.stalledAt(timestampMs);
    this.haltPartition(
      st,
      'RECORD_TOO_LARGE',
      `record at offset ${offset} of ${st.tp.topic}-${st.tp.partition} is about ${bytes} bytes; ${st.tp.remoteTopic} on ${this.flow.target.alias} accepts at most ${st.tp.maxMessageBytes} (max.message.bytes). The partition is halted at this offset; raise max.message.bytes on the remote topic and restart.`,
      this.flow.target.alias,
      String(offset),
    );
  }

  /**
   * Stops copying one partition at its position until the task restarts: marked halted, its fetches paused
   * (during start() there is no fetcher yet; start() pauses the halted partitions once it exists) and a
   * partition error, not retriable, reported with `code` and `message` (context: cluster, topic, partition,
   * offset).
   */
  private haltPartition(
    st: PartitionState,
    code: FerryErrorCode,
    message: string,
    cluster: string,
    offset: string,
  ): void {
    st.halted = true;
    this.fetcher?.pause(st.tp);
    const { topic, partition } = st.tp;
    this.emit({
      type: 'partition-error',
      ...this.ctx(),
      topic,
      partition,
      error: new FerryError(code, message, {
        retriable: false,
        context: { cluster, topic, partition, offset },
      }),
    });
  }

  /**
   * Records the source no longer has (deleted before they were copied, or the topic re-created): always
   * reported; the flow's gap policy decides whether the partition skips them (`continue`, the default) or stops
   * at its position (`halt`, with a DATA_GAP partition error).
   */
  private onGap(g: GapEvent): 'halt' | undefined {
    const st = this.state.get(`${g.topic}:${g.partition}`);
    if (!st || st.halted) return st ? 'halt' : undefined;
    const policy = this.flow.gapPolicy ?? 'continue';
    this.emit({
      type: 'data-gap',
      ...this.ctx(),
      topic: g.topic,
      partition: g.partition,
      remoteTopic: st.tp.remoteTopic,
      from: String(g.from),
      to: String(g.to),
      records: String(g.to > g.from ? g.to - g.from : 0n),
      logStartOffset: String(g.logStartOffset),
      resumeAt: String(g.resumeAt),
      reason: g.reason,
      policy,
    });
    if (policy === 'halt') {
      const what =
        g.reason === 'topic-recreated'
          ? `${g.topic} was deleted and re-created on ${this.flow.source.alias}`
          : `offsets ${g.from}..${g.to - 1n} of ${g.topic}-${g.partition} are no longer on ${this.flow.source.alias} (${g.reason === 'deleted' ? 'deleted by retention or DeleteRecords' : 'the log was truncated'}) and were not replicated`;
      this.haltPartition(
        st,
        'DATA_GAP',
        `${what}. The partition is halted (gap policy halt); set the flow's gap policy to continue to resume at offset ${g.resumeAt}.`,
        this.flow.source.alias,
        String(g.from),
      );
      return 'halt';
    }
    if (g.reason === 'topic-recreated') {
      // the new topic starts over: its offsets are below the old position, and none of it was copied yet
      st.next = g.resumeAt;
      this.syncs?.forget(g.topic, g.partition);
    } else if (st.next === undefined || g.resumeAt > st.next) st.next = g.resumeAt;
    st.dirty = true;
    return undefined;
  }

  /** Writes the buffered batches, offset syncs and positions in one transaction. Serialised: one at a time. */
  flush(): Promise<void> {
    const run = async (): Promise<void> => {
      while (this.flushing) await this.flushing;
      if (this.failure) throw this.failure;
      const refresh = Date.now() - this.lastFullCommit > POSITION_REFRESH_MS;
      const dirty = [...this.state.values()].filter(
        (s) => s.next !== undefined && (s.dirty || (refresh && s.committed !== undefined)),
      );
      const withData = [...this.state.values()].filter((s) => s.batches.length > 0);
      if (withData.length === 0 && dirty.length === 0) return;
      const items: WriteItem[] = withData.map((s) => ({
        remoteTopic: s.tp.remoteTopic,
        partition: s.tp.partition,
        sourceTopic: s.tp.topic,
        maxMessageBytes: s.tp.maxMessageBytes,
        batches: s.batches,
        ...(s.batchesFrom !== undefined ? { fromOffset: s.batchesFrom } : {}),
      }));
      const sent = new Map(withData.map((s) => [s, s.batches] as const));
      for (const s of withData) s.batches = [];
      const bytes = this.pendingBytes;
      this.pendingBytes = 0;
      // everything buffered goes into this write: the cadence's next write is for what arrives from now on
      this.oldestPendingAt = undefined;
      clearTimeout(this.cadenceTimer);
      this.cadenceTimer = undefined;
      const positions = dirty.map((s) => ({
        remoteTopic: s.tp.remoteTopic,
        partition: s.tp.partition,
        next: s.next!,
      }));
      const nexts = dirty.map((s) => [s, s.next!] as const);
      const group = positionsGroup(this.flow.source.alias, this.flow.target.alias, this.flow.instance);
      const durable: DurablePosition[] = dirty.map((s) => {
        const topicId = this.fetcher?.topicIdOf(s.tp.topic);
        const remoteTopicId = s.remoteTopicId ?? this.writer?.topicIdOf(s.tp.remoteTopic);
        return {
          group,
          remoteTopic: s.tp.remoteTopic,
          partition: s.tp.partition,
          sourceTopic: s.tp.topic,
          next: s.next!,
          ...(topicId ? { topicId } : {}),
          ...(s.meter.sourceEnd !== undefined ? { sourceEnd: s.meter.sourceEnd } : {}),
          ...(remoteTopicId ? { remoteTopicId } : {}),
        };
      });
      for (const s of dirty) s.dirty = false;
      const t0 = Date.now();
      this.lastWriteStart = t0;
      // where the extra records go (the syncs of the data, the durable positions): named in advance, they join
      // the transaction with the data's partitions in one AddPartitionsToTxn
      const extraPartitions = [
        ...(items.length > 0 ? [{ topic: this.syncs!.topic, partition: 0 }] : []),
        ...(durable.length > 0 ? [{ topic: DURABLE_POSITIONS_TOPIC, partition: 0 }] : []),
      ];
      let watchdog: NodeJS.Timeout | undefined;
      // A write that neither commits nor fails (seen after a predecessor was killed inside a transaction) ends
      // the run: the restarted task re-initialises its producer and resumes from the committed positions.
      const p = Promise.race([
        this.writer!.write(
          items,
          positions,
          (written) => [
            ...this.syncRecords(written),
            // a remote topic first written by this write: the writer knows its id now
            ...durablePositionRecords(
              durable.map((d) => {
                const rid = d.remoteTopicId ?? this.writer?.topicIdOf(d.remoteTopic);
                return rid ? { ...d, remoteTopicId: rid } : d;
              }),
            ),
          ],
          extraPartitions,
        ),
        new Promise<never>((_, reject) => {
          watchdog = setTimeout(
            () =>
              reject(
                new FerryError(
                  'COMMIT_TIMEOUT',
                  `task ${this.index} of ${this.flow.id}: a write to ${this.flow.target.alias} did not finish within ${WRITE_TIMEOUT_MS / 1000} s`,
                  { retriable: true, context: { cluster: this.flow.target.alias, task: this.index } },
                ),
              ),
            WRITE_TIMEOUT_MS,
          );
        }),
      ]).finally(() => clearTimeout(watchdog));
      const mine = p.then(
        () => undefined,
        () => undefined,
      );
      this.flushing = mine;
      try {
        await p;
      } catch (e) {
        // Clear before fail(): fail() may flush or stop, which waits for `flushing`; a settled promise left
        // there would make `while (this.flushing) await this.flushing` spin forever on microtasks.
        if (this.flushing === mine) this.flushing = undefined;
        const err = this.classify(e, 'COMMIT_FAILED');
        await this.fail(err);
        throw err;
      } finally {
        if (this.flushing === mine) this.flushing = undefined;
      }
      this.syncs!.confirm();
      if (refresh) this.lastFullCommit = Date.now();
      const now = Date.now();
      this.lastWriteEnd = now;
      for (const [s, next] of nexts) s.committed = next;
      let records = 0;
      for (const [s, batches] of sent) {
        let n = 0;
        let b = 0;
        const ts: number[] = [];
        for (const x of batches) {
          n += x.header.recordCount;
          b += x.bytes.length;
          ts.push(Number(x.header.maxTimestamp));
        }
        records += n;
        s.meter.committed(ts, b, now, n);
      }
      if (records > 0)
        this.emit({
          type: 'committed',
          ...this.ctx(),
          records,
          bytes,
          partitions: sent.size,
          ms: now - t0,
        });
      // records that arrived during this write: the next one starts now (they are not waiting for a timer)
      this.scheduleWrite();
    };
    return run();
  }

  /**
   * The exact offset syncs of what one transaction wrote (one sync record per written batch). The writer calls
   * this again when it retries a write; the emitter only remembers a result once the write is confirmed.
   */
  private syncRecords(
    written: WrittenBatch[],
  ): Array<{ topic: string; partition: number; records: WireRecord[] }> {
    const out = written.map((w) => {
      // a forwarded batch is one run of consecutive offsets: no array of every record's offset
      const count =
        w.sourceOffsets?.length ??
        (w.sourceRuns ? runRecords(w.sourceRuns) : Number(w.sourceLastOffset - w.sourceBaseOffset + 1n));
      if (count !== w.records)
        throw new FerryError(
          'OFFSET_SYNC_MISMATCH',
          `${w.remoteTopic}-${w.partition}: the batch written at ${w.targetBaseOffset} holds ${w.records} records, its source offsets ${w.sourceBaseOffset}..${w.sourceLastOffset} say ${count}`,
          { context: { topic: w.remoteTopic, partition: w.partition } },
        );
      return {
        remoteTopic: w.remoteTopic,
        partition: w.partition,
        targetBaseOffset: w.targetBaseOffset,
        sourceOffsets: w.sourceOffsets ?? [],
        ...(w.sourceOffsets ? {} : { runs: w.sourceRuns ?? [{ start: w.sourceBaseOffset, length: count }] }),
      };
    });
    return this.syncs!.forWritten(out);
  }

  private classify(e: unknown, code: FerryErrorCode): FerryError {
    const err = toFerryError(e, code, {
      cluster: this.flow.target.alias,
      task: this.index,
      flow: this.flow.id,
    });
    const names: Array<string | undefined> = [];
    for (let x = e as { type?: string; name?: string; cause?: unknown } | undefined, i = 0; x && i < 5; i++) {
      names.push(x.type, x.name);
      x = x.cause as typeof x;
    }
    const type = names.find((n) => n && FENCED.has(n));
    if (type)
      return new FerryError(
        'TASK_FENCED',
        `task ${this.index} of ${this.flow.id} was fenced: another process runs it now (${type})`,
        { retriable: false, context: err.context, cause: e },
      );
    return err;
  }

  private async reportMetrics(): Promise<void> {
    try {
      // chunks carry the last stable offset; a halted or idle partition still needs its end asked for
      for (const [k, end] of await this.sourceEnds(this.partitions)) {
        const st = this.state.get(k);
        if (st) st.meter.sourceEnd = end;
      }
    } catch {
      // end offsets are best effort: lag stays at its last known value
    }
    if (this.stopped || this.failure) return;
    for (const st of this.state.values()) {
      this.emit(st.meter.take(this.ctx(), st.committed, st.halted));
    }
  }

  private async fail(e: FerryError): Promise<void> {
    if (this.failure || this.stopped) return;
    this.failure = e;
    // The fetcher is not waited for: a write that fails inside its chunk handler (onChunk → flush) gets here,
    // and the fetcher's stop waits for that very handler — the run would never end (no task-error, no restart).
    await this.teardown(false);
    this.finish(e);
  }

  private async teardown(drainFetcher = true): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    clearTimeout(this.cadenceTimer);
    this.cadenceTimer = undefined;
    const fetching = this.fetcher?.stop().catch(() => undefined);
    if (drainFetcher) await fetching;
    await this.writer?.stop().catch(() => undefined);
    await this.sourceWire?.close().catch(() => undefined);
    await this.targetWire?.close().catch(() => undefined);
  }

  /** Stops fetching, commits what is buffered (the open transaction), disconnects. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    if (this.failure) {
      this.stopped = true;
      return;
    }
    await this.fetcher?.stop();
    this.fetcher = undefined;
    try {
      await this.flush();
    } catch {
      // reported by fail(); positions stay at the last commit
    }
    this.stopped = true;
    await this.teardown();
    this.emit({ type: 'task-stopped', ...this.ctx(), reason: 'stopped' });
    this.finish(undefined);
  }
}
