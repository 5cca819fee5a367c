import { groupFilter } from '../checkpoints/group-filter.ts';
import type { FlowConfig } from '../config/flow-config.ts';
import { toFerryError } from '../errors.ts';
import type { EventListener } from '../events.ts';
import { connectFlowClients, disconnectFlowClients } from '../kafka/flow-clients.ts';
import { TopicDiscovery } from './discovery.ts';

export interface FlowDiscovery {
  /** Source topic → partition count, for every topic the flow's filters select now. */
  topics: Record<string, number>;
  /** Consumer groups on the source the group filters select (sorted). */
  groups: string[];
}

/**
 * One discovery round of a flow, standalone (a managed flow's discovery control job): lists the source topics
 * its filters select, creates missing remote topics and partitions on the target (with copied configs), and
 * lists the source's consumer groups its group filters select.
 */
export async function discoverFlow(
  flow: FlowConfig,
  groups: { include: string[]; exclude: string[] },
  emit: EventListener = () => {},
): Promise<FlowDiscovery> {
  const clients = await connectFlowClients(flow, `ferry-discovery.${flow.source.alias}.${flow.target.alias}`);
  const { sourceAdmin, targetAdmin } = clients;
  try {
    const found = await new TopicDiscovery(flow, sourceAdmin, targetAdmin, emit).refresh();
    const filter = groupFilter(groups.include, groups.exclude);
    let listed: Array<{ groupId: string; protocolType: string }>;
    try {
      listed = (await sourceAdmin.listGroups()).groups;
    } catch (e) {
      throw toFerryError(e, 'GROUPS_LIST_FAILED', { cluster: flow.source.alias });
    }
    return {
      topics: Object.fromEntries(found.map((t) => [t.topic, t.partitions])),
      groups: listed
        .filter(
          (g) =>
            (g.protocolType === 'consumer' || g.protocolType === '') &&
            filter.shouldReplicateGroup(g.groupId),
        )
        .map((g) => g.groupId)
        .sort(),
    };
  } finally {
    await disconnectFlowClients(clients);
  }
}
