import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Processor, ProcessorEvent } from './processor.ts';
import { startProcessor } from './processor.ts';

export type { Processor, ProcessorEvent } from './processor.ts';

/** Starts one BullMQ worker per control queue processor; close them with closeProcessors(). */
export function startProcessors(
  processors: Processor[],
  o: { connection: () => Redis; prefix: string; name: string; onEvent?: (e: ProcessorEvent) => void },
): Worker[] {
  return processors.map((p) => startProcessor(p, o));
}

export async function closeProcessors(workers: Worker[]): Promise<void> {
  await Promise.allSettled(workers.map((w) => w.close()));
}
