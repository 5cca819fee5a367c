import { type ClusterSecrets, type ClusterSettings, type FlowConfig, flowConfigSchema } from '@ferry/core';
import { open, type SecretEnvelope, type SecretKey } from '@ferry/core/secret-box';
import { type Db, schema } from '@ferry/db';
import { eq, inArray } from 'drizzle-orm';

/** How to reach one cluster, secrets opened. Lives only in the worker's memory; never logged. */
export interface ClusterConnection {
  id: string;
  /** The cluster's name: its MM2 alias, the prefix of remote topics. */
  alias: string;
  bootstrapServers: string[];
  securityProtocol: 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
  sasl?: { mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'; username: string; password: string };
  tls?: { caPem?: string; certPem?: string; keyPem?: string };
}

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
  readonly code: 'FLOW_NOT_FOUND' | 'SECRET_KEY_MISSING' | 'INVALID_FLOW_CONFIG';
  readonly retriable: boolean;
  constructor(code: FlowLoadError['code'], message: string, retriable = false) {
    super(message);
    this.code = code;
    this.retriable = retriable;
  }
}

type ClusterRow = typeof schema.clusters.$inferSelect;

export function toConnection(row: ClusterRow, keyring: readonly SecretKey[]): ClusterConnection {
  const settings = (row.settings ?? {}) as ClusterSettings;
  let secrets: ClusterSecrets = {};
  if (row.secrets) {
    if (keyring.length === 0) {
      throw new FlowLoadError(
        'SECRET_KEY_MISSING',
        `cluster ${row.name} has stored secrets but this worker has no FERRY_SECRET_KEY to open them`,
      );
    }
    secrets = open<ClusterSecrets>(row.secrets as unknown as SecretEnvelope, keyring);
  }
  const conn: ClusterConnection = {
    id: row.id,
    alias: row.name,
    bootstrapServers: row.bootstrapServers
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    securityProtocol: row.securityProtocol,
  };
  if (settings.sasl) conn.sasl = { ...settings.sasl, password: secrets.saslPassword ?? '' };
  if (settings.tls || secrets.tlsKeyPem)
    conn.tls = { ...settings.tls, ...(secrets.tlsKeyPem ? { keyPem: secrets.tlsKeyPem } : {}) };
  return conn;
}

/** A flow with its clusters, validated options (MM2 defaults filled in) and opened secrets. */
export async function loadFlow(db: Db, flowId: string, keyring: readonly SecretKey[]): Promise<ResolvedFlow> {
  const [flow] = await db.select().from(schema.flows).where(eq(schema.flows.id, flowId));
  if (!flow) throw new FlowLoadError('FLOW_NOT_FOUND', `flow ${flowId} no longer exists`);
  const clusters = await db
    .select()
    .from(schema.clusters)
    .where(inArray(schema.clusters.id, [flow.sourceClusterId, flow.targetClusterId]));
  const byId = new Map(clusters.map((c) => [c.id, c]));
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
