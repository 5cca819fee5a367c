import { listApiTokens } from '@ferry/db';
import { CreateToken, RevokeToken } from '@/components/app/tokens.tsx';
import { Badge, EmptyState, Table } from '@/components/ui/card.tsx';
import { teamPage } from '@/lib/page-context.ts';

export default async function TokensPage() {
  const { ctx, team } = await teamPage('tokens.read');
  const tokens = await listApiTokens(ctx);
  return (
    <div className="grid gap-6">
      <h1 className="text-2xl font-semibold">API tokens</h1>
      <p className="text-sm text-muted-foreground">
        Tokens act for this team with a role. Send as{' '}
        <code className="font-mono">Authorization: Bearer fry_…</code>. The API is described at{' '}
        <a className="text-primary underline" href="/api/v1/openapi.json">
          /api/v1/openapi.json
        </a>
        .
      </p>
      <CreateToken teamId={team.id} role={team.role} />
      {tokens.length === 0 ? (
        <EmptyState title="No tokens">Create one for CI or scripts; it is shown once.</EmptyState>
      ) : (
        <Table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Role</th>
              <th>Prefix</th>
              <th>Last used</th>
              <th>State</th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td>{t.role}</td>
                <td className="font-mono text-xs">{t.prefix}…</td>
                <td className="text-xs">{t.lastUsedAt?.slice(0, 19).replace('T', ' ') ?? 'never'}</td>
                <td>
                  {t.revokedAt ? (
                    <Badge tone="muted">revoked</Badge>
                  ) : (
                    <RevokeToken teamId={team.id} id={t.id} name={t.name} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </div>
  );
}
