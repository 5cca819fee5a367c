'use client';
import { useState } from 'react';
import { Button } from '@/components/ui/button.tsx';
import { authClient } from './auth-client.ts';

/** Shown instead of "Accept" while the signed-in email is unverified (a mailer is configured). */
export function VerifyEmailFirst({ email, callbackURL }: { email: string; callbackURL: string }) {
  const [state, setState] = useState<'idle' | 'sent' | string>('idle');
  return (
    <div className="grid gap-2">
      <p>
        Verify <strong>{email}</strong> first: open the link in the mail Ferry sent when you created the
        account, then come back to this page.
      </p>
      <Button
        variant="outline"
        onClick={async () => {
          const r = await authClient.sendVerificationEmail({ email, callbackURL });
          setState(r.error ? (r.error.message ?? 'could not send the mail') : 'sent');
        }}
      >
        Send the link again
      </Button>
      {state === 'sent' ? <p role="status">Sent. Check your mailbox.</p> : null}
      {state !== 'idle' && state !== 'sent' ? (
        <p role="alert" className="text-sm text-destructive">
          {state}
        </p>
      ) : null}
    </div>
  );
}
