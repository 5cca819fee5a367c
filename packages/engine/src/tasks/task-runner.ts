import type { Admin, Kafka } from 'kafkajs';
import type { FlowConfig } from '../config/flow-config.ts';
import { type FetchedBatch, Fetcher } from '../datapath/fetcher.ts';
import {
  BATCH_OVERHEAD,
  type OutRecord,
  type PositionUpdate,
  recordSize,
  TargetWriter,
} from '../datapath/producer.ts';
import { FerryError, toFerryError } from '../errors.ts';
import type { EventListener } from '../events.ts';
import { PartitionMeter } from '../metrics/partition-metrics.ts';
import { OffsetSyncEmitter } from '../offset-syncs/emitter.ts';
import { loadPositions, POSITION_REFRESH_MS, positionsGroup } from '../positions/positions.ts';
import { type TopicPartition, tpKey } from './assign.ts';

/** One source partition of a task with what the data path needs about its remote topic. */
export interface TaskPartition extends TopicPartition {
  remoteTopic: string;
  /** The remote topic's effective max.message.bytes. */
  maxMessageBytes: number;
}

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
  /** Next source offset after the records buffered so far. */
  next: bigint | undefined;
  dirty: boolean;
  halted: boolean;
  meter: PartitionMeter;
}

/**
 * One task: copies its source partitions to the same partitions of their remote topics. Records are buffered
 * and written with the new positions in one transaction per batch (a batch closes at `batch.max.bytes` or after
 * `commit.interval.ms`). Any failure of a write ends the run ('failed'); the owner restarts the task, which
 * resumes from the committed positions, so nothing in flight is lost or duplicated.
 */
