import { can } from '@ferry/core';
import { listInvitations, listMembers } from '@ferry/db';
import {
  CancelInvitation,
  CreateTeam,
  InviteForm,
  MemberRow,
  RenameTeam,
} from '@/components/app/team-admin.tsx';
import { TeamWebhooksSection } from '@/components/app/team-webhooks-section.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle, Table } from '@/components/ui/card.tsx';
import { pageContext } from '@/lib/page-context.ts';

export default async function TeamPage() {
  const { team, ctx, user } = await pageContext();
  if (!team || !ctx)
    return (
      <div className="grid gap-6">
        <h1 className="text-2xl font-semibold">Team</h1>
        <p className="text-muted-foreground">
          You are not in a team yet. Create one, or open an invitation link someone sent you.
        </p>
        <CreateTeam />
      </div>
    );
  const owner = can(team.role, 'members.write');
  const [members, invitations] = await Promise.all([
    listMembers(ctx),
    owner ? listInvitations(ctx) : Promise.resolve([]),
  ]);
  return (
    <div className="grid gap-6">
      <div>
        <h1 className="text-2xl font-semibold">{team.name}</h1>
        <p className="text-sm text-muted-foreground">Your role: {team.role}</p>
      </div>
      {owner ? <RenameTeam teamId={team.id} name={team.name} /> : null}
      <Table>
        <thead>
          <tr>
            <th>Name</th>
            <th>Email</th>
            <th>Role</th>
            {owner ? <th aria-label="Actions" /> : null}
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <MemberRow key={m.id} teamId={team.id} member={m} editable={owner} self={m.userId === user.id} />
          ))}
        </tbody>
      </Table>
      {owner ? (
        <Card>
          <CardHeader>
            <CardTitle>Invite by link</CardTitle>
            <CardDescription>
              Send the link to the person; they sign in (or create an account with that email) and join with
              the role.
            </CardDescription>
          </CardHeader>
          <CardContent className="grid gap-4">
            <InviteForm teamId={team.id} />
            {invitations.length ? (
              <ul className="grid gap-1 text-sm">
                {invitations.map((i) => (
                  <li key={i.id} className="flex items-center gap-2 font-mono text-xs">
                    {i.email} · {i.role} · /invite/{i.id}
                    <CancelInvitation teamId={team.id} id={i.id} email={i.email} />
                  </li>
                ))}
              </ul>
            ) : null}
          </CardContent>
        </Card>
      ) : null}
      <CreateTeam />
      {can(team.role, 'webhooks.read') ? (
        <TeamWebhooksSection ctx={ctx} canWrite={can(team.role, 'webhooks.write')} />
      ) : null}
    </div>
  );
}
