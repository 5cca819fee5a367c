import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
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
 * Observability beyond the flow totals (flow_metric_samples): per-partition and per-topic series, consumer
 * groups' checkpoints, alert thresholds, fired alerts and their webhook deliveries.
 */

/**
 * Per-partition and per-topic series of a flow at `1m` and `1h`. `partition = -1` is the whole topic (its
 * partitions summed / maxed), so a topic chart reads one row per bucket however many partitions it has.
 * Written by the worker once a minute from what it saw during the minute; the hour row is updated
 * incrementally with each minute (no rollup scan over 10,000 partitions).
 */
export const partitionMetricSamples = pgTable(
  'partition_metric_samples',
  {
    flowId: uuid('flow_id')
      .notNull()
      .references(() => flows.id, { onDelete: 'cascade' }),
    resolution: text('resolution').notNull(),
    topic: text('topic').notNull(),
    partition: integer('partition').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    lagRecords: bigint('lag_records', { mode: 'number' }).notNull().default(0),
    lagMsMax: bigint('lag_ms_max', { mode: 'number' }).notNull().default(0),
    recordAgeMsAvg: doublePrecision('record_age_ms_avg'),
    recordAgeMsMax: doublePrecision('record_age_ms_max'),
    replicationLatencyMsAvg: doublePrecision('replication_latency_ms_avg'),
    replicationLatencyMsMax: doublePrecision('replication_latency_ms_max'),
    records: bigint('records', { mode: 'number' }).notNull().default(0),
    bytes: bigint('bytes', { mode: 'number' }).notNull().default(0),
    samples: integer('samples').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.flowId, t.resolution, t.topic, t.partition, t.at] }),
    index('partition_metric_samples_at').on(t.resolution, t.at),
  ],
);

/**
 * Checkpoint latency and age per consumer group of a flow at `raw`, `1m` and `1h` (like flow_metric_samples).
 * Latency: from the time Ferry first saw a group's new committed offset on the source (Kafka's OffsetFetch
 * carries no commit time) to the checkpoint's acknowledgement on the target. Age: time since the last
 * checkpoint round that covered the group.
 */
export const groupMetricSamples = pgTable(
  'group_metric_samples',
  {
    flowId: uuid('flow_id')
      .notNull()
      .references(() => flows.id, { onDelete: 'cascade' }),
    group: text('group').notNull(),
    resolution: text('resolution').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    checkpointLatencyMsAvg: doublePrecision('checkpoint_latency_ms_avg'),
    checkpointLatencyMsMax: doublePrecision('checkpoint_latency_ms_max'),
    checkpointAgeMsMax: bigint('checkpoint_age_ms_max', { mode: 'number' }),
    samples: integer('samples').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.flowId, t.group, t.resolution, t.at] }),
    index('group_metric_samples_at').on(t.resolution, t.at),
    // The charts read one flow's groups at one resolution over a time range (the primary key leads with
    // the group, so without this Postgres scans every flow's rows of that resolution and range).
    index('group_metric_samples_flow_resolution_at').on(t.flowId, t.resolution, t.at),
  ],
);

/**
 * The latest checkpoint state per consumer group and partition (upserted after every checkpoint round):
 * the group's committed offset on the source, its exact translation on the target (null when not exact,
 * with the reason), and when the partition was last checkpointed.
 */
export const groupOffsetsLatest = pgTable(
  'group_offsets_latest',
  {
    flowId: uuid('flow_id')
      .notNull()
      .references(() => flows.id, { onDelete: 'cascade' }),
    group: text('group').notNull(),
    topic: text('topic').notNull(),
    partition: integer('partition').notNull(),
    remoteTopic: text('remote_topic').notNull(),
    sourceOffset: bigint('source_offset', { mode: 'number' }).notNull(),
    targetOffset: bigint('target_offset', { mode: 'number' }),
    exact: boolean('exact').notNull(),
    reasonCode: text('reason_code'),
    reason: text('reason'),
    /** When the round that produced this row ran. */
    checkedAt: timestamp('checked_at', { withTimezone: true }).notNull(),
    /** When this partition's current translation was last written as a checkpoint. */
    checkpointedAt: timestamp('checkpointed_at', { withTimezone: true }),
    checkpointLatencyMs: doublePrecision('checkpoint_latency_ms'),
  },
  (t) => [primaryKey({ columns: [t.flowId, t.group, t.topic, t.partition] })],
);

/** Alert thresholds of a flow (null: no alert on that signal). Also the overview's "lagging" thresholds. */
export const flowAlertRules = pgTable('flow_alert_rules', {
  flowId: uuid('flow_id')
    .primaryKey()
    .references(() => flows.id, { onDelete: 'cascade' }),
  lagRecordsMax: bigint('lag_records_max', { mode: 'number' }),
  lagSecondsMax: doublePrecision('lag_seconds_max'),
  checkpointAgeSecondsMax: doublePrecision('checkpoint_age_seconds_max'),
  /** Alert when the flow is failed (a task failed or the flow reports an error). */
  onFailed: boolean('on_failed').notNull().default(true),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Alerts: one row per crossing of a threshold, resolved when the signal is back under it. */
export const flowAlerts = pgTable(
  'flow_alerts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    flowId: uuid('flow_id')
      .notNull()
      .references(() => flows.id, { onDelete: 'cascade' }),
    teamId: uuid('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    /** lag_records | lag_seconds | checkpoint_age | flow_failed */
    kind: text('kind').notNull(),
    /** firing | resolved */
    state: text('state').notNull(),
    value: doublePrecision('value'),
    threshold: doublePrecision('threshold'),
    message: text('message').notNull(),
    firedAt: timestamp('fired_at', { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [
    index('flow_alerts_flow_state').on(t.flowId, t.state),
    // At most one firing alert per flow and kind: two evaluators racing insert one row, the other nothing.
    uniqueIndex('flow_alerts_one_firing').on(t.flowId, t.kind).where(sql`state = 'firing'`),
  ],
);

/** A team's webhook receivers; the HMAC secret is sealed (AES-256-GCM), never returned after creation. */
export const teamWebhooks = pgTable('team_webhooks', {
  id: uuid('id').primaryKey().defaultRandom(),
  teamId: uuid('team_id')
    .notNull()
    .references(() => teams.id, { onDelete: 'cascade' }),
  url: text('url').notNull(),
  secret: jsonb('secret').$type<Record<string, unknown>>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Every attempt to deliver an alert event to a webhook (pending → delivered | failed after retries). */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    webhookId: uuid('webhook_id')
      .notNull()
      .references(() => teamWebhooks.id, { onDelete: 'cascade' }),
    teamId: uuid('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    alertId: uuid('alert_id').references(() => flowAlerts.id, { onDelete: 'set null' }),
    event: jsonb('event').$type<Record<string, unknown>>().notNull(),
    /** pending | delivered | failed */
    state: text('state').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [
    index('webhook_deliveries_team_created').on(t.teamId, t.createdAt),
    index('webhook_deliveries_pending').on(t.state, t.nextAttemptAt),
  ],
);
