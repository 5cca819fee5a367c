import { RANGE_MS } from '@ferry/core';
import type pg from 'pg';

/**
 * The observability benchmark's data: one flow of `partitions` partitions in `topics` topics with 24 h of
 * samples at every resolution the workers write (flow totals raw 6 h, 1m and 1h 7 d; topic and partition
 * series 1m for 6 h and 1h for 24 h; three consumer groups with offsets on every topic), seeded with
 * generate_series (one statement per table). Used by observability-read.ts and observability-explain.ts.
 */
export async function seedObservability(
  client: Pick<pg.Pool, 'query'>,
  teamId: string,
  opts: { partitions: number; topics: number; now?: number },
): Promise<{ flowId: string; topics: string[] }> {
  const PARTITIONS = opts.partitions;
  const TOPICS = opts.topics;
  const PER_TOPIC = Math.ceil(PARTITIONS / TOPICS);
  const now = opts.now ?? Date.now();
  const q = (text: string, values: unknown[] = []) => client.query(text, values);
  const clusters = await q(
    `insert into clusters (team_id, name, bootstrap_servers) values ($1, 'east', '127.0.0.1:1'), ($1, 'west', '127.0.0.1:2') returning id`,
    [teamId],
  );
  const [east, west] = clusters.rows.map((r) => r.id as string);
  const flow = await q(
    `insert into flows (team_id, name, source_cluster_id, target_cluster_id, enabled, status, config)
     values ($1, 'bench 10k', $2, $3, true, 'running', $4) returning id`,
    [teamId, east, west, JSON.stringify({ topics: ['bench\\..*'], tasksMax: 8 })],
  );
  const flowId = flow.rows[0].id as string;
  const topics = Array.from({ length: TOPICS }, (_, i) => `bench.t${i}`);
  await q(`insert into flow_topology (flow_id, discovered_for, partitions) values ($1, 'bench', $2)`, [
    flowId,
    JSON.stringify(Object.fromEntries(topics.map((t) => [t, PER_TOPIC]))),
  ]);
  await q(
    `insert into flow_tasks (flow_id, task_index, generation, worker_id, state, partitions)
     select $1, i, 1, 'bench-worker-' || (i % 2), 'running', $2 from generate_series(0, 7) i`,
    [flowId, Math.ceil(PARTITIONS / 8)],
  );
  // Every partition's latest values.
  await q(
    `insert into partition_metrics_latest (flow_id, topic, partition, source_end_offset, replicated_offset, lag_records,
       lag_ms, record_age_ms_avg, replication_latency_ms_avg, records_per_sec, bytes_per_sec, updated_at)
     select $1, 'bench.t' || (p / $2), p % $2, 1000000 + p, 1000000 + p - (p % 7), p % 7, (p % 7) * 100,
       20 + p % 13, 40 + p % 17, 10, 10240, now()
     from generate_series(0, $3 - 1) p`,
    [flowId, PER_TOPIC, PARTITIONS],
  );
  // Flow totals: raw every 5 s for 6 h, per minute and per hour for 7 d.
  const flowRows = async (resolution: string, stepMs: number, spanMs: number, samples: number) =>
    q(
      `insert into flow_metric_samples (flow_id, resolution, at, lag_records, lag_ms_max, record_age_ms_avg, record_age_ms_max,
         replication_latency_ms_avg, replication_latency_ms_max, checkpoint_latency_ms_avg, records, bytes, samples)
       select $1, $2, to_timestamp(s / 1000.0), (s / 1000) % 500, (s / 1000) % 3000, 25, 120, 45, 300, 180,
         100000::bigint * $5, 102400000::bigint * $5, $5
       from generate_series($3::bigint, $4::bigint, $6::bigint) s`,
      [flowId, resolution, Math.floor((now - spanMs) / stepMs) * stepMs, now, samples, stepMs],
    );
  await flowRows('raw', 5000, 6 * 3600_000, 1);
  await flowRows('1m', 60_000, RANGE_MS['7d'], 12);
  await flowRows('1h', 3600_000, RANGE_MS['7d'], 720);
  // Topic (partition −1) and partition series: per minute for 6 h (their retention), per hour for 24 h.
  const partRows = async (resolution: string, stepMs: number, spanMs: number) =>
    q(
      `insert into partition_metric_samples (flow_id, resolution, topic, partition, at, lag_records, lag_ms_max,
         record_age_ms_avg, record_age_ms_max, replication_latency_ms_avg, replication_latency_ms_max, records, bytes, samples)
       select $1::uuid, $2::text, 'bench.t' || (p / $3::int), p % $3::int, to_timestamp(s / 1000.0), p % 7, (p % 7) * 100, 20, 90, 40, 200,
         600, 614400, 1
       from generate_series(0, $4 - 1) p, generate_series($5::bigint, $6::bigint, $7::bigint) s
       union all
       select $1::uuid, $2::text, 'bench.t' || t, -1, to_timestamp(s / 1000.0), 3 * $3::int, 600, 20, 90, 40, 200, 600 * $3, 614400 * $3, 1
       from generate_series(0, $8 - 1) t, generate_series($5::bigint, $6::bigint, $7::bigint) s`,
      [
        flowId,
        resolution,
        PER_TOPIC,
        PARTITIONS,
        Math.floor((now - spanMs) / stepMs) * stepMs,
        now,
        stepMs,
        TOPICS,
      ],
    );
  await partRows('1m', 60_000, 6 * 3600_000);
  await partRows('1h', 3600_000, RANGE_MS['24h']);
  // Three consumer groups.
  for (const g of ['billing', 'shipping', 'analytics'])
    for (const [resolution, stepMs, spanMs] of [
      ['raw', 5000, 6 * 3600_000],
      ['1m', 60_000, RANGE_MS['7d']],
      ['1h', 3600_000, RANGE_MS['7d']],
    ] as const)
      await q(
        `insert into group_metric_samples (flow_id, "group", resolution, at, checkpoint_latency_ms_avg, checkpoint_latency_ms_max, checkpoint_age_ms_max, samples)
         select $1, $2, $3, to_timestamp(s / 1000.0), 150 + (s / 1000) % 50, 400, 8000, 1 from generate_series($4::bigint, $5::bigint, $6::bigint) s`,
        [flowId, g, resolution, Math.floor((now - spanMs) / stepMs) * stepMs, now, stepMs],
      );
  // Their offsets: billing reads every topic, shipping the first half, analytics the second half.
  await q(
    `insert into group_offsets_latest (flow_id, "group", topic, partition, remote_topic, source_offset, target_offset,
       exact, checked_at, checkpointed_at, checkpoint_latency_ms)
     select $1, g, 'bench.t' || (p / $2), p % $2, 'east.bench.t' || (p / $2), 1000000 + p, 999000 + p, true, now(), now(), 180
     from generate_series(0, $3 - 1) p, unnest(array['billing', 'shipping', 'analytics']) g
     where g = 'billing' or (g = 'shipping') = (p / $2 < $4 / 2)`,
    [flowId, PER_TOPIC, PARTITIONS, TOPICS],
  );
  // The latest values are fresh when the measuring starts (seeding takes minutes; a minute without a report
  // makes a partition stale).
  await q('update partition_metrics_latest set updated_at = now() where flow_id = $1', [flowId]);
  await q('analyze');
  return { flowId, topics };
}
