import { type SQL, sql } from 'drizzle-orm';
import type { TeamContext } from '../context.ts';
import { flowView } from './flow-view.ts';
import { getFlowRowOrThrow } from './get-flow.ts';

/**
 * One window of a flow's partition grid, sorted and filtered in Postgres: the grid asks for the rows it
 * shows (offset/limit) instead of all 10,000. Each row is the partition's latest metrics with its state and
 * the task and worker that own it.
 */

export const PARTITION_SORTS = [
  'topic',
  'partition',
  'sourceEndOffset',
  'replicatedOffset',
  'lagRecords',
  'lagMs',
  'recordAgeMsAvg',
  'replicationLatencyMsAvg',
  'recordsPerSec',
  'bytesPerSec',
  'state',
  'taskIndex',
  'workerId',
  'updatedAt',
] as const;
export type PartitionSort = (typeof PARTITION_SORTS)[number];
export const PARTITION_STATES = ['caught up', 'lagging', 'stale'] as const;
export type PartitionState = (typeof PARTITION_STATES)[number];

/** A partition that has not reported for this long is stale (the flow is off or its task is not running). */
export const PARTITION_STALE_AFTER_MS = 60_000;

export interface PartitionPageQuery {
  sort: PartitionSort;
  dir: 'asc' | 'desc';
  topic?: string | undefined;
  state?: PartitionState | undefined;
  offset: number;
  limit: number;
}

export interface PartitionPageRow {
  topic: string;
  partition: number;
  sourceEndOffset: number | null;
  replicatedOffset: number | null;
  lagRecords: number | null;
  lagMs: number | null;
  recordAgeMsAvg: number | null;
  replicationLatencyMsAvg: number | null;
  recordsPerSec: number | null;
  bytesPerSec: number | null;
  updatedAt: string;
  state: PartitionState;
  taskIndex: number | null;
  workerId: string | null;
}

export interface PartitionPage {
  items: PartitionPageRow[];
  /** Partitions matching the filters (the grid's row count). */
  total: number;
  /** Every partition of the flow with metrics, unfiltered. */
  partitions: number;
  /** The flow's topics with metrics (the topic filter's choices), sorted. */
  topics: string[];
  offset: number;
  limit: number;
}

// Text columns sort bytewise (C collation), like the engine's sortPartitions and JavaScript's `<`.
const ORDER: Record<PartitionSort, SQL> = {
  topic: sql.raw('topic collate "C"'),
  partition: sql.raw('partition'),
  sourceEndOffset: sql.raw('source_end_offset'),
  replicatedOffset: sql.raw('replicated_offset'),
  lagRecords: sql.raw('lag_records'),
  lagMs: sql.raw('lag_ms'),
  recordAgeMsAvg: sql.raw('record_age_ms_avg'),
  replicationLatencyMsAvg: sql.raw('replication_latency_ms_avg'),
  recordsPerSec: sql.raw('records_per_sec'),
  bytesPerSec: sql.raw('bytes_per_sec'),
  state: sql.raw('state collate "C"'),
  taskIndex: sql.raw('task_index'),
  workerId: sql.raw('worker_id collate "C"'),
  updatedAt: sql.raw('updated_at'),
};

/** A row's state, as SQL over partition_metrics_latest `m`. */
const stateOf = (staleBefore: string) =>
  sql`(case when m.updated_at < ${staleBefore}::timestamptz then 'stale'
    when coalesce(m.lag_records, 0) > 0 then 'lagging' else 'caught up' end)`;

/**
 * The window of rows. Ownership is the reconciler's deterministic split (the engine's assignPartitions),
 * computed here over flow_topology: the discovered partitions sorted by topic (bytewise) then partition
 * and dealt round-robin into min(tasksMax, count) tasks, so a partition's task is (the partitions of the
 * topics before its own + its number) mod that (a test checks it against assignPartitions).
 */
