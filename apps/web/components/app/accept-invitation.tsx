'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/ui/button.tsx';
import { api } from '@/lib/client-api.ts';
import { setTeamCookie } from '@/lib/team-cookie.ts';

export function AcceptInvitation({ token, teamId }: { token: string; teamId: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="grid gap-2">
      <Button
        onClick={async () => {
          const r = await api('POST', `/api/v1/invitations/${encodeURIComponent(token)}/accept`);
          if (!r.ok) return setError(r.error.message);
          setTeamCookie(teamId);
          router.push('/flows');
          router.refresh();
        }}
      >
        Accept and join
      </Button>
      {error ? (
        <p role="alert" className="text-sm text-destructive">
          {error}
        </p>
      ) : null}
    </div>
  );
}
