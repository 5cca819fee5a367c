import { encodeExactSync, toRuns, offsetSyncsTopic, type ExactSync } from './sync-record.ts';

/** What the data path hands over per produce round: the records of each chunk and the broker's answer. */
export interface ProducedChunk {
  sourceTopic: string;
  remoteTopic: string;
  partition: number;
  /** Source offsets of the chunk's records, ascending, in the order they were written. */
  sourceOffsets: bigint[];
}

export interface ProduceAck {
  topicName: string;
  partition: number;
  baseOffset: string;
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

  constructor(sourceAlias: string) {
    this.topic = offsetSyncsTopic(sourceAlias);
  }

  syncsFor(chunks: ProducedChunk[], acks: ProduceAck[]): ExactSync[] {
    const out: ExactSync[] = [];
    for (const c of chunks) {
      if (c.sourceOffsets.length === 0) continue;
      const ack = acks.find((a) => a.topicName === c.remoteTopic && a.partition === c.partition);
      if (!ack) throw new Error(`no produce acknowledgement for ${c.remoteTopic}-${c.partition}`);
      const k = `${c.sourceTopic}:${c.partition}`;
      out.push({
        sourceTopic: c.sourceTopic,
        partition: c.partition,
        remoteTopic: c.remoteTopic,
        targetBaseOffset: BigInt(ack.baseOffset),
        fromSource: this.lastNext.get(k),
        nextSource: c.sourceOffsets[c.sourceOffsets.length - 1]! + 1n,
        runs: toRuns(c.sourceOffsets),
      });
      this.lastNext.set(k, out[out.length - 1]!.nextSource);
    }
    return out;
  }

  messages(syncs: ExactSync[]): SyncMessages {
    return { topic: this.topic, messages: syncs.map((s) => ({ ...encodeExactSync(s), partition: 0 })) };
  }
}