export async function pageFlowPartitions(
  ctx: Pick<TeamContext, 'db' | 'teamId'>,
  flowId: string,
  q: PartitionPageQuery,
  now = Date.now(),
): Promise<PartitionPage> {
  const flow = flowView(await getFlowRowOrThrow(ctx, flowId), new Map());
  const tasksMax = Math.max(1, flow.config.tasksMax);
  const staleBefore = new Date(now - PARTITION_STALE_AFTER_MS).toISOString();
  const filters: SQL[] = [];
  if (q.topic !== undefined) filters.push(sql`topic = ${q.topic}`);
  if (q.state !== undefined) filters.push(sql`state = ${q.state}`);
  const where = filters.length ? sql`where ${sql.join(filters, sql` and `)}` : sql``;
  const dir = sql.raw(q.dir === 'desc' ? 'desc' : 'asc');
  const order =
    q.sort === 'topic'
      ? sql`topic collate "C" ${dir}, partition ${dir}`
      : sql`${ORDER[q.sort]} ${dir} nulls last, topic collate "C", partition`;
  const window = ctx.db.execute(sql`
    with topo as (
      select t.key as topic, t.value::int as n,
        coalesce(sum(t.value::int) over (order by t.key collate "C" rows between unbounded preceding and 1 preceding), 0) as before,
        sum(t.value::int) over () as total
      from flow_topology ft cross join lateral jsonb_each_text(ft.partitions) t
      where ft.flow_id = ${flow.id}
    ),
    owned as (
      select m.topic, m.partition, m.source_end_offset, m.replicated_offset, m.lag_records, m.lag_ms,
        m.record_age_ms_avg, m.replication_latency_ms_avg, m.records_per_sec, m.bytes_per_sec, m.updated_at,
        ${stateOf(staleBefore)} as state,
        case when m.partition < o.n then (o.before + m.partition) % least(${tasksMax}::int, o.total) end as task_index
      from partition_metrics_latest m left join topo o on o.topic = m.topic
      where m.flow_id = ${flow.id}
    ),
    rows as (
      select r.*, case when t.state = 'running' then t.worker_id end as worker_id
      from owned r left join flow_tasks t on t.flow_id = ${flow.id} and t.task_index = r.task_index
    )
    select *, count(*) over () as total from rows ${where}
    order by ${order}
    offset ${q.offset} limit ${q.limit}`);
  const summary = ctx.db.execute(sql`
    select count(*)::int as partitions, coalesce(array_agg(distinct topic), '{}') as topics
    from partition_metrics_latest where flow_id = ${flow.id}`);
  const [w, s] = await Promise.all([window, summary]);
  const rows = w.rows as Record<string, unknown>[];
  const sum = s.rows[0] as { partitions: number; topics: string[] };
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  let total = rows.length ? Number(rows[0]!.total) : 0;
  if (!rows.length && q.offset > 0 && filters.length === 0) total = sum.partitions;
  else if (!rows.length && q.offset > 0) total = await countMatching(ctx, flow.id, q, staleBefore);
  return {
    items: rows.map((r) => ({
      topic: r.topic as string,
      partition: Number(r.partition),
      sourceEndOffset: num(r.source_end_offset),
      replicatedOffset: num(r.replicated_offset),
      lagRecords: num(r.lag_records),
      lagMs: num(r.lag_ms),
      recordAgeMsAvg: num(r.record_age_ms_avg),
      replicationLatencyMsAvg: num(r.replication_latency_ms_avg),
      recordsPerSec: num(r.records_per_sec),
      bytesPerSec: num(r.bytes_per_sec),
      updatedAt: new Date(r.updated_at as string).toISOString(),
      state: r.state as PartitionState,
      taskIndex: num(r.task_index),
      workerId: (r.worker_id as string | null) ?? null,
    })),
    total,
    partitions: sum.partitions,
    topics: [...sum.topics].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    offset: q.offset,
    limit: q.limit,
  };
}

/** Rows matching the filters, for a window past the end (which carries no count of its own). */
async function countMatching(
  ctx: Pick<TeamContext, 'db'>,
  flowId: string,
  q: PartitionPageQuery,
  staleBefore: string,
): Promise<number> {
  const r = await ctx.db.execute(sql`
    select count(*)::int as n from partition_metrics_latest m
    where m.flow_id = ${flowId}
      ${q.topic !== undefined ? sql`and m.topic = ${q.topic}` : sql``}
      ${q.state !== undefined ? sql`and ${stateOf(staleBefore)} = ${q.state}` : sql``}`);
  return Number((r.rows[0] as { n: number }).n);
}
