import {
  getAlertRulesOf,
  getFlow,
  getFlowMetrics,
  listAlerts,
  listFlowTasks,
  listGaps,
  listVerifications,
  pageFlowPartitions,
  type TeamContext,
} from '@ferry/db';
import { headers } from 'next/headers';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AutoRefresh } from '@/components/app/auto-refresh.tsx';
import { AlertRulesForm } from '@/components/app/flow-alerts.tsx';
import { FlowDelete } from '@/components/app/flow-delete.tsx';
import { FlowGaps } from '@/components/app/flow-gaps.tsx';
import { FlowObservability, type ObservabilityInitial } from '@/components/app/flow-observability.tsx';
import { FlowToggle } from '@/components/app/flow-toggle.tsx';
import { FlowVerification } from '@/components/app/flow-verification.tsx';
import { HydrateLater } from '@/components/app/hydrate-later.tsx';
import { Button } from '@/components/ui/button.tsx';
import { Card, CardContent, CardHeader, CardTitle, Table } from '@/components/ui/card.tsx';
import { teamPage } from '@/lib/page-context.ts';
import { DEFAULT_QUERY, PAGE_SIZE } from '@/lib/partition-window.ts';

/**
 * The charts' and the grid's head start on a full page load: the grid's first page (100 of the 10,000 rows,
 * never all of them) and the 15-minute flow series go into the HTML, so the rows show at first paint and the
 * charts draw right after hydration, without waiting for their API calls. A client-side navigation or
 * AutoRefresh's router.refresh() (an RSC fetch, Sec-Fetch-Dest: empty) gets none: the mounted component keeps
 * its state and polls the API itself, and the refresh every 10 s does not run these queries again.
 *
 * Rendered inline, not streamed in a Suspense boundary: React (19.2+) reveals a boundary that streams in after
 * the shell's first frame no sooner than 300 ms after that frame, which put half of the flow page's first
 * renders 200–300 ms behind the other half (docs/benchmarks.md, run 9). The queries run beside the page's
 * own (a failure only costs the head start: the component then loads both itself).
 */
async function observabilityInitial(
  ctx: TeamContext,
  flowId: string,
): Promise<ObservabilityInitial | undefined> {
  if ((await headers()).get('sec-fetch-dest') === 'empty') return undefined;
  const [metrics, partitions] = await Promise.all([
    getFlowMetrics(ctx, flowId, { range: '15m' }).catch(() => null),
    pageFlowPartitions(ctx, flowId, {
      sort: DEFAULT_QUERY.sort,
      dir: DEFAULT_QUERY.dir,
      offset: 0,
      limit: PAGE_SIZE,
    }).catch(() => null),
  ]);
  return { metrics, partitions };
}

