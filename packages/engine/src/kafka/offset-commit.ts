import type { Kafka } from 'kafkajs';
import { FerryError } from '../errors.ts';

export interface OffsetCommitter {
  /** OffsetCommit outside any group generation (a "simple" commit), for the at-least-once mode. */
  commit(
    groupId: string,
    topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>,
  ): Promise<void>;
  close(): Promise<void>;
}

interface KafkajsBroker {
  offsetCommit(req: {
    groupId: string;
    groupGenerationId: number;
    memberId: string;
    topics: unknown;
  }): Promise<unknown>;
}
interface KafkajsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  findGroupCoordinator(req: { groupId: string }): Promise<KafkajsBroker>;
}

/**
 * kafkajs's public `admin.setOffsets` runs a whole consumer per call (seconds each) and refuses while another
 * task does the same; the at-least-once mode needs one plain OffsetCommit request. kafkajs builds its internal
 * `Cluster` through a per-instance symbol; this is the one place the engine reaches into the client's internals
 * (ADR 0001), checked at start-up so an incompatible client fails loudly, never silently.
 */
export async function createOffsetCommitter(kafka: Kafka): Promise<OffsetCommitter> {
  const sym = Object.getOwnPropertySymbols(kafka).find(
    (s) => s.description === 'private:Kafka:createCluster',
  );
  const create = sym
    ? ((kafka as unknown as Record<symbol, unknown>)[sym] as (o: object) => KafkajsCluster)
    : undefined;
  if (!create)
    throw new FerryError(
      'CLIENT_UNSUPPORTED',
      'this kafkajs version does not expose its cluster: at-least-once mode is unavailable',
      { retriable: false },
    );
  const cluster = create({ allowAutoTopicCreation: false, maxInFlightRequests: 1 });
  await cluster.connect();
  return {
    async commit(groupId, topics) {
      const broker = await cluster.findGroupCoordinator({ groupId });
      await broker.offsetCommit({ groupId, groupGenerationId: -1, memberId: '', topics });
    },
    close: () => cluster.disconnect(),
  };
}
