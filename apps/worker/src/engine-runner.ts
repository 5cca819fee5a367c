import type { TaskJobData } from '@ferry/core';
import { describeGap } from '@ferry/core';
import type { SecretKey } from '@ferry/core/secret-box';
import {
  type CheckpointMetrics,
  type Db,
  flowTaskRowCount,
  getFlowGeneration,
  type PartitionMetrics,
  recordGap,
  type StatusWriter,
} from '@ferry/db';
import {
  createFlowRunner,
  type EngineEvent,
  type PartitionMetrics as EnginePartitionMetrics,
  type FlowConfig,
  type SyncEvent,
  type TaskGuardPhase,
  taskSuperseded,
  type WindowStats,
} from '@ferry/engine';
import { flowOptionProperties, resolveFlowOptions } from '@ferry/engine/mm2';
import type pino from 'pino';
import type { TaskRunner } from './dispatch/task-runner.ts';
import { loadFlow, type ResolvedFlow } from './flows/load-flow.ts';
import type { GapMetric } from './metrics/prometheus.ts';
import type { Fencer } from './reconcile/reconciler.ts';
import { describeError } from './status/flow-status.ts';

export interface EngineRunnerDeps {
  db: Db;
  keyring: SecretKey[];
  log: pino.Logger;
  status: StatusWriter;
  onPartitionMetrics: (m: PartitionMetrics) => void;
  /** A data gap met for the first time (stored in flow_gaps), or one that could not be stored. */
  onDataGap?: (g: GapMetric) => void;
  /** How often a managed flow looks for new topics and partitions. */
  refreshTopicsIntervalMs?: number;
  /**
   * Called at each guard point of a task start, after the generation check passed (before-producer) or
   * before it runs (after-producer). Tests pause here to force an interleaving with a reconfiguration.
   */
  atTaskPhase?: (task: TaskJobData, phase: TaskGuardPhase) => Promise<void>;
}

/**
 * Throws TASK_SUPERSEDED unless `task.generation` is its flow's current generation in Postgres (the
 * reconciler bumps it there before it fences the older generation's transactional ids) and the flow is enabled.
 */
export async function assertCurrentGeneration(db: Db, task: TaskJobData): Promise<void> {
  const row = await getFlowGeneration(db, task.flowId);
  const flow = `flow ${task.flowId}`;
  if (!row) throw taskSuperseded(flow, task.taskIndex, 'the flow was deleted');
  if (!row.enabled) throw taskSuperseded(flow, task.taskIndex, 'the flow is disabled');
  if (row.generation !== task.generation)
    throw taskSuperseded(
      flow,
      task.taskIndex,
      `generation ${task.generation} was replaced by generation ${row.generation}`,
    );
}

/**
 * The engine's view of a flow stored in Postgres, resolved as `ferry run` resolves the flow's exported keys
 * (one dialect). Flow id = the row's id, so two flows between the same pair never share a transactional id.
 */
export function toEngineFlow(f: ResolvedFlow, refreshTopicsIntervalMs = 10_000): FlowConfig {
  return {
    ...resolveFlowOptions(flowOptionProperties(f.config), f.source.alias, f.target.alias),
    id: f.id,
    instance: f.id,
    source: f.source,
    target: f.target,
    refreshTopicsEnabled: true,
    refreshTopicsIntervalMs,
  };
}

/** A stored flow's checkpoint, heartbeat and sync options as the MM2 keys the engine resolves. */
export function syncProperties(f: ResolvedFlow): Map<string, string> {
  const props = flowOptionProperties(f.config);
  // group lists are re-read at least every minute for a managed flow (MM2's default is 600 s)
  props.set('refresh.groups.interval.seconds', String(Math.min(f.config.checkpointsIntervalSeconds, 60)));
  return props;
}

const stats = (w: WindowStats) =>
  w.count > 0 && w.min !== undefined && w.max !== undefined && w.avg !== undefined
    ? { min: w.min, max: w.max, avg: w.avg }
    : undefined;

export function toPartitionMetrics(flow: ResolvedFlow, m: EnginePartitionMetrics): PartitionMetrics {
  const recordAgeMs = stats(m.recordAgeMs);
  const replicationLatencyMs = stats(m.replicationLatencyMs);
  return {
    flowId: flow.id,
    source: flow.source.alias,
    target: flow.target.alias,
    topic: m.topic,
    partition: m.partition,
    records: m.recordCount,
    bytes: m.byteCount,
    windowMs: m.windowMs,
    ...(recordAgeMs ? { recordAgeMs } : {}),
    ...(replicationLatencyMs ? { replicationLatencyMs } : {}),
    ...(m.sourceEndOffset !== undefined ? { sourceEndOffset: Number(m.sourceEndOffset) } : {}),
    ...(m.position !== undefined ? { position: Number(m.position) } : {}),
    ...(m.lagRecords !== undefined ? { lagRecords: m.lagRecords } : {}),
    ...(m.lagMs !== undefined ? { lagMs: m.lagMs } : {}),
  };
}

