import { randomUUID } from 'node:crypto';
import {
  ApiError,
  type ClusterCreate,
  type ClusterSecrets,
  type ClusterSettings,
  type ClusterUpdate,
  type OAuthSaslSettings,
  type PasswordSaslSettings,
  type SaslInput,
} from '@ferry/core';
import { seal } from '@ferry/core/secret-box';
import { and, eq, or } from 'drizzle-orm';
import { recordAudit } from '../audit/record-audit.ts';
import type { TeamContext } from '../context.ts';
import { clusters, flows } from '../schema/replication.ts';
import { type ClusterRow, clusterSecrets, clusterView, secretContextOf } from './cluster-view.ts';
import { getClusterOrThrow } from './get-cluster.ts';

/** A cluster's effective SASL: the settings plus the secret that goes with them (when there is one). */
type EffectiveSasl =
  | (PasswordSaslSettings & { password?: string })
  | (OAuthSaslSettings & { clientSecret?: string });

interface Effective {
  protocol: string;
  sasl?: EffectiveSasl;
  tls?: { caPem?: string; certPem?: string; keyPem?: string };
}

/** The validated SASL input as settings (the schema has checked which fields the mechanism takes). */
function saslFromInput(i: SaslInput): EffectiveSasl {
  if (i.mechanism === 'OAUTHBEARER')
    return {
      mechanism: 'OAUTHBEARER',
      tokenEndpointUrl: i.tokenEndpointUrl ?? '',
      clientId: i.clientId ?? '',
      ...(i.scope ? { scope: i.scope } : {}),
      ...(i.clientSecret ? { clientSecret: i.clientSecret } : {}),
    };
  return {
    mechanism: i.mechanism,
    username: i.username ?? '',
    ...(i.password ? { password: i.password } : {}),
  };
}

/** Splits a cluster's effective security into non-secret settings and secrets (which get sealed). */
function split(e: Effective) {
  const settings: ClusterSettings = {};
  const secrets: ClusterSecrets = {};
  if (e.sasl && e.protocol.startsWith('SASL_')) {
    if (e.sasl.mechanism === 'OAUTHBEARER') {
      const { clientSecret, ...oauth } = e.sasl;
      settings.sasl = oauth;
      if (clientSecret) secrets.oauthClientSecret = clientSecret;
    } else {
      settings.sasl = { mechanism: e.sasl.mechanism, username: e.sasl.username };
      if (e.sasl.password) secrets.saslPassword = e.sasl.password;
    }
  }
  if (e.tls?.caPem || e.tls?.certPem)
    settings.tls = {
      ...(e.tls.caPem ? { caPem: e.tls.caPem } : {}),
      ...(e.tls.certPem ? { certPem: e.tls.certPem } : {}),
    };
  if (e.tls?.keyPem) secrets.tlsKeyPem = e.tls.keyPem;
  return { settings, secrets };
}

function stored(settings: ClusterSettings, secrets: ClusterSecrets) {
  return {
    ...settings,
    stored: {
      saslPassword: Boolean(secrets.saslPassword),
      oauthClientSecret: Boolean(secrets.oauthClientSecret),
      tlsKey: Boolean(secrets.tlsKeyPem),
    },
  };
}

function nameTaken(e: unknown): boolean {
  const err = e as { code?: string; constraint?: string; cause?: { code?: string; constraint?: string } };
  return (err.cause ?? err).code === '23505';
}

/** Seals a cluster's secrets bound to its endpoint (AES-GCM additional data, see secret-box.ts). */
function sealFor(
  ctx: TeamContext,
  row: { id: string; bootstrapServers: string; securityProtocol: string; settings: ClusterSettings },
  secrets: ClusterSecrets,
) {
  if (!Object.keys(secrets).length || !ctx.keyring[0]) return null;
  return seal(secrets, ctx.keyring[0], secretContextOf(row as ClusterRow));
}

interface Endpoint {
  bootstrapServers: string;
  securityProtocol: string;
  caPem?: string | null;
  /** OAUTHBEARER: where the client secret is sent. */
  tokenEndpointUrl?: string | null;
}

/**
 * Whether an edit moves the cluster to another endpoint: other bootstrap servers, another security protocol,
 * another CA or another OAuth token endpoint. Stored secrets never follow such a change (finding 4: an admin
 * re-pointed a cluster at their own host, pressed Test and received the password; a token endpoint
 * re-pointed at one's own server would receive the client secret the same way); they must be typed again.
 */