export class TaskRunner {
  readonly index: number;
  readonly partitions: TaskPartition[];
  private readonly flow: FlowConfig;
  private readonly clients: TaskClients;
  private readonly emit: EventListener;
  private readonly metricsIntervalMs: number;
  private readonly state = new Map<string, PartitionState>();
  private fetcher: Fetcher | undefined;
  private writer: TargetWriter | undefined;
  private pending: OutRecord[] = [];
  private pendingBytes = 0;
  private flushing: Promise<void> | undefined;
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;
  private failure: FerryError | undefined;
  private lastFullCommit = Date.now();
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
      this.state.set(tpKey(tp), {
        tp,
        committed: undefined,
        next: undefined,
        dirty: false,
        halted: false,
        meter: new PartitionMeter(tp.topic, tp.partition, tp.remoteTopic),
      });
    }
  }

  private ctx(): { flow: string; task: number } {
    return { flow: this.flow.id, task: this.index };
  }

  async start(): Promise<void> {
    const { flow } = this;
    const txId = flow.exactlyOnce ? transactionalIdFor(flow, this.index) : undefined;
    const group = positionsGroup(flow.source.alias, flow.target.alias, flow.instance);
    this.writer = new TargetWriter(this.clients.target, {
      ...(txId ? { transactionalId: txId } : {}),
      positionsGroup: group,
      offsetSyncs: new OffsetSyncEmitter(flow.source.alias, (t) => flow.policy.upstreamTopic(t) ?? t),
    });
    try {
      await this.writer.start();
      // The producer is initialised (older producers of this id are fenced): last chance to refuse.
      await this.hooks.afterProducerStart?.();
      const positions = await loadPositions(this.clients.targetAdmin, group, this.partitions);
      if (flow.startPosition === 'latest') await this.resolveLatest(positions);
      for (const [k, st] of this.state) {
        const p = positions.get(k);
        st.committed = p;
        st.next = p;
      }
      this.fetcher = new Fetcher({
        kafka: this.clients.source,
        partitions: this.partitions,
        positions,
        startPosition: flow.startPosition,
        maxBytesPerPartition: flow.fetchMaxBytesPerPartition,
        groupPrefix: `ferry-task.${flow.source.alias}.${flow.target.alias}.${this.index}`,
        onBatch: (b) => this.onBatch(b),
        onCrash: (e) =>
          void this.fail(toFerryError(e, 'FETCH_FAILED', { cluster: flow.source.alias, task: this.index })),
      });
      await this.fetcher.start();
    } catch (e) {
      await this.fail(this.classify(e, 'TASK_START_FAILED'));
      return;
    }
    this.timers.push(setInterval(() => void this.flush().catch(() => undefined), flow.commitIntervalMs));
    this.timers.push(setInterval(() => void this.reportMetrics(), this.metricsIntervalMs));
    this.emit({
      type: 'task-started',
      ...this.ctx(),
      partitions: this.partitions.map(({ topic, partition }) => ({ topic, partition })),
      ...(txId ? { transactionalId: txId } : {}),
    });
  }

  /** 'latest' start: partitions without a position begin at the current end, committed with the first batch. */
  private async resolveLatest(positions: Map<string, bigint>): Promise<void> {
    const topics = [
      ...new Set(this.partitions.filter((tp) => !positions.has(tpKey(tp))).map((tp) => tp.topic)),
    ];
    for (const topic of topics) {
      for (const o of await this.clients.sourceAdmin.fetchTopicOffsets(topic)) {
        const k = `${topic}:${o.partition}`;
        const st = this.state.get(k);
        if (st && !positions.has(k)) {
          positions.set(k, BigInt(o.offset));
          st.dirty = true;
        }
      }
    }
  }

  private async onBatch(b: FetchedBatch): Promise<void> {
    if (this.stopped || this.failure) return;
    const st = this.state.get(`${b.topic}:${b.partition}`);
    if (!st || st.halted) return;
    st.meter.sourceEnd = b.highWatermark;
    const now = Date.now();
    for (const r of b.records) {
      if (st.next !== undefined && r.offset < st.next) continue; // already replicated (fetch began before the seek)
      const bytes = recordSize(r);
      if (bytes + BATCH_OVERHEAD > st.tp.maxMessageBytes) {
        this.halt(st, r.offset, bytes);
        break;
      }
      st.meter.fetched(r.timestampMs, now);
      this.pending.push({ remoteTopic: st.tp.remoteTopic, partition: st.tp.partition, record: r, bytes });
      this.pendingBytes += bytes;
      st.next = r.offset + 1n;
      st.dirty = true;
    }
    // a failed write ends the run through fail(); the fetcher must not see it as a crash of its own
    if (this.pendingBytes >= this.flow.batchMaxBytes) await this.flush().catch(() => undefined);
  }

  private halt(st: PartitionState, offset: bigint, bytes: number): void {
    st.halted = true;
    this.fetcher?.pause(st.tp);
    const error = new FerryError(
      'RECORD_TOO_LARGE',
      `record at offset ${offset} of ${st.tp.topic}-${st.tp.partition} is about ${bytes} bytes; ${st.tp.remoteTopic} on ${this.flow.target.alias} accepts at most ${st.tp.maxMessageBytes} (max.message.bytes). The partition is halted at this offset; raise max.message.bytes on the remote topic and restart.`,
      {
        retriable: false,
        context: {
          cluster: this.flow.target.alias,
          topic: st.tp.topic,
          partition: st.tp.partition,
          offset: String(offset),
        },
      },
    );
    this.emit({
      type: 'partition-error',
      ...this.ctx(),
      topic: st.tp.topic,
      partition: st.tp.partition,
      error,
    });
  }

  /** Writes the buffered records and positions in one transaction. Serialised: one write at a time. */
  flush(): Promise<void> {
    const run = async (): Promise<void> => {
      while (this.flushing) await this.flushing;
      if (this.failure) throw this.failure;
      const refresh = Date.now() - this.lastFullCommit > POSITION_REFRESH_MS;
      const dirty = [...this.state.values()].filter(
        (s) => s.next !== undefined && (s.dirty || (refresh && s.committed !== undefined)),
      );
      if (this.pending.length === 0 && dirty.length === 0) return;
      const records = this.pending;
      const bytes = this.pendingBytes;
      this.pending = [];
      this.pendingBytes = 0;
      const positions: PositionUpdate[] = dirty.map((s) => ({
        remoteTopic: s.tp.remoteTopic,
        partition: s.tp.partition,
        next: s.next!,
      }));
      const nexts = dirty.map((s) => [s, s.next!] as const);
      for (const s of dirty) s.dirty = false;
      const t0 = Date.now();
      const p = this.writer!.write(records, positions, (topic) => this.maxBatchBytes(topic));
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
      if (refresh) this.lastFullCommit = Date.now();
      const now = Date.now();
      for (const [s, next] of nexts) s.committed = next;
      const perPartition = new Map<string, { ts: number[]; bytes: number }>();
      for (const r of records) {
        const k = `${r.remoteTopic}:${r.partition}`;
        const e = perPartition.get(k) ?? { ts: [], bytes: 0 };
        e.ts.push(r.record.timestampMs);
        e.bytes += r.bytes;
        perPartition.set(k, e);
      }
      for (const s of this.state.values()) {
        const e = perPartition.get(`${s.tp.remoteTopic}:${s.tp.partition}`);
        if (e) s.meter.committed(e.ts, e.bytes, now);
      }
      if (records.length > 0)
        this.emit({
          type: 'committed',
          ...this.ctx(),
          records: records.length,
          bytes,
          partitions: perPartition.size,
          ms: now - t0,
        });
    };
    return run();
  }

  private maxBatchBytes(remoteTopic: string): number {
    const st = this.partitions.find((p) => p.remoteTopic === remoteTopic);
    return Math.min(st?.maxMessageBytes ?? 1048588, 1 << 20) - 512;
  }

  private classify(e: unknown, code: string): FerryError {
    const err = toFerryError(e, code, {
      cluster: this.flow.target.alias,
      task: this.index,
      flow: this.flow.id,
    });
    const type = (e as { type?: string })?.type ?? (e as { cause?: { type?: string } })?.cause?.type;
    if (type && FENCED.has(type))
      return new FerryError(
        'TASK_FENCED',
        `task ${this.index} of ${this.flow.id} was fenced: another process runs it now (${type})`,
        { retriable: false, context: err.context, cause: e },
      );
    return err;
  }

  private async reportMetrics(): Promise<void> {
    try {
      const topics = [...new Set(this.partitions.map((p) => p.topic))];
      for (const topic of topics) {
        for (const o of await this.clients.sourceAdmin.fetchTopicOffsets(topic)) {
          const st = this.state.get(`${topic}:${o.partition}`);
          if (st) st.meter.sourceEnd = BigInt(o.offset);
        }
      }
    } catch {
      // end offsets are best effort: lag stays at its last known value
    }
    if (this.stopped) return;
    for (const st of this.state.values()) {
      this.emit(st.meter.take(this.ctx(), st.committed, st.halted));
    }
  }

  private async fail(e: FerryError): Promise<void> {
    if (this.failure || this.stopped) return;
    this.failure = e;
    await this.teardown();
    this.finish(e);
  }

  private async teardown(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.fetcher?.stop();
    await this.writer?.stop();
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
