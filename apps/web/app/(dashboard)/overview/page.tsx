import { firingAlerts, flowsOverview, listWorkers } from '@ferry/db';
import Link from 'next/link';
import { AutoRefresh } from '@/components/app/auto-refresh.tsx';
import { Sparkline } from '@/components/app/sparkline.tsx';
import { Button } from '@/components/ui/button.tsx';
import { Badge, Card, CardContent, CardHeader, CardTitle, EmptyState, Table } from '@/components/ui/card.tsx';
import { formatBytes, formatCount, formatDuration } from '@/lib/format.ts';
import { teamPage } from '@/lib/page-context.ts';

const TONE = {
  healthy: 'success',
  lagging: 'warning',
  degraded: 'warning',
  failed: 'danger',
  disabled: 'muted',
} as const;

/** The landing page: every flow's health, lag and throughput with sparklines, and the workers. */
export default async function OverviewPage() {
  const { ctx, can } = await teamPage('flows.read');
  const [flows, workers] = await Promise.all([flowsOverview(ctx), listWorkers(ctx)]);
  const alerts = await firingAlerts(
    ctx,
    flows.map((f) => f.id),
  );
  const alertsOf = (id: string) => alerts.filter((a) => a.flowId === id);
  const tally = new Map<string, number>();
  for (const f of flows) tally.set(f.health, (tally.get(f.health) ?? 0) + 1);
  const counts = [...tally];
  return (
    <div className="grid gap-6">
      <AutoRefresh everyMs={5000} />
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">Overview</h1>
        <p className="flex gap-2 text-sm" data-testid="health-counts">
          {counts.map(([h, n]) => (
            <Badge key={h} tone={TONE[h as keyof typeof TONE]}>
              {n} {h}
            </Badge>
          ))}
        </p>
      </div>
      <Card>
        <CardHeader>
          <CardTitle>Flows</CardTitle>
        </CardHeader>
        <CardContent>
          {flows.length === 0 ? (
            <EmptyState
              title="No flows yet"
              action={
                can('flows.write') ? (
                  <Button asChild>
                    <Link prefetch={false} href="/flows">
                      Go to flows
                    </Link>
                  </Button>
                ) : null
              }
            >
              A flow replicates topics from one cluster to another; its health, lag and throughput show here.
            </EmptyState>
          ) : (
            <Table data-testid="overview-flows">
              <thead>
                <tr>
                  <th>Flow</th>
                  <th>Health</th>
                  <th>Lag</th>
                  <th>Lag (15 min)</th>
                  <th>Throughput</th>
                  <th>Throughput (15 min)</th>
                  <th>Tasks</th>
                </tr>
              </thead>
              <tbody>
                {flows.map((f) => (
                  <tr key={f.id} data-flow={f.name}>
                    <td>
                      <Link
                        prefetch={false}
                        className="font-medium text-primary hover:underline"
                        href={`/flows/${f.id}`}
                      >
                        {f.name}
                      </Link>
                      <div className="font-mono text-xs text-muted-foreground">
                        {f.sourceClusterName} → {f.targetClusterName}
                      </div>
                    </td>
                    <td>
                      <Badge tone={TONE[f.health]} data-testid="flow-health">
                        {f.health}
                      </Badge>
                      <div className="mt-1 max-w-56 text-xs text-muted-foreground">{f.reason}</div>
                      {alertsOf(f.id).length ? (
                        <div
                          className="mt-1 text-xs font-medium text-destructive"
                          title={alertsOf(f.id)
                            .map((a) => a.message)
                            .join('\n')}
                        >
                          {alertsOf(f.id).length} alert{alertsOf(f.id).length > 1 ? 's' : ''} firing
                        </div>
                      ) : null}
                    </td>
                    <td className="whitespace-nowrap">
                      <div>{f.lagRecords === null ? '—' : `${formatCount(f.lagRecords)} records`}</div>
                      <div className="text-xs text-muted-foreground">
                        {formatDuration(f.lagSeconds === null ? null : f.lagSeconds * 1000)}
                      </div>
                    </td>
                    <td className="text-warning">
                      <Sparkline
                        points={f.sparkline.lagRecords}
                        label={`lag of ${f.name}, last 15 minutes`}
                      />
                    </td>
                    <td className="whitespace-nowrap">
                      <div>{formatCount(f.recordsPerSecond, ' rec/s')}</div>
                      <div className="text-xs text-muted-foreground">
                        {formatBytes(f.bytesPerSecond, '/s')}
                      </div>
                    </td>
                    <td className="text-primary">
                      <Sparkline
                        points={f.sparkline.recordsPerSecond}
                        label={`throughput of ${f.name}, last 15 minutes`}
                      />
                    </td>
                    <td>
                      {f.tasks.running}/{f.tasks.total}
                    </td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Workers</CardTitle>
        </CardHeader>
        <CardContent>
          {workers.length === 0 ? (
            <p className="text-sm text-muted-foreground">
              No worker has reported in the last 24 hours. Start one with npm start or apps/worker.
            </p>
          ) : (
            <Table data-testid="overview-workers">
              <thead>
                <tr>
                  <th>Worker</th>
                  <th>Liveness</th>
                  <th>Version</th>
                  <th>Tasks</th>
                  <th>Last heartbeat</th>
                  <th>Started</th>
                </tr>
              </thead>
              <tbody>
                {workers.map((w) => (
                  <tr key={w.id}>
                    <td className="font-mono text-xs">
                      {w.id}
                      <div className="text-muted-foreground">
                        {w.host} pid {w.pid}
                      </div>
                    </td>
                    <td>
                      <Badge tone={w.alive ? (w.state === 'draining' ? 'warning' : 'success') : 'danger'}>
                        {w.alive ? w.state : 'dead'}
                      </Badge>
                    </td>
                    <td className="font-mono text-xs">{w.version}</td>
                    <td>{w.tasks}</td>
                    <td className="text-xs">{w.lastHeartbeatAt.slice(11, 19)}</td>
                    <td className="text-xs">{w.startedAt.slice(0, 19).replace('T', ' ')}</td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </CardContent>
      </Card>
    </div>
  );
}
