import { RECONCILE_QUEUE } from '@ferry/core';
import type { Reconciler } from '../reconcile/reconciler.ts';
import type { Processor } from './processor.ts';

/** The reconcile queue: one pass over every flow (repeats every second; also enqueued after a change). */
export function reconcileProcessor(reconciler: Reconciler): Processor<typeof RECONCILE_QUEUE> {
  return {
    queue: RECONCILE_QUEUE,
    concurrency: 1,
    async process() {
      return { acted: await reconciler.reconcileOnce() };
    },
  };
}
