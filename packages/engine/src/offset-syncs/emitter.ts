import type { Kafka } from 'kafkajs';
import { FerryError } from '../errors.ts';
import type { WireRecord } from '../records/index.ts';
import { ensureCompactedTopic } from './loader.ts';
import { type ExactSync, encodeExactSync, offsetSyncsTopic, type SourceRun, toRuns } from './sync-record.ts';

/** What the data path hands over per produce round: the records of each chunk and the broker's answer. */
export interface ProducedChunk {
  sourceTopic: string;
  remoteTopic: string;
  partition: number;
  /** Source offsets of the chunk's records, ascending, in the order they were written. */
  sourceOffsets: bigint[];
  /** The same as runs of consecutive offsets; when given, `sourceOffsets` is not read (no array per record). */
  runs?: SourceRun[];
}

/** The broker's answer for one partition of a produce request (kafkajs `RecordMetadata`). */
export interface ProduceAck {
  topicName: string;
  partition: number;
  baseOffset?: string;
}

export interface SyncMessages {
  topic: string;
  messages: Array<{ key: Buffer; value: Buffer; partition: number }>;
}

/**
 * The data-path hook: turns one produce round (chunks + acks) into exact sync records to send in the SAME
 * transaction before it commits. Remembers where each partition's last chunk ended, so a chunk accounts for the
 * source offsets between (records the fetch skipped: compacted away, aborted, markers).
 *
 * One emitter belongs to one writer: after a failed transaction the task discards its writer and restarts from
 * its committed positions, where the first sync of each partition says "continues the previous one".
 */
export class OffsetSyncEmitter {
  readonly topic: string;
  private readonly lastNext = new Map<string, bigint>();
  /** What `forWritten` computed and `confirm` makes current (a writer may call `forWritten` again on retry). */
  private unconfirmed: Map<string, bigint> | undefined;
  private readonly sourceTopicOf: (remoteTopic: string) => string;
  private readonly replicationFactor: number;

  /** `sourceTopicOf`: the replication policy's `upstreamTopic` (a remote topic's name on the source). */
  constructor(
    sourceAlias: string,
    sourceTopicOf: (remoteTopic: string) => string = (t) => t.slice(t.indexOf('.') + 1),
    replicationFactor = -1,
  ) {
    this.topic = offsetSyncsTopic(sourceAlias);
    this.sourceTopicOf = sourceTopicOf;
    this.replicationFactor = replicationFactor;
  }

  /** Creates the syncs topic on the target when missing (call before the first transaction). */
  async prepare(target: Kafka): Promise<void> {
    const admin = target.admin();
    await admin.connect();
    try {
      await ensureCompactedTopic(admin, this.topic, this.replicationFactor);
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * The data-path hook, per produce round: the round's records (at most one chunk per remote partition, in
   * offset order) and the acknowledgements of its produce request → the sync records to send in the same
   * transaction, or undefined when the round was empty.
   */
  forRound(
    round: ReadonlyArray<{ remoteTopic: string; partition: number; record: { offset: bigint } }>,
    acks: ProduceAck[],
  ): SyncMessages | undefined {
    const chunks = new Map<string, ProducedChunk>();
    for (const r of round) {
      const k = `${r.remoteTopic}:${r.partition}`;
      let c = chunks.get(k);
      if (!c) {
        c = {
          sourceTopic: this.sourceTopicOf(r.remoteTopic),
          remoteTopic: r.remoteTopic,
          partition: r.partition,
          sourceOffsets: [],
        };
        chunks.set(k, c);
      }
      c.sourceOffsets.push(r.record.offset);
    }
    const syncs = this.syncsFor([...chunks.values()], acks);
    return syncs.length === 0 ? undefined : this.messages(syncs);
  }

  /** `byPosition`: `acks[i]` answers `chunks[i]` (several chunks of one partition in one call). */
  syncsFor(chunks: ProducedChunk[], acks: ProduceAck[], byPosition = false): ExactSync[] {
    const out: ExactSync[] = [];
    for (const [i, c] of chunks.entries()) {
      const runs = c.runs ?? toRuns(c.sourceOffsets);
      const lastRun = runs[runs.length - 1];
      if (!lastRun || lastRun.length === 0) continue;
      const ack = byPosition
        ? acks[i]
        : acks.find((a) => a.topicName === c.remoteTopic && a.partition === c.partition);
      if (ack?.baseOffset === undefined) {
        throw new FerryError(
          'NO_BASE_OFFSET',
          `the produce acknowledgement for ${c.remoteTopic}-${c.partition} has no base offset: no exact offset sync possible`,
          {
            context: { topic: c.remoteTopic, partition: c.partition },
          },
        );
      }
      const k = `${c.sourceTopic}:${c.partition}`;
      out.push({
        sourceTopic: c.sourceTopic,
        partition: c.partition,
        remoteTopic: c.remoteTopic,
        targetBaseOffset: BigInt(ack.baseOffset),
        fromSource: this.lastNext.get(k),
        nextSource: lastRun.start + BigInt(lastRun.length),
        runs,
      });
      this.lastNext.set(k, out[out.length - 1]!.nextSource);
    }
    return out;
  }

  /**
   * The wire data path's hook (issue #10): the batches one transaction wrote (target base offset and the source
   * offsets of their records, in order) → the sync records for the writer's `extra`, in the same transaction.
   * Each written batch (one target record batch) gets one sync.
   */
  forWritten(
    written: ReadonlyArray<{
      remoteTopic: string;
      partition: number;
      targetBaseOffset: bigint;
      sourceOffsets: bigint[];
      runs?: SourceRun[];
    }>,
    nowMs = BigInt(Date.now()),
  ): Array<{ topic: string; partition: number; records: WireRecord[] }> {
    const confirmed = new Map(this.lastNext);
    const syncs = this.syncsFor(
      written.map((w) => ({
        sourceTopic: this.sourceTopicOf(w.remoteTopic),
        remoteTopic: w.remoteTopic,
        partition: w.partition,
        sourceOffsets: w.sourceOffsets,
        ...(w.runs ? { runs: w.runs } : {}),
      })),
      written.map((w) => ({
        topicName: w.remoteTopic,
        partition: w.partition,
        baseOffset: String(w.targetBaseOffset),
      })),
      // each written batch is its own chunk: match acks by position, not by partition
      true,
    );
    this.unconfirmed = new Map(this.lastNext);
    this.lastNext.clear();
    for (const [k, v] of confirmed) this.lastNext.set(k, v);
    if (syncs.length === 0) return [];
    return [
      {
        topic: this.topic,
        partition: 0,
        records: syncs.map((s, i) => {
          const { key, value } = encodeExactSync(s);
          return { offset: BigInt(i), timestamp: nowMs, key, value, headers: [] };
        }),
      },
    ];
  }

  /** A source partition starts over (its topic was re-created): its next sync continues nothing. */
  forget(sourceTopic: string, partition: number): void {
    this.lastNext.delete(`${sourceTopic}:${partition}`);
    this.unconfirmed?.delete(`${sourceTopic}:${partition}`);
  }

  /** The write that the last `forWritten` call served is committed: its syncs count as written. */
  confirm(): void {
    if (!this.unconfirmed) return;
    this.lastNext.clear();
    for (const [k, v] of this.unconfirmed) this.lastNext.set(k, v);
    this.unconfirmed = undefined;
  }

  messages(syncs: ExactSync[]): SyncMessages {
    return { topic: this.topic, messages: syncs.map((s) => ({ ...encodeExactSync(s), partition: 0 })) };
  }
}
