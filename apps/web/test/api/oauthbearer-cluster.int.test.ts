import { clusterSecrets, schema } from '@ferry/db';
import { startDedicatedBroker, waitFor } from '@ferry/testkit';
import { type OAuthServer, startOAuthServer, tokenValidation } from '@ferry/testkit/oauth-server';
import { WorkerFleet, workerEntry } from '@ferry/testkit/worker-fleet';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveWorkers } from '@/lib/control-jobs.ts';
import { db } from '@/lib/db.ts';
import { env } from '@/lib/env.ts';
import { call, secretsFound } from '../helpers.ts';
import { flowConfig, type TeamFixture, TLS_KEY, teamFixture, unique } from './fixtures.ts';

/**
 * An OAUTHBEARER cluster through the web API, against real parts: a real OAuth server (oidc-provider,
 * client_credentials, JWT access tokens) and a dedicated Kafka broker whose OAUTH listener validates those
 * tokens against the server's JWKS. Register, test (draft and stored), edit, export — and the client secret
 * appears in no response, log line, audit entry or clear-text column.
 */
let A: TeamFixture;
let oauth: OAuthServer;
let broker: Awaited<ReturnType<typeof startDedicatedBroker>>;
let fleet: WorkerFleet | undefined;
const WRONG = 'wrong-client-secret-4711';
const base = () => `/api/v1/teams/${A.id}`;
const row = async (id: string) =>
  (await db().select().from(schema.clusters).where(eq(schema.clusters.id, id)))[0]!;

beforeAll(async () => {
  [A, oauth] = await Promise.all([teamFixture('oauth'), startOAuthServer()]);
  broker = await startDedicatedBroker(
    {
      name: 'oauthweb',
      security: 'PLAINTEXT',
      oauthbearer: tokenValidation(oauth),
    },
    { onProgress: (m) => process.stderr.write(`oauth broker: ${m}\n`) },
  );
}, 180_000);

afterAll(async () => {
  await fleet?.stopAll();
  await broker?.stop();
  await oauth?.close();
});

const cluster = (over: Record<string, unknown> = {}, sasl: Record<string, unknown> = {}) => ({
  name: unique('idp'),
  bootstrapServers: broker.cluster.oauthbearer!.bootstrap,
  securityProtocol: 'SASL_PLAINTEXT',
  sasl: {
    mechanism: 'OAUTHBEARER',
    tokenEndpointUrl: oauth.tokenEndpointUrl,
    clientId: oauth.clientId,
    clientSecret: oauth.clientSecret,
    scope: oauth.scope,
    ...sasl,
  },
  ...over,
});

