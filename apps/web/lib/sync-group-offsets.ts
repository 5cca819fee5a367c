import { ApiError, CHECKPOINTS_QUEUE } from '@ferry/core';
import { getFlowRowOrThrow, recordAudit, type TeamContext } from '@ferry/db';
import type { Queue } from 'bullmq';
import { controlQueue, liveWorkers, queueEvents, waitForJob } from './control-jobs.ts';

export const SYNC_QUEUED_NOTICE =
  'No Ferry worker is running: the sync is queued and runs when a worker starts.';

export interface GroupSyncAnswer {
  state: 'done' | 'queued' | 'failed';
  groups?: number;
  synced?: number;
  notice?: string;
}

/**
 * "Sync offsets now" of a flow: one group offset sync round (the checkpoints queue's `sync-groups`, what
 * `ferry offsets sync` runs) put on the queue and, when a worker is alive, waited for (up to 20 s). Audited.
 */
export async function syncGroupOffsetsNow(
  ctx: TeamContext,
  flowId: string,
  waitMs = 20_000,
): Promise<GroupSyncAnswer> {
  const flow = await getFlowRowOrThrow(ctx, flowId);
  if (!flow.enabled) throw new ApiError('conflict', 'the flow is disabled: enable it to sync group offsets');
  let live: string[];
  let job: Awaited<ReturnType<Queue['add']>>;
  try {
    live = await liveWorkers();
    const events = queueEvents(CHECKPOINTS_QUEUE);
    await events.waitUntilReady();
    job = await (controlQueue(CHECKPOINTS_QUEUE) as Queue).add(
      'sync-groups',
      { flowId: flow.id, generation: flow.generation, kind: 'sync-groups' },
      { removeOnComplete: { age: 3600 }, removeOnFail: { age: 3600 } },
    );
  } catch (e) {
    throw new ApiError(
      'unavailable',
      `the sync cannot be queued: the workers' queue (Redis) cannot be reached (${(e as Error).message})`,
    );
  }
  let answer: GroupSyncAnswer = { state: 'queued', notice: SYNC_QUEUED_NOTICE };
  if (live.length > 0) {
    try {
      const a = await waitForJob(job, queueEvents(CHECKPOINTS_QUEUE), waitMs);
      const r = (a.finished ? a.value : {}) as { groups?: number; synced?: number; skipped?: string };
      answer = !a.finished
        ? {
            state: 'queued',
            notice: `no worker answered within ${Math.round(waitMs / 1000)} s; the sync stays queued`,
          }
        : r.skipped
          ? {
              state: 'failed',
              notice: `not synced: the flow is being reconfigured (${r.skipped}); try again`,
            }
          : { state: 'done', groups: r.groups ?? 0, synced: r.synced ?? 0 };
    } catch (e) {
      answer = { state: 'failed', notice: `the worker could not sync: ${(e as Error).message}` };
    }
  }
  await recordAudit(ctx, {
    action: 'flow.groups.sync',
    targetType: 'flow',
    targetId: flow.id,
    targetName: flow.name,
    after: answer,
  });
  return answer;
}
