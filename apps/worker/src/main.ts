import './bound-young-generation.ts';
import { RECONCILE_QUEUE, type ReconcileJobData, VERIFICATION_QUEUE } from '@ferry/core';
import {
  createDb,
  MetricsWriter,
  postgresFlowStore,
  rollUpAndExpire,
  StatusWriter,
  WorkerRegistry,
  workerIdentity,
  writeGroupOffsets,
} from '@ferry/db';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { evaluateAlerts, sendDueWebhooks } from './alerts/alert-evaluator.ts';
import { FlowSessions } from './control/flow-sessions.ts';
import { TaskWorker } from './dispatch/task-worker.ts';
import { createEngineRunner, engineFencer, syncEventHandler } from './engine-runner.ts';
import { readWorkerEnv } from './env.ts';
import { startHttpServer } from './http-server.ts';
import { groupOffsetRows } from './metrics/group-offsets.ts';
import { probeDisabledFlows } from './metrics/lag-probe.ts';
import { createReplicationMetrics } from './metrics/prometheus.ts';
import { checkpointsProcessor } from './processors/checkpoints.ts';
import { configSyncProcessor } from './processors/config-sync.ts';
import { connectionTestProcessor } from './processors/connection-test.ts';
import { discoveryProcessor } from './processors/discovery.ts';
import { heartbeatsProcessor } from './processors/heartbeats.ts';
import { closeProcessors, startProcessors } from './processors/index.ts';
import { reconcileProcessor } from './processors/reconcile.ts';
import { endStuckVerifications, verificationProcessor } from './processors/verification.ts';
import { Reconciler } from './reconcile/reconciler.ts';

const VERSION = '0.1.0';
const env = readWorkerEnv();
const me = workerIdentity(VERSION);
const log = pino({ level: env.logLevel, base: { worker: me.id } });
const logs = {
  http: log.child({ component: 'http' }),
  redis: log.child({ component: 'redis' }),
  dispatch: log.child({ component: 'dispatch' }),
  reconcile: log.child({ component: 'reconcile' }),
  metrics: log.child({ component: 'metrics' }),
  registry: log.child({ component: 'registry' }),
  control: log.child({ component: 'control' }),
};

const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'ferry_worker_' });
const replicationMetrics = createReplicationMetrics(registry);

const db = createDb(env.databaseUrl, 6);
let lastRedisWarning = 0;
const connection = () => {
  const r = new Redis(env.redisUrl, { maxRetriesPerRequest: null });
  // Every connection reports the same outage: say it once every few seconds, not once per connection and retry.
  r.on('error', (e) => {
    if (Date.now() - lastRedisWarning < 5000) return;
    lastRedisWarning = Date.now();
    logs.redis.warn({ err: e.message }, 'redis connection problem (retrying)');
  });
  return r;
};
const redis = connection();
const metricsWriter = new MetricsWriter(db);
const status = new StatusWriter(db, me.id);
const workerRegistry = new WorkerRegistry(db, me);

const runner = createEngineRunner({
  db,
  keyring: env.keyring,
  log: log.child({ component: 'engine' }),
  onPartitionMetrics: (m) => {
    replicationMetrics.observePartition(m);
    metricsWriter.record(m);
  },
  onDataGap: (g) => replicationMetrics.observeGap(g),
  status,
});

