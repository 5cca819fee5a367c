'use client';
import { defaultFlowConfig, type FlowConfig, type FlowView } from '@ferry/core';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
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
import { Input, NativeSelect } from '@/components/ui/input.tsx';
import { Field, Label } from '@/components/ui/label.tsx';
import { Switch } from '@/components/ui/switch.tsx';
import { api } from '@/lib/client-api.ts';

interface Preview {
  topics: { topic: string; remoteTopic: string }[];
  sourceTopicCount: number;
  issues: { path: string; message: string; severity: 'error' | 'warning' }[];
  problem: string | null;
}
const SWITCHES = [
  ['checkpoints', 'checkpointsIntervalSeconds', 'Emit checkpoints'],
  ['syncGroupOffsets', 'syncGroupOffsetsIntervalSeconds', 'Sync consumer-group offsets'],
  ['heartbeats', 'heartbeatsIntervalSeconds', 'Emit heartbeats'],
  ['syncTopicConfigs', 'syncTopicConfigsIntervalSeconds', 'Sync topic configs'],
  ['syncTopicAcls', 'syncTopicAclsIntervalSeconds', 'Sync topic ACLs'],
] as const;

const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

export function FlowForm({
  teamId,
  clusters,
  flow,
}: {
  teamId: string;
  clusters: { id: string; name: string }[];
  flow: FlowView | null;
}) {
  const router = useRouter();
  const [name, setName] = useState(flow?.name ?? '');
  const [source, setSource] = useState(flow?.sourceClusterId ?? clusters[0]?.id ?? '');
  const [target, setTarget] = useState(flow?.targetClusterId ?? clusters[1]?.id ?? '');
  const [c, setC] = useState<FlowConfig>(flow?.config ?? defaultFlowConfig());
  const [text, setText] = useState({
    topics: c.topics.join(', '),
    topicsExclude: c.topicsExclude.join(', '),
    groups: c.groups.join(', '),
    groupsExclude: c.groupsExclude.join(', '),
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [warnings, setWarnings] = useState<string[]>([]);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);

  const config = (): FlowConfig => ({
    ...c,
    topics: list(text.topics),
    topicsExclude: list(text.topicsExclude),
    groups: list(text.groups),
    groupsExclude: list(text.groupsExclude),
  });
  const set = <K extends keyof FlowConfig>(k: K, v: FlowConfig[K]) => setC({ ...c, [k]: v });
  const err = (k: string) => errors[k] ?? Object.entries(errors).find(([p]) => p.startsWith(`${k}.`))?.[1];

  async function runPreview() {
    setBusy(true);
    const r = await api<Preview>('POST', `/api/v1/teams/${teamId}/flows/preview`, {
      sourceClusterId: source,
      targetClusterId: target,
      config: config(),
    });
    setBusy(false);
    if (!r.ok) {
      setErrors(r.error.issues);
      setMessage(r.error.message);
      setPreview(null);
      return;
    }
    setErrors(
      Object.fromEntries(r.data.issues.filter((i) => i.severity === 'error').map((i) => [i.path, i.message])),
    );
    setWarnings(r.data.issues.filter((i) => i.severity === 'warning').map((i) => i.message));
    setMessage(null);
    setPreview(r.data);
  }

  async function save() {
    setBusy(true);
    const body = { name, sourceClusterId: source, targetClusterId: target, config: config() };
    const r = flow
      ? await api<{ flow: FlowView; warnings: { message: string }[] }>(
          'PATCH',
          `/api/v1/teams/${teamId}/flows/${flow.id}`,
          body,
        )
      : await api<{ flow: FlowView; warnings: { message: string }[] }>(
          'POST',
          `/api/v1/teams/${teamId}/flows`,
          body,
        );
    setBusy(false);
    if (!r.ok) {
      setErrors(r.error.issues);
      setMessage(r.error.message);
      return;
    }
    if (r.data.warnings.length > 0) {
      // Saved, but say what to look at before enabling it.
      setWarnings(r.data.warnings.map((w) => w.message));
      setSaved(r.data.flow.id);
      return;
    }
    router.push(`/flows/${r.data.flow.id}`);
    router.refresh();
  }

  return (
    <div className="grid gap-6">
      <Card>
        <CardHeader>
          <CardTitle>Route</CardTitle>
        </CardHeader>
        <CardContent className="grid gap-4 md:grid-cols-3">
          <Field id="name" label="Name" error={err('name')}>
            <Input
              id="name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              aria-invalid={Boolean(err('name'))}
              placeholder="east->west"
            />
          </Field>
          <Field id="source" label="Source cluster" error={err('sourceClusterId')}>
            <NativeSelect id="source" value={source} onChange={(e) => setSource(e.target.value)}>
              {clusters.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name}
                </option>
              ))}
            </NativeSelect>
          </Field>
          <Field id="target" label="Target cluster" error={err('targetClusterId')}>
            <NativeSelect id="target" value={target} onChange={(e) => setTarget(e.target.value)}>
              {clusters.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name}
                </option>
              ))}
            </NativeSelect>
          </Field>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Filters</CardTitle>
          <CardDescription>Comma-separated regular expressions matching whole names.</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4 md:grid-cols-2">
          {(['topics', 'topicsExclude', 'groups', 'groupsExclude'] as const).map((k) => (
            <Field
              key={k}
              id={k}
              label={
                {
                  topics: 'Topics',
                  topicsExclude: 'Exclude topics',
                  groups: 'Consumer groups',
                  groupsExclude: 'Exclude groups',
                }[k]
              }
              error={err(`config.${k}`)}
            >
              <Input
                id={k}
                value={text[k]}
                onChange={(e) => setText({ ...text, [k]: e.target.value })}
                aria-invalid={Boolean(err(`config.${k}`))}
                className="font-mono"
              />
            </Field>
          ))}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Options</CardTitle>
        </CardHeader>
        <CardContent className="grid gap-4 md:grid-cols-3">
          <Field id="policy" label="Replication policy" error={err('config.replicationPolicy')}>
            <NativeSelect
              id="policy"
              value={c.replicationPolicy}
              onChange={(e) => set('replicationPolicy', e.target.value as FlowConfig['replicationPolicy'])}
            >
              <option value="default">default (source.topic)</option>
              <option value="identity">identity (same name)</option>
            </NativeSelect>
          </Field>
          <Field id="separator" label="Separator" error={err('config.separator')}>
            <Input
              id="separator"
              value={c.separator}
              onChange={(e) => set('separator', e.target.value)}
              disabled={c.replicationPolicy === 'identity'}
            />
          </Field>
          <Field id="startPosition" label="Start position">
            <NativeSelect
              id="startPosition"
              value={c.startPosition}
              onChange={(e) => set('startPosition', e.target.value as FlowConfig['startPosition'])}
            >
              <option value="earliest">earliest</option>
              <option value="latest">latest</option>
            </NativeSelect>
          </Field>
          <Field
            id="gapPolicy"
            label="When source records are deleted before they are replicated"
            error={err('config.gapPolicy')}
            hint="retention, DeleteRecords or a re-created topic; the gap is always reported"
          >
            <NativeSelect
              id="gapPolicy"
              value={c.gapPolicy}
              onChange={(e) => set('gapPolicy', e.target.value as FlowConfig['gapPolicy'])}
            >
              <option value="continue">continue at the log start</option>
              <option value="halt">halt the partition</option>
            </NativeSelect>
          </Field>
          <Field id="tasksMax" label="Tasks (max)" error={err('config.tasksMax')}>
            <Input
              id="tasksMax"
              type="number"
              min={1}
              value={c.tasksMax}
              onChange={(e) => set('tasksMax', Number(e.target.value))}
            />
          </Field>
          <Field
            id="replicationFactor"
            label="Replication factor"
            error={err('config.replicationFactor')}
            hint="-1 = target broker default"
          >
            <Input
              id="replicationFactor"
              type="number"
              min={-1}
              value={c.replicationFactor}
              onChange={(e) => set('replicationFactor', Number(e.target.value))}
            />
          </Field>
          <div className="flex items-center gap-2 self-end pb-2">
            <Switch id="exactlyOnce" checked={c.exactlyOnce} onCheckedChange={(v) => set('exactlyOnce', v)} />
            <Label htmlFor="exactlyOnce">Exactly-once</Label>
          </div>
          {SWITCHES.map(([k, iv, label]) => (
            <div key={k} className="flex items-center gap-2">
              <Switch id={k} checked={c[k]} onCheckedChange={(v) => set(k, v)} />
              <Label htmlFor={k} className="min-w-40">
                {label}
              </Label>
              <Input
                aria-label={`${label} interval (seconds)`}
                type="number"
                min={1}
                className="w-24"
                value={c[iv]}
                disabled={!c[k]}
                onChange={(e) => set(iv, Number(e.target.value))}
              />
              <span className="text-xs text-muted-foreground">s</span>
            </div>
          ))}
        </CardContent>
      </Card>
      <div className="flex flex-wrap items-center gap-3">
        <Button variant="outline" onClick={runPreview} disabled={busy}>
          Preview topics
        </Button>
        <Button onClick={save} disabled={busy}>
          {flow ? 'Save flow' : 'Create flow'}
        </Button>
        {message ? (
          <p role="alert" className="text-sm text-destructive">
            {message}
          </p>
        ) : null}
      </div>
      {saved ? (
        <p role="status" className="text-sm">
          Saved with warnings.{' '}
          <a className="text-primary underline" href={`/flows/${saved}`}>
            Open the flow
          </a>
        </p>
      ) : null}
      {warnings.map((w) => (
        <p key={w} className="rounded-md bg-warning/20 p-3 text-sm">
          ⚠ {w}
        </p>
      ))}
      {preview ? (
        <Card data-testid="flow-preview">
          <CardHeader>
            <CardTitle>Preview</CardTitle>
            <CardDescription>
              {preview.problem ??
                `${preview.topics.length} of ${preview.sourceTopicCount} source topics match.`}
            </CardDescription>
          </CardHeader>
          <CardContent>
            {preview.topics.length ? (
              <Table>
                <thead>
                  <tr>
                    <th>Source topic</th>
                    <th>Remote topic on target</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.topics.map((t) => (
                    <tr key={t.topic}>
                      <td className="font-mono text-xs">{t.topic}</td>
                      <td className="font-mono text-xs">{t.remoteTopic}</td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            ) : (
              <Badge tone="warning">No source topic matches the filters</Badge>
            )}
          </CardContent>
        </Card>
      ) : null}
    </div>
  );
}
