import { listAudit } from '@ferry/db';
import { Button } from '@/components/ui/button.tsx';
import { EmptyState, Table } from '@/components/ui/card.tsx';
import { Input } from '@/components/ui/input.tsx';
import { teamPage } from '@/lib/page-context.ts';

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<{ action?: string; actor?: string; targetType?: string }>;
}) {
  const f = await searchParams;
  const { ctx } = await teamPage('audit.read');
  const entries = await listAudit(ctx, {
    action: f.action || undefined,
    actor: f.actor || undefined,
    targetType: f.targetType || undefined,
    limit: 200,
  });
  return (
    <div className="grid gap-6">
      <h1 className="text-2xl font-semibold">Audit log</h1>
      <form className="flex flex-wrap items-end gap-2">
        <Input
          name="action"
          placeholder="action, e.g. flow."
          defaultValue={f.action}
          className="w-48"
          aria-label="Filter by action"
        />
        <Input
          name="actor"
          placeholder="actor"
          defaultValue={f.actor}
          className="w-48"
          aria-label="Filter by actor"
        />
        <Input
          name="targetType"
          placeholder="target type (cluster, flow…)"
          defaultValue={f.targetType}
          className="w-56"
          aria-label="Filter by target type"
        />
        <Button type="submit" variant="outline">
          Filter
        </Button>
      </form>
      {entries.length === 0 ? (
        <EmptyState title="Nothing recorded yet">
          Every change to clusters, flows, members and tokens shows up here.
        </EmptyState>
      ) : (
        <Table>
          <thead>
            <tr>
              <th>Time</th>
              <th>Actor</th>
              <th>Action</th>
              <th>Target</th>
              <th>Change</th>
              <th>IP</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td className="whitespace-nowrap text-xs">{e.createdAt.replace('T', ' ').slice(0, 19)}</td>
                <td className="text-xs">{e.actorName}</td>
                <td className="font-mono text-xs">{e.action}</td>
                <td className="text-xs">
                  {e.targetType} {e.targetName}
                </td>
                <td className="max-w-xs">
                  <details className="text-xs">
                    <summary className="cursor-pointer text-muted-foreground">before/after</summary>
                    <pre className="overflow-x-auto whitespace-pre-wrap">
                      {JSON.stringify({ before: e.before, after: e.after }, null, 1)}
                    </pre>
                  </details>
                </td>
                <td className="text-xs">{e.ip ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </div>
  );
}
