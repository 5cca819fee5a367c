import type { Admin, Kafka } from 'kafkajs';
import type { FlowConfig } from '../config/flow-config.ts';
import { toFerryError } from '../errors.ts';
import { kafkaFor } from './client.ts';

export interface FlowClients {
  source: Kafka;
  target: Kafka;
  sourceAdmin: Admin;
  targetAdmin: Admin;
}

/**
 * Clients of both clusters of a flow with both admins connected. A cluster that cannot be reached is a
 * SOURCE_UNAVAILABLE / TARGET_UNAVAILABLE error naming it; nothing stays connected after a failure.
 */
export async function connectFlowClients(flow: FlowConfig, clientId: string): Promise<FlowClients> {
  const source = kafkaFor(flow.source, clientId);
  const target = kafkaFor(flow.target, clientId);
  const sourceAdmin = source.admin();
  const targetAdmin = target.admin();
  try {
    await sourceAdmin.connect();
  } catch (e) {
    throw toFerryError(e, 'SOURCE_UNAVAILABLE', { cluster: flow.source.alias });
  }
  try {
    await targetAdmin.connect();
  } catch (e) {
    await sourceAdmin.disconnect().catch(() => undefined);
    throw toFerryError(e, 'TARGET_UNAVAILABLE', { cluster: flow.target.alias });
  }
  return { source, target, sourceAdmin, targetAdmin };
}

export async function disconnectFlowClients(c: FlowClients): Promise<void> {
  await c.sourceAdmin.disconnect().catch(() => undefined);
  await c.targetAdmin.disconnect().catch(() => undefined);
}
