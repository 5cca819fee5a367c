'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/ui/button.tsx';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card.tsx';
import { Input } from '@/components/ui/input.tsx';
import { Field } from '@/components/ui/label.tsx';
import { onSubmitForm } from '@/lib/client-api.ts';
import { authClient } from './auth-client.ts';

export function ResetPasswordForm({ token }: { token: string | null }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(
    token ? null : 'This link is invalid, was used, or expired. Ask for a new one on the sign-in page.',
  );
  const [busy, setBusy] = useState(false);
  async function submit(form: FormData) {
    if (!token) return;
    setBusy(true);
    const r = await authClient.resetPassword({ newPassword: String(form.get('password')), token });
    setBusy(false);
    if (r.error) setError(r.error.message ?? 'Could not set the password');
    else router.push('/sign-in');
  }
  return (
    <Card className="w-full max-w-sm">
      <CardHeader>
        <CardTitle>Choose a new password</CardTitle>
      </CardHeader>
      <CardContent>
        <form onSubmit={onSubmitForm(submit)} className="grid gap-4">
          <Field id="password" label="New password">
            <Input
              id="password"
              name="password"
              type="password"
              autoComplete="new-password"
              minLength={8}
              required
            />
          </Field>
          {error ? (
            <p role="alert" className="text-sm text-destructive">
              {error}
            </p>
          ) : null}
          <Button type="submit" disabled={busy || !token}>
            Set password
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}
