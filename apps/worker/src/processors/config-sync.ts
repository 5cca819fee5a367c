import { CONFIG_SYNC_QUEUE } from '@ferry/core';
import type { FlowSessions } from '../control/flow-sessions.ts';
import type { Processor } from './processor.ts';

/**
 * The config-sync queue: one round of topic-config sync (MM2 exclusions, `config.properties.exclude`) or of
 * topic-ACL sync (literal bindings, no ALLOW WRITE, ALL → READ) from the source topics to the remote ones.
 * Per-topic failures are reported as sync events; the next round retries.
 */
export function configSyncProcessor(sessions: FlowSessions): Processor<typeof CONFIG_SYNC_QUEUE> {
  return {
    queue: CONFIG_SYNC_QUEUE,
    concurrency: 2,
    async process(data) {
      const session = await sessions.get(data.flowId, data.generation);
      if (!session) return { skipped: 'stale generation' };
      if (data.what === 'topic-configs') {
        const results = await (await session.topicConfigs()).syncOnce();
        return { topics: results.length };
      }
      const result = await (await session.topicAcls()).syncOnce();
      return { ok: result.ok };
    },
  };
}