const taskWorker = new TaskWorker({
  connection,
  prefix: env.redisPrefix,
  workerId: me.id,
  runner,
  onEvent: (e) => {
    if (e.type === 'task-failed')
      logs.dispatch.warn({ job: e.jobId, err: e.error.message }, 'task failed; it will be retried');
    else if (e.type === 'rebalance')
      logs.dispatch.info({ share: e.share, live: e.liveWorkers, released: e.released }, 'rebalance');
    else
      logs.dispatch.info(
        { job: e.jobId, ...(e.type === 'task-stopped' ? { reason: e.reason } : {}) },
        e.type,
      );
  },
});
const reconciler = new Reconciler({
  connection,
  prefix: env.redisPrefix,
  store: postgresFlowStore(db),
  fence: engineFencer(db, env.keyring),
  discoveryIntervalMs: env.discoveryIntervalMs,
  onEvent: (e) => {
    if (e.type === 'error') logs.reconcile.warn({ err: e.error.message }, 'reconcile failed; retrying');
    else logs.reconcile.info(e, e.type);
  },
});
// Control work: one BullMQ queue per kind, one processor file per queue (src/processors/).
const reconcileQueue = new Queue<ReconcileJobData>(RECONCILE_QUEUE, {
  connection: connection(),
  prefix: env.redisPrefix,
});
const verificationQueue = new Queue(VERIFICATION_QUEUE, {
  connection: connection(),
  prefix: env.redisPrefix,
});
const sessions = new FlowSessions({
  db,
  keyring: env.keyring,
  onSyncEvent: syncEventHandler(logs.control, (m) => {
    replicationMetrics.observeCheckpoint(m);
    metricsWriter.recordCheckpoint(m);
  }),
});
const processors = [
  reconcileProcessor(reconciler),
  discoveryProcessor({ db, keyring: env.keyring, status, log: logs.control, reconcileQueue }),
  checkpointsProcessor(sessions, async (flowId, groups) => {
    const now = new Date();
    for (const g of groups.keys()) metricsWriter.checkpointRound(flowId, g, now.getTime());
    const rows = groupOffsetRows(flowId, groups, now, (g, t, p) =>
      metricsWriter.groups.latencyOf(flowId, g, t, p),
    );
    await writeGroupOffsets(db, rows).catch((e) =>
      logs.metrics.warn({ err: e.message }, 'writing group offsets failed; the next round retries'),
    );
  }),
  heartbeatsProcessor(sessions),
  configSyncProcessor(sessions),
  connectionTestProcessor({ db, keyring: env.keyring, workerId: me.id }),
  verificationProcessor({ db, keyring: env.keyring, log: logs.control }),
];
/** The repeating reconcile pass; upserted again whenever Redis has lost it (a restart keeps nothing). */
async function ensureReconcileSchedule(force = false): Promise<void> {
  if (!force && (await reconcileQueue.getJobScheduler('reconcile'))) return;
  await reconcileQueue.upsertJobScheduler(
    'reconcile',
    { every: env.reconcileIntervalMs },
    { name: 'reconcile', data: { reason: 'schedule' }, opts: { removeOnComplete: true, removeOnFail: 20 } },
  );
}

// Signals are handled from here on, also while start-up still waits for Redis or Postgres.
let stopping = false;
let controlWorkers: ReturnType<typeof startProcessors> = [];
const timers: NodeJS.Timeout[] = [];
let server: Awaited<ReturnType<typeof startHttpServer>>['server'] | undefined;
async function shutdown(signal: string): Promise<void> {
  if (stopping) {
    if (signal !== 'SIGTERM' && signal !== 'SIGINT') return;
    log.warn({ signal }, 'second signal: exiting now; open transactions abort');
    process.exit(1);
  }
  stopping = true;
  log.info(
    { signal, timeoutMs: env.shutdownTimeoutMs },
    'draining: finishing open transactions, releasing tasks',
  );
  // Bounded: brokers, Redis or Postgres that do not answer never hold the process. Transactions not
  // committed by then are abandoned: the brokers abort them (transaction timeout, or the next owner's fence).
  setTimeout(() => {
    log.warn(
      { timeoutMs: env.shutdownTimeoutMs },
      'drain did not finish in time (a cluster, Redis or Postgres does not answer); exiting, uncommitted work aborts',
    );
    process.exit(1);
  }, env.shutdownTimeoutMs);
  for (const t of timers) clearInterval(t);
  await workerRegistry.heartbeat([...taskWorker.running.keys()], 'draining').catch(() => {});
  await closeProcessors(controlWorkers);
  await reconciler.close().catch(() => {});
  await reconcileQueue.close().catch(() => {});
  await verificationQueue.close().catch(() => {});
  await sessions.closeAll().catch(() => {});
  await taskWorker.close().catch((e) => log.warn({ err: (e as Error).message }, 'close failed'));
  await metricsWriter.flush().catch(() => {});
  await workerRegistry.leave().catch(() => {});
  server?.close();
  await Promise.allSettled([redis.quit(), db.$client.end()]);
  log.info('drained; exiting');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
// Under a supervisor that wants its workers gone with it (the test fleet does): exit when the parent does.
if (process.env.FERRY_EXIT_WITH_PARENT === '1') {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void shutdown('parent exited');
  }, 1000).unref();
}
process.on('SIGINT', () => void shutdown('SIGINT'));

