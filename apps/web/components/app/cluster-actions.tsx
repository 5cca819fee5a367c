'use client';
import type { ClusterView, ConnectionReport } from '@ferry/core';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/ui/button.tsx';
import { Badge, Card, CardContent } from '@/components/ui/card.tsx';
import { ConfirmDialog } from '@/components/ui/confirm-dialog.tsx';
import { api } from '@/lib/client-api.ts';

export function ClusterActions({
  teamId,
  cluster,
  canTest,
  canDelete,
}: {
  teamId: string;
  cluster: ClusterView;
  canTest: boolean;
  canDelete: boolean;
}) {
  const router = useRouter();
  const [report, setReport] = useState<ConnectionReport | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <div className="grid gap-3">
      <div className="flex gap-2">
        {canTest ? (
          <Button
            variant="outline"
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              setReport(null);
              setFailure(null);
              const r = await api<ConnectionReport>(
                'POST',
                `/api/v1/teams/${teamId}/clusters/${cluster.id}/test`,
              );
              setBusy(false);
              if (r.ok) setReport(r.data);
              else setFailure(r.error.message);
            }}
          >
            {busy ? 'Testing…' : 'Test connection'}
          </Button>
        ) : null}
        {canDelete ? (
          <ConfirmDialog
            trigger={<Button variant="destructive">Delete</Button>}
            title={`Delete cluster ${cluster.name}?`}
            description="The cluster's settings and stored secrets are removed. Flows using it must be deleted first."
            onConfirm={async () => {
              const r = await api('DELETE', `/api/v1/teams/${teamId}/clusters/${cluster.id}`);
              if (!r.ok) return r.error.message;
              router.push('/clusters');
              router.refresh();
              return null;
            }}
          />
        ) : null}
      </div>
      {report ? <ConnectionReportCard report={report} /> : null}
      {failure ? (
        <p role="alert" className="text-sm text-destructive">
          The test did not run: {failure}
        </p>
      ) : null}
    </div>
  );
}

export function ConnectionReportCard({ report }: { report: ConnectionReport }) {
  return (
    <Card data-testid="connection-report">
      <CardContent className="grid gap-2 pt-5 text-sm">
        <div>
          {report.ok ? <Badge tone="success">Connected</Badge> : <Badge tone="danger">Problem</Badge>}{' '}
          <span className="text-muted-foreground">in {report.elapsedMs} ms</span>
        </div>
        {report.brokers.length ? (
          <div>Brokers: {report.brokers.map((b) => `${b.nodeId}@${b.host}:${b.port}`).join(', ')}</div>
        ) : null}
        {report.kafkaVersion ? <div>Version: {report.kafkaVersion}</div> : null}
        {report.topicCount !== null ? <div>Topics: {report.topicCount}</div> : null}
        {report.testedBy ? (
          <div className="text-muted-foreground">
            {report.note
              ? `Note: ${report.note}`
              : `Tested from ${report.testedBy === 'web' ? 'the web server' : `worker ${report.testedBy}`}`}
          </div>
        ) : null}
        {report.problems.map((p) => (
          <p key={p} role="alert" className="text-destructive">
            {p}
          </p>
        ))}
      </CardContent>
    </Card>
  );
}
