import { HEARTBEATS_QUEUE } from '@ferry/core';
import type { FlowSessions } from '../control/flow-sessions.ts';
import type { Processor } from './processor.ts';

/** The heartbeats queue: one MM2-format heartbeat (source, target, now) on the target's `heartbeats` topic. */
export function heartbeatsProcessor(sessions: FlowSessions): Processor<typeof HEARTBEATS_QUEUE> {
  return {
    queue: HEARTBEATS_QUEUE,
    concurrency: 8,
    async process(data) {
      const session = await sessions.get(data.flowId, data.generation);
      if (!session) return { skipped: 'stale generation' };
      await (await session.heartbeats()).beat();
      return { beat: true };
    },
  };
}
