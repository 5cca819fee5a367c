import { QUEUES, type QueueName } from '@ferry/core';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import type { z } from 'zod';
import { env } from './env.ts';

/**
 * The web app's side of the control queues (packages/core/src/queues.ts): it enqueues control jobs that
 * workers run (connection tests from the workers' network, verification) and, for the short ones, waits for
 * the answer. One Redis connection set per process, created on first use.
 */
let connections:
  | { redis: Redis; queues: Map<QueueName, Queue>; events: Map<QueueName, QueueEvents> }
  | undefined;

function state() {
  connections ??= {
    redis: new Redis(env().redisUrl, { maxRetriesPerRequest: null, lazyConnect: false }),
    queues: new Map(),
    events: new Map(),
  };
  connections.redis.on('error', () => {}); // reported per request below, never as an unhandled event
  return connections;
}

export function controlQueue<Q extends QueueName>(name: Q): Queue<z.input<(typeof QUEUES)[Q]>> {
  const s = state();
  let q = s.queues.get(name);
  if (!q) {
    q = new Queue(name, { connection: s.redis.duplicate(), prefix: env().redisPrefix });
    q.on('error', () => {});
    s.queues.set(name, q);
  }
  return q as Queue<z.input<(typeof QUEUES)[Q]>>;
}

export function queueEvents(name: QueueName): QueueEvents {
  const s = state();
  let e = s.events.get(name);
  if (!e) {
    e = new QueueEvents(name, { connection: s.redis.duplicate(), prefix: env().redisPrefix });
    e.on('error', () => {});
    s.events.set(name, e);
  }
  return e;
}

/**
 * Waits until the shared connection is up. Commands on a connection that is down wait in ioredis' offline
 * queue until Redis is back (maxRetriesPerRequest: null), so a request would hang; this bounds that wait.
 */
async function connected(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`no connection within ${timeoutMs} ms`));
    }, timeoutMs);
    redis.once('ready', onReady);
  });
}

/** Ids of the workers that beat within the last few seconds (the workers' presence set). Rejects when Redis
 * cannot be reached within `connectTimeoutMs`. */
export async function liveWorkers(now = Date.now(), connectTimeoutMs = 3000): Promise<string[]> {
  const { redis } = state();
  await connected(redis, connectTimeoutMs);
  return redis.zrangebyscore(`${env().redisPrefix}:workers:live`, now - 5000, '+inf');
}

export class ControlJobError extends Error {
  readonly code: 'NO_WORKER' | 'TIMEOUT' | 'FAILED' | 'REDIS_UNAVAILABLE';
  constructor(code: ControlJobError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * Enqueues a control job and waits up to `timeoutMs` for a worker's answer (the processor's return value).
 * Throws ControlJobError: NO_WORKER when no worker is alive, TIMEOUT, FAILED (the processor threw),
 * REDIS_UNAVAILABLE.
 */
export async function runControlJob<Q extends QueueName>(
  name: Q,
  data: z.input<(typeof QUEUES)[Q]>,
  timeoutMs = 20_000,
): Promise<unknown> {
  QUEUES[name].parse(data);
  let live: string[];
  try {
    live = await liveWorkers();
  } catch (e) {
    throw new ControlJobError('REDIS_UNAVAILABLE', `cannot reach Redis: ${(e as Error).message}`);
  }
  if (live.length === 0) throw new ControlJobError('NO_WORKER', 'no Ferry worker is running');
  const events = queueEvents(name);
  await events.waitUntilReady();
  const job = await (controlQueue(name) as Queue).add(name, data, {
    removeOnComplete: { age: 3600 },
    removeOnFail: { age: 3600 },
  });
  let answer: JobAnswer;
  try {
    answer = await waitForJob(job, events, timeoutMs);
  } catch (e) {
    throw new ControlJobError('FAILED', (e as Error).message);
  }
  if (!answer.finished)
    throw new ControlJobError('TIMEOUT', `no worker answered within ${Math.round(timeoutMs / 1000)} s`);
  return answer.value;
}

export type JobAnswer = { finished: true; value: unknown } | { finished: false };

/**
 * A job's answer, or `finished: false` when none came within `timeoutMs` (our own timer: whether it timed out
 * is known, never read from BullMQ's message). Rejects with the job's failure.
 */
export async function waitForJob(
  job: { waitUntilFinished(events: QueueEvents, ttl?: number): Promise<unknown> },
  events: QueueEvents,
  timeoutMs: number,
): Promise<JobAnswer> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<JobAnswer>((resolve) => {
    timer = setTimeout(() => resolve({ finished: false }), timeoutMs);
  });
  // BullMQ's own bound, a little later, only releases its listener.
  const finished = job
    .waitUntilFinished(events, timeoutMs + 5000)
    .then((value): JobAnswer => ({ finished: true, value }));
  finished.catch(() => {}); // a failure after our timer fired is nobody's to handle
  try {
    return await Promise.race([finished, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
