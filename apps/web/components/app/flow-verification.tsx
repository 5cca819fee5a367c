'use client';
import type { VerificationView } from '@ferry/db';
import { useEffect, useId, useState } from 'react';
import { Button } from '@/components/ui/button.tsx';
import {
  Badge,
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
  Table,
} from '@/components/ui/card.tsx';
import { Input } from '@/components/ui/input.tsx';
import { api } from '@/lib/client-api.ts';

type Run = VerificationView & { notice?: string };

const TONE = {
  queued: 'muted',
  running: 'default',
  passed: 'success',
  failed: 'danger',
  error: 'warning',
} as const;

const n = (x: number) => x.toLocaleString('en');

/**
 * "Verify" on the flow page: asks a worker to compare the flow's source and target (verifyFlowRange) and shows
 * the latest run's result in words, polling while it is queued or running.
 */
export function FlowVerification({
  teamId,
  flowId,
  canVerify,
  latest,
}: {
  teamId: string;
  flowId: string;
  canVerify: boolean;
  latest: Run | null;
}) {
  const base = `/api/v1/teams/${teamId}/flows/${flowId}/verifications`;
  const [run, setRun] = useState<Run | null>(latest);
  const [records, setRecords] = useState('1000');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputId = useId();
  const pending = run?.state === 'queued' || run?.state === 'running';

  useEffect(() => {
    if (!run || !pending) return;
    const notice = run.notice;
    const t = setTimeout(async () => {
      const r = await api<Run>('GET', `${base}/${run.id}`);
      if (r.ok) setRun(notice && r.data.state === 'queued' ? { ...r.data, notice } : r.data);
      else setRun({ ...run }); // try again on the next tick
    }, 1500);
    return () => clearTimeout(t);
  }, [run, pending, base]);

  async function verify() {
    setBusy(true);
    setError(null);
    const r = await api<Run>('POST', base, { recordsPerPartition: Number(records) });
    setBusy(false);
    if (r.ok) setRun(r.data);
    else setError(r.error.issues.recordsPerPartition ?? r.error.message);
  }

  const report = run?.report;
  const differing = report?.partitions.filter((p) => p.missing + p.mismatched + p.extra > 0) ?? [];
  return (
    <Card data-testid="verification">
      <CardHeader>
        <div className="flex flex-wrap items-center justify-between gap-3">
          <div>
            <CardTitle>Verification</CardTitle>
            <CardDescription>
              Compares the last replicated records of every partition with the target (as{' '}
              <code>ferry verify --last N</code> does): count and digest of key, value, headers, timestamp and
              order, and the first differing record where they differ.
            </CardDescription>
          </div>
          {canVerify ? (
            <div className="flex items-center gap-2">
              <label htmlFor={inputId} className="text-xs text-muted-foreground">
                Records per partition
              </label>
              <Input
                id={inputId}
                className="w-28"
                inputMode="numeric"
                value={records}
                aria-invalid={error ? true : undefined}
                onChange={(e) => setRecords(e.target.value)}
              />
              <Button onClick={verify} disabled={busy || pending}>
                {pending ? 'Verifying…' : 'Verify'}
              </Button>
            </div>
          ) : null}
        </div>
        {error ? (
          <p role="alert" className="text-xs text-destructive">
            {error}
          </p>
        ) : null}
      </CardHeader>
      <CardContent className="grid gap-3">
        {!run ? (
          <p className="text-sm text-muted-foreground">
            Not verified yet.
            {canVerify ? ' Verify compares source and target without stopping replication.' : ''}
          </p>
        ) : (
          <>
            <div className="flex flex-wrap items-center gap-2 text-sm">
              <Badge tone={TONE[run.state]} data-testid="verification-state">
                {run.state}
              </Badge>
              <span data-testid="verification-summary">{run.summary}</span>
            </div>
            {run.notice && run.state === 'queued' ? (
              <p className="text-xs text-muted-foreground" data-testid="verification-notice">
                {run.notice}
              </p>
            ) : null}
            <p className="text-xs text-muted-foreground">
              Requested by {run.requestedBy} at {run.createdAt.slice(0, 19).replace('T', ' ')} UTC,{' '}
              {n(run.recordsPerPartition)} records per partition
              {report ? `; took ${(report.durationMs / 1000).toFixed(1)} s` : ''}.
            </p>
            {differing.length > 0 ? (
              <Table data-testid="verification-differences">
                <thead>
                  <tr>
                    <th>Topic</th>
                    <th>Partition</th>
                    <th>Compared</th>
                    <th>Missing</th>
                    <th>Different</th>
                    <th>Extra</th>
                    <th>First difference</th>
                  </tr>
                </thead>
                <tbody>
                  {differing.map((p) => (
                    <tr key={`${p.topic}/${p.partition}`}>
                      <td className="font-mono text-xs">{p.topic}</td>
                      <td>{p.partition}</td>
                      <td>{n(p.checked)}</td>
                      <td>{n(p.missing)}</td>
                      <td>{n(p.mismatched)}</td>
                      <td>{n(p.extra)}</td>
                      <td className="text-xs">
                        {p.firstDifference
                          ? `source offset ${p.firstDifference.sourceOffset}${
                              p.firstDifference.targetOffset !== undefined
                                ? `, target offset ${p.firstDifference.targetOffset}`
                                : ''
                            }: ${p.firstDifference.detail}`
                          : ''}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            ) : null}
          </>
        )}
      </CardContent>
    </Card>
  );
}
