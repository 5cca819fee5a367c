import type { Kafka, Message, Producer, Transaction } from 'kafkajs';
import { createOffsetCommitter, type OffsetCommitter } from '../kafka/offset-commit.ts';
import type { OffsetSyncEmitter } from '../offset-syncs/emitter.ts';
import type { SourceRecord } from './fetcher.ts';

export interface OutRecord {
  remoteTopic: string;
  partition: number;
  record: SourceRecord;
  bytes: number;
}

export interface PositionUpdate {
  remoteTopic: string;
  partition: number;
  next: bigint;
}

/** Rough wire size of one record: used to cut chunks under the target's max.message.bytes. */
export function recordSize(r: SourceRecord): number {
  let n = 24 + (r.key?.length ?? 0) + (r.value?.length ?? 0);
  for (const [k, v] of r.headers) n += 8 + Buffer.byteLength(k) + (v?.length ?? 0);
  return n;
}

/** Batch header overhead Kafka adds per record batch (magic v2). */
export const BATCH_OVERHEAD = 61;

/**
 * Splits records into rounds of produce requests: in each round at most one chunk per partition (the client
 * merges a partition's records of one request into one record batch), each chunk under `maxBatchBytes(topic)`.
 */
export function chunkRounds(
  records: OutRecord[],
  maxBatchBytes: (remoteTopic: string) => number,
): OutRecord[][] {
  const perPartition = new Map<string, OutRecord[][]>();
  for (const r of records) {
    const k = `${r.remoteTopic}:${r.partition}`;
    let chunks = perPartition.get(k);
    if (!chunks) {
      chunks = [[]];
      perPartition.set(k, chunks);
    }
    let last = chunks[chunks.length - 1]!;
    const size = last.reduce((s, x) => s + x.bytes, BATCH_OVERHEAD);
    if (last.length > 0 && size + r.bytes > maxBatchBytes(r.remoteTopic)) {
      last = [];
      chunks.push(last);
    }
    last.push(r);
  }
  const rounds: OutRecord[][] = [];
  for (const chunks of perPartition.values()) {
    chunks.forEach((c, i) => {
      const round = rounds[i] ?? [];
      round.push(...c);
      rounds[i] = round;
    });
  }
  return rounds;
}

function toMessages(rs: OutRecord[]): Array<{ topic: string; messages: Message[] }> {
  const byTopic = new Map<string, Message[]>();
  for (const r of rs) {
    const headers: Record<string, Buffer[]> = {};
    for (const [k, v] of r.record.headers) {
      const vs = headers[k] ?? [];
      vs.push(v as Buffer);
      headers[k] = vs;
    }
    const m: Message = {
      partition: r.partition,
      key: r.record.key,
      value: r.record.value,
      timestamp: String(r.record.timestampMs),
      headers: headers as Message['headers'],
    };
    byTopic.set(r.remoteTopic, [...(byTopic.get(r.remoteTopic) ?? []), m]);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

/**
 * Writes records and positions to the target. Exactly-once: one Kafka transaction per `write` holding the
 * records and the positions (TxnOffsetCommit to the positions group). At-least-once: idempotent produce, then
 * an offset commit once the records are acknowledged.
 */
export class TargetWriter {
  private readonly producer: Producer;
  private readonly kafka: Kafka;
  readonly transactionalId: string | undefined;
  private readonly group: string;
  private committer: OffsetCommitter | undefined;
  /** Exact offset syncs (issue 4): one record per produced chunk, in the same transaction as the chunk. */
  private readonly offsetSyncs: OffsetSyncEmitter | undefined;

  constructor(
    kafka: Kafka,
    opts: { transactionalId?: string; positionsGroup: string; offsetSyncs?: OffsetSyncEmitter },
  ) {
    this.kafka = kafka;
    this.transactionalId = opts.transactionalId;
    this.group = opts.positionsGroup;
    this.offsetSyncs = opts.offsetSyncs;
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      ...(opts.transactionalId ? { transactionalId: opts.transactionalId, transactionTimeout: 60000 } : {}),
    });
  }

  /** Connects; in exactly-once mode also fences any older producer with the same transactional id. */
  async start(): Promise<void> {
    await this.offsetSyncs?.prepare(this.kafka);
    await this.producer.connect();
    if (this.transactionalId) {
      const t = await this.producer.transaction();
      await t.abort();
    } else {
      this.committer = await createOffsetCommitter(this.kafka);
    }
  }

  async write(
    records: OutRecord[],
    positions: PositionUpdate[],
    maxBatchBytes: (remoteTopic: string) => number,
  ): Promise<void> {
    const rounds = chunkRounds(records, maxBatchBytes);
    const offsets = positionsPayload(positions);
    if (this.transactionalId) {
      const txn: Transaction = await this.producer.transaction();
      try {
        for (const round of rounds) {
          const acks = await txn.sendBatch({ topicMessages: toMessages(round), acks: -1 });
          const syncs = this.offsetSyncs?.forRound(round, acks);
          if (syncs) await txn.send({ ...syncs, acks: -1 });
        }
        if (offsets.length > 0) await txn.sendOffsets({ consumerGroupId: this.group, topics: offsets });
        await txn.commit();
      } catch (e) {
        await txn.abort().catch(() => undefined);
        throw e;
      }
      return;
    }
    for (const round of rounds) {
      const acks = await this.producer.sendBatch({ topicMessages: toMessages(round), acks: -1 });
      const syncs = this.offsetSyncs?.forRound(round, acks);
      if (syncs) await this.producer.send({ ...syncs, acks: -1 });
    }
    // at-least-once: positions follow the acknowledged records; a crash in between replays them
    if (offsets.length > 0) await this.committer!.commit(this.group, offsets);
  }

  async stop(): Promise<void> {
    await this.committer?.close().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
  }
}

function positionsPayload(
  ps: PositionUpdate[],
): Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }> {
  const byTopic = new Map<string, Array<{ partition: number; offset: string }>>();
  for (const p of ps)
    byTopic.set(p.remoteTopic, [
      ...(byTopic.get(p.remoteTopic) ?? []),
      { partition: p.partition, offset: String(p.next) },
    ]);
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
}
