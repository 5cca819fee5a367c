'use client';
import type { AlertRules } from '@ferry/core';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/ui/button.tsx';
import { Input } from '@/components/ui/input.tsx';
import { api } from '@/lib/client-api.ts';

const FIELDS: { key: 'lagRecordsMax' | 'lagSecondsMax' | 'checkpointAgeSecondsMax'; label: string }[] = [
  { key: 'lagRecordsMax', label: 'Lag over (records)' },
  { key: 'lagSecondsMax', label: 'Lag over (seconds)' },
  { key: 'checkpointAgeSecondsMax', label: 'Checkpoint older than (seconds)' },
];

/** The flow's alert thresholds: empty turns one off. Errors show next to the field. */
export function AlertRulesForm({
  teamId,
  flowId,
  rules,
  canEdit,
}: {
  teamId: string;
  flowId: string;
  rules: AlertRules;
  canEdit: boolean;
}) {
  const router = useRouter();
  const [values, setValues] = useState(() =>
    Object.fromEntries(FIELDS.map((f) => [f.key, rules[f.key] === null ? '' : String(rules[f.key])])),
  );
  const [onFailed, setOnFailed] = useState(rules.onFailed);
  const [issues, setIssues] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  return (
    <form
      className="grid gap-3"
      onSubmit={async (e) => {
        e.preventDefault();
        const body = {
          ...Object.fromEntries(
            FIELDS.map((f) => [f.key, values[f.key] === '' ? null : Number(values[f.key])]),
          ),
          onFailed,
        };
        const r = await api('PUT', `/api/v1/teams/${teamId}/flows/${flowId}/alert-rules`, body);
        if (!r.ok) {
          setIssues({
            ...r.error.issues,
            ...(Object.keys(r.error.issues).length ? {} : { _: r.error.message }),
          });
          setSaved(false);
        } else {
          setIssues({});
          setSaved(true);
          router.refresh();
        }
      }}
    >
      <div className="grid gap-3 sm:grid-cols-3">
        {FIELDS.map((f) => (
          <div key={f.key} className="grid gap-1 text-sm">
            <label htmlFor={`alert-${f.key}`}>{f.label}</label>
            <Input
              id={`alert-${f.key}`}
              name={f.key}
              inputMode="decimal"
              placeholder="off"
              disabled={!canEdit}
              value={values[f.key]}
              aria-invalid={issues[f.key] ? true : undefined}
              onChange={(e) => setValues((v) => ({ ...v, [f.key]: e.target.value }))}
            />
            {issues[f.key] ? <span className="text-xs text-destructive">{issues[f.key]}</span> : null}
          </div>
        ))}
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={onFailed}
          disabled={!canEdit}
          onChange={(e) => setOnFailed(e.target.checked)}
        />
        Alert when the flow fails
      </label>
      {canEdit ? (
        <div className="flex items-center gap-3">
          <Button type="submit" variant="outline">
            Save thresholds
          </Button>
          {saved ? <span className="text-sm text-muted-foreground">Saved.</span> : null}
          {issues._ ? <span className="text-sm text-destructive">{issues._}</span> : null}
        </div>
      ) : null}
    </form>
  );
}
