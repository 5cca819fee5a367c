// Postgres write cost of the worker's metrics pipeline for one many-partition flow, measured, not computed.
//   npm run bench:metrics     (from the repo root; or: cd bench && npm run bench:metrics)
//   BENCH_METRICS_PARTITIONS=10000 BENCH_METRICS_MINUTES=10 BENCH_METRICS_CAPS=1000,5000 npm run bench:metrics
// For each cap on latest-value rows per flush: a fresh migrated database, one flow, and the real MetricsWriter
// driven in simulated time (record() for every partition and flush(now) per 5 s tick, rollUpAndExpire(now)
// per simulated minute. What Postgres itself does on the clock is replayed in simulated time too: CHECKPOINT
// every checkpoint_timeout (so full-page writes come at the real rate) and autovacuum's VACUUM / ANALYZE of
// the metrics tables every autovacuum_naptime past its thresholds (the server's own autovacuum is switched
// off for them). After a warm-up that fills the live table it measures rows written (pg_stat_user_tables),
// WAL (pg_current_wal_insert_lsn around every call, and over the whole window), table sizes and wall time per
// flush, and derives per-second and per-day figures at the real 5 s cadence. Prints a table; writes JSON to
// bench/results/. Env: BENCH_METRICS_TOPICS, _TICKS (overrides _MINUTES), _WARMUP_TICKS, _CHECKPOINTS=0,
// _AUTOVACUUM=0.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  adminUrl,
  createDb,
  type Db,
  databaseUrl,
  MetricsWriter,
  migrateDatabase,
  type PartitionMetrics,
  RETENTION_MS,
  rollUpAndExpire,
  schema,
  withDatabase,
} from '@ferry/db';

const here = dirname(fileURLToPath(import.meta.url));
const env = (name: string, fallback: string) => process.env[`BENCH_METRICS_${name}`] ?? fallback;
const PARTITIONS = Number(env('PARTITIONS', '10000'));
const TOPICS = Math.min(Number(env('TOPICS', '50')), PARTITIONS);
const TICKS = Number(env('TICKS', String(Number(env('MINUTES', '10')) * 12)));
const CAPS = env('CAPS', '1000,5000').split(',').map(Number);
const CHECKPOINTS = env('CHECKPOINTS', '1') !== '0';
const AUTOVACUUM = env('AUTOVACUUM', '1') !== '0';
const TICK_MS = 5000;
const TICKS_PER_MINUTE = 60_000 / TICK_MS;
const DAY_S = 86_400;
const TABLES = ['partition_metrics_latest', 'flow_metric_samples'] as const;

interface WriteCall {
  tick: number;
  /** For autovacuum's visits: what it ran. */
  what?: string;
  /** Latest-value rows this flush upserted (the writer's count minus the one flow sample). */
  latestRows?: number;
  ms: number;
  /** Of which waiting for Postgres. */
  dbMs: number;
  walBytes: number;
}

interface TableStats {
  table: string;
  rows: number;
  totalBytes: number;
  inserted: number;
  updated: number;
  hotUpdated: number;
  deleted: number;
}

interface Snapshot {
  lsn: string;
  tables: TableStats[];
}

interface WalPosition {
  lsn: string;
  /** Redo point of the last completed checkpoint: when it moves, pages written next get full-page images. */
  redo: string;
}

interface Partition {
  topic: string;
  partition: number;
  endOffset: number;
  hot: boolean;
}

// ---------- small helpers ----------

/** Deterministic PRNG (mulberry32): the same run writes the same values. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Bytes between two LSNs, as pg_wal_lsn_diff computes them. */
function lsnDiff(to: string, from: string): number {
  const n = (lsn: string) => {
    const [hi, lo] = lsn.split('/');
    return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
  };
  return Number(n(to) - n(from));
}

function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const p50 = (values: number[]) => round(percentile(values, 50));
const mb = (bytes: number) => round(bytes / 1048576);

async function query<T>(db: Db, text: string, params: unknown[] = []): Promise<T[]> {
  return (await db.$client.query(text, params)).rows as T[];
}

