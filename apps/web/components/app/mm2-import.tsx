'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/ui/button.tsx';
import { Badge, Card, CardContent, CardHeader, CardTitle, Table } from '@/components/ui/card.tsx';
import { Textarea } from '@/components/ui/input.tsx';
import { Field } from '@/components/ui/label.tsx';
import { api } from '@/lib/client-api.ts';

interface Preview {
  clusters: {
    name: string;
    bootstrapServers: string;
    securityProtocol: string;
    saslUsername: string | null;
    exists: boolean;
  }[];
  flows: {
    name: string;
    source: string;
    target: string;
    config: { topics: string[]; replicationPolicy: string };
  }[];
  unmapped: { key: string; reason: string }[];
}

export function Mm2Import({ teamId }: { teamId: string }) {
  const router = useRouter();
  const [text, setText] = useState('');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="grid gap-4">
      <Field
        id="properties"
        label="mm2.properties"
        error={error ?? undefined}
        hint="Paste the file, or choose it below."
      >
        <Textarea
          id="properties"
          className="min-h-64"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setPreview(null);
          }}
          placeholder={'clusters = east, west\neast.bootstrap.servers = ...\neast->west.enabled = true'}
        />
      </Field>
      <input
        type="file"
        accept=".properties,text/plain"
        aria-label="Upload mm2.properties"
        onChange={async (e) => {
          const f = e.target.files?.[0];
          if (f) {
            setText(await f.text());
            setPreview(null);
          }
        }}
      />
      <div className="flex gap-2">
        <Button
          variant="outline"
          onClick={async () => {
            const r = await api<Preview>('POST', `/api/v1/teams/${teamId}/mm2/preview`, { properties: text });
            if (!r.ok) return setError(r.error.message);
            setError(null);
            setPreview(r.data);
          }}
        >
          Preview
        </Button>
        {preview ? (
          <Button
            onClick={async () => {
              const r = await api<{ flows: { id: string }[] }>('POST', `/api/v1/teams/${teamId}/mm2/import`, {
                properties: text,
              });
              if (!r.ok) return setError(r.error.message);
              router.push('/flows');
              router.refresh();
            }}
          >
            Confirm import
          </Button>
        ) : null}
      </div>
      {preview ? (
        <div className="grid gap-4" data-testid="mm2-preview">
          <Card>
            <CardHeader>
              <CardTitle>Clusters</CardTitle>
            </CardHeader>
            <CardContent>
              <Table>
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Bootstrap</th>
                    <th>Security</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {preview.clusters.map((c) => (
                    <tr key={c.name}>
                      <td>{c.name}</td>
                      <td className="font-mono text-xs">{c.bootstrapServers}</td>
                      <td>
                        {c.securityProtocol}
                        {c.saslUsername ? ` (${c.saslUsername})` : ''}
                      </td>
                      <td>
                        {c.exists ? (
                          <Badge tone="muted">exists, reused</Badge>
                        ) : (
                          <Badge tone="success">new</Badge>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Flows</CardTitle>
            </CardHeader>
            <CardContent>
              <Table>
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Topics</th>
                    <th>Policy</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.flows.map((f) => (
                    <tr key={f.name}>
                      <td>{f.name}</td>
                      <td className="font-mono text-xs">{f.config.topics.join(', ')}</td>
                      <td>{f.config.replicationPolicy}</td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Not mapped ({preview.unmapped.length})</CardTitle>
            </CardHeader>
            <CardContent>
              {preview.unmapped.length === 0 ? (
                <p className="text-sm text-muted-foreground">Every key maps.</p>
              ) : (
                <ul className="grid gap-1 text-sm">
                  {preview.unmapped.map((u) => (
                    <li key={u.key}>
                      <code className="font-mono text-xs">{u.key}</code> — {u.reason}
                    </li>
                  ))}
                </ul>
              )}
            </CardContent>
          </Card>
        </div>
      ) : null}
    </div>
  );
}