const http = await startHttpServer({
  host: env.httpHost,
  port: env.httpPort,
  registry,
  onCheckFailed: (check, reason) => logs.http.warn({ check }, reason),
  checks: {
    postgres: async () => {
      try {
        await db.$client.query('select 1');
        return { ok: true };
      } catch (e) {
        return { ok: false, reason: `postgres: ${(e as Error).message}` };
      }
    },
    redis: async () => {
      try {
        return (await redis.ping()) === 'PONG'
          ? { ok: true }
          : { ok: false, reason: 'redis: unexpected PING reply' };
      } catch (e) {
        return { ok: false, reason: `redis: ${(e as Error).message}` };
      }
    },
  },
});
server = http.server;
const port = http.port;
logs.http.info({ port }, `worker listening on http://${env.httpHost}:${port} (/healthz, /readyz, /metrics)`);

await taskWorker.start();
await ensureReconcileSchedule(true);
if (stopping) await new Promise(() => {}); // a signal came during start-up: the drain exits
controlWorkers = startProcessors(processors, {
  connection,
  prefix: env.redisPrefix,
  name: me.id,
  onEvent: (e) =>
    e.type === 'invalid'
      ? logs.control.error({ queue: e.queue, job: e.jobId }, e.reason)
      : logs.control.warn({ queue: e.queue, job: e.jobId, err: e.error.message }, 'control job failed'),
});
timers.push(
  setInterval(() => {
    ensureReconcileSchedule().catch(() => {});
  }, 2000),
  setInterval(() => {
    sessions.sweep().catch(() => {});
  }, 30_000),
  setInterval(() => {
    endStuckVerifications(db, { jobState: (id) => verificationQueue.getJobState(id) })
      .then((ended) => {
        for (const e of ended) logs.control.warn({ verification: e.id }, `verification ended: ${e.error}`);
      })
      .catch(() => {});
  }, 30_000),
  setInterval(() => {
    workerRegistry
      .heartbeat([...taskWorker.running.keys()])
      .catch((e) => logs.registry.warn({ err: e.message }, 'heartbeat to Postgres failed'));
    WorkerRegistry.markDead(db, 10_000).catch(() => {});
  }, 2000),
  setInterval(() => {
    metricsWriter
      .flush()
      .catch((e) => logs.metrics.warn({ err: e.message }, 'metrics flush failed; kept for the next one'));
  }, metricsWriter.flushIntervalMs),
  setInterval(() => {
    evaluateAlerts(db)
      .then(() => sendDueWebhooks(db, env.keyring))
      .catch((e) => logs.metrics.warn({ err: e.message }, 'alert evaluation failed; retrying'));
  }, 2000),
  setInterval(() => {
    probeDisabledFlows(db, env.keyring).catch((e) =>
      logs.metrics.warn({ err: e.message }, 'lag probe of disabled flows failed; retrying'),
    );
  }, 10_000),
  setInterval(() => {
    rollUpAndExpire(db).catch((e) => logs.metrics.warn({ err: e.message }, 'metrics rollup failed'));
  }, 60_000),
);
workerRegistry.heartbeat([]).catch(() => {});