describe('OAUTHBEARER clusters in the control plane', () => {
  it.each([
    [
      'no token endpoint',
      { tokenEndpointUrl: undefined },
      'sasl.tokenEndpointUrl',
      /required for OAUTHBEARER/,
    ],
    ['a file: token endpoint', { tokenEndpointUrl: 'file:///etc/passwd' }, 'sasl.tokenEndpointUrl', /http/],
    ['no client secret', { clientSecret: undefined }, 'sasl.clientSecret', /required/],
    ['a username', { username: 'ferry' }, 'sasl.username', /not used with OAUTHBEARER/],
    [
      'a cloud-metadata token endpoint',
      { tokenEndpointUrl: 'http://169.254.169.254/latest/meta-data/iam/security-credentials' },
      'sasl.tokenEndpointUrl',
      /link-local or cloud-metadata address/,
    ],
  ])('400 naming the field for %s; nothing stored', async (_, sasl, path, message) => {
    const before = (await db().select().from(schema.clusters).where(eq(schema.clusters.teamId, A.id))).length;
    const r = await call('POST', `${base()}/clusters`, A.people.admin, cluster({}, sasl));
    expect(r.status, r.text).toBe(400);
    const issue = r.json.error.issues.find((i: { path: string }) => i.path === path);
    expect(issue?.message, r.text).toMatch(message);
    expect((await db().select().from(schema.clusters).where(eq(schema.clusters.teamId, A.id))).length).toBe(
      before,
    );
  });

  it('the Test button on the form (test-draft): connects with a token from the endpoint', async () => {
    const r = await call('POST', `${base()}/clusters/test-draft`, A.people.admin, cluster());
    expect(r.status, r.text).toBe(200);
    expect(r.json.ok, r.text).toBe(true);
    expect(r.json.brokers).toHaveLength(1);
    expect(r.json.brokers[0].port).toBe(Number(broker.cluster.oauthbearer!.bootstrap.split(':')[1]));
  });

  it("test-draft with a wrong client secret: not ok, the identity provider's refusal in words", async () => {
    const r = await call(
      'POST',
      `${base()}/clusters/test-draft`,
      A.people.admin,
      cluster({}, { clientSecret: WRONG }),
    );
    expect(r.status, r.text).toBe(200);
    expect(r.json.ok).toBe(false);
    expect(r.json.problems.join(' ')).toMatch(
      /No OAuth token: token endpoint .* answered 401: invalid_client/,
    );
    expect(r.text).not.toContain(WRONG);
  });

  it('registers it: the view has the endpoint and client, never the secret; the secret is sealed', async () => {
    const r = await call('POST', `${base()}/clusters`, A.people.admin, cluster());
    expect(r.status, r.text).toBe(201);
    expect(r.json.sasl).toEqual({
      mechanism: 'OAUTHBEARER',
      tokenEndpointUrl: oauth.tokenEndpointUrl,
      clientId: oauth.clientId,
      scope: oauth.scope,
      hasClientSecret: true,
    });
    const stored = await row(r.json.id);
    expect(JSON.stringify(stored.settings)).not.toContain(oauth.clientSecret);
    expect(stored.secrets).toMatchObject({ v: 2 });
    expect(JSON.stringify(stored.secrets)).not.toContain(oauth.clientSecret);

    const t = await call('POST', `${base()}/clusters/${r.json.id}/test`, A.people.operator);
    expect(t.status, t.text).toBe(200);
    expect(t.json.ok, t.text).toBe(true);
    expect(t.json.kafkaVersion).toMatch(/^Kafka /);
  });

  it('credentials follow the endpoint: a new token endpoint without the secret is refused and changes nothing', async () => {
    const c = await call('POST', `${base()}/clusters`, A.people.admin, cluster());
    expect(c.status, c.text).toBe(201);
    const before = await row(c.json.id);
    const port = new URL(oauth.tokenEndpointUrl).port;
    const { clientSecret: _, ...noSecret } = cluster().sasl;
    const moved = await call('PATCH', `${base()}/clusters/${c.json.id}`, A.people.admin, {
      sasl: { ...noSecret, tokenEndpointUrl: `http://localhost:${port}/token` },
    });
    expect(moved.status, moved.text).toBe(400);
    expect(moved.json.error.issues[0]).toEqual({
      path: 'sasl.clientSecret',
      message: 'type the client secret again: the token endpoint, bootstrap servers, protocol or CA changed',
    });
    expect(await row(c.json.id)).toEqual(before);

    // the same endpoint: the stored secret stays (scope edited), and the test still logs in
    const kept = await call('PATCH', `${base()}/clusters/${c.json.id}`, A.people.admin, {
      sasl: { ...noSecret, scope: 'kafka' },
    });
    expect(kept.status, kept.text).toBe(200);
    expect(kept.json.sasl.hasClientSecret).toBe(true);
    const t = await call('POST', `${base()}/clusters/${c.json.id}/test`, A.people.operator);
    expect(t.json.ok, t.text).toBe(true);

    // the new endpoint with the secret typed again: saved, sealed to the new endpoint, and it logs in
    const retyped = await call('PATCH', `${base()}/clusters/${c.json.id}`, A.people.admin, {
      sasl: {
        ...noSecret,
        tokenEndpointUrl: `http://localhost:${port}/token`,
        clientSecret: oauth.clientSecret,
      },
    });
    expect(retyped.status, retyped.text).toBe(200);
    expect(retyped.json.sasl.tokenEndpointUrl).toBe(`http://localhost:${port}/token`);
    const t2 = await call('POST', `${base()}/clusters/${c.json.id}/test`, A.people.operator);
    expect(t2.json.ok, t2.text).toBe(true);

    // a renamed cluster keeps everything
    const renamed = await call('PATCH', `${base()}/clusters/${c.json.id}`, A.people.admin, {
      name: unique('renamed'),
    });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.json.sasl.hasClientSecret).toBe(true);
  });

  it('a new token endpoint drops only the client secret: the TLS key of the unchanged brokers stays', async () => {
    const c = await call('POST', `${base()}/clusters`, A.people.admin, {
      ...cluster({ securityProtocol: 'SASL_SSL', bootstrapServers: '127.0.0.1:29142' }),
      tls: { keyPem: TLS_KEY },
    });
    expect(c.status, c.text).toBe(201);
    const { clientSecret: _, ...noSecret } = cluster().sasl;
    const r = await call('PATCH', `${base()}/clusters/${c.json.id}`, A.people.admin, {
      sasl: {
        ...noSecret,
        tokenEndpointUrl: 'https://idp.example.com/token',
        clientSecret: 'the-new-secret',
      },
    });
    expect(r.status, r.text).toBe(200);
    expect(clusterSecrets(await row(c.json.id), env().keyring)).toEqual({
      oauthClientSecret: 'the-new-secret',
      tlsKeyPem: TLS_KEY,
    });
    // and switching a SCRAM cluster to OAUTHBEARER asks for the secret as "required", not "again"
    const sw = await call('PATCH', `${base()}/clusters/${A.auth}`, A.people.admin, { sasl: noSecret });
    expect(sw.status, sw.text).toBe(400);
    expect(sw.json.error.issues[0]).toEqual({ path: 'sasl.clientSecret', message: 'required' });
  });

  it('a stored cluster with a wrong secret: the stored test fails with a clear sentence', async () => {
    const c = await call('POST', `${base()}/clusters`, A.people.admin, cluster({}, { clientSecret: WRONG }));
    expect(c.status, c.text).toBe(201);
    const t = await call('POST', `${base()}/clusters/${c.json.id}/test`, A.people.operator);
    expect(t.status, t.text).toBe(200);
    expect(t.json.ok).toBe(false);
    expect(t.json.problems.join(' ')).toMatch(
      /^No OAuth token: .*answered 401: invalid_client.*Check the token endpoint URL, the client id, secret and scope\.$/,
    );
  });

  it('mm2 export writes the OAUTHBEARER keys with a placeholder; importing that file maps the cluster back', async () => {
    const src = await call('POST', `${base()}/clusters`, A.people.admin, cluster({ name: unique('exp') }));
    const f = await call('POST', `${base()}/flows`, A.people.admin, {
      name: unique('oauth-flow'),
      sourceClusterId: src.json.id,
      targetClusterId: A.west,
      enabled: false,
      config: flowConfig(['orders']),
    });
    expect(f.status, f.text).toBe(201);
    const e = await call('GET', `${base()}/flows/${f.json.flow.id}/mm2`, A.people.viewer);
    expect(e.status, e.text).toBe(200);
    const name = src.json.name;
    expect(e.text).toContain(`${name}.sasl.mechanism = OAUTHBEARER`);
    expect(e.text).toContain(`${name}.sasl.oauthbearer.token.endpoint.url = ${oauth.tokenEndpointUrl}`);
    expect(e.text).toContain(`clientId="${oauth.clientId}" clientSecret="<client secret>" scope="kafka"`);
    expect(e.text).not.toContain(oauth.clientSecret);

    // into a fresh team: the file (secret filled in) creates the OAUTHBEARER cluster, nothing unmapped
    const B = await teamFixture('oauth-import');
    const text = e.text
      .replaceAll(`${name}`, 'idp')
      .replace('<client secret>', oauth.clientSecret)
      .replace(/^west\.bootstrap\.servers = .*$/m, 'west.bootstrap.servers = 127.0.0.1:29102');
    const imp = await call('POST', `/api/v1/teams/${B.id}/mm2/import`, B.people.admin, { properties: text });
    expect(imp.status, imp.text).toBe(201);
    expect(imp.json.unmapped).toEqual([]);
    const made = imp.json.clusters.find((c: { name: string }) => c.name === 'idp');
    expect(made.sasl).toMatchObject({
      mechanism: 'OAUTHBEARER',
      clientId: oauth.clientId,
      hasClientSecret: true,
    });
    const t = await call('POST', `/api/v1/teams/${B.id}/clusters/${made.id}/test`, B.people.operator);
    expect(t.json.ok, t.text).toBe(true);
  });

  it('the Test button with a worker running: the worker opens the secret with its own key and logs in', async () => {
    const c = await call('POST', `${base()}/clusters`, A.people.admin, cluster());
    expect(c.status, c.text).toBe(201);
    const [current] = env().keyring;
    fleet = new WorkerFleet(workerEntry(), {
      ...process.env,
      DATABASE_URL: env().databaseUrl,
      REDIS_URL: env().redisUrl,
      FERRY_REDIS_PREFIX: env().redisPrefix,
      FERRY_SECRET_KEY: current!.key.toString('base64'),
      FERRY_SECRET_KEY_ID: current!.id,
    });
    await fleet.start('w1');
    let workerId = '';
    await waitFor(
      async () => {
        [workerId = ''] = await liveWorkers();
        return workerId !== '';
      },
      { timeoutMs: 30_000, what: 'the worker in the presence set' },
    );
    const t = await call('POST', `${base()}/clusters/${c.json.id}/test`, A.people.operator);
    expect(t.status, t.text).toBe(200);
    expect(t.json.ok, t.text).toBe(true);
    expect(t.json.testedBy).toBe(workerId);
    expect(fleet.lines.some((l) => JSON.stringify(l.line).includes(oauth.clientSecret))).toBe(false);
  });

  it('the client secret is in no response, log line or audit entry', async () => {
    expect(secretsFound([oauth.clientSecret, WRONG])).toEqual([]);
    const audit = await db().select().from(schema.auditLog);
    expect(JSON.stringify(audit)).not.toContain(oauth.clientSecret);
    expect(JSON.stringify(audit)).not.toContain(WRONG);
  });
});