// ---------- database ----------

async function createBenchDatabase(): Promise<{ name: string; url: string }> {
  const name = `ferry_bench_metrics_${process.pid}_${Date.now().toString(36)}`;
  const url = withDatabase(databaseUrl(), name);
  await migrateDatabase(url);
  return { name, url };
}

/** Drops the run's database, retrying for a few seconds (another client may be restarting the server). */
async function dropDatabase(name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const admin = createDb(adminUrl(), 1);
    try {
      await admin.$client.query(`drop database if exists "${name}" with (force)`);
      return;
    } catch (e) {
      if (attempt === 10) throw new Error(`could not drop database ${name}: ${(e as Error).message}`);
      await new Promise((done) => setTimeout(done, 1000));
    } finally {
      await admin.$client.end();
    }
  }
}

/** A team, its two clusters and one flow between them: the rows the metrics tables reference. */
async function seedFlow(db: Db): Promise<string> {
  const [team] = await db.insert(schema.teams).values({ name: 'Bench', slug: 'bench' }).returning();
  const [a, b] = await db
    .insert(schema.clusters)
    .values([
      { teamId: team!.id, name: 'east', bootstrapServers: '127.0.0.1:1' },
      { teamId: team!.id, name: 'west', bootstrapServers: '127.0.0.1:2' },
    ])
    .returning();
  const [flow] = await db
    .insert(schema.flows)
    .values({ teamId: team!.id, name: 'bench', sourceClusterId: a!.id, targetClusterId: b!.id })
    .returning();
  return flow!.id;
}

async function walPosition(db: Db): Promise<WalPosition> {
  const [r] = await query<WalPosition>(
    db,
    'select pg_current_wal_insert_lsn()::text as lsn, (pg_control_checkpoint()).redo_lsn::text as redo',
  );
  return r!;
}

/** Row counts, sizes (heap + indexes + TOAST) and tuple counters of the metrics tables. */
async function tableStats(db: Db): Promise<TableStats[]> {
  // The writes ran on this same (single) connection: make its pending counters visible first.
  await query(db, 'select pg_stat_force_next_flush()');
  await query(db, 'select pg_stat_clear_snapshot()');
  const out: TableStats[] = [];
  for (const table of TABLES) {
    const [r] = await query<Record<string, string>>(
      db,
      `select (select count(*) from ${table}) as rows, pg_total_relation_size($1::regclass) as total,
         n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del
       from pg_stat_user_tables where relid = $1::regclass`,
      [table],
    );
    out.push({
      table,
      rows: Number(r!.rows),
      totalBytes: Number(r!.total),
      inserted: Number(r!.n_tup_ins),
      updated: Number(r!.n_tup_upd),
      hotUpdated: Number(r!.n_tup_hot_upd),
      deleted: Number(r!.n_tup_del),
    });
  }
  return out;
}

/** Table + indexes + TOAST, without reading the table (a scan would prune pages the next flush would). */
async function relationSize(db: Db, table: string): Promise<number> {
  const [r] = await query<{ size: string }>(db, 'select pg_total_relation_size($1::regclass) as size', [
    table,
  ]);
  return Number(r!.size);
}

async function snapshot(db: Db): Promise<Snapshot> {
  const tables = await tableStats(db);
  return { lsn: (await walPosition(db)).lsn, tables };
}

async function serverInfo(db: Db): Promise<Record<string, string>> {
  const names = [
    'server_version',
    'checkpoint_timeout',
    'full_page_writes',
    'wal_compression',
    'wal_level',
    'shared_buffers',
    'synchronous_commit',
    'autovacuum_naptime',
  ];
  const rows = await query<{ name: string; setting: string; unit: string | null }>(
    db,
    'select name, setting, unit from pg_settings where name = any($1)',
    [names],
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.unit ? `${r.setting} ${r.unit}` : r.setting]));
}

