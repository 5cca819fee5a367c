'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/ui/button.tsx';
import { api } from '@/lib/client-api.ts';

/** "Sync offsets now": writes the exact translations into the idle target groups (flows.failover). */
export function GroupSync({
  teamId,
  flowId,
  disabled,
}: {
  teamId: string;
  flowId: string;
  disabled: boolean;
}) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <Button
        variant="outline"
        disabled={disabled || busy}
        title={disabled ? 'Your role cannot sync group offsets (flows.failover)' : undefined}
        onClick={async () => {
          setBusy(true);
          const r = await api<{ state: string; groups?: number; synced?: number; notice?: string }>(
            'POST',
            `/api/v1/teams/${teamId}/flows/${flowId}/groups/sync`,
          );
          setBusy(false);
          if (!r.ok) setMessage({ ok: false, text: r.error.message });
          else if (r.data.state === 'done')
            setMessage({
              ok: true,
              text: `Synced ${r.data.synced} of ${r.data.groups} group${r.data.groups === 1 ? '' : 's'} into the target (groups with active members there are left alone).`,
            });
          else setMessage({ ok: r.data.state !== 'failed', text: r.data.notice ?? r.data.state });
          router.refresh();
        }}
      >
        {busy ? 'Syncing…' : 'Sync offsets now'}
      </Button>
      {message ? (
        <span
          role="status"
          data-testid="group-sync-result"
          className={message.ok ? 'text-sm' : 'text-sm text-destructive'}
        >
          {message.text}
        </span>
      ) : null}
    </span>
  );
}
