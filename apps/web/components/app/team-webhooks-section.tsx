import { listDeliveries, listWebhooks, type TeamContext } from '@ferry/db';
import {
  Badge,
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
  Table,
} from '@/components/ui/card.tsx';
import { DeleteWebhook, WebhookForm } from './team-webhooks.tsx';

/** The team page's alert webhooks and their delivery log (admins). */
export async function TeamWebhooksSection({ ctx, canWrite }: { ctx: TeamContext; canWrite: boolean }) {
  const [hooks, deliveries] = await Promise.all([listWebhooks(ctx), listDeliveries(ctx, 50)]);
  return (
    <Card>
      <CardHeader>
        <CardTitle>Alert webhooks</CardTitle>
        <CardDescription>
          Alerts that fire or resolve on this team's flows are POSTed as JSON to each URL, signed with
          HMAC-SHA256 (X-Ferry-Signature), retried with back-off.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        {canWrite ? <WebhookForm teamId={ctx.teamId} /> : null}
        {hooks.length ? (
          <ul className="grid gap-1 text-sm" data-testid="webhooks">
            {hooks.map((h) => (
              <li key={h.id} className="flex items-center justify-between gap-2">
                <code className="break-all">{h.url}</code>
                {canWrite ? <DeleteWebhook teamId={ctx.teamId} id={h.id} /> : null}
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-muted-foreground">No webhook yet.</p>
        )}
        <div>
          <h3 className="mb-2 text-sm font-semibold">Delivery log</h3>
          {deliveries.length === 0 ? (
            <p className="text-sm text-muted-foreground">Nothing sent yet.</p>
          ) : (
            <Table data-testid="webhook-deliveries">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Event</th>
                  <th>URL</th>
                  <th>State</th>
                  <th>Attempts</th>
                  <th>Last answer</th>
                </tr>
              </thead>
              <tbody>
                {deliveries.map((d) => (
                  <tr key={d.id}>
                    <td className="text-xs">{d.createdAt.slice(0, 19).replace('T', ' ')}</td>
                    <td className="text-xs">
                      {String(d.event.type)} —{' '}
                      {String((d.event.alert as { message?: string })?.message ?? '')}
                    </td>
                    <td className="font-mono text-xs">{d.url}</td>
                    <td>
                      <Badge
                        tone={
                          d.state === 'delivered' ? 'success' : d.state === 'failed' ? 'danger' : 'warning'
                        }
                      >
                        {d.state}
                      </Badge>
                    </td>
                    <td>{d.attempts}</td>
                    <td className="text-xs">
                      {d.lastError ?? (d.lastStatus ? `HTTP ${d.lastStatus}` : '—')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </div>
      </CardContent>
    </Card>
  );
}
