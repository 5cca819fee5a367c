'use client';
import { Ship } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/ui/button.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card.tsx';
import { Input } from '@/components/ui/input.tsx';
import { Field } from '@/components/ui/label.tsx';
import { onSubmitForm } from '@/lib/client-api.ts';
import { authClient } from './auth-client.ts';

export function SignInForm({
  next,
  sso,
  initialError,
  canResetPassword = false,
}: {
  next: string;
  sso: { name: string } | null;
  initialError: string | null;
  canResetPassword?: boolean;
}) {
  const router = useRouter();
  const [mode, setMode] = useState<'sign-in' | 'sign-up' | 'forgot'>('sign-in');
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(initialError);
  const [busy, setBusy] = useState(false);

  async function signInWithSso() {
    setBusy(true);
    setError(null);
    const r = await authClient.signIn.social({
      provider: 'oidc',
      callbackURL: next,
      errorCallbackURL: `/sign-in?next=${encodeURIComponent(next)}`,
    });
    // On success the browser is on its way to the identity provider.
    if (r.error) {
      setBusy(false);
      setError(
        r.error.status === 429
          ? 'Too many attempts; wait a minute and try again.'
          : 'Single sign-on is not available.',
      );
    }
  }

  async function submit(form: FormData) {
    setBusy(true);
    setError(null);
    const email = String(form.get('email'));
    if (mode === 'forgot') {
      const r = await authClient.requestPasswordReset({ email, redirectTo: '/reset-password' });
      setBusy(false);
      if (r.error)
        setError(
          r.error.status === 429
            ? 'Too many attempts; wait a minute and try again.'
            : 'Could not send the link.',
        );
      else setNotice('If an account with a password has this address, a link to reset it is on its way.');
      return;
    }
    const password = String(form.get('password'));
    const r =
      mode === 'sign-in'
        ? await authClient.signIn.email({ email, password })
        : await authClient.signUp.email({
            email,
            password,
            name: String(form.get('name') || email.split('@')[0]),
            // Where the email verification link (if a mailer is configured) leads back to.
            callbackURL: next,
          });
    setBusy(false);
    if (r.error)
      setError(
        r.error.status === 429
          ? 'Too many attempts; wait a minute and try again.'
          : (r.error.message ?? 'Sign-in failed'),
      );
    else {
      router.push(next);
      router.refresh();
    }
  }

  return (
    <Card className="w-full max-w-sm">
      <CardHeader>
        <div className="mb-2 flex items-center gap-2 text-2xl font-bold tracking-tight">
          <Ship className="h-7 w-7 text-primary" aria-hidden />
          Ferry
        </div>
        <CardTitle>
          {mode === 'sign-in' ? 'Sign in' : mode === 'forgot' ? 'Reset your password' : 'Create an account'}
        </CardTitle>
        <CardDescription>
          {mode === 'sign-in'
            ? 'Kafka replication control plane'
            : mode === 'forgot'
              ? 'We mail a link to choose a new password.'
              : 'The first account of a new install administers it; after that, sign-up needs an invitation.'}
        </CardDescription>
      </CardHeader>
      <CardContent>
        {sso && mode === 'sign-in' ? (
          <div className="mb-4 grid gap-2">
            <Button type="button" variant="outline" disabled={busy} onClick={signInWithSso}>
              Sign in with {sso.name}
            </Button>
            <p className="text-center text-xs text-muted-foreground">or with email and password</p>
          </div>
        ) : null}
        <form onSubmit={onSubmitForm(submit)} className="grid gap-4">
          {mode === 'sign-up' ? (
            <Field id="name" label="Name">
              <Input id="name" name="name" autoComplete="name" />
            </Field>
          ) : null}
          <Field id="email" label="Email">
            <Input id="email" name="email" type="email" autoComplete="email" required />
          </Field>
          {mode === 'forgot' ? null : (
            <Field id="password" label="Password">
              <Input
                id="password"
                name="password"
                type="password"
                autoComplete={mode === 'sign-in' ? 'current-password' : 'new-password'}
                minLength={8}
                required
              />
            </Field>
          )}
          {notice ? <p role="status">{notice}</p> : null}
          {error ? (
            <p role="alert" className="text-sm text-destructive">
              {error}
            </p>
          ) : null}
          <Button type="submit" disabled={busy}>
            {mode === 'sign-in' ? 'Sign in' : mode === 'forgot' ? 'Mail me a link' : 'Create account'}
          </Button>
          <Button
            type="button"
            variant="link"
            onClick={() => {
              setNotice(null);
              setMode(mode === 'sign-in' ? 'sign-up' : 'sign-in');
            }}
          >
            {mode === 'sign-in' ? 'No account yet? Create one' : 'Have an account? Sign in'}
          </Button>
          {canResetPassword && mode === 'sign-in' ? (
            <Button type="button" variant="link" onClick={() => setMode('forgot')}>
              Forgot your password?
            </Button>
          ) : null}
        </form>
      </CardContent>
    </Card>
  );
}
