import {
  CONTROL_QUEUE_NAMES,
  controlSchedulerId,
  DISCOVERY_QUEUE,
  type DiscoveryJobData,
  desiredGenerationKey,
  type QueueName,
  TASKS_QUEUE,
  type TaskJobData,
  taskJobId,
} from '@ferry/core';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { CONTROL_KINDS, controlSchedules, schedulesFingerprint } from './control-schedule.ts';
import { type FlowRow, planFlow, tasksMaxOf } from './plan.ts';

export interface FlowStore {
  /** Every flow (enabled or not) with its options, generation and last discovered topology. */
  listFlows(): Promise<FlowRow[]>;
  /** Sets generation = expected + 1 if it is still `expected`; returns the new generation or null (raced). */
  bumpGeneration(flowId: string, expected: number): Promise<number | null>;
  /** Marks the tasks of disabled flows stopped and the flows disabled (observed state catching up). */
  settleDisabledFlows?(): Promise<void>;
}

/** Fences every transactional id of a flow's generation so a stale task of it can never commit again. */
export type Fencer = (flow: FlowRow, generation: number, tasksMax: number) => Promise<void>;

export type ReconcileEvent =
  | { type: 'generation-bumped'; flowId: string; from: number; to: number }
  | { type: 'fenced'; flowId: string; generation: number }
  | { type: 'flow-stopped'; flowId: string }
  | { type: 'discovery-requested'; flowId: string }
  | { type: 'error'; error: Error };

export interface ReconcilerOptions {
  connection: () => Redis;
  prefix: string;
  store: FlowStore;
  fence: Fencer;
  /** How often each enabled flow's topics and partitions are discovered again. */
  discoveryIntervalMs?: number;
  /** Upsert the per-flow control job schedulers (checkpoints, heartbeats, …). Off in dispatch-only tests. */
  scheduleControl?: boolean;
  onEvent?: (e: ReconcileEvent) => void;
}

/** A discovery asked for the same options is not asked again sooner than this (a failing cluster). */
const REDISCOVER_AFTER_MS = 5000;

/**
 * Turns desired state (flows in Postgres) into task jobs and control job schedules. Run by the reconcile
 * queue's processor (any worker; a Redis lock lets only one pass act at a time). Idempotent: jobs and
 * schedulers have deterministic ids, so a repeated pass adds nothing.
 */
export class Reconciler {
  readonly opts: ReconcilerOptions;
  private redis: Redis;
  private queues = new Map<QueueName, Queue>();
  private running = false;
  private discoveryAsked = new Map<string, { fp: string; at: number }>();

  constructor(opts: ReconcilerOptions) {
    this.opts = opts;
    this.redis = opts.connection();
  }