/** Issues CHECKPOINT (needs superuser or pg_checkpoint); false when not allowed. */
async function checkpoint(db: Db): Promise<boolean> {
  try {
    await query(db, 'checkpoint');
    return true;
  } catch (e) {
    process.stderr.write(`bench: CHECKPOINT refused (${(e as Error).message}); continuing without\n`);
    return false;
  }
}

interface AutovacuumSettings {
  naptimeTicks: number;
  vacuumThreshold: number;
  vacuumScale: number;
  insertThreshold: number;
  insertScale: number;
  analyzeThreshold: number;
  analyzeScale: number;
}

/** The server's autovacuum thresholds (whether or not autovacuum is on there: production runs with it on). */
async function autovacuumSettings(db: Db): Promise<AutovacuumSettings> {
  const rows = await query<{ name: string; setting: string }>(
    db,
    "select name, setting from pg_settings where name like 'autovacuum%'",
  );
  const n = (name: string) => Number(rows.find((r) => r.name === `autovacuum_${name}`)!.setting);
  return {
    naptimeTicks: Math.max(1, Math.round((n('naptime') * 1000) / TICK_MS)),
    vacuumThreshold: n('vacuum_threshold'),
    vacuumScale: n('vacuum_scale_factor'),
    insertThreshold: n('vacuum_insert_threshold'),
    insertScale: n('vacuum_insert_scale_factor'),
    analyzeThreshold: n('analyze_threshold'),
    analyzeScale: n('analyze_scale_factor'),
  };
}

/** Turns the server's own autovacuum off for the metrics tables of this throwaway database: the bench replays it. */
async function disableAutovacuum(db: Db): Promise<void> {
  for (const table of TABLES) await query(db, `alter table ${table} set (autovacuum_enabled = false)`);
}

/** What one autovacuum visit would run on the metrics tables: VACUUM and ANALYZE past their thresholds. */
async function autovacuumCommands(db: Db, s: AutovacuumSettings): Promise<string[]> {
  await query(db, 'select pg_stat_force_next_flush()');
  await query(db, 'select pg_stat_clear_snapshot()');
  const rows = await query<Record<string, string>>(
    db,
    `select s.relname, n_dead_tup, n_ins_since_vacuum, n_mod_since_analyze, greatest(c.reltuples, 0) as reltuples
     from pg_stat_user_tables s join pg_class c on c.oid = s.relid where s.relname = any($1)`,
    [TABLES],
  );
  const commands: string[] = [];
  for (const r of rows) {
    const tuples = Number(r.reltuples);
    const vacuum =
      Number(r.n_dead_tup) > s.vacuumThreshold + s.vacuumScale * tuples ||
      Number(r.n_ins_since_vacuum) > s.insertThreshold + s.insertScale * tuples;
    const analyze = Number(r.n_mod_since_analyze) > s.analyzeThreshold + s.analyzeScale * tuples;
    if (vacuum) commands.push(`vacuum ${analyze ? '(analyze) ' : ''}${r.relname}`);
    else if (analyze) commands.push(`analyze ${r.relname}`);
  }
  return commands;
}

// ---------- the simulated flow ----------

function partitionsOf(count: number, topics: number): Partition[] {
  const perTopic = Math.ceil(count / topics);
  return Array.from({ length: count }, (_, i) => ({
    topic: `bench.orders.events-${String(Math.floor(i / perTopic)).padStart(3, '0')}`,
    partition: i % perTopic,
    endOffset: 1_000_000 + i * 997,
    hot: i % 10 === 0, // one partition in ten carries most of the traffic
  }));
}

/** One partition's metrics over a 5 s window, as the engine reports them (plausible, varied values). */
function metricsFor(flowId: string, p: Partition, rand: () => number): PartitionMetrics {
  const rate = p.hot ? 400 : 20;
  const records = Math.round(rate * (TICK_MS / 1000) * (0.5 + rand()));
  p.endOffset += records;
  const lag = Math.floor(rand() * records * 0.05);
  const age = 20 + rand() * 200;
  const latency = 3 + rand() * 30;
  return {
    flowId,
    source: 'east',
    target: 'west',
    topic: p.topic,
    partition: p.partition,
    records,
    bytes: records * 1024,
    windowMs: TICK_MS,
    recordAgeMs: { min: age / 4, max: age * 3, avg: age },
    replicationLatencyMs: { min: latency / 3, max: latency * 4, avg: latency },
    sourceEndOffset: p.endOffset,
    position: p.endOffset - lag,
    lagRecords: lag,
    lagMs: lag ? Math.round(rand() * 500) : 0,
  };
}

