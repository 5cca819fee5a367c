import {
  ApiError,
  type ClusterCreate,
  type ClusterSettings,
  type ClusterView,
  clusterCreateSchema,
  type FieldIssue,
  type FlowConfig,
  type FlowView,
  fieldIssues,
  flowCreateSchema,
  type SecurityProtocol,
} from '@ferry/core';
import {
  createCluster,
  createFlow,
  type Db,
  getClusterOrThrow,
  getFlowRowOrThrow,
  listClusters,
  type TeamContext,
} from '@ferry/db';
import { exportMm2, importMm2 } from '@ferry/engine/mm2';
import { assertBrokersAllowed, assertTokenEndpointAllowed } from './broker-policy.ts';

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
      // who logs in: the SASL user, or OAUTHBEARER's client id
      saslUsername: !c.sasl ? null : c.sasl.mechanism === 'OAUTHBEARER' ? c.sasl.clientId : c.sasl.username,
      exists: existing.has(c.name),
    })),
    flows: parsed.flows,
    unmapped: parsed.unmapped,
  };
}

/**
 * Creates the clusters and flows of an mm2.properties: each cluster and flow is validated with the same
 * schemas as the API's own create routes (every problem reported at once, 400), then all are written in one
 * transaction, so a failure leaves nothing half-imported behind.
 */
export async function importMm2Properties(ctx: TeamContext, properties: string) {
  const parsed = importMm2(properties);
  if (parsed.flows.length === 0 && parsed.clusters.length === 0)
    throw new ApiError('validation_failed', 'properties: nothing to import (no clusters or flows found)', [
      { path: 'properties', message: 'no clusters or flows found' },
    ]);
  const existing = new Map((await listClusters(ctx)).map((c) => [c.name, c.id]));
  const issues: FieldIssue[] = [];
  const newClusters: ClusterCreate[] = [];
  for (const c of parsed.clusters) {
    if (existing.has(c.name)) continue;
    const r = clusterCreateSchema.safeParse({
      name: c.name,
      bootstrapServers: c.bootstrapServers,
      securityProtocol: c.securityProtocol,
      ...(c.sasl ? { sasl: c.sasl } : {}),
    });
    if (r.success) {
      try {
        await assertBrokersAllowed(r.data.bootstrapServers, `clusters.${c.name}.bootstrapServers`);
        if (r.data.sasl?.mechanism === 'OAUTHBEARER')
          await assertTokenEndpointAllowed(
            r.data.sasl.tokenEndpointUrl,
            `clusters.${c.name}.sasl.tokenEndpointUrl`,
          );
        newClusters.push(r.data);
      } catch (e) {
        if (e instanceof ApiError && e.issues) issues.push(...e.issues);
        else throw e;
      }
    } else for (const i of fieldIssues(r.error)) issues.push({ ...i, path: `clusters.${c.name}.${i.path}` });
  }
  const placeholder = '00000000-0000-4000-8000-000000000000';
  for (const f of parsed.flows) {
    const r = flowCreateSchema.safeParse({
      name: f.name,
      sourceClusterId: placeholder,
      targetClusterId: placeholder,
      enabled: false,
      config: f.config,
    });
    if (!r.success)
      for (const i of fieldIssues(r.error)) issues.push({ ...i, path: `flows.${f.name}.${i.path}` });
  }
  if (issues.length > 0)
    throw new ApiError('validation_failed', `${issues[0]!.path}: ${issues[0]!.message}`, issues);

  return ctx.db.transaction(async (tx) => {
    const txCtx: TeamContext = { ...ctx, db: tx as unknown as Db };
    const byName = new Map(existing);
    const clusters: ClusterView[] = [];
    for (const c of newClusters) {
      const view = await createCluster(txCtx, c);
      byName.set(c.name, view.id);
      clusters.push(view);
    }
    const flows: FlowView[] = [];
    for (const f of parsed.flows) {
      const { flow } = await createFlow(txCtx, {
        name: f.name,
        sourceClusterId: byName.get(f.source) as string,
        targetClusterId: byName.get(f.target) as string,
        enabled: false,
        config: f.config,
      });
      flows.push(flow);
    }
    return { clusters, flows, unmapped: parsed.unmapped };
  });
}