  private queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.opts.connection(), prefix: this.opts.prefix });
      this.queues.set(name, q);
    }
    return q;
  }

  private fpKey(flowId: string) {
    return `${this.opts.prefix}:flow:${flowId}:fingerprint`;
  }

  private controlKey(flowId: string) {
    return `${this.opts.prefix}:flow:${flowId}:control`;
  }

  /** One pass over every flow. Returns false when another pass (elsewhere) held the lock. */
  async reconcileOnce(): Promise<boolean> {
    if (this.running) return false;
    this.running = true;
    const lockKey = `${this.opts.prefix}:reconcile:lock`;
    const token = `${process.pid}:${Math.random()}`;
    try {
      if ((await this.redis.set(lockKey, token, 'PX', 10_000, 'NX')) !== 'OK') return false;
      const flows = await this.opts.store.listFlows();
      const desired = new Map<string, number | null>();
      for (const flow of flows) desired.set(flow.id, await this.reconcileFlow(flow));
      // Flows deleted from Postgres: stop their tasks and control jobs.
      const knownKey = `${this.opts.prefix}:flows:known`;
      for (const id of await this.redis.smembers(knownKey)) {
        if (!desired.has(id)) {
          await this.redis.set(desiredGenerationKey(this.opts.prefix, id), 'off');
          await this.removeControl(id);
          await this.redis.srem(knownKey, id);
          this.opts.onEvent?.({ type: 'flow-stopped', flowId: id });
        }
      }
      if (desired.size) await this.redis.sadd(knownKey, ...desired.keys());
      await this.removeStaleJobs(desired);
      await this.opts.store.settleDisabledFlows?.();
      return true;
    } finally {
      if ((await this.redis.get(lockKey).catch(() => null)) === token)
        await this.redis.del(lockKey).catch(() => {});
      this.running = false;
    }
  }

  /** Returns the flow's desired generation (null: nothing should run). */
  private async reconcileFlow(flow: FlowRow): Promise<number | null> {
    const started = (await this.redis.get(this.fpKey(flow.id))) ?? undefined;
    const plan = planFlow(flow, started);
    if (plan.discover) await this.requestDiscovery(flow.id, plan.discoveredFor);
    let generation = plan.generation;
    if (plan.bump) {
      const next = await this.opts.store.bumpGeneration(flow.id, flow.generation);
      if (next === null) return flow.generation; // another pass or an edit raced us; the next pass sees the new row
      // Stop the old generation's tasks, then fence it, before any task of the new one starts.
      await this.redis.set(desiredGenerationKey(this.opts.prefix, flow.id), String(next));
      await this.opts.fence(
        flow,
        flow.generation,
        Number(await this.redis.get(`${this.fpKey(flow.id)}:tasks`)) || tasksMaxOf(flow.config),
      );
      this.opts.onEvent?.({ type: 'generation-bumped', flowId: flow.id, from: flow.generation, to: next });
      this.opts.onEvent?.({ type: 'fenced', flowId: flow.id, generation: flow.generation });
      generation = next;
    }
    if (generation === null) {
      const was = await this.redis.getset(desiredGenerationKey(this.opts.prefix, flow.id), 'off');
      if (was !== null && was !== 'off') this.opts.onEvent?.({ type: 'flow-stopped', flowId: flow.id });
      if (!flow.enabled) {
        await this.redis.del(this.fpKey(flow.id));
        await this.removeControl(flow.id);
      }
      return null;
    }
    await this.redis.set(desiredGenerationKey(this.opts.prefix, flow.id), String(generation));
    if (plan.discover) return generation; // keep the running generation until discovery answers
    await this.redis.set(this.fpKey(flow.id), plan.fingerprint);
    await this.redis.set(`${this.fpKey(flow.id)}:tasks`, String(tasksMaxOf(flow.config)));
    for (const t of plan.tasks) {
      const task = { ...t, generation };
      await this.queue(TASKS_QUEUE).add('replicate', task, {
        jobId: taskJobId(task),
        attempts: Number.MAX_SAFE_INTEGER,
        backoff: { type: 'custom' },
        removeOnComplete: true,
        removeOnFail: 100,
      });
    }
    if (this.opts.scheduleControl !== false) await this.scheduleControl(flow, generation);
    return generation;
  }

  private async requestDiscovery(flowId: string, discoveredFor: string): Promise<void> {
    const asked = this.discoveryAsked.get(flowId);
    if (asked && asked.fp === discoveredFor && Date.now() - asked.at < REDISCOVER_AFTER_MS) return;
    this.discoveryAsked.set(flowId, { fp: discoveredFor, at: Date.now() });
    const data: DiscoveryJobData = { flowId, discoveredFor };
    await this.queue(DISCOVERY_QUEUE).add('discover', data, {
      jobId: `flow.${flowId}.discover.${discoveredFor}`,
      removeOnComplete: true,
      removeOnFail: true,
    });
    this.opts.onEvent?.({ type: 'discovery-requested', flowId });
  }

  /** Upserts the flow's control job schedulers when they changed (or Redis lost them), removes the rest. */
  private async scheduleControl(flow: FlowRow, generation: number): Promise<void> {
    const schedules = controlSchedules(
      flow.id,
      generation,
      flow.config,
      this.opts.discoveryIntervalMs ?? 10_000,
    );
    const fp = schedulesFingerprint(schedules);
    if ((await this.redis.get(this.controlKey(flow.id))) === fp) return;
    const wanted = new Set(schedules.map((s) => s.kind));
    for (const s of schedules)
      await this.queue(s.queue).upsertJobScheduler(
        s.id,
        { every: s.everyMs },
        { name: s.kind, data: s.data, opts: { removeOnComplete: true, removeOnFail: 50 } },
      );
    for (const kind of CONTROL_KINDS) if (!wanted.has(kind)) await this.removeScheduler(flow.id, kind);
    await this.redis.set(this.controlKey(flow.id), fp);
  }

  private async removeScheduler(flowId: string, kind: string): Promise<void> {
    for (const name of CONTROL_QUEUE_NAMES)
      await this.queue(name)
        .removeJobScheduler(controlSchedulerId(flowId, kind))
        .catch(() => false);
  }

  private async removeControl(flowId: string): Promise<void> {
    if ((await this.redis.get(this.controlKey(flowId))) === null) return;
    for (const kind of CONTROL_KINDS) await this.removeScheduler(flowId, kind);
    await this.redis.del(this.controlKey(flowId));
  }

  /** Jobs not yet running whose flow is gone, disabled or at another generation are removed. */
  private async removeStaleJobs(desired: Map<string, number | null>): Promise<void> {
    const jobs = await this.queue(TASKS_QUEUE).getJobs(['waiting', 'delayed', 'prioritized', 'paused']);
    for (const job of jobs) {
      const data = job?.data as TaskJobData | undefined;
      if (!data) continue;
      const want = desired.get(data.flowId);
      if (want === undefined || want === null || want !== data.generation) await job.remove().catch(() => {});
    }
  }

  async close(): Promise<void> {
    for (const q of this.queues.values()) await q.close().catch(() => {});
    await this.redis.quit().catch(() => {});
  }
}
