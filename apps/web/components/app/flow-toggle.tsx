'use client';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { Switch } from '@/components/ui/switch.tsx';
import { api } from '@/lib/client-api.ts';

export function FlowToggle({
  teamId,
  flowId,
  name,
  enabled,
  disabled,
}: {
  teamId: string;
  flowId: string;
  name: string;
  enabled: boolean;
  disabled: boolean;
}) {
  const router = useRouter();
  const [on, setOn] = useState(enabled);
  // A refreshed page (another tab, the API, auto-refresh) brings the stored value: show it.
  useEffect(() => setOn(enabled), [enabled]);
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="inline-flex items-center gap-2">
      <Switch
        checked={on}
        disabled={disabled}
        aria-label={`${on ? 'Disable' : 'Enable'} flow ${name}`}
        title={disabled ? 'Your role cannot enable or disable flows' : undefined}
        onCheckedChange={async (v) => {
          setOn(v);
          const r = await api('PUT', `/api/v1/teams/${teamId}/flows/${flowId}/enabled`, { enabled: v });
          if (!r.ok) {
            setOn(!v);
            setError(r.error.message);
          } else {
            setError(null);
            router.refresh();
          }
        }}
      />
      <span className="text-xs text-muted-foreground">{on ? 'On' : 'Off'}</span>
      {error ? (
        <span role="alert" className="text-xs text-destructive">
          {error}
        </span>
      ) : null}
    </span>
  );
}
