import { QUEUES, type QueueName } from '@ferry/core';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { z } from 'zod';

/**
 * One control queue's processor: what a job of the queue does. Each lives in its own file in this folder
 * (the long-running replication tasks queue has its own worker, dispatch/task-worker.ts).
 */
export interface Processor<Q extends QueueName = QueueName> {
  queue: Q;
  /** Jobs of this queue one worker runs at once. */
  concurrency: number;
  process(data: z.output<(typeof QUEUES)[Q]>, job: Job): Promise<unknown>;
}

export type ProcessorEvent =
  | { type: 'failed'; queue: QueueName; jobId: string | undefined; error: Error }
  | { type: 'invalid'; queue: QueueName; jobId: string | undefined; reason: string };

/** Starts a BullMQ worker for a processor; every job is validated against the queue's schema first. */
export function startProcessor<Q extends QueueName>(
  p: Processor<Q>,
  o: { connection: () => Redis; prefix: string; name: string; onEvent?: (e: ProcessorEvent) => void },
): Worker {
  const schema = QUEUES[p.queue];
  const worker = new Worker(
    p.queue,
    async (job) => {
      const parsed = schema.safeParse(job.data);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const reason = `invalid ${p.queue} job: ${issue.path.join('.') || '(payload)'}: ${issue.message}`;
        o.onEvent?.({ type: 'invalid', queue: p.queue, jobId: job.id, reason });
        throw new UnrecoverableError(reason);
      }
      return p.process(parsed.data as z.output<(typeof QUEUES)[Q]>, job);
    },
    {
      connection: o.connection(),
      prefix: o.prefix,
      concurrency: p.concurrency,
      name: o.name,
      // Control jobs are short; a dead worker's job is retried elsewhere soon.
      lockDuration: 30_000,
      stalledInterval: 5_000,
    },
  );
  worker.on('error', () => {});
  worker.on('failed', (job, error) => {
    if (!(error instanceof UnrecoverableError))
      o.onEvent?.({ type: 'failed', queue: p.queue, jobId: job?.id, error });
  });
  return worker;
}