export default async function FlowPage({ params }: { params: Promise<{ flowId: string }> }) {
  const { flowId } = await params;
  const { ctx, team, can } = await teamPage('flows.read');
  const flow = await getFlow(ctx, flowId).catch(() => null);
  if (!flow) notFound();
  // A flow of 10,000 partitions must not be rendered into the page, only the grid's first page.
  const [initial, tasks, [latestVerification], rules, alerts, gaps] = await Promise.all([
    observabilityInitial(ctx, flow.id),
    listFlowTasks(ctx, flow.id),
    listVerifications(ctx, flow.id, 1),
    getAlertRulesOf(ctx, flow.id),
    listAlerts(ctx, { flowId: flow.id, limit: 10 }),
    listGaps(ctx, flow.id, flow.sourceClusterName, 10),
  ]);
  const firing = alerts.filter((a) => a.state === 'firing');
  const c = flow.config;
  const rows: [string, string][] = [
    ['Topics', c.topics.join(', ')],
    ['Topics excluded', c.topicsExclude.join(', ') || '—'],
    ['Groups', c.groups.join(', ')],
    ['Groups excluded', c.groupsExclude.join(', ') || '—'],
    [
      'Replication policy',
      c.replicationPolicy === 'default'
        ? `default (${flow.sourceClusterName}${c.separator}<topic>)`
        : 'identity (same names)',
    ],
    ['Checkpoints', c.checkpoints ? `every ${c.checkpointsIntervalSeconds}s` : 'off'],
    ['Group offset sync', c.syncGroupOffsets ? `every ${c.syncGroupOffsetsIntervalSeconds}s` : 'off'],
    ['Heartbeats', c.heartbeats ? `every ${c.heartbeatsIntervalSeconds}s` : 'off'],
    ['Topic config sync', c.syncTopicConfigs ? `every ${c.syncTopicConfigsIntervalSeconds}s` : 'off'],
    ['ACL sync', c.syncTopicAcls ? `every ${c.syncTopicAclsIntervalSeconds}s` : 'off'],
    ['Tasks', String(c.tasksMax)],
    ['Replication factor', c.replicationFactor === -1 ? 'broker default' : String(c.replicationFactor)],
    ['Start position', c.startPosition],
    ['Exactly-once', c.exactlyOnce ? 'yes' : 'no'],
    ['Gap policy', c.gapPolicy === 'halt' ? 'halt the partition' : 'continue at the log start'],
  ];
  return (
    <div className="grid gap-6">
      <AutoRefresh everyMs={10_000} />
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">{flow.name}</h1>
          <p className="font-mono text-sm text-muted-foreground">
            {flow.sourceClusterName} → {flow.targetClusterName}
          </p>
        </div>
        <HydrateLater>
          <div className="flex flex-wrap items-center gap-2">
            <FlowToggle
              teamId={team.id}
              flowId={flow.id}
              name={flow.name}
              enabled={flow.enabled}
              disabled={!can('flows.toggle')}
            />
            <Button variant="outline" asChild>
              <Link prefetch={false} href={`/flows/${flow.id}/groups`}>
                Consumer groups
              </Link>
            </Button>
            <Button variant="outline" asChild>
              <a href={`/api/v1/teams/${team.id}/flows/${flow.id}/mm2`}>Export mm2.properties</a>
            </Button>
            {can('flows.write') ? (
              <>
                <Button variant="outline" asChild>
                  <Link prefetch={false} href={`/flows/${flow.id}/edit`}>
                    Edit
                  </Link>
                </Button>
                <FlowDelete teamId={team.id} flowId={flow.id} name={flow.name} />
              </>
            ) : null}
          </div>
        </HydrateLater>
      </div>
      <HydrateLater>
        <Card>
          <CardHeader>
            <CardTitle>Status</CardTitle>
          </CardHeader>
          <CardContent>
            <p data-testid="flow-status">{flow.statusText}</p>
            {tasks.length ? (
              <Table className="mt-3">
                <thead>
                  <tr>
                    <th>Task</th>
                    <th>State</th>
                    <th>Worker</th>
                    <th>Partitions</th>
                    <th>Last error</th>
                    <th>Updated</th>
                  </tr>
                </thead>
                <tbody>
                  {tasks.map((t) => (
                    <tr key={t.taskIndex}>
                      <td>{t.taskIndex}</td>
                      <td>{t.state}</td>
                      <td className="font-mono text-xs">{t.workerId ?? '—'}</td>
                      <td>{t.partitions}</td>
                      <td className="text-xs text-destructive">{t.lastError ?? ''}</td>
                      <td className="text-xs">{t.updatedAt.slice(0, 19).replace('T', ' ')}</td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            ) : null}
          </CardContent>
        </Card>
        {firing.length ? (
          <div
            role="alert"
            data-testid="flow-alerts-firing"
            className="rounded-lg border border-destructive/40 bg-destructive/10 p-4 text-sm"
          >
            <p className="font-semibold">Alert{firing.length > 1 ? 's' : ''} firing</p>
            <ul className="mt-1 list-disc pl-5">
              {firing.map((a) => (
                <li key={a.id}>
                  {a.message}{' '}
                  <span className="text-xs text-muted-foreground">since {a.firedAt.slice(11, 19)}</span>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        <FlowGaps gaps={gaps} gapPolicy={c.gapPolicy} />
      </HydrateLater>
      {/* Outside every boundary: hydrated and drawn in the page's first pass, the rest after it. */}
      <FlowObservability teamId={team.id} flowId={flow.id} initial={initial} />
      <HydrateLater>
        <Card>
          <CardHeader>
            <CardTitle>Alerts</CardTitle>
          </CardHeader>
          <CardContent className="grid gap-4">
            <AlertRulesForm teamId={team.id} flowId={flow.id} rules={rules} canEdit={can('flows.write')} />
            {alerts.length ? (
              <Table data-testid="flow-alerts">
                <thead>
                  <tr>
                    <th>Alert</th>
                    <th>State</th>
                    <th>Fired</th>
                    <th>Resolved</th>
                  </tr>
                </thead>
                <tbody>
                  {alerts.map((a) => (
                    <tr key={a.id}>
                      <td>{a.message}</td>
                      <td>{a.state}</td>
                      <td className="text-xs">{a.firedAt.slice(0, 19).replace('T', ' ')}</td>
                      <td className="text-xs">{a.resolvedAt?.slice(0, 19).replace('T', ' ') ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            ) : null}
          </CardContent>
        </Card>
        <FlowVerification
          teamId={team.id}
          flowId={flow.id}
          canVerify={can('flows.verify')}
          latest={latestVerification ?? null}
        />
        <Card>
          <CardHeader>
            <CardTitle>Configuration</CardTitle>
          </CardHeader>
          <CardContent>
            <dl className="grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-[12rem_1fr]">
              {rows.map(([k, v]) => (
                <div key={k} className="contents">
                  <dt className="text-muted-foreground">{k}</dt>
                  <dd className="font-mono text-xs">{v}</dd>
                </div>
              ))}
            </dl>
          </CardContent>
        </Card>
      </HydrateLater>
    </div>
  );
}