export function endpointChanged(prev: Endpoint, next: Endpoint): boolean {
  const norm = (s: string) =>
    s
      .split(',')
      .map((x) => x.trim().toLowerCase())
      .filter(Boolean)
      .sort()
      .join(',');
  return (
    norm(prev.bootstrapServers) !== norm(next.bootstrapServers) ||
    prev.securityProtocol !== next.securityProtocol ||
    (prev.caPem ?? '') !== (next.caPem ?? '') ||
    (prev.tokenEndpointUrl ?? '').trim() !== (next.tokenEndpointUrl ?? '').trim()
  );
}

export async function createCluster(ctx: TeamContext, input: ClusterCreate) {
  const { settings, secrets } = split({
    protocol: input.securityProtocol,
    sasl: input.sasl ? saslFromInput(input.sasl) : undefined,
    tls: input.tls,
  });
  const id = randomUUID();
  const sealed = sealFor(
    ctx,
    { id, bootstrapServers: input.bootstrapServers, securityProtocol: input.securityProtocol, settings },
    secrets,
  );
  let row: ClusterRow | undefined;
  try {
    [row] = await ctx.db
      .insert(clusters)
      .values({
        id,
        teamId: ctx.teamId,
        name: input.name,
        bootstrapServers: input.bootstrapServers,
        securityProtocol: input.securityProtocol,
        settings: stored(settings, secrets),
        secrets: sealed as unknown as Record<string, string> | null,
      })
      .returning();
  } catch (e) {
    if (nameTaken(e))
      throw new ApiError('conflict', `a cluster named "${input.name}" already exists`, [
        { path: 'name', message: 'already used by another cluster of this team' },
      ]);
    throw e;
  }
  const view = clusterView(row as ClusterRow);
  await recordAudit(ctx, {
    action: 'cluster.create',
    targetType: 'cluster',
    targetId: view.id,
    targetName: view.name,
    after: view,
  });
  return view;
}