/** A flow's checkpoint, heartbeat and sync events → checkpoint-latency metrics and log lines in words. */
export function syncEventHandler(
  log: pino.Logger,
  onCheckpointMetrics: (m: CheckpointMetrics) => void,
): (flow: ResolvedFlow, e: SyncEvent) => void {
  return (flow, e) => {
    const ctx = { source: flow.source.alias, target: flow.target.alias };
    if (e.type === 'checkpoint-metrics') {
      const l = e.checkpointLatencyMs;
      if (l.count > 0 && l.min !== undefined && l.max !== undefined && l.avg !== undefined) {
        onCheckpointMetrics({
          flowId: flow.id,
          source: flow.source.alias,
          target: flow.target.alias,
          group: e.group,
          topic: e.topic,
          partition: e.partition,
          checkpointLatencyMs: { min: l.min, max: l.max, avg: l.avg },
        });
      }
    } else if (e.type === 'sync-error')
      log.warn({ flow: flow.name, code: e.error.code, what: e.what }, describeError(e.error, ctx));
    else if (e.type === 'checkpoint-untranslatable')
      log.warn({ flow: flow.name, group: e.group, topic: e.topic, partition: e.partition }, e.reason);
  };
}

/**
 * Runs one replication task of a stored flow with the engine until the dispatcher aborts it, the task
 * fails (the run rejects: the dispatcher retries the job with back-off, after checking the generation is
 * still wanted) or it turns out to be superseded. The engine never restarts a managed task itself: a
 * self-restart 1 s after a failure could initialise the producer of an older generation after the
 * reconciler's fence. Every start checks the generation in Postgres before the producer is created and
 * again once it is initialised, before anything is read or written (see docs/reliability.md).
 */
