import { ApiError, VERIFICATION_QUEUE } from '@ferry/core';
import {
  createVerification,
  finishVerification,
  recordAudit,
  type TeamContext,
  type VerificationView,
} from '@ferry/db';
import { controlQueue, liveWorkers } from './control-jobs.ts';

export const NO_WORKER_NOTICE =
  'No Ferry worker is running: the verification is queued and runs when a worker starts.';

/**
 * "Verify" of a flow: records a queued run and puts it on the verification queue, where a worker compares the
 * flow's source and target record by record. Does not wait for the result (a run takes seconds to minutes);
 * the caller polls the run. With no live worker the run is still queued, and the answer says it waits for one.
 * With Redis unreachable nothing can be queued: the run ends in `error` and the request is `unavailable` (503).
 */
export async function requestVerification(
  ctx: TeamContext,
  flowId: string,
  o: { recordsPerPartition: number },
): Promise<VerificationView & { notice?: string }> {
  const { view, flowName } = await createVerification(ctx, flowId, o);
  let live: string[];
  try {
    live = await liveWorkers();
    await controlQueue(VERIFICATION_QUEUE).add(
      'verify',
      {
        flowId: view.flowId,
        teamId: ctx.teamId,
        verificationId: view.id,
        recordsPerPartition: view.recordsPerPartition,
      },
      { jobId: view.id, removeOnComplete: { age: 86_400 }, removeOnFail: { age: 86_400 } },
    );
  } catch (e) {
    const error = `could not be queued: the workers' queue (Redis) cannot be reached (${(e as Error).message})`;
    await finishVerification(ctx.db, view.id, { state: 'error', error });
    throw new ApiError('unavailable', `the verification ${error}; try again later`);
  }
  await recordAudit(ctx, {
    action: 'flow.verify',
    targetType: 'flow',
    targetId: view.flowId,
    targetName: flowName,
    after: { verificationId: view.id, recordsPerPartition: view.recordsPerPartition },
  });
  return live.length === 0 ? { ...view, notice: NO_WORKER_NOTICE } : view;
}