interface Loop {
  db: Db;
  writer: MetricsWriter;
  flowId: string;
  parts: Partition[];
  rand: () => number;
  start: number;
  checkpointEveryTicks: number;
  autovacuum: AutovacuumSettings | null;
  clock: { ms: number };
  redo: string;
  otherCheckpoints: number;
}

/**
 * Adds up the time the pool spends in query() (Postgres round trips, including sending the parameters), so a
 * flush's wall time splits into database time and the worker's own CPU (building the statement, samples).
 */
function timeQueries(db: Db): { ms: number } {
  const clock = { ms: 0 };
  const pool = db.$client as unknown as { query: (...args: unknown[]) => Promise<unknown> };
  const original = pool.query.bind(pool);
  pool.query = async (...args) => {
    const t0 = performance.now();
    try {
      return await original(...args);
    } finally {
      clock.ms += performance.now() - t0;
    }
  };
  return clock;
}

/** Times one writer call and the WAL it inserted (this is the only connection writing to the database). */
async function measured(l: Loop, tick: number, call: () => Promise<unknown>): Promise<WriteCall> {
  const before = await walPosition(l.db);
  noteCheckpoint(l, before);
  const inDb = l.clock.ms;
  const t0 = performance.now();
  await call();
  const ms = performance.now() - t0;
  const dbMs = l.clock.ms - inDb;
  const after = await walPosition(l.db);
  noteCheckpoint(l, after);
  return { tick, ms: round(ms, 3), dbMs: round(dbMs, 3), walBytes: lsnDiff(after.lsn, before.lsn) };
}

/** Counts checkpoints the bench did not replay (another client's DROP DATABASE, a timed one). */
function noteCheckpoint(l: Loop, at: WalPosition): void {
  if (at.redo !== l.redo) l.otherCheckpoints++;
  l.redo = at.redo;
}

/** A replayed checkpoint: its new redo point is expected. */
async function replayCheckpoint(l: Loop): Promise<boolean> {
  const done = await checkpoint(l.db);
  l.redo = (await walPosition(l.db)).redo;
  return done;
}

interface LoopResult {
  flushes: WriteCall[];
  rollups: WriteCall[];
  vacuums: WriteCall[];
  latestBytesByMinute: number[];
  checkpoints: number;
}

/** Ticks `from` (inclusive) to `to` (exclusive): record every partition, flush, roll up once a minute. */
async function runTicks(l: Loop, from: number, to: number, measure: boolean): Promise<LoopResult> {
  const r: LoopResult = { flushes: [], rollups: [], vacuums: [], latestBytesByMinute: [], checkpoints: 0 };
  for (let tick = from; tick < to; tick++) {
    const now = l.start + (tick + 1) * TICK_MS;
    for (const p of l.parts) l.writer.record(metricsFor(l.flowId, p, l.rand));
    let rows = 0;
    const f = await measured(l, tick, async () => {
      rows = await l.writer.flush(now);
    });
    r.flushes.push({ ...f, latestRows: rows - 1 });
    if ((tick + 1) % TICKS_PER_MINUTE === 0) {
      r.rollups.push(await measured(l, tick, () => rollUpAndExpire(l.db, now)));
      if (measure) r.latestBytesByMinute.push(await relationSize(l.db, TABLES[0]));
    }
    if (l.autovacuum && (tick + 1) % l.autovacuum.naptimeTicks === 0)
      for (const what of await autovacuumCommands(l.db, l.autovacuum))
        r.vacuums.push({ ...(await measured(l, tick, () => query(l.db, what))), what });
    const sinceStart = tick + 1 - from;
    if (
      measure &&
      l.checkpointEveryTicks &&
      sinceStart % l.checkpointEveryTicks === 0 &&
      sinceStart < to - from
    )
      if (await replayCheckpoint(l)) r.checkpoints++;
  }
  return r;
}