export function createEngineRunner(deps: EngineRunnerDeps): TaskRunner {
  return {
    async run(task: TaskJobData, signal: AbortSignal): Promise<void> {
      const flow = await loadFlow(deps.db, task.flowId, deps.keyring);
      const ctx = { source: flow.source.alias, target: flow.target.alias };
      const log = deps.log.child({ flow: flow.name, task: task.taskIndex, generation: task.generation });
      let state: 'starting' | 'running' | 'failed' = 'starting';
      let partitions: number | undefined;
      const setState = (next: typeof state, error?: string) => {
        if (next === state && !error) return;
        state = next;
        deps.status
          .task(task, next, error, partitions)
          .catch((e) => log.warn({ err: (e as Error).message }, 'status write failed'));
      };
      let fenced: (() => void) | undefined;
      let failed: ((e: Error) => void) | undefined;
      let failure: Error | undefined;
      let wasFenced = false;
      let superseded = false;
      const onEvent = (e: EngineEvent) => {
        switch (e.type) {
          case 'partition-metrics':
            deps.onPartitionMetrics(toPartitionMetrics(flow, e));
            break;
          case 'task-started':
            partitions = e.partitions.length;
            state = 'starting'; // always record the (new) partition count
            setState('running');
            break;
          case 'committed':
            setState('running');
            break;
          case 'task-error': {
            // restartFailedTasks is off: the run ends here and the dispatcher retries the job.
            const sentence = describeError(e.error, ctx);
            log.warn({ code: e.error.code }, `${sentence} (the dispatcher retries the task)`);
            setState('failed', sentence);
            failure = e.error;
            failed?.(e.error);
            break;
          }
          case 'partition-error':
          case 'discovery-error': {
            const sentence = describeError(e.error, ctx);
            log.warn({ code: e.error.code }, sentence);
            setState('failed', sentence);
            break;
          }
          case 'task-superseded':
            log.info({ reason: e.error.message }, 'task superseded before it wrote; ending');
            superseded = true;
            wasFenced = true; // the current generation's task reports this index's state
            fenced?.();
            break;
          case 'task-fenced':
            // A newer owner of this task (same generation, another worker) or a stale task of an older
            // generation that initialised its producer late and was then refused by its after-producer
            // check. The dispatcher can tell: while this job is still ours the generation is current and
            // the run fails (BullMQ retries it); a job taken over by another worker is not retried here.
            void assertCurrentGeneration(deps.db, task).then(
              () => {
                log.warn('fenced while this generation is current; the dispatcher retries the task');
                failure = e.error;
                failed?.(e.error);
              },
              () => {
                log.warn('fenced by a newer owner of this task; stopping');
                wasFenced = true; // the newer owner reports this task's state from now on
                fenced?.();
              },
            );
            break;
          case 'data-gap': {
            const sentence = describeGap({ ...e, source: flow.source.alias });
            log.warn(
              { topic: e.topic, partition: e.partition, from: e.from, to: e.to, reason: e.reason },
              `data gap: ${sentence}`,
            );
            const counted: GapMetric = {
              flow: flow.name,
              source: flow.source.alias,
              target: flow.target.alias,
              topic: e.topic,
              partition: e.partition,
              records: Number(e.records),
            };
            recordGap(deps.db, { ...e, flowId: flow.id }).then(
              (isNew) => {
                if (isNew) deps.onDataGap?.(counted);
              },
              (err: Error) => {
                log.warn({ err: err.message }, 'the data gap could not be stored');
                deps.onDataGap?.(counted);
              },
            );
            break;
          }
          case 'positions-restored':
            log.warn(
              { partitions: e.partitions },
              `the positions of ${e.partitions.length} partition(s) had expired on ${flow.target.alias}; resuming from the durable copy (ferry-positions.internal)`,
            );
            break;
          case 'target-recreated':
            log.warn(
              e,
              `${e.remoteTopic} was deleted and re-created on ${flow.target.alias}: ${e.topic}[${e.partition}] is copied again from offset ${e.recopyFrom} (the old position was ${e.recopyTo})`,
            );
            break;
          case 'topic-created':
          case 'partitions-added':
          case 'topic-deleted':
          case 'topic-skipped':
            log.info(e, e.type);
            break;
          default:
            break;
        }
      };
      await deps.status.task(task, 'starting');
      // A generation's partitions are pinned by discovery (the discovery queue); without them (a job from
      // before pinning), the task discovers and refreshes itself.
      const engineFlow: FlowConfig = task.topics
        ? { ...toEngineFlow(flow), pinnedTopics: task.topics, refreshTopicsEnabled: false }
        : toEngineFlow(flow, deps.refreshTopicsIntervalMs);
      const runner = createFlowRunner(engineFlow, {
        onEvent,
        restartFailedTasks: false,
        guard: async (_i, phase) => {
          if (phase === 'before-producer') await assertCurrentGeneration(deps.db, task);
          await deps.atTaskPhase?.(task, phase);
          if (phase === 'after-producer') await assertCurrentGeneration(deps.db, task);
        },
      });
      try {
        try {
          await runner.runTask(task.taskIndex);
        } catch (e) {
          // The task could not start (e.g. the source refused the credentials): the dispatcher retries the
          // job, and the task row says why meanwhile. Without this it said `stopped` with no error, every
          // retry, and the flow's page hid the cause.
          if (!signal.aborted && !superseded && !wasFenced && !failure) {
            const sentence = describeError(e, ctx);
            log.warn(
              { code: (e as { code?: string }).code },
              `${sentence} (the dispatcher retries the task)`,
            );
            failure = e as Error;
            await deps.status
              .task(task, 'failed', sentence, partitions)
              .catch((err) => log.warn({ err: (err as Error).message }, 'status write failed'));
          }
          throw e;
        }
        if ((runner.assignment()[task.taskIndex]?.length ?? 0) === 0 && !superseded && !failure) {
          partitions = 0; // nothing to replicate yet (no matching topic): idle, and say so
          setState('running');
        }
        await new Promise<void>((resolve, reject) => {
          if (failure) return reject(failure);
          if (signal.aborted || superseded || wasFenced) return resolve();
          signal.addEventListener('abort', () => resolve(), { once: true });
          fenced = resolve;
          failed = reject;
        });
      } finally {
        await runner.stop();
        if (
          !wasFenced &&
          !failure &&
          signal.reason !== 'rebalance' &&
          signal.reason !== 'shutdown' &&
          signal.reason !== 'lost'
        ) {
          await deps.status.task(task, 'stopped').catch(() => {});
        }
      }
    },
  };
}

/**
 * Fences every transactional id of a flow generation: a stale task of it can never commit again. Fences at
 * least as many ids as the flow has task rows: the reconciler's count of the old generation lives in Redis,
 * which a restart may have emptied, and a shrinking tasksMax must still fence the ids that disappear.
 */
export function engineFencer(db: Db, keyring: SecretKey[]): Fencer {
  return async (row, _generation, tasksMax) => {
    const flow = await loadFlow(db, row.id, keyring);
    const rows = await flowTaskRowCount(db, row.id);
    const { fenceTasks } = await import('@ferry/engine');
    await fenceTasks(toEngineFlow(flow), Math.max(tasksMax, rows));
  };
}
