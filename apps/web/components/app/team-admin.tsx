'use client';
import { ROLES } from '@ferry/core';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/ui/button.tsx';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card.tsx';
import { ConfirmDialog } from '@/components/ui/confirm-dialog.tsx';
import { Input, NativeSelect } from '@/components/ui/input.tsx';
import { Field } from '@/components/ui/label.tsx';
import { api, onSubmitForm } from '@/lib/client-api.ts';
import { setTeamCookie } from '@/lib/team-cookie.ts';

export function MemberRow({
  teamId,
  member,
  editable,
  self,
}: {
  teamId: string;
  member: { id: string; name: string; email: string; role: string };
  editable: boolean;
  self: boolean;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  return (
    <tr>
      <td>
        {member.name}
        {self ? ' (you)' : ''}
      </td>
      <td>{member.email}</td>
      <td>
        {editable ? (
          <NativeSelect
            aria-label={`Role of ${member.email}`}
            defaultValue={member.role}
            className="w-36"
            onChange={async (e) => {
              const r = await api('PATCH', `/api/v1/teams/${teamId}/members/${member.id}`, {
                role: e.target.value,
              });
              setError(r.ok ? null : r.error.message);
              router.refresh();
            }}
          >
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </NativeSelect>
        ) : (
          member.role
        )}
        {error ? (
          <p role="alert" className="text-xs text-destructive">
            {error}
          </p>
        ) : null}
      </td>
      {editable ? (
        <td>
          <ConfirmDialog
            trigger={
              <Button variant="ghost" size="sm">
                {self ? 'Leave' : 'Remove'}
              </Button>
            }
            title={self ? 'Leave the team?' : `Remove ${member.email}?`}
            description="They lose access to the team's clusters and flows."
            confirmLabel={self ? 'Leave' : 'Remove'}
            onConfirm={async () => {
              const r = await api('DELETE', `/api/v1/teams/${teamId}/members/${member.id}`);
              if (!r.ok) return r.error.message;
              router.refresh();
              return null;
            }}
          />
        </td>
      ) : null}
    </tr>
  );
}

export function InviteForm({ teamId }: { teamId: string }) {
  const router = useRouter();
  const [link, setLink] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  return (
    <form
      className="flex flex-wrap items-end gap-3"
      onSubmit={onSubmitForm(async (f) => {
        const r = await api<{ id: string; token: string }>('POST', `/api/v1/teams/${teamId}/invitations`, {
          email: String(f.get('email')),
          role: String(f.get('role')),
        });
        if (!r.ok) return setErrors(r.error.issues);
        setErrors({});
        setLink(`${window.location.origin}/invite/${r.data.token}`);
        router.refresh();
      })}
    >
      <Field id="invite-email" label="Email" error={errors.email}>
        <Input id="invite-email" name="email" type="email" className="w-64" />
      </Field>
      <Field id="invite-role" label="Role">
        <NativeSelect id="invite-role" name="role" defaultValue="viewer" className="w-36">
          {ROLES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </NativeSelect>
      </Field>
      <Button type="submit">Create invite link</Button>
      {link ? (
        <p className="w-full font-mono text-xs" data-testid="invite-link">
          {link}
        </p>
      ) : null}
    </form>
  );
}

export function CreateTeam() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  return (
    <Card>
      <CardHeader>
        <CardTitle>Create a team</CardTitle>
      </CardHeader>
      <CardContent>
        <form
          className="flex flex-wrap items-end gap-3"
          onSubmit={onSubmitForm(async (f) => {
            const r = await api<{ id: string }>('POST', '/api/v1/teams', { name: String(f.get('teamName')) });
            if (!r.ok) return setError(r.error.issues.name ?? r.error.message);
            setTeamCookie(r.data.id);
            router.push('/flows');
            router.refresh();
          })}
        >
          <Field id="teamName" label="New team name" error={error ?? undefined}>
            <Input id="teamName" name="teamName" className="w-64" />
          </Field>
          <Button type="submit" variant="outline">
            Create team
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}

export function RenameTeam({ teamId, name }: { teamId: string; name: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="flex flex-wrap items-end gap-3"
      onSubmit={onSubmitForm(async (f) => {
        const r = await api('PATCH', `/api/v1/teams/${teamId}`, { name: String(f.get('renameTeam')) });
        if (!r.ok) return setError(r.error.issues.name ?? r.error.message);
        setError(null);
        router.refresh();
      })}
    >
      <Field id="renameTeam" label="Team name" error={error ?? undefined}>
        <Input id="renameTeam" name="renameTeam" defaultValue={name} className="w-64" />
      </Field>
      <Button type="submit" variant="outline">
        Rename
      </Button>
    </form>
  );
}

export function CancelInvitation({ teamId, id, email }: { teamId: string; id: string; email: string }) {
  const router = useRouter();
  return (
    <ConfirmDialog
      trigger={
        <Button variant="ghost" size="sm">
          Cancel
        </Button>
      }
      title={`Cancel the invitation for ${email}?`}
      description="The link stops working."
      confirmLabel="Cancel invitation"
      onConfirm={async () => {
        const r = await api('DELETE', `/api/v1/teams/${teamId}/invitations/${id}`);
        if (!r.ok) return r.error.message;
        router.refresh();
        return null;
      }}
    />
  );
}