// ---------- steady-state storage ----------

/**
 * Fills flow_metric_samples to its retention row counts for one flow (6 h of raw rows, 7 days of 1m, 90 days
 * of 1h) with copies of the newest real row of each resolution, then measures the table's size.
 */
async function samplesAtRetention(db: Db, flowId: string): Promise<{ rows: number; totalBytes: number }> {
  const step = { raw: TICK_MS / 1000, '1m': 60, '1h': 3600 } as const;
  for (const [resolution, ms] of Object.entries(RETENTION_MS)) {
    const seconds = step[resolution as keyof typeof step];
    await query(
      db,
      `insert into flow_metric_samples
       select s.flow_id, s.resolution, s.at - make_interval(secs => g * $3::int), s.lag_records, s.lag_ms_max,
         s.record_age_ms_avg, s.record_age_ms_max, s.replication_latency_ms_avg, s.replication_latency_ms_max,
         s.checkpoint_latency_ms_avg, s.records, s.bytes, s.samples
       from (select * from flow_metric_samples where flow_id = $1 and resolution = $2 order by at desc limit 1) s
       cross join generate_series(1, $4::int) g
       on conflict do nothing`,
      [flowId, resolution, seconds, Math.floor(ms / 1000 / seconds) - 1],
    );
  }
  const stats = (await tableStats(db))[1]!;
  return { rows: stats.rows, totalBytes: stats.totalBytes };
}

// ---------- one run ----------

function diffTables(a: TableStats[], b: TableStats[]) {
  return b.map((t, i) => ({
    table: t.table,
    rowsAtEnd: t.rows,
    inserted: t.inserted - a[i]!.inserted,
    updated: t.updated - a[i]!.updated,
    hotUpdated: t.hotUpdated - a[i]!.hotUpdated,
    deleted: t.deleted - a[i]!.deleted,
    bytesAtStart: a[i]!.totalBytes,
    bytesAtEnd: t.totalBytes,
    growthBytes: t.totalBytes - a[i]!.totalBytes,
  }));
}

type TableDiff = ReturnType<typeof diffTables>[number];

function derive(cap: number, window: LoopResult, tables: TableDiff[], windowWal: number, seconds: number) {
  const written = (t: TableDiff) => t.inserted + t.updated + t.deleted;
  const latest = tables[0]!;
  const samples = tables[1]!;
  const latestRows = window.flushes.reduce((n, f) => n + f.latestRows!, 0);
  const sum = (calls: WriteCall[]) => calls.reduce((n, c) => n + c.walBytes, 0);
  const flushWal = sum(window.flushes);
  const rollupWal = sum(window.rollups);
  const vacuumWal = sum(window.vacuums);
  const wal = flushWal + rollupWal + vacuumWal;
  const rows = written(latest) + written(samples);
  const ms = window.flushes.map((f) => f.ms);
  return {
    cap,
    simulatedSeconds: seconds,
    flushes: window.flushes.length,
    maxLatestRowsPerFlush: Math.max(...window.flushes.map((f) => f.latestRows!)),
    latestRowsPerSec: round(written(latest) / seconds),
    sampleRowsPerSec: round(written(samples) / seconds, 3),
    rowsPerSec: round(rows / seconds),
    writerCountAgrees: latestRows === written(latest),
    walBytesPerSec: Math.round(wal / seconds),
    walBytesPerDay: Math.round((wal / seconds) * DAY_S),
    walBytesPerRow: Math.round(wal / rows),
    flushWalBytesPerSec: Math.round(flushWal / seconds),
    rollupWalBytesPerSec: Math.round(rollupWal / seconds),
    vacuumWalBytesPerSec: Math.round(vacuumWal / seconds),
    vacuums: window.vacuums.length,
    windowWalBytesPerSec: Math.round(windowWal / seconds),
    windowWalBytesPerDay: Math.round((windowWal / seconds) * DAY_S),
    flushMsP50: p50(ms),
    flushMsP95: round(percentile(ms, 95)),
    flushMsMax: round(Math.max(...ms)),
    flushDbMsP50: p50(window.flushes.map((f) => f.dbMs)),
    rollupMsP50: p50(window.rollups.map((r) => r.ms)),
  };
}

