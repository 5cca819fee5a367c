import type { FlowConfig } from '../config/flow-config.ts';
import { toFerryError } from '../errors.ts';
import { kafkaFor } from '../kafka/client.ts';
import { transactionalIdFor } from './task-runner.ts';

/**
 * Fences the transactional ids of tasks 0..tasksMax-1 of a flow (Kafka Connect's KIP-618 approach): an
 * InitProducerId for each id bumps its epoch on the target, aborting any open transaction of it, so a task
 * of that id that was merely slow (paused, partitioned away) can never commit again. Called by the
 * control plane before the tasks of a new assignment start.
 */
export async function fenceTasks(flow: FlowConfig, tasksMax: number): Promise<string[]> {
  const kafka = kafkaFor(flow.target, `ferry-fence-${flow.source.alias}-${flow.target.alias}`);
  const ids = Array.from({ length: tasksMax }, (_, i) => transactionalIdFor(flow, i));
  for (const transactionalId of ids) {
    const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
    try {
      await producer.connect();
      // kafkajs initialises (InitProducerId → epoch bump) on the first transaction; nothing is written.
      const txn = await producer.transaction();
      await txn.abort();
    } catch (e) {
      throw toFerryError(e, 'FENCE_FAILED', { cluster: flow.target.alias, flow: flow.id });
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  }
  return ids;
}
