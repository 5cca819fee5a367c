import { type FlowConfig, flowConfigSchema } from '@ferry/core';
import type { SecretKey } from '@ferry/core/secret-box';
import { type Db, getFlowWithClusters, type schema } from '@ferry/db';
import { type ClusterConfig, openClusterSecrets, storedClusterConfig } from '@ferry/engine';

/** How to reach one cluster, secrets opened (the engine's ClusterConfig, alias = the cluster's name) and its
 * row id. Lives only in the worker's memory; never logged. */
export type ClusterConnection = ClusterConfig & { id: string };

export interface ResolvedFlow {
  id: string;
  name: string;
  enabled: boolean;
  generation: number;
  source: ClusterConnection;
  target: ClusterConnection;
  config: FlowConfig;
}

export class FlowLoadError extends Error {
  readonly code: 'FLOW_NOT_FOUND' | 'INVALID_FLOW_CONFIG';
  readonly retriable = false;
  constructor(code: FlowLoadError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

type ClusterRow = typeof schema.clusters.$inferSelect;

/** Secrets opened with the keyring (SECRETS_UNREADABLE, in words, when no key opens them). */
export function toConnection(row: ClusterRow, keyring: readonly SecretKey[]): ClusterConnection {
  return { id: row.id, ...storedClusterConfig(row, openClusterSecrets(row, keyring)) };
}

/** A flow with its clusters, validated options (MM2 defaults filled in) and opened secrets. */
export async function loadFlow(db: Db, flowId: string, keyring: readonly SecretKey[]): Promise<ResolvedFlow> {
  const found = await getFlowWithClusters(db, flowId);
  if (!found) throw new FlowLoadError('FLOW_NOT_FOUND', `flow ${flowId} no longer exists`);
  const { flow, clusters: byId } = found;
  const parsed = flowConfigSchema.safeParse(flow.config ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new FlowLoadError(
      'INVALID_FLOW_CONFIG',
      `flow ${flow.name} has an invalid option ${issue.path.join('.')}: ${issue.message}`,
    );
  }
  return {
    id: flow.id,
    name: flow.name,
    enabled: flow.enabled,
    generation: flow.generation,
    source: toConnection(byId.get(flow.sourceClusterId)!, keyring),
    target: toConnection(byId.get(flow.targetClusterId)!, keyring),
    config: parsed.data,
  };
}