/** The flow, the writer under test and the replayed server clocks, on a fresh database's one connection. */
async function prepare(db: Db, cap: number, server: Record<string, string>): Promise<Loop> {
  const flowId = await seedFlow(db);
  const checkpointS = Number.parseInt(server.checkpoint_timeout!, 10);
  const loop: Loop = {
    db,
    clock: timeQueries(db),
    writer: new MetricsWriter(db, { maxLatestRowsPerFlush: cap, flushIntervalMs: TICK_MS }),
    flowId,
    parts: partitionsOf(PARTITIONS, TOPICS),
    rand: random(42),
    start: Math.floor(Date.now() / 3600_000) * 3600_000,
    checkpointEveryTicks: CHECKPOINTS ? Math.round((checkpointS * 1000) / TICK_MS) : 0,
    autovacuum: AUTOVACUUM ? await autovacuumSettings(db) : null,
    redo: '',
    otherCheckpoints: 0,
  };
  await disableAutovacuum(db);
  return loop;
}

async function runCap(cap: number, warmupTicks: number) {
  const { name, url } = await createBenchDatabase();
  // One connection: every write is sequential and the WAL between two LSN reads is this run's.
  const db = createDb(url, 1);
  try {
    const server = await serverInfo(db);
    const loop = await prepare(db, cap, server);
    const { flowId } = loop;
    process.stderr.write(`bench: cap ${cap}: ${warmupTicks} warm-up ticks, then ${TICKS} measured ticks\n`);
    const warmup = await runTicks(loop, 0, warmupTicks, false);
    const checkpointed = CHECKPOINTS && (await replayCheckpoint(loop));
    loop.redo = (await walPosition(db)).redo;
    loop.otherCheckpoints = 0;
    const before = await snapshot(db);
    const t0 = performance.now();
    const window = await runTicks(loop, warmupTicks, warmupTicks + TICKS, true);
    const realSeconds = (performance.now() - t0) / 1000;
    const after = await snapshot(db);
    const tables = diffTables(before.tables, after.tables);
    const seconds = (TICKS * TICK_MS) / 1000;
    const summary = derive(cap, window, tables, lsnDiff(after.lsn, before.lsn), seconds);
    // Checkpoints the bench did not replay add full-page writes: a run with any is noisier than the model.
    const { otherCheckpoints } = loop;
    const retained = await samplesAtRetention(db, flowId);
    const latestBytes = after.tables[0]!.totalBytes;
    const storage = {
      latestTableBytes: latestBytes,
      samplesRowsAtRetention: retained.rows,
      samplesBytesAtRetention: retained.totalBytes,
      totalBytes: latestBytes + retained.totalBytes,
    };
    const allFlushes = [...warmup.flushes, ...window.flushes];
    return {
      summary: { ...summary, storageBytes: storage.totalBytes, otherCheckpoints },
      server,
      realSeconds: round(realSeconds),
      checkpoints: window.checkpoints + (checkpointed ? 1 : 0),
      warmupTicks,
      maxLatestRowsPerFlushIncludingWarmup: Math.max(...allFlushes.map((f) => f.latestRows!)),
      tables,
      storage,
      latestBytesByMinute: window.latestBytesByMinute,
      flushes: window.flushes,
      rollups: window.rollups,
      vacuums: window.vacuums,
    };
  } finally {
    await db.$client.end();
    await dropDatabase(name);
  }
}

// ---------- output ----------

type Run = Awaited<ReturnType<typeof runCap>>;
/** A cap whose run failed, with the database's reason (e.g. too many bind parameters in one statement). */
interface Failed {
  cap: number;
  error: string;
}

