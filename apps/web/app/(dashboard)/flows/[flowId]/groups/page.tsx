import { getFlow, listFlowGroups } from '@ferry/db';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AutoRefresh } from '@/components/app/auto-refresh.tsx';
import { GroupSync } from '@/components/app/group-sync.tsx';
import {
  Badge,
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
  EmptyState,
  Table,
} from '@/components/ui/card.tsx';
import { formatDuration, formatExact } from '@/lib/format.ts';
import { teamPage } from '@/lib/page-context.ts';

/** Consumer groups of a flow: offsets on both sides, checkpoint age and latency, and failover readiness. */
export default async function FlowGroupsPage({ params }: { params: Promise<{ flowId: string }> }) {
  const { flowId } = await params;
  const { ctx, team, can } = await teamPage('flows.read');
  const flow = await getFlow(ctx, flowId).catch(() => null);
  if (!flow) notFound();
  const groups = await listFlowGroups(ctx, flow.id);
  return (
    <div className="grid gap-6">
      <AutoRefresh everyMs={5000} />
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">Consumer groups of {flow.name}</h1>
          <p className="font-mono text-sm text-muted-foreground">
            <Link prefetch={false} className="text-primary hover:underline" href={`/flows/${flow.id}`}>
              {flow.sourceClusterName} → {flow.targetClusterName}
            </Link>{' '}
            · checkpoints{' '}
            {flow.config.checkpoints ? `every ${flow.config.checkpointsIntervalSeconds}s` : 'off'}
          </p>
        </div>
        <GroupSync teamId={team.id} flowId={flow.id} disabled={!can('flows.failover') || !flow.enabled} />
      </div>
      {groups.length === 0 ? (
        <EmptyState title="No consumer groups checkpointed yet">
          Groups matching the flow's group filters ({flow.config.groups.join(', ')}) appear here after they
          commit offsets on {flow.sourceClusterName} and the next checkpoint round runs.
        </EmptyState>
      ) : null}
      {groups.map(({ readiness: r, partitions }) => (
        <Card key={r.group} data-testid="group-card" data-group={r.group}>
          <CardHeader>
            <CardTitle className="flex flex-wrap items-center gap-2">
              <span className="font-mono">{r.group}</span>
              <Badge
                tone={r.ready ? 'success' : r.unknownPartitions ? 'danger' : 'warning'}
                data-testid="group-ready"
              >
                {r.ready ? 'ready for failover' : 'not ready'}
              </Badge>
            </CardTitle>
            <CardDescription data-testid="group-summary">{r.summary}</CardDescription>
          </CardHeader>
          <CardContent className="grid gap-4">
            <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-5" data-testid="group-readiness">
              <div>
                <dt className="text-muted-foreground">Exact translations</dt>
                <dd data-testid="readiness-exact">
                  {r.exactPartitions} of {r.partitions}
                </dd>
              </div>
              <div>
                <dt className="text-muted-foreground">Re-read after switching</dt>
                <dd data-testid="readiness-reread">
                  {r.unknownPartitions
                    ? `${formatExact(r.reReadRecords)} + unknown`
                    : formatExact(r.reReadRecords)}{' '}
                  records
                </dd>
              </div>
              <div>
                <dt className="text-muted-foreground">Not yet replicated</dt>
                <dd data-testid="readiness-behind">
                  {formatExact(r.notReplicatedRecords)} records ·{' '}
                  {formatDuration(r.notReplicatedSeconds * 1000)}
                </dd>
              </div>
              <div>
                <dt className="text-muted-foreground">Last checkpoint</dt>
                <dd>
                  {r.checkpointAgeSeconds === null
                    ? '—'
                    : `${formatDuration(r.checkpointAgeSeconds * 1000)} ago`}
                </dd>
              </div>
              <div>
                <dt className="text-muted-foreground">Checkpoint latency</dt>
                <dd>{formatDuration(r.checkpointLatencyMsAvg)}</dd>
              </div>
            </dl>
            <div className="overflow-x-auto">
              <Table data-testid="group-partitions">
                <thead>
                  <tr>
                    <th>Topic</th>
                    <th>Partition</th>
                    <th>Committed on {flow.sourceClusterName}</th>
                    <th>Translated on {flow.targetClusterName}</th>
                    <th>Exact</th>
                    <th>Re-read</th>
                    <th>Not replicated</th>
                    <th>Checkpoint age</th>
                    <th>Latency</th>
                  </tr>
                </thead>
                <tbody>
                  {partitions.map((p) => (
                    <tr key={`${p.topic}/${p.partition}`}>
                      <td className="font-mono text-xs">{p.topic}</td>
                      <td>{p.partition}</td>
                      <td>{formatExact(p.sourceOffset)}</td>
                      <td>
                        {formatExact(p.targetOffset)}
                        <div className="font-mono text-xs text-muted-foreground">{p.remoteTopic}</div>
                      </td>
                      <td>
                        {p.exact ? (
                          'exact'
                        ) : (
                          <span className="text-destructive" title={p.reason ?? ''}>
                            no — {p.reason}
                          </span>
                        )}
                      </td>
                      <td>{p.reReadRecords === null ? 'unknown' : formatExact(p.reReadRecords)}</td>
                      <td>{formatExact(p.lagRecords)}</td>
                      <td>
                        {p.checkpointAgeSeconds === null
                          ? '—'
                          : formatDuration(p.checkpointAgeSeconds * 1000)}
                      </td>
                      <td>{formatDuration(p.checkpointLatencyMs)}</td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            </div>
          </CardContent>
        </Card>
      ))}
    </div>
  );
}
