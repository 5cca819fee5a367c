import { desiredGenerationKey, TASKS_QUEUE, TaskJobData, taskJobId } from '@ferry/core';
import { DelayedError, type Job, Queue, WaitingError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { failuresSinceHealthy, type TaskJobProgress, taskRetryDelayMs } from './backoff.ts';
import { fairShare, tasksToRelease } from './fair-share.ts';
import type { StopReason, TaskRunner } from './task-runner.ts';
import { WorkerPresence } from './worker-presence.ts';

export type TaskWorkerEvent =
  | { type: 'task-started'; jobId: string; task: TaskJobData }
  | { type: 'task-stopped'; jobId: string; task: TaskJobData; reason: StopReason | 'finished' }
  | { type: 'task-failed'; jobId: string; task: TaskJobData; error: Error }
  | { type: 'rebalance'; share: number; liveWorkers: number; released: string[] };

export interface TaskWorkerOptions {
  /** A connection factory: BullMQ needs its own blocking connections. */
  connection: () => Redis;
  /** Key prefix of every Redis key (BullMQ's too); one per installation, one per test. */
  prefix: string;
  workerId: string;
  runner: TaskRunner;
  /** A job whose lock is not renewed within this time is stalled and handed to another worker. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** How often a running task checks its generation and the fair share. */
  checkIntervalMs?: number;
  /** A run this long counts as healthy: the retry back-off of its job starts again from the shortest. */
  healthyAfterMs?: number;
  onEvent?: (e: TaskWorkerEvent) => void;
}

interface Running {
  job: Job<TaskJobData>;
  controller: AbortController;
  startedAt: number;
}

/**
 * Takes replication tasks from the tasks queue and runs each while holding its job's lock.
 * - A task stops when its flow's desired generation changes (flow edited or disabled).
 * - A worker runs at most its fair share; the excess is released back to the queue for another worker.
 * - SIGKILL: the lock expires, BullMQ marks the job stalled and another worker takes it.
 * - close(): aborts every task (they finish their open transaction), releases their jobs, leaves.
 */
export class TaskWorker {
  readonly opts: Required<Omit<TaskWorkerOptions, 'onEvent'>> & Pick<TaskWorkerOptions, 'onEvent'>;
  readonly running = new Map<string, Running>();
  readonly presence: WorkerPresence;
  private worker?: Worker<TaskJobData>;
  private queue?: Queue<TaskJobData>;
  private control?: Redis;
  private timer?: NodeJS.Timeout;
  private closing = false;
  /** This worker's fair share, recomputed every check; a job beyond it is handed back at once. */
  private share = 1;

  constructor(opts: TaskWorkerOptions) {
    this.opts = {
      lockDurationMs: 5000,
      stalledIntervalMs: 1000,
      checkIntervalMs: 1000,
      healthyAfterMs: 60_000,
      ...opts,
    };
    this.control = opts.connection();
    this.presence = new WorkerPresence(
      this.control,
      opts.prefix,
      Math.max(3 * this.opts.checkIntervalMs, 3000),
    );
  }

  async start(): Promise<void> {
    await this.presence.beat(this.opts.workerId);
    this.queue = new Queue<TaskJobData>(TASKS_QUEUE, {
      connection: this.opts.connection(),
      prefix: this.opts.prefix,
    });
    this.worker = new Worker<TaskJobData>(TASKS_QUEUE, (job, token) => this.process(job, token), {
      connection: this.opts.connection(),
      prefix: this.opts.prefix,
      // BullMQ only notices a raised concurrency when a job finishes, and tasks run for days: keep the
      // fetch loop always open and enforce the fair share ourselves (admission in process()).
      concurrency: 10_000,
      lockDuration: this.opts.lockDurationMs,
      stalledInterval: this.opts.stalledIntervalMs,
      maxStalledCount: Number.MAX_SAFE_INTEGER,
      name: this.opts.workerId,
      settings: {
        backoffStrategy: (attempts: number, _type?: string, _err?: Error, job?: { progress?: unknown }) =>
          taskRetryDelayMs(failuresSinceHealthy(attempts, job?.progress)),
      },
    });
    this.worker.on('error', () => {});
    // Paused (SIGSTOP, a long GC, a network cut) past the lock: the job went to another worker. Stop our copy
    // so it does not count against our share; its writes are already fenced by the new owner.
    this.worker.on('lockRenewalFailed', (jobIds: string[]) => {
      for (const id of jobIds) this.running.get(id)?.controller.abort('lost');
    });
    this.timer = setInterval(() => void this.check().catch(() => {}), this.opts.checkIntervalMs);
    await this.check();
  }

  /** Heartbeat, fair share, generation checks. Errors (Redis down) are retried on the next tick. */
  async check(): Promise<void> {
    if (this.closing || !this.queue || !this.worker || !this.control) return;
    await this.presence.beat(this.opts.workerId);
    const [live, counts] = await Promise.all([
      this.presence.live(),
      this.queue.getJobCounts('active', 'waiting', 'delayed', 'prioritized', 'paused'),
    ]);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const share = fairShare(total, live, this.opts.workerId);
    this.share = share;
    const release = tasksToRelease(
      [...this.running.entries()].map(([id, r]) => ({ id, startedAt: r.startedAt })),
      share,
    );
    for (const id of release) this.running.get(id)?.controller.abort('rebalance');
    if (release.length)
      this.opts.onEvent?.({ type: 'rebalance', share, liveWorkers: live.length, released: release });
    await Promise.all(
      [...this.running.values()].map(async (r) => {
        if (await this.superseded(r.job.data)) r.controller.abort('superseded');
      }),
    );
  }

  /** The flow wants another generation, or none. No key yet (Redis restarted): not superseded; the
   * reconciler writes it again within a tick. */
  private async superseded(task: TaskJobData): Promise<boolean> {
    const desired = await this.control!.get(desiredGenerationKey(this.opts.prefix, task.flowId));
    return desired !== null && desired !== String(task.generation);
  }

  private async process(job: Job<TaskJobData>, token?: string): Promise<unknown> {
    const task = TaskJobData.parse(job.data);
    const jobId = job.id ?? taskJobId(task);
    if (this.closing || this.running.size >= this.share) {
      // Over our share: give it back with a little jitter so a worker under its share takes it.
      await job.moveToDelayed(Date.now() + 200 + Math.floor(Math.random() * 600), token);
      throw new DelayedError();
    }
    // A job released (rebalance) just before its flow was disabled or edited: nothing to run any more.
    if (await this.superseded(task)) return { stopped: 'superseded' };
    const controller = new AbortController();
    const entry = { job, controller, startedAt: Date.now() };
    // A copy of this job may still run here (Redis lost its jobs and the reconciler re-added them): the new
    // copy fences the old one through the task's transactional id; the old one must not stay uncontrolled.
    this.running.get(jobId)?.controller.abort('lost');
    this.running.set(jobId, entry);
    this.opts.onEvent?.({ type: 'task-started', jobId, task });
    // Healthy for a while: failures before now no longer lengthen the next retry's back-off.
    const healthy = setTimeout(() => {
      const progress: TaskJobProgress = { backoffFrom: job.attemptsMade };
      job.updateProgress(progress as object).catch(() => {});
    }, this.opts.healthyAfterMs);
    try {
      await this.opts.runner.run(task, controller.signal);
    } catch (e) {
      this.opts.onEvent?.({ type: 'task-failed', jobId, task, error: e as Error });
      throw e;
    } finally {
      clearTimeout(healthy);
      if (this.running.get(jobId) === entry) this.running.delete(jobId);
    }
    const reason = (controller.signal.reason as StopReason | undefined) ?? 'finished';
    this.opts.onEvent?.({ type: 'task-stopped', jobId, task, reason });
    if (reason === 'shutdown') {
      // Hand the task back at once rather than waiting for the lock to expire.
      await job.moveToWait(token);
      throw new WaitingError();
    }
    if (reason === 'rebalance') {
      await job.moveToDelayed(Date.now() + 200 + Math.floor(Math.random() * 600), token);
      throw new DelayedError();
    }
    return { stopped: reason };
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.timer) clearInterval(this.timer);
    for (const r of this.running.values()) r.controller.abort('shutdown');
    await this.worker?.close();
    await this.queue?.close();
    await this.presence.leave(this.opts.workerId).catch(() => {});
    await this.control?.quit().catch(() => {});
  }
}
