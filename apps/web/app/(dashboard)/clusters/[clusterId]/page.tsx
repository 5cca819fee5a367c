import { clusterView, getClusterOrThrow } from '@ferry/db';
import { notFound } from 'next/navigation';
import { ClusterActions } from '@/components/app/cluster-actions.tsx';
import { ClusterForm } from '@/components/app/cluster-form.tsx';
import { teamPage } from '@/lib/page-context.ts';

export default async function ClusterPage({ params }: { params: Promise<{ clusterId: string }> }) {
  const { clusterId } = await params;
  const { ctx, team, can } = await teamPage('clusters.read');
  const row = await getClusterOrThrow(ctx, clusterId).catch(() => null);
  if (!row) notFound();
  const cluster = clusterView(row);
  return (
    <div className="grid gap-6">
      <h1 className="text-2xl font-semibold">Cluster {cluster.name}</h1>
      <ClusterActions
        teamId={team.id}
        cluster={cluster}
        canTest={can('clusters.test')}
        canDelete={can('clusters.write')}
      />
      {can('clusters.write') ? (
        <ClusterForm teamId={team.id} cluster={cluster} />
      ) : (
        <dl className="grid grid-cols-[10rem_1fr] gap-2 text-sm">
          <dt className="text-muted-foreground">Bootstrap servers</dt>
          <dd className="font-mono">{cluster.bootstrapServers}</dd>
          <dt className="text-muted-foreground">Security</dt>
          <dd>
            {cluster.securityProtocol}
            {!cluster.sasl
              ? ''
              : cluster.sasl.mechanism === 'OAUTHBEARER'
                ? ` · OAUTHBEARER as client ${cluster.sasl.clientId} (tokens from ${cluster.sasl.tokenEndpointUrl})`
                : ` · ${cluster.sasl.mechanism} as ${cluster.sasl.username}`}
          </dd>
        </dl>
      )}
    </div>
  );
}
