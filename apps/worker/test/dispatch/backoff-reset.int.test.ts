import { randomBytes, randomUUID } from 'node:crypto';
import { TASKS_QUEUE, type TaskJobData, taskJobId } from '@ferry/core';
import { waitFor } from '@ferry/testkit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { TaskWorker } from '../../src/dispatch/task-worker.ts';

/**
 * Real Redis and BullMQ: a task's retry back-off grows with its failures, and starts again from the
 * shortest once a run has been healthy (issue #12: it used to grow with the job's lifetime attempts).
 */
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `test-${randomBytes(4).toString('hex')}`;
const conns: Redis[] = [];
const connection = () => {
  const r = new Redis(redisUrl, { maxRetriesPerRequest: null });
  conns.push(r);
  return r;
};
let worker: TaskWorker | undefined;
let queue: Queue | undefined;

afterAll(async () => {
  await worker?.close();
  await queue?.obliterate({ force: true }).catch(() => {});
  await queue?.close();
  for (const c of conns) await c.quit().catch(() => {});
});

describe('task retry back-off', () => {
  it('resets after a healthy run', async () => {
    const starts: number[] = [];
    const failures: number[] = [];
    // Attempts 1-3 fail at once; attempt 4 runs healthily (longer than healthyAfterMs) and then fails;
    // attempt 5 runs until the test ends.
    worker = new TaskWorker({
      connection,
      prefix,
      workerId: 'w-backoff',
      healthyAfterMs: 500,
      runner: {
        async run(_task, signal) {
          starts.push(Date.now());
          const n = starts.length;
          if (n === 4) await new Promise((r) => setTimeout(r, 1200));
          if (n <= 4) {
            failures.push(Date.now());
            throw new Error(`attempt ${n} failed`);
          }
          await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
        },
      },
    });
    await worker.start();
    queue = new Queue(TASKS_QUEUE, { connection: connection(), prefix });
    const task: TaskJobData = { flowId: randomUUID(), generation: 1, taskIndex: 0, tasksMax: 1 };
    await queue.add('replicate', task, {
      jobId: taskJobId(task),
      attempts: Number.MAX_SAFE_INTEGER,
      backoff: { type: 'custom' },
      removeOnComplete: true,
    });
    await waitFor(async () => starts.length >= 5, { timeoutMs: 40_000, what: 'five attempts' });
    const waited = starts.slice(1).map((s, i) => s - failures[i]!);
    // 1 s, 2 s, 4 s while failing; after the healthy run the next wait is the shortest again (not 8 s).
    expect(waited[0]).toBeGreaterThanOrEqual(900);
    expect(waited[1]).toBeGreaterThanOrEqual(1900);
    expect(waited[2]).toBeGreaterThanOrEqual(3900);
    expect(waited[3]).toBeGreaterThanOrEqual(900);
    expect(waited[3]).toBeLessThan(3000);
  });
});
