'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/ui/button.tsx';
import { Input } from '@/components/ui/input.tsx';
import { api } from '@/lib/client-api.ts';

/** Add a webhook receiver (the secret is shown once) or remove one. */
export function WebhookForm({ teamId }: { teamId: string }) {
  const router = useRouter();
  const [url, setUrl] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  return (
    <form
      className="grid gap-2"
      onSubmit={async (e) => {
        e.preventDefault();
        const r = await api<{ secret: string }>('POST', `/api/v1/teams/${teamId}/webhooks`, { url });
        if (!r.ok) setError(r.error.issues.url ?? r.error.message);
        else {
          setError(null);
          setSecret(r.data.secret);
          setUrl('');
          router.refresh();
        }
      }}
    >
      <div className="grid gap-1 text-sm">
        <label htmlFor="webhook-url">Webhook URL</label>
        <div className="flex gap-2">
          <Input
            id="webhook-url"
            name="url"
            placeholder="https://alerts.example.com/ferry"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            aria-invalid={error ? true : undefined}
          />
          <Button type="submit">Add webhook</Button>
        </div>
      </div>
      {error ? (
        <p role="alert" className="text-sm text-destructive">
          {error}
        </p>
      ) : null}
      {secret ? (
        <p className="text-sm">
          Signing secret (shown once; verify <code>X-Ferry-Signature</code> with it):{' '}
          <code data-testid="webhook-secret" className="break-all rounded bg-muted px-1">
            {secret}
          </code>
        </p>
      ) : null}
    </form>
  );
}

export function DeleteWebhook({ teamId, id }: { teamId: string; id: string }) {
  const router = useRouter();
  return (
    <Button
      variant="ghost"
      size="sm"
      onClick={async () => {
        await api('DELETE', `/api/v1/teams/${teamId}/webhooks/${id}`);
        router.refresh();
      }}
    >
      Remove
    </Button>
  );
}