async function tryCap(cap: number): Promise<Run | Failed> {
  const fill = Math.ceil(PARTITIONS / cap);
  try {
    return await runCap(cap, Number(env('WARMUP_TICKS', String(Math.max(fill, TICKS_PER_MINUTE)))));
  } catch (e) {
    const err = e as Error & { cause?: Error };
    const error = err.cause?.message ?? err.message.slice(0, 200);
    process.stderr.write(`bench: cap ${cap} failed: ${error}\n`);
    return { cap, error };
  }
}

function printTable(runs: Run[]): void {
  const col = (r: Run) => `cap ${r.summary.cap}`;
  const row = (f: (r: Run) => number | string | boolean) =>
    Object.fromEntries(runs.map((r) => [col(r), f(r)]));
  console.log(
    `\nmetrics pipeline, one flow of ${PARTITIONS} partitions, ${TICKS} flushes of 5 s (${(TICKS * TICK_MS) / 60_000} simulated minutes) per cap\n`,
  );
  console.table({
    'max latest rows per flush': row((r) => r.summary.maxLatestRowsPerFlush),
    'rows/s, latest table': row((r) => r.summary.latestRowsPerSec),
    'rows/s, samples + rollups': row((r) => r.summary.sampleRowsPerSec),
    'rows/s, all': row((r) => r.summary.rowsPerSec),
    'WAL B/s, flushes': row((r) => r.summary.flushWalBytesPerSec),
    'WAL B/s, rollups + expiry': row((r) => r.summary.rollupWalBytesPerSec),
    'WAL B/s, autovacuum (replayed)': row((r) => r.summary.vacuumWalBytesPerSec),
    'WAL B/s, total': row((r) => r.summary.walBytesPerSec),
    'WAL GB/day, total': row((r) => round(r.summary.walBytesPerDay / 1e9)),
    'WAL B per row written': row((r) => r.summary.walBytesPerRow),
    'WAL GB/day, whole window (all of Postgres)': row((r) => round(r.summary.windowWalBytesPerDay / 1e9)),
    'latest table MiB (end of run)': row((r) => mb(r.storage.latestTableBytes)),
    'samples MiB at retention': row((r) => mb(r.storage.samplesBytesAtRetention)),
    'storage MiB at steady state': row((r) => mb(r.storage.totalBytes)),
    'flush ms p50': row((r) => r.summary.flushMsP50),
    'flush ms p95': row((r) => r.summary.flushMsP95),
    'flush ms p50 waiting for Postgres': row((r) => r.summary.flushDbMsP50),
    'rollup ms p50': row((r) => r.summary.rollupMsP50),
    'autovacuum runs (replayed)': row((r) => r.summary.vacuums),
    'checkpoints, replayed / others': row((r) => `${r.checkpoints} / ${r.summary.otherCheckpoints}`),
    'real seconds': row((r) => r.realSeconds),
  });
}

function writeJson(runs: Run[], failed: Failed[]): string {
  const outDir = join(here, '..', 'results');
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, `metrics-write-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const params = { partitions: PARTITIONS, topics: TOPICS, ticks: TICKS, tickMs: TICK_MS, caps: CAPS };
  const machine = { cpus: availableParallelism(), memGiB: round(totalmem() / 2 ** 30, 1) };
  const body = { at: new Date().toISOString(), node: process.version, machine, params, runs, failed };
  writeFileSync(out, `${JSON.stringify(body, null, 2)}\n`);
  return out;
}

const results: Array<Run | Failed> = [];
for (const cap of CAPS) results.push(await tryCap(cap));
const runs = results.filter((r): r is Run => 'summary' in r);
const failed = results.filter((r): r is Failed => 'error' in r);
if (runs.length) printTable(runs);
for (const f of failed) console.log(`cap ${f.cap}: failed: ${f.error}`);
console.log(`\nwritten ${writeJson(runs, failed)}`);
if (failed.length) process.exitCode = 1;
