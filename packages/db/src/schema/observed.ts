import {
  bigint,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { flows } from './replication.ts';
import { teams } from './teams.ts';

/**
 * Observed state, written by workers: who is alive, which task runs where, and replication metrics.
 * Desired state (flows, clusters) is written only by the control plane.
 */

/** One row per worker process; `lastHeartbeatAt` older than a few seconds means dead. */
export const workers = pgTable('workers', {
  id: text('id').primaryKey(),
  host: text('host').notNull(),
  pid: integer('pid').notNull(),
  version: text('version').notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
  lastHeartbeatAt: timestamp('last_heartbeat_at', { withTimezone: true }).notNull(),
  /** Job ids of the tasks it runs now. */
  tasks: jsonb('tasks').$type<string[]>().notNull().default([]),
  /** running | draining | dead */
  state: text('state').notNull().default('running'),
});

/** Per-task state of a flow's current generation. */
export const flowTasks = pgTable(
  'flow_tasks',
  {
    flowId: uuid('flow_id')
      .notNull()
      .references(() => flows.id, { onDelete: 'cascade' }),
    taskIndex: integer('task_index').notNull(),
    generation: integer('generation').notNull(),
    workerId: text('worker_id'),
    /** starting | running | stopped | failed */
    state: text('state').notNull(),
    lastError: text('last_error'),
    partitions: integer('partitions').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.flowId, t.taskIndex] })],
);

/** The latest metrics per replicated partition, for the live table (one row per partition, upserted). */
export const partitionMetricsLatest = pgTable(
  'partition_metrics_latest',
  {
    flowId: uuid('flow_id')
      .notNull()
      .references(() => flows.id, { onDelete: 'cascade' }),
    topic: text('topic').notNull(),
    partition: integer('partition').notNull(),
    sourceEndOffset: bigint('source_end_offset', { mode: 'number' }),
    replicatedOffset: bigint('replicated_offset', { mode: 'number' }),
    lagRecords: bigint('lag_records', { mode: 'number' }),
    lagMs: bigint('lag_ms', { mode: 'number' }),
    recordAgeMsAvg: doublePrecision('record_age_ms_avg'),
    replicationLatencyMsAvg: doublePrecision('replication_latency_ms_avg'),
    recordsPerSec: doublePrecision('records_per_sec'),
    bytesPerSec: doublePrecision('bytes_per_sec'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.flowId, t.topic, t.partition] })],
);

/**
 * Time series per flow (summed or maxed over its partitions), at three resolutions: `raw` (one row per
 * flow per flush interval, workers' contributions merged, kept briefly), `1m` and `1h` rollups kept longer. Charts read the resolution
 * that fits the range.
 */
export const flowMetricSamples = pgTable(
  'flow_metric_samples',
  {
    flowId: uuid('flow_id')
      .notNull()
      .references(() => flows.id, { onDelete: 'cascade' }),
    resolution: text('resolution').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    /** Records not yet replicated, summed over the flow's partitions (max over a rollup's samples). */
    lagRecords: bigint('lag_records', { mode: 'number' }).notNull().default(0),
    lagMsMax: bigint('lag_ms_max', { mode: 'number' }).notNull().default(0),
    recordAgeMsAvg: doublePrecision('record_age_ms_avg'),
    recordAgeMsMax: doublePrecision('record_age_ms_max'),
    replicationLatencyMsAvg: doublePrecision('replication_latency_ms_avg'),
    replicationLatencyMsMax: doublePrecision('replication_latency_ms_max'),
    checkpointLatencyMsAvg: doublePrecision('checkpoint_latency_ms_avg'),
    records: bigint('records', { mode: 'number' }).notNull().default(0),
    bytes: bigint('bytes', { mode: 'number' }).notNull().default(0),
    /** How many raw samples a rollup summarises. */
    samples: integer('samples').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.flowId, t.resolution, t.at] }),
    index('flow_metric_samples_at').on(t.resolution, t.at),
  ],
);

/**
 * What topic discovery last found for a flow (written by the discovery control job): the source topics its
 * filters select with their partition counts, and the consumer groups its group filters select. The
 * reconciler pins a generation's task assignment to these partitions, so every task of one generation splits
 * the same set and a new partition starts a new generation instead of two tasks sharing it.
 */
export const flowTopology = pgTable('flow_topology', {
  flowId: uuid('flow_id')
    .primaryKey()
    .references(() => flows.id, { onDelete: 'cascade' }),
  /** Fingerprint of the flow options discovery depends on (filters, policy) when it ran. */
  discoveredFor: text('discovered_for').notNull(),
  /** Source topic → partition count. */
  partitions: jsonb('partitions').$type<Record<string, number>>().notNull(),
  groups: jsonb('groups').$type<string[]>().notNull().default([]),
  discoveredAt: timestamp('discovered_at', { withTimezone: true }).notNull().defaultNow(),
  /** The last discovery failure in words, cleared by the next success. */
  lastError: text('last_error'),
});

/**
 * Verification runs of a flow: an operator asks (API or dashboard), a worker compares the last N replicated
 * records of every partition with the target record by record (`verifyFlow` in the engine) and stores the
 * report. State: queued → running → passed | failed (differences found) | error (could not verify).
 */
export const flowVerifications = pgTable(
  'flow_verifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    flowId: uuid('flow_id')
      .notNull()
      .references(() => flows.id, { onDelete: 'cascade' }),
    teamId: uuid('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    /** Who asked: 'user' or 'token'. */
    requestedByType: text('requested_by_type').notNull(),
    /** The user's or the API token's id. */
    requestedById: text('requested_by_id'),
    /** Words for the UI: the person's email or `token <name>`. */
    requestedBy: text('requested_by').notNull(),
    recordsPerPartition: integer('records_per_partition').notNull(),
    /** queued | running | passed | failed | error */
    state: text('state').notNull().default('queued'),
    /** The engine's VerificationReport (offsets as strings), once finished. */
    report: jsonb('report').$type<Record<string, unknown>>(),
    /** Why the verification could not run (state error), in words. */
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('flow_verifications_flow_created').on(t.flowId, t.createdAt)],
);

/**
 * Data gaps of a flow (worker-written): source records deleted before the flow replicated them (retention or
 * DeleteRecords below the position, a truncated log, a source topic deleted and re-created). One row per gap;
 * a halted partition meets the same gap again at every start, which the unique key absorbs.
 */
export const flowGaps = pgTable(
  'flow_gaps',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    flowId: uuid('flow_id')
      .notNull()
      .references(() => flows.id, { onDelete: 'cascade' }),
    topic: text('topic').notNull(),
    partition: integer('partition').notNull(),
    remoteTopic: text('remote_topic').notNull(),
    /** First lost source offset and the exclusive end (64-bit: kept as strings in the views). */
    fromOffset: bigint('from_offset', { mode: 'bigint' }).notNull(),
    toOffset: bigint('to_offset', { mode: 'bigint' }).notNull(),
    records: bigint('records', { mode: 'bigint' }).notNull(),
    /** deleted | truncated | topic-recreated | target-recreated */
    reason: text('reason').notNull(),
    /** The gap policy that applied: continue | halt. */
    policy: text('policy').notNull(),
    resumeAt: bigint('resume_at', { mode: 'bigint' }).notNull(),
    detectedAt: timestamp('detected_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('flow_gaps_once').on(t.flowId, t.topic, t.partition, t.fromOffset, t.reason),
    index('flow_gaps_flow_detected').on(t.flowId, t.detectedAt),
  ],
);
