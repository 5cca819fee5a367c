'use client';
import { type ClusterView, type ConnectionReport, SASL_MECHANISMS, SECURITY_PROTOCOLS } from '@ferry/core';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/ui/button.tsx';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card.tsx';
import { Input, NativeSelect, Textarea } from '@/components/ui/input.tsx';
import { Field } from '@/components/ui/label.tsx';
import { api, onSubmitForm } from '@/lib/client-api.ts';
import { ConnectionReportCard } from './cluster-actions.tsx';

export function ClusterForm({ teamId, cluster }: { teamId: string; cluster: ClusterView | null }) {
  const router = useRouter();
  const [protocol, setProtocol] = useState<string>(cluster?.securityProtocol ?? 'PLAINTEXT');
  const [mechanism, setMechanism] = useState<string>(cluster?.sasl?.mechanism ?? 'SCRAM-SHA-512');
  const stored = cluster?.sasl;
  const storedOAuth = stored?.mechanism === 'OAUTHBEARER' ? stored : null;
  const storedUser = stored && stored.mechanism !== 'OAUTHBEARER' ? stored : null;
  const oauth = mechanism === 'OAUTHBEARER';
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<ConnectionReport | null>(null);
  const sasl = protocol.startsWith('SASL_');
  const tls = protocol === 'SSL' || protocol === 'SASL_SSL';

  async function submit(form: FormData, submitter: HTMLElement | null) {
    const intent = submitter?.getAttribute('value') === 'test' ? 'test' : 'save';
    const s = (k: string) => String(form.get(k) ?? '').trim();
    const body: Record<string, unknown> = {
      name: s('name'),
      bootstrapServers: s('bootstrapServers'),
      securityProtocol: protocol,
    };
    if (sasl)
      body.sasl = oauth
        ? {
            mechanism,
            tokenEndpointUrl: s('oauthTokenEndpointUrl'),
            clientId: s('oauthClientId'),
            ...(s('oauthScope') ? { scope: s('oauthScope') } : {}),
            ...(s('oauthClientSecret') ? { clientSecret: s('oauthClientSecret') } : {}),
          }
        : {
            mechanism,
            username: s('saslUsername'),
            ...(s('saslPassword') ? { password: s('saslPassword') } : {}),
          };
    if (tls)
      body.tls = {
        ...(s('caPem') ? { caPem: s('caPem') } : {}),
        ...(s('certPem') ? { certPem: s('certPem') } : {}),
        ...(s('keyPem') ? { keyPem: s('keyPem') } : {}),
      };
    setBusy(true);
    if (intent === 'test') {
      setReport(null);
      const t = await api<ConnectionReport>('POST', `/api/v1/teams/${teamId}/clusters/test-draft`, body);
      setBusy(false);
      if (t.ok) {
        setErrors({});
        setMessage(null);
        setReport(t.data);
      } else {
        setErrors(t.error.issues);
        setMessage(t.error.message);
      }
      return;
    }
    const r = cluster
      ? await api<ClusterView>('PATCH', `/api/v1/teams/${teamId}/clusters/${cluster.id}`, body)
      : await api<ClusterView>('POST', `/api/v1/teams/${teamId}/clusters`, body);
    setBusy(false);
    if (!r.ok) {
      setErrors(r.error.issues);
      setMessage(r.error.message);
      return;
    }
    setErrors({});
    setMessage(null);
    router.push(`/clusters/${r.data.id}`);
    router.refresh();
  }

  const err = (k: string) => errors[k];
  return (
    <Card>
      <CardHeader>
        <CardTitle>{cluster ? 'Edit' : 'Connection'}</CardTitle>
      </CardHeader>
      <CardContent>
        <form onSubmit={onSubmitForm(submit)} className="grid gap-4 md:grid-cols-2" noValidate>
          <Field
            id="name"
            label="Name (topic prefix alias)"
            error={err('name')}
            hint="e.g. east — remote topics become east.<topic>"
          >
            <Input id="name" name="name" defaultValue={cluster?.name} aria-invalid={Boolean(err('name'))} />
          </Field>
          <Field
            id="bootstrapServers"
            label="Bootstrap servers"
            error={err('bootstrapServers')}
            hint="host:port, comma-separated"
          >
            <Input
              id="bootstrapServers"
              name="bootstrapServers"
              defaultValue={cluster?.bootstrapServers}
              aria-invalid={Boolean(err('bootstrapServers'))}
            />
          </Field>
          <Field id="securityProtocol" label="Security protocol" error={err('securityProtocol')}>
            <NativeSelect
              id="securityProtocol"
              value={protocol}
              onChange={(e) => setProtocol(e.target.value)}
            >
              {SECURITY_PROTOCOLS.map((p) => (
                <option key={p}>{p}</option>
              ))}
            </NativeSelect>
          </Field>
          {sasl ? (
            <>
              <Field id="saslMechanism" label="SASL mechanism" error={err('sasl.mechanism') ?? err('sasl')}>
                <NativeSelect
                  id="saslMechanism"
                  name="saslMechanism"
                  value={mechanism}
                  onChange={(e) => setMechanism(e.target.value)}
                >
                  {SASL_MECHANISMS.map((m) => (
                    <option key={m}>{m}</option>
                  ))}
                </NativeSelect>
              </Field>
              {oauth ? (
                <>
                  <Field
                    id="oauthTokenEndpointUrl"
                    label="Token endpoint URL"
                    error={err('sasl.tokenEndpointUrl')}
                    hint="OAuth 2.0 client-credentials grant, e.g. https://idp.example.com/oauth2/token"
                  >
                    <Input
                      id="oauthTokenEndpointUrl"
                      name="oauthTokenEndpointUrl"
                      type="url"
                      defaultValue={storedOAuth?.tokenEndpointUrl}
                      aria-invalid={Boolean(err('sasl.tokenEndpointUrl'))}
                      autoComplete="off"
                    />
                  </Field>
                  <Field id="oauthClientId" label="Client id" error={err('sasl.clientId')}>
                    <Input
                      id="oauthClientId"
                      name="oauthClientId"
                      defaultValue={storedOAuth?.clientId}
                      aria-invalid={Boolean(err('sasl.clientId'))}
                      autoComplete="off"
                    />
                  </Field>
                  <Field
                    id="oauthClientSecret"
                    label="Client secret"
                    error={err('sasl.clientSecret')}
                    hint={
                      storedOAuth?.hasClientSecret
                        ? 'A secret is stored (encrypted). Leave empty to keep it — unless you change the token endpoint.'
                        : 'Stored encrypted, never shown again.'
                    }
                  >
                    <Input
                      id="oauthClientSecret"
                      name="oauthClientSecret"
                      type="password"
                      autoComplete="new-password"
                      aria-invalid={Boolean(err('sasl.clientSecret'))}
                    />
                  </Field>
                  <Field
                    id="oauthScope"
                    label="Scope (optional)"
                    error={err('sasl.scope')}
                    hint="space-separated, as the identity provider names them"
                  >
                    <Input
                      id="oauthScope"
                      name="oauthScope"
                      defaultValue={storedOAuth?.scope ?? ''}
                      aria-invalid={Boolean(err('sasl.scope'))}
                      autoComplete="off"
                    />
                  </Field>
                </>
              ) : (
                <>
                  <Field id="saslUsername" label="SASL username" error={err('sasl.username')}>
                    <Input
                      id="saslUsername"
                      name="saslUsername"
                      defaultValue={storedUser?.username}
                      aria-invalid={Boolean(err('sasl.username'))}
                      autoComplete="off"
                    />
                  </Field>
                  <Field
                    id="saslPassword"
                    label="SASL password"
                    error={err('sasl.password')}
                    hint={
                      storedUser?.hasPassword
                        ? 'A password is stored (encrypted). Leave empty to keep it.'
                        : 'Stored encrypted, never shown again.'
                    }
                  >
                    <Input
                      id="saslPassword"
                      name="saslPassword"
                      type="password"
                      autoComplete="new-password"
                      aria-invalid={Boolean(err('sasl.password'))}
                    />
                  </Field>
                </>
              )}
            </>
          ) : null}
          {tls ? (
            <>
              <Field id="caPem" label="CA certificate (PEM)" error={err('tls.caPem')}>
                <Textarea
                  id="caPem"
                  name="caPem"
                  defaultValue={cluster?.tls?.caPem ?? ''}
                  placeholder="-----BEGIN CERTIFICATE-----"
                />
              </Field>
              <Field id="certPem" label="Client certificate (PEM, optional)" error={err('tls.certPem')}>
                <Textarea id="certPem" name="certPem" defaultValue={cluster?.tls?.certPem ?? ''} />
              </Field>
              <Field
                id="keyPem"
                label="Client key (PEM, optional)"
                error={err('tls.keyPem')}
                hint={
                  cluster?.tls?.hasKey
                    ? 'A key is stored (encrypted). Leave empty to keep it.'
                    : 'Stored encrypted, never shown again.'
                }
              >
                <Textarea id="keyPem" name="keyPem" placeholder="-----BEGIN PRIVATE KEY-----" />
              </Field>
            </>
          ) : null}
          <div className="flex items-center gap-3 md:col-span-2">
            <Button type="submit" value="save" disabled={busy}>
              {cluster ? 'Save changes' : 'Register cluster'}
            </Button>
            {cluster ? null : (
              <Button type="submit" value="test" variant="outline" disabled={busy}>
                Test before saving
              </Button>
            )}
            {message ? (
              <p role="alert" className="text-sm text-destructive">
                {message}
              </p>
            ) : null}
          </div>
        </form>
        {report ? (
          <div className="mt-4">
            <ConnectionReportCard report={report} />
          </div>
        ) : null}
      </CardContent>
    </Card>
  );
}
