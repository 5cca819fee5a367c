'use client';
import { useRouter } from 'next/navigation';
import { Button } from '@/components/ui/button.tsx';
import { ConfirmDialog } from '@/components/ui/confirm-dialog.tsx';
import { api } from '@/lib/client-api.ts';

export function FlowDelete({ teamId, flowId, name }: { teamId: string; flowId: string; name: string }) {
  const router = useRouter();
  return (
    <ConfirmDialog
      trigger={<Button variant="destructive">Delete</Button>}
      title={`Delete flow ${name}?`}
      description="Workers stop replicating it. Topics already replicated on the target stay."
      onConfirm={async () => {
        const r = await api('DELETE', `/api/v1/teams/${teamId}/flows/${flowId}`);
        if (!r.ok) return r.error.message;
        router.push('/flows');
        router.refresh();
        return null;
      }}
    />
  );
}
