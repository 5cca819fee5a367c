import { listClusters, listFlows } from '@ferry/db';
import Link from 'next/link';
import { FlowToggle } from '@/components/app/flow-toggle.tsx';
import { Button } from '@/components/ui/button.tsx';
import { EmptyState, Table } from '@/components/ui/card.tsx';
import { teamPage } from '@/lib/page-context.ts';

export default async function FlowsPage() {
  const { ctx, team, can } = await teamPage('flows.read');
  const [flows, clusters] = await Promise.all([listFlows(ctx), listClusters(ctx)]);
  return (
    <div className="grid gap-6">
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-semibold">Flows</h1>
        {can('flows.write') && clusters.length >= 2 ? (
          <Button asChild>
            <Link prefetch={false} href="/flows/new">
              New flow
            </Link>
          </Button>
        ) : null}
      </div>
      {flows.length === 0 ? (
        <EmptyState
          title="No flows yet"
          action={
            can('flows.write') ? (
              clusters.length < 2 ? (
                <Button asChild>
                  <Link prefetch={false} href="/clusters/new">
                    Register a cluster
                  </Link>
                </Button>
              ) : (
                <Button asChild>
                  <Link prefetch={false} href="/flows/new">
                    Create your first flow
                  </Link>
                </Button>
              )
            ) : null
          }
        >
          {clusters.length < 2
            ? 'A flow replicates topics from one cluster to another. Register at least two clusters first, or import an mm2.properties.'
            : 'Create a flow A→B: pick the source and target, filter topics, preview, then enable it.'}
        </EmptyState>
      ) : (
        <Table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Route</th>
              <th>Status</th>
              <th>Enabled</th>
            </tr>
          </thead>
          <tbody>
            {flows.map((f) => (
              <tr key={f.id}>
                <td>
                  <Link
                    prefetch={false}
                    className="font-medium text-primary hover:underline"
                    href={`/flows/${f.id}`}
                  >
                    {f.name}
                  </Link>
                </td>
                <td className="font-mono text-xs">
                  {f.sourceClusterName} → {f.targetClusterName}
                </td>
                <td className="text-muted-foreground">{f.statusText}</td>
                <td>
                  <FlowToggle
                    teamId={team.id}
                    flowId={f.id}
                    name={f.name}
                    enabled={f.enabled}
                    disabled={!can('flows.toggle')}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </div>
  );
}
