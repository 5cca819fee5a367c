import { DISCOVERY_QUEUE, type ReconcileJobData } from '@ferry/core';
import type { SecretKey } from '@ferry/core/secret-box';
import { type Db, type StatusWriter, saveDiscoveryError, saveTopology } from '@ferry/db';
import { discoverFlow, type EngineEvent } from '@ferry/engine';
import type { Queue } from 'bullmq';
import type pino from 'pino';
import { toEngineFlow } from '../engine-runner.ts';
import { loadFlow } from '../flows/load-flow.ts';
import { discoveryFingerprint } from '../reconcile/plan.ts';
import { describeError } from '../status/flow-status.ts';
import type { Processor } from './processor.ts';

export interface DiscoveryDeps {
  db: Db;
  keyring: SecretKey[];
  status: StatusWriter;
  log: pino.Logger;
  reconcileQueue: Queue<ReconcileJobData>;
}

/**
 * The discovery queue: lists the source topics and groups a flow's filters select, creates missing remote
 * topics and partitions, and records the result in flow_topology. A change (a new topic or partition, a
 * filter edit) asks for a reconcile pass at once, which starts a new generation over the new partitions.
 */
export function discoveryProcessor(deps: DiscoveryDeps): Processor<typeof DISCOVERY_QUEUE> {
  return {
    queue: DISCOVERY_QUEUE,
    concurrency: 4,
    async process(data) {
      const flow = await loadFlow(deps.db, data.flowId, deps.keyring);
      if (!flow.enabled) return { skipped: 'flow disabled' };
      const discoveredFor = discoveryFingerprint(flow.config);
      // Asked for older options: the reconciler asks again for the current ones.
      if (discoveredFor !== data.discoveredFor) return { skipped: 'options changed since' };
      const log = deps.log.child({ flow: flow.name });
      const onEvent = (e: EngineEvent) => {
        if (e.type === 'topic-created' || e.type === 'partitions-added' || e.type === 'topic-deleted')
          log.info(e, e.type);
        else if (e.type === 'topic-skipped') log.warn({ topic: e.topic }, e.reason);
      };
      try {
        const found = await discoverFlow(
          toEngineFlow(flow),
          { include: flow.config.groups, exclude: flow.config.groupsExclude },
          onEvent,
        );
        const changed = await saveTopology(deps.db, flow.id, {
          discoveredFor,
          partitions: found.topics,
          groups: found.groups,
        });
        if (changed) {
          log.info(
            { topics: Object.keys(found.topics).length, groups: found.groups.length },
            'discovered a new set of partitions; reconciling',
          );
          await deps.reconcileQueue.add(
            'reconcile',
            { reason: 'topology-changed', flowId: flow.id },
            { removeOnComplete: true, removeOnFail: true },
          );
        }
        return { changed, topics: Object.keys(found.topics).length, groups: found.groups.length };
      } catch (e) {
        const err = e as Error & { code?: string };
        const sentence = describeError(err, { source: flow.source.alias, target: flow.target.alias });
        log.warn({ code: err.code }, sentence);
        await saveDiscoveryError(deps.db, flow.id, sentence).catch(() => {});
        await deps.status.flowProblem(flow.id, sentence).catch(() => {});
        return { ok: false, error: sentence };
      }
    },
  };
}
