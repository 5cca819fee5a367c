import type { GapPolicy } from './config/flow-config.ts';
import type { FerryError } from './errors.ts';
import type { TopicPartition } from './tasks/assign.ts';

/** Min/max/avg of a value over one metrics window; undefined fields when nothing was observed. */
export interface WindowStats {
  min?: number;
  max?: number;
  avg?: number;
  count: number;
}

/** One partition's metrics over one window (MM2's source metrics plus replication lag). */
export interface PartitionMetrics {
  type: 'partition-metrics';
  flow: string;
  task: number;
  topic: string;
  partition: number;
  remoteTopic: string;
  windowMs: number;
  /** Records and bytes committed to the target in this window, and since the task started. */
  recordCount: number;
  byteCount: number;
  totalRecords: number;
  totalBytes: number;
  recordRate: number;
  byteRate: number;
  /** now − record timestamp when the record was fetched. */
  recordAgeMs: WindowStats;
  /** commit acknowledged − record timestamp. */
  replicationLatencyMs: WindowStats;
  /** Source end offset (read_committed) − next offset to replicate; undefined until known. */
  lagRecords?: number;
  /** Age of the oldest source record not yet replicated (0 when caught up). */
  lagMs?: number;
  sourceEndOffset?: string;
  position?: string;
  halted: boolean;
}

export type EngineEvent =
  | { type: 'flow-started'; flow: string; tasks: number; partitions: number }
  | { type: 'flow-stopped'; flow: string }
  | { type: 'assignment'; flow: string; tasks: TopicPartition[][] }
  | { type: 'topic-created'; flow: string; topic: string; remoteTopic: string; partitions: number }
  | { type: 'partitions-added'; flow: string; topic: string; remoteTopic: string; from: number; to: number }
  | { type: 'topic-deleted'; flow: string; topic: string; remoteTopic: string }
  | { type: 'topic-skipped'; flow: string; topic: string; reason: string }
  | { type: 'topics-refreshed'; flow: string; topics: number; partitions: number }
  | {
      type: 'task-started';
      flow: string;
      task: number;
      partitions: TopicPartition[];
      transactionalId?: string;
      /** Exactly once: the transaction protocol the target speaks (2: KIP-890 part 2, Kafka 4.1+). */
      transactionVersion?: 1 | 2;
    }
  | { type: 'task-stopped'; flow: string; task: number; reason: string }
  /** A task failed; `restartInMs` when the runner restarts it, absent when its owner decides. */
  | { type: 'task-error'; flow: string; task: number; error: FerryError; restartInMs?: number }
  | { type: 'task-fenced'; flow: string; task: number; error: FerryError }
  /** The runner's guard says the task is no longer current (an older generation): it ended, no restart. */
  | { type: 'task-superseded'; flow: string; task: number; error: FerryError }
  | {
      type: 'partition-error';
      flow: string;
      task: number;
      topic: string;
      partition: number;
      error: FerryError;
    }
  | {
      type: 'committed';
      flow: string;
      task: number;
      records: number;
      bytes: number;
      partitions: number;
      ms: number;
    }
  | {
      /**
       * Source records that were deleted before they were copied: offsets [from, to) of `topic`/`partition`
       * never reach `remoteTopic` (`records` = to − from, offsets of transaction markers included). `deleted`:
       * below the log start (retention, DeleteRecords); `truncated`: the log now ends before the position;
       * `topic-recreated`: the topic was deleted and created again (to = the old topic's last known end);
       * `target-recreated`: the REMOTE topic was deleted and re-created on the target, and [from, to) were on it
       * but are below the source's log start now (lost on both sides).
       * `policy` says what the task did: `continue` resumes at `resumeAt`, `halt` stopped the partition at
       * `from` (a `partition-error` DATA_GAP follows).
       */
      type: 'data-gap';
      flow: string;
      task: number;
      topic: string;
      partition: number;
      remoteTopic: string;
      from: string;
      to: string;
      records: string;
      logStartOffset: string;
      resumeAt: string;
      reason: 'deleted' | 'truncated' | 'topic-recreated' | 'target-recreated';
      policy: GapPolicy;
    }
  | {
      /**
       * The remote topic was deleted and re-created on the target after the partition's position was written
       * (its topic id changed): the records the deleted topic held are gone from the target. The new remote
       * partition is empty, so the task copies the source again from its log start: source offsets
       * [recopyFrom, recopyTo) are replicated again (recopyTo = the old position). Source offsets below the log
       * start that the old topic held are lost on both sides: a `data-gap` with reason `target-recreated` follows.
       */
      type: 'target-recreated';
      flow: string;
      task: number;
      topic: string;
      partition: number;
      remoteTopic: string;
      oldTopicId: string;
      newTopicId: string;
      recopyFrom: string;
      recopyTo: string;
    }
  | {
      /** The positions group had no offset for these partitions (expired): they resume from the durable copy. */
      type: 'positions-restored';
      flow: string;
      task: number;
      partitions: Array<{ topic: string; partition: number; next: string }>;
    }
  | { type: 'discovery-error'; flow: string; error: FerryError }
  | PartitionMetrics;

export type EventListener = (e: EngineEvent) => void;
