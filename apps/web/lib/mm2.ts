import {
  ApiError,
  type ClusterSettings,
  type ClusterView,
  type FlowConfig,
  type FlowView,
  type SecurityProtocol,
} from '@ferry/core';
import {
  createCluster,
  createFlow,
  getClusterOrThrow,
  getFlowRowOrThrow,
  listClusters,
  type TeamContext,
} from '@ferry/db';
import { exportMm2, importMm2 } from '@ferry/engine/mm2';

export async function exportFlowMm2(ctx: TeamContext, flowId: string) {
  const flow = await getFlowRowOrThrow(ctx, flowId);
  const [src, dst] = await Promise.all([
    getClusterOrThrow(ctx, flow.sourceClusterId),
    getClusterOrThrow(ctx, flow.targetClusterId),
  ]);
  const c = (r: typeof src) => ({
    name: r.name,
    bootstrapServers: r.bootstrapServers,
    securityProtocol: r.securityProtocol as SecurityProtocol,
    sasl: (r.settings as ClusterSettings).sasl ?? null,
  });
  const text = exportMm2(
    { name: flow.name, enabled: flow.enabled, config: flow.config as FlowConfig },
    c(src),
    c(dst),
  );
  return { filename: `${flow.name.replace(/[^A-Za-z0-9._-]+/g, '_')}.mm2.properties`, text };
}

/** What an import would create; clusters whose name already exists in the team are reused, not created. */
export async function previewMm2(ctx: TeamContext, properties: string) {
  const parsed = importMm2(properties);
  const existing = new Set((await listClusters(ctx)).map((c) => c.name));
  return {
    clusters: parsed.clusters.map((c) => ({
      name: c.name,
      bootstrapServers: c.bootstrapServers,
      securityProtocol: c.securityProtocol,
      saslUsername: c.sasl?.username ?? null,
      exists: existing.has(c.name),
    })),
    flows: parsed.flows,
    unmapped: parsed.unmapped,
  };
}

export async function importMm2Properties(ctx: TeamContext, properties: string) {
  const parsed = importMm2(properties);
  if (parsed.flows.length === 0 && parsed.clusters.length === 0)
    throw new ApiError('validation_failed', 'properties: nothing to import (no clusters or flows found)', [
      { path: 'properties', message: 'no clusters or flows found' },
    ]);
  const byName = new Map((await listClusters(ctx)).map((c) => [c.name, c.id]));
  const clusters: ClusterView[] = [];
  for (const c of parsed.clusters) {
    if (byName.has(c.name)) continue;
    const view = await createCluster(ctx, {
      name: c.name,
      bootstrapServers: c.bootstrapServers,
      securityProtocol: c.securityProtocol,
      ...(c.sasl ? { sasl: c.sasl } : {}),
    });
    byName.set(c.name, view.id);
    clusters.push(view);
  }
  const flows: FlowView[] = [];
  for (const f of parsed.flows) {
    const { flow } = await createFlow(ctx, {
      name: f.name,
      sourceClusterId: byName.get(f.source) as string,
      targetClusterId: byName.get(f.target) as string,
      enabled: false,
      config: f.config,
    });
    flows.push(flow);
  }
  return { clusters, flows, unmapped: parsed.unmapped };
}