export async function updateCluster(ctx: TeamContext, id: string, input: ClusterUpdate) {
  const prevRow = await getClusterOrThrow(ctx, id);
  const before = clusterView(prevRow);
  const prevSettings = prevRow.settings as ClusterSettings;
  const protocol = input.securityProtocol ?? prevRow.securityProtocol;
  const bootstrapServers = input.bootstrapServers ?? prevRow.bootstrapServers;
  const caPem = input.tls ? input.tls.caPem || null : (prevSettings.tls?.caPem ?? null);
  const saslIn: EffectiveSasl | undefined = input.sasl ? saslFromInput(input.sasl) : prevSettings.sasl;
  const tokenUrl = (s?: ClusterSettings['sasl']) =>
    s?.mechanism === 'OAUTHBEARER' ? s.tokenEndpointUrl : null;
  const prevEndpoint = {
    bootstrapServers: prevRow.bootstrapServers,
    securityProtocol: prevRow.securityProtocol,
    caPem: prevSettings.tls?.caPem ?? null,
  };
  const nextEndpoint = { bootstrapServers, securityProtocol: protocol, caPem };
  // Brokers moved: no secret stays (a token, too, would go to the new brokers). Only the token endpoint
  // moved: the client secret does not stay; the password or TLS key of the unchanged brokers may.
  const brokersMoved = endpointChanged(prevEndpoint, nextEndpoint);
  const moved = endpointChanged(
    { ...prevEndpoint, tokenEndpointUrl: tokenUrl(prevSettings.sasl) },
    { ...nextEndpoint, tokenEndpointUrl: tokenUrl(saslIn) },
  );
  // Secrets stay only while the endpoint stays: a moved cluster gets exactly the secrets sent with the edit.
  const prevSecrets: ClusterSecrets = brokersMoved ? {} : clusterSecrets(prevRow, ctx.keyring);
  if (moved) delete prevSecrets.oauthClientSecret;
  if (protocol.startsWith('SASL_') && !saslIn)
    throw new ApiError('validation_failed', `sasl: required for ${protocol}`, [
      { path: 'sasl', message: `required for ${protocol}` },
    ]);
  const tlsIn = input.tls ?? prevSettings.tls;
  // A secret typed with the edit wins; otherwise the stored one of the same kind (an OAuth client secret
  // never becomes a password or the other way round).
  const sasl: EffectiveSasl | undefined = !saslIn
    ? undefined
    : saslIn.mechanism === 'OAUTHBEARER'
      ? {
          ...saslIn,
          clientSecret: (saslIn as { clientSecret?: string }).clientSecret ?? prevSecrets.oauthClientSecret,
        }
      : { ...saslIn, password: (saslIn as { password?: string }).password ?? prevSecrets.saslPassword };
  const { settings, secrets } = split({
    protocol,
    sasl,
    tls: tlsIn
      ? { caPem: tlsIn.caPem, certPem: tlsIn.certPem, keyPem: input.tls?.keyPem || prevSecrets.tlsKeyPem }
      : prevSecrets.tlsKeyPem
        ? { keyPem: prevSecrets.tlsKeyPem }
        : undefined,
  });
  if (protocol.startsWith('SASL_') && sasl?.mechanism === 'OAUTHBEARER' && !secrets.oauthClientSecret) {
    const message =
      moved && prevSettings.sasl?.mechanism === 'OAUTHBEARER'
        ? 'type the client secret again: the token endpoint, bootstrap servers, protocol or CA changed'
        : 'required';
    throw new ApiError('validation_failed', `sasl.clientSecret: ${message}`, [
      { path: 'sasl.clientSecret', message },
    ]);
  }
  if (protocol.startsWith('SASL_') && sasl?.mechanism !== 'OAUTHBEARER' && !secrets.saslPassword) {
    const message =
      brokersMoved && prevSettings.sasl && prevSettings.sasl.mechanism !== 'OAUTHBEARER'
        ? 'type the password again: the bootstrap servers, protocol or CA changed'
        : 'required';
    throw new ApiError('validation_failed', `sasl.password: ${message}`, [
      { path: 'sasl.password', message },
    ]);
  }
  if (brokersMoved && prevSettings.tls?.certPem && settings.tls?.certPem && !secrets.tlsKeyPem)
    throw new ApiError(
      'validation_failed',
      'tls.keyPem: paste the client key again: the bootstrap servers, protocol or CA changed',
      [{ path: 'tls.keyPem', message: 'paste the client key again: the endpoint changed' }],
    );
  const sealed = sealFor(ctx, { id, bootstrapServers, securityProtocol: protocol, settings }, secrets);
  let row: ClusterRow | undefined;
  try {
    [row] = await ctx.db
      .update(clusters)
      .set({
        name: input.name ?? prevRow.name,
        bootstrapServers,
        securityProtocol: protocol,
        settings: stored(settings, secrets),
        secrets: sealed as unknown as Record<string, string> | null,
        updatedAt: new Date(),
      })
      .where(and(eq(clusters.id, id), eq(clusters.teamId, ctx.teamId)))
      .returning();
  } catch (e) {
    if (nameTaken(e))
      throw new ApiError('conflict', `a cluster named "${input.name}" already exists`, [
        { path: 'name', message: 'already used by another cluster of this team' },
      ]);
    throw e;
  }
  const view = clusterView(row as ClusterRow);
  await recordAudit(ctx, {
    action: 'cluster.update',
    targetType: 'cluster',
    targetId: id,
    targetName: view.name,
    before,
    after: view,
  });
  return view;
}

/** Refused while a flow uses the cluster, naming the flow. */
export async function deleteCluster(ctx: TeamContext, id: string): Promise<void> {
  const row = await getClusterOrThrow(ctx, id);
  const users = await ctx.db
    .select({ name: flows.name })
    .from(flows)
    .where(
      and(eq(flows.teamId, ctx.teamId), or(eq(flows.sourceClusterId, id), eq(flows.targetClusterId, id))),
    );
  if (users.length > 0) {
    const names = users.map((f) => `"${f.name}"`).join(', ');
    throw new ApiError(
      'conflict',
      `cluster "${row.name}" is used by flow ${names}; delete or change that flow first`,
    );
  }
  await ctx.db.delete(clusters).where(and(eq(clusters.id, id), eq(clusters.teamId, ctx.teamId)));
  await recordAudit(ctx, {
    action: 'cluster.delete',
    targetType: 'cluster',
    targetId: id,
    targetName: row.name,
    before: clusterView(row),
  });
}
