// The observability read side's SQL, explained: seeds the benchmark's data (observability-seed.ts: one flow,
// 10,000 partitions, 24 h of samples) into a fresh migrated database, then runs the chart queries
// (getFlowMetrics, flow / topic / partition, 24h and 7d) and the partition grid's window (pageFlowPartitions)
// with every SELECT they send also run as EXPLAIN (ANALYZE, BUFFERS), and prints the plans.
//   node src/observability-explain.ts           (from bench/; no web server needed)
//   BENCH_OBS_PARTITIONS=10000 BENCH_OBS_TOPICS=10
import {
  adminUrl,
  createDb,
  databaseUrl,
  getFlowMetrics,
  migrateDatabase,
  pageFlowPartitions,
  withDatabase,
} from '@ferry/db';
import pg from 'pg';
import { seedObservability } from './observability-seed.ts';

const PARTITIONS = Number(process.env.BENCH_OBS_PARTITIONS ?? '10000');
const TOPICS = Number(process.env.BENCH_OBS_TOPICS ?? '10');
const dbName = `ferry_bench_explain_${process.pid}`;
const url = withDatabase(databaseUrl(), dbName);
const admin = async (text: string) => {
  const c = new pg.Client({ connectionString: adminUrl() });
  await c.connect();
  await c.query(text);
  await c.end();
};
await admin(`drop database if exists "${dbName}" with (force)`);
await migrateDatabase(url);
const db = createDb(url, 2);
try {
  const team = await db.$client.query(
    `insert into teams (name, slug) values ('bench', 'bench-explain') returning id`,
  );
  const teamId = team.rows[0].id as string;
  const { flowId } = await seedObservability(db.$client, teamId, { partitions: PARTITIONS, topics: TOPICS });

  // In-process timings first (median of 5 after a warm-up, no EXPLAIN), with the JSON each would send.
  const ctx = { db, teamId };
  const timed = async (title: string, fn: () => Promise<unknown>) => {
    const out = await fn();
    const ms: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      await fn();
      ms.push(performance.now() - s);
    }
    const s = performance.now();
    const json = JSON.stringify(out);
    const stringifyMs = performance.now() - s;
    ms.sort((a, b) => a - b);
    console.log(
      `${title}: ${ms[2]!.toFixed(1)} ms (${ms[0]!.toFixed(1)}–${ms[4]!.toFixed(1)}), JSON ${(json.length / 1024).toFixed(0)} KB stringified in ${stringifyMs.toFixed(1)} ms`,
    );
  };
  for (const range of ['24h', '7d'] as const) {
    await timed(`getFlowMetrics flow ${range}`, () => getFlowMetrics(ctx, flowId, { range }));
    await timed(`getFlowMetrics topic ${range}`, () =>
      getFlowMetrics(ctx, flowId, { range, topic: 'bench.t3' }),
    );
  }
  await timed('pageFlowPartitions first 100', () =>
    pageFlowPartitions(ctx, flowId, { sort: 'topic', dir: 'asc', offset: 0, limit: 100 }),
  );
  await timed('pageFlowPartitions by lag, offset 5000', () =>
    pageFlowPartitions(ctx, flowId, { sort: 'lagRecords', dir: 'desc', offset: 5000, limit: 100 }),
  );

  // Every SELECT the data layer sends is also explained (same text, same parameters).
  const pool = db.$client;
  const query = pool.query.bind(pool) as (c: unknown, v?: unknown) => Promise<pg.QueryResult>;
  let plans: string[] = [];
  (pool as unknown as { query: typeof query }).query = async (c: unknown, v?: unknown) => {
    const cfg = typeof c === 'string' ? { text: c, values: v as unknown[] } : (c as pg.QueryConfig);
    if (/^\s*(select|with)\b/i.test(cfg.text)) {
      const r = await query({
        text: `explain (analyze, buffers) ${cfg.text}`,
        values: cfg.values ?? (v as unknown[]),
      });
      plans.push(
        `${cfg.text.replace(/\s+/g, ' ').slice(0, 240)}\n${r.rows.map((x) => x['QUERY PLAN']).join('\n')}`,
      );
    }
    return query(c, v);
  };
  const show = async (title: string, fn: () => Promise<unknown>) => {
    plans = [];
    await fn();
    console.log(`\n===== ${title}\n${plans.join('\n\n')}`);
  };
  for (const range of ['24h', '7d'] as const) {
    await show(`metrics flow ${range}`, () => getFlowMetrics(ctx, flowId, { range }));
    await show(`metrics topic ${range}`, () => getFlowMetrics(ctx, flowId, { range, topic: 'bench.t3' }));
    await show(`metrics partition ${range}`, () =>
      getFlowMetrics(ctx, flowId, { range, topic: 'bench.t3', partition: 421 }),
    );
  }
  const page = { dir: 'asc' as const, offset: 0, limit: 100 };
  await show('partitions window: first 100 by topic', () =>
    pageFlowPartitions(ctx, flowId, { ...page, sort: 'topic' }),
  );
  await show('partitions window: by lag desc, rows 5000–5100', () =>
    pageFlowPartitions(ctx, flowId, { ...page, sort: 'lagRecords', dir: 'desc', offset: 5000 }),
  );
  await show('partitions window: topic bench.t3, lagging, by worker', () =>
    pageFlowPartitions(ctx, flowId, { ...page, sort: 'workerId', topic: 'bench.t3', state: 'lagging' }),
  );
} finally {
  await db.$client.end();
  await admin(`drop database if exists "${dbName}" with (force)`);
}
