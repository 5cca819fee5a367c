import { clusterView, listClusters } from '@ferry/db';
import Link from 'next/link';
import { Button } from '@/components/ui/button.tsx';
import { Badge, EmptyState, Table } from '@/components/ui/card.tsx';
import { teamPage } from '@/lib/page-context.ts';

export default async function ClustersPage() {
  const { ctx, can } = await teamPage('clusters.read');
  const clusters = (await listClusters(ctx)).map(clusterView);
  return (
    <div className="grid gap-6">
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-semibold">Clusters</h1>
        {can('clusters.write') ? (
          <Button asChild>
            <Link prefetch={false} href="/clusters/new">
              Register cluster
            </Link>
          </Button>
        ) : null}
      </div>
      {clusters.length === 0 ? (
        <EmptyState
          title="No clusters yet"
          action={
            can('clusters.write') ? (
              <Button asChild>
                <Link prefetch={false} href="/clusters/new">
                  Register your first cluster
                </Link>
              </Button>
            ) : null
          }
        >
          Register the Kafka clusters you want to replicate between: bootstrap servers and security. Then
          create a flow from one to another.
        </EmptyState>
      ) : (
        <Table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Bootstrap servers</th>
              <th>Security</th>
            </tr>
          </thead>
          <tbody>
            {clusters.map((c) => (
              <tr key={c.id}>
                <td>
                  <Link
                    prefetch={false}
                    className="font-medium text-primary hover:underline"
                    href={`/clusters/${c.id}`}
                  >
                    {c.name}
                  </Link>
                </td>
                <td className="font-mono text-xs">{c.bootstrapServers}</td>
                <td>
                  <Badge tone="muted">{c.securityProtocol}</Badge>{' '}
                  {c.sasl ? <Badge tone="muted">{c.sasl.mechanism}</Badge> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </div>
  );
}
