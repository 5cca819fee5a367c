import { desiredGenerationKey, TASKS_QUEUE, type TaskJobData, taskJobId } from '@ferry/core';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { type FlowRow, planFlow } from './plan.ts';

export interface FlowStore {
  /** Every flow (enabled or not) with its options and generation. */
  listFlows(): Promise<FlowRow[]>;
  /** Sets generation = expected + 1 if it is still `expected`; returns the new generation or null (raced). */
  bumpGeneration(flowId: string, expected: number): Promise<number | null>;
}

/** Fences every transactional id of a flow's generation so a stale task of it can never commit again. */
export type Fencer = (flow: FlowRow, generation: number, tasksMax: number) => Promise<void>;

export type ReconcileEvent =
  | { type: 'generation-bumped'; flowId: string; from: number; to: number }
  | { type: 'fenced'; flowId: string; generation: number }
  | { type: 'flow-stopped'; flowId: string }
  | { type: 'error'; error: Error };

export interface ReconcilerOptions {
  connection: () => Redis;
  prefix: string;
  store: FlowStore;
  fence: Fencer;
  intervalMs?: number;
  onEvent?: (e: ReconcileEvent) => void;
}

/**
 * Turns desired state (flows in Postgres) into task jobs. Every worker runs one; a Redis lock lets only one
 * act at a time. Idempotent: jobs have deterministic ids, so a repeated pass adds nothing.
 */
export class Reconciler {
  readonly opts: ReconcilerOptions;
  private redis: Redis;
  private queue: Queue<TaskJobData>;
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(opts: ReconcilerOptions) {
    this.opts = opts;
    this.redis = opts.connection();
    this.queue = new Queue<TaskJobData>(TASKS_QUEUE, { connection: opts.connection(), prefix: opts.prefix });
  }

  start(): void {
    const tick = () =>
      void this.reconcileOnce().catch((e) => this.opts.onEvent?.({ type: 'error', error: e as Error }));
    this.timer = setInterval(tick, this.opts.intervalMs ?? 1000);
    tick();
  }

  private fpKey(flowId: string) {
    return `${this.opts.prefix}:flow:${flowId}:fingerprint`;
  }

  async reconcileOnce(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const lockKey = `${this.opts.prefix}:reconcile:lock`;
    const token = `${process.pid}:${Math.random()}`;
    try {
      if ((await this.redis.set(lockKey, token, 'PX', 10_000, 'NX')) !== 'OK') return;
      const flows = await this.opts.store.listFlows();
      const desired = new Map<string, number | null>();
      for (const flow of flows) {
        const started = (await this.redis.get(this.fpKey(flow.id))) ?? undefined;
        const plan = planFlow(flow, started);
        let generation = plan.generation;
        if (plan.bump) {
          const next = await this.opts.store.bumpGeneration(flow.id, flow.generation);
          if (next === null) continue; // another reconciler or an edit raced us; next pass sees the new row
          // Stop the old generation's tasks, then fence it, before any task of the new one starts.
          await this.redis.set(desiredGenerationKey(this.opts.prefix, flow.id), String(next));
          await this.opts.fence(
            flow,
            flow.generation,
            Number(await this.redis.get(`${this.fpKey(flow.id)}:tasks`)) || plan.tasks.length,
          );
          this.opts.onEvent?.({
            type: 'generation-bumped',
            flowId: flow.id,
            from: flow.generation,
            to: next,
          });
          this.opts.onEvent?.({ type: 'fenced', flowId: flow.id, generation: flow.generation });
          generation = next;
        }
        desired.set(flow.id, generation);
        if (generation === null) {
          const was = await this.redis.getset(desiredGenerationKey(this.opts.prefix, flow.id), 'off');
          if (was !== null && was !== 'off') this.opts.onEvent?.({ type: 'flow-stopped', flowId: flow.id });
          await this.redis.set(this.fpKey(flow.id), plan.fingerprint);
          continue;
        }
        await this.redis.set(desiredGenerationKey(this.opts.prefix, flow.id), String(generation));
        await this.redis.set(this.fpKey(flow.id), plan.fingerprint);
        await this.redis.set(`${this.fpKey(flow.id)}:tasks`, String(plan.tasks.length));
        for (const t of plan.tasks) {
          const task = { ...t, generation };
          await this.queue.add('replicate', task, {
            jobId: taskJobId(task),
            attempts: Number.MAX_SAFE_INTEGER,
            backoff: { type: 'custom' },
            removeOnComplete: true,
            removeOnFail: 100,
          });
        }
      }
      // Flows deleted from Postgres: stop their tasks.
      const knownKey = `${this.opts.prefix}:flows:known`;
      for (const id of await this.redis.smembers(knownKey)) {
        if (!desired.has(id)) {
          await this.redis.set(desiredGenerationKey(this.opts.prefix, id), 'off');
          await this.redis.srem(knownKey, id);
          this.opts.onEvent?.({ type: 'flow-stopped', flowId: id });
        }
      }
      if (desired.size) await this.redis.sadd(knownKey, ...desired.keys());
      await this.removeStaleJobs(desired);
    } finally {
      if ((await this.redis.get(lockKey).catch(() => null)) === token)
        await this.redis.del(lockKey).catch(() => {});
      this.running = false;
    }
  }

  /** Jobs not yet running whose flow is gone, disabled or at another generation are removed. */
  private async removeStaleJobs(desired: Map<string, number | null>): Promise<void> {
    const jobs = await this.queue.getJobs(['waiting', 'delayed', 'prioritized', 'paused']);
    for (const job of jobs) {
      if (!job?.data) continue;
      const want = desired.get(job.data.flowId);
      if (want === undefined || want === null || want !== job.data.generation)
        await job.remove().catch(() => {});
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.queue.close();
    await this.redis.quit().catch(() => {});
  }
}
