'use client';
import { canGrant, ROLES, type Role } from '@ferry/core';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/ui/button.tsx';
import { Card, CardContent } from '@/components/ui/card.tsx';
import { ConfirmDialog } from '@/components/ui/confirm-dialog.tsx';
import { Input, NativeSelect } from '@/components/ui/input.tsx';
import { Field } from '@/components/ui/label.tsx';
import { api, onSubmitForm } from '@/lib/client-api.ts';

export function CreateToken({ teamId, role }: { teamId: string; role: Role }) {
  const router = useRouter();
  const [token, setToken] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  return (
    <Card>
      <CardContent className="grid gap-3 pt-5">
        <form
          className="flex flex-wrap items-end gap-3"
          onSubmit={onSubmitForm(async (f) => {
            const r = await api<{ token: string }>('POST', `/api/v1/teams/${teamId}/tokens`, {
              name: String(f.get('tokenName')),
              role: String(f.get('tokenRole')),
            });
            if (!r.ok) return setErrors({ ...r.error.issues, _: r.error.message });
            setErrors({});
            setToken(r.data.token);
            router.refresh();
          })}
        >
          <Field id="tokenName" label="Name" error={errors.name}>
            <Input id="tokenName" name="tokenName" className="w-56" placeholder="ci-deploy" />
          </Field>
          <Field id="tokenRole" label="Role">
            <NativeSelect id="tokenRole" name="tokenRole" defaultValue="viewer" className="w-36">
              {ROLES.filter((r) => canGrant(role, r)).map((r) => (
                <option key={r}>{r}</option>
              ))}
            </NativeSelect>
          </Field>
          <Button type="submit">Create token</Button>
        </form>
        {token ? (
          <div className="rounded-md bg-warning/20 p-3 text-sm">
            Copy it now — it will not be shown again:
            <code className="mt-1 block break-all font-mono text-xs" data-testid="new-token">
              {token}
            </code>
          </div>
        ) : null}
      </CardContent>
    </Card>
  );
}

export function RevokeToken({ teamId, id, name }: { teamId: string; id: string; name: string }) {
  const router = useRouter();
  return (
    <ConfirmDialog
      trigger={
        <Button variant="ghost" size="sm">
          Revoke
        </Button>
      }
      title={`Revoke token ${name}?`}
      description="Anything using it stops working immediately."
      confirmLabel="Revoke"
      onConfirm={async () => {
        const r = await api('DELETE', `/api/v1/teams/${teamId}/tokens/${id}`);
        if (!r.ok) return r.error.message;
        router.refresh();
        return null;
      }}
    />
  );
}
