import { CHECKPOINTS_QUEUE } from '@ferry/core';
import type { FlowSessions } from '../control/flow-sessions.ts';
import type { RoundTranslations } from '../metrics/group-offsets.ts';
import type { Processor } from './processor.ts';

/**
 * The checkpoints queue: one round of MM2's checkpoint connector for a flow (`emit`: translate the source
 * groups' committed offsets and write checkpoints), or one group offset sync round (`sync-groups`: write the
 * translations into target groups with no active members, never backwards). Problems are reported as sync
 * events (logs, status), not thrown: the next round retries.
 */
export function checkpointsProcessor(
  sessions: FlowSessions,
  /** After each emit round: the translations, for the groups page and checkpoint age (Postgres). */
  onRound: (flowId: string, groups: RoundTranslations) => Promise<void> = async () => {},
): Processor<typeof CHECKPOINTS_QUEUE> {
  return {
    queue: CHECKPOINTS_QUEUE,
    concurrency: 4,
    async process(data) {
      const session = await sessions.get(data.flowId, data.generation);
      if (!session) return { skipped: 'stale generation' };
      const task = await session.checkpoints();
      if (data.kind === 'emit') {
        const groups = await task.emitCheckpoints();
        await onRound(data.flowId, groups);
        return { groups: groups.size };
      }
      const results = await task.syncGroups();
      return { groups: results.length, synced: results.filter((r) => r.ok).length };
    },
  };
}
