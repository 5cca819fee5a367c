import { schema, setInstanceSetting } from '@ferry/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db.ts';
import { call, responseBodies, secretsFound } from '../helpers.ts';
import { flowConfig, SASL_SECRET, type TeamFixture, TLS_KEY, teamFixture, unique } from './fixtures.ts';

let A: TeamFixture;
let owner: { cookie: string };
const base = () => `/api/v1/teams/${A.id}`;

beforeAll(async () => {
  A = await teamFixture('res');
  owner = A.people.owner;
});

describe('validation errors name the field', () => {
  it.each([
    ['clusters', { name: 'bad name!', bootstrapServers: '127.0.0.1:1' }, 'name'],
    ['clusters', { name: 'ok', bootstrapServers: 'no-port' }, 'bootstrapServers'],
    ['clusters', { name: 'ok2', bootstrapServers: 'h:1', securityProtocol: 'SASL_SSL' }, 'sasl'],
    [
      'clusters',
      {
        name: 'ok3',
        bootstrapServers: 'h:1',
        securityProtocol: 'SASL_SSL',
        sasl: { mechanism: 'SCRAM-SHA-512', username: 'u' },
      },
      'sasl.password',
    ],
    [
      'clusters',
      { name: 'ok4', bootstrapServers: 'h:1', securityProtocol: 'SSL', tls: { caPem: 'not a pem' } },
      'tls.caPem',
    ],
    ['clusters', { name: 'ok5', bootstrapServers: 'h:1', securityProtocol: 'KERBEROS' }, 'securityProtocol'],
    ['flows', { name: 'f', sourceClusterId: 'nope', targetClusterId: 'nope' }, 'sourceClusterId'],
    [
      'flows',
      {
        name: '',
        sourceClusterId: '00000000-0000-4000-8000-000000000001',
        targetClusterId: '00000000-0000-4000-8000-000000000002',
      },
      'name',
    ],
    ['tokens', { name: 'x', role: 'superuser' }, 'role'],
    ['invitations', { email: 'not-an-email', role: 'viewer' }, 'email'],
  ])('POST %s %j → 400 naming %s', async (res, body, field) => {
    const r = await call('POST', `${base()}/${res}`, owner, body);
    expect(r.status, r.text).toBe(400);
    expect(r.json.error.code).toBe('validation_failed');
    expect(r.json.error.issues.map((i: { path: string }) => i.path)).toContain(field);
    expect(r.json.error.message).toContain(field);
  });

  it('flow fields deep in config are named', async () => {
    const r = await call('POST', `${base()}/flows`, owner, {
      name: 'f1',
      sourceClusterId: A.east,
      targetClusterId: A.west,
      config: { topics: ['ok', '(broken'], tasksMax: 0 },
    });
    expect(r.status).toBe(400);
    const paths = r.json.error.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['config.topics.1', 'config.tasksMax']));
  });

  it('a body that is not JSON is a 400', async () => {
    const r = await call('POST', `${base()}/clusters`, owner, '{not json');
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('bad_request');
  });
});

describe('clusters', () => {
  it('stores secrets encrypted and never returns them', async () => {
    const r = await call('GET', `${base()}/clusters/${A.auth}`, owner);
    expect(r.json.sasl).toEqual({ mechanism: 'SCRAM-SHA-512', username: 'ferry', hasPassword: true });
    const [row] = await db().select().from(schema.clusters).where(eq(schema.clusters.id, A.auth));
    expect(JSON.stringify(row)).not.toContain(SASL_SECRET);
    expect(row?.secrets).toMatchObject({ keyId: 'k1', v: 2 }); // v2: bound to the cluster's endpoint (issue #13)
  });

  it('keeps the stored password when an edit leaves it out', async () => {
    const r = await call('PATCH', `${base()}/clusters/${A.auth}`, owner, {
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'ferry' },
    });
    expect(r.status, r.text).toBe(200);
    expect(r.json.sasl.hasPassword).toBe(true);
    const t = await call('POST', `${base()}/clusters/${A.auth}/test`, owner);
    expect(t.json.ok, t.text).toBe(true);
  });

  it('test connection reports brokers, version and topic count (SCRAM cluster)', async () => {
    const r = await call('POST', `${base()}/clusters/${A.auth}/test`, A.people.operator);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ ok: true, problems: [] });
    expect(r.json.brokers[0]).toMatchObject({ host: '127.0.0.1', port: 29132 });
    expect(r.json.kafkaVersion).toMatch(/^Kafka /);
    expect(r.json.topicCount).toBeGreaterThanOrEqual(0);
  });

  it('a wrong password is explained in plain words', async () => {
    const c = await call('POST', `${base()}/clusters`, owner, {
      name: unique('wrongpw'),
      bootstrapServers: '127.0.0.1:29132',
      securityProtocol: 'SASL_PLAINTEXT',
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'ferry', password: 'wrong-password' },
    });
    const r = await call('POST', `${base()}/clusters/${c.json.id}/test`, owner);
    expect(r.json.ok).toBe(false);
    expect(r.json.problems.join(' ')).toMatch(/Authentication failed/);
    expect(r.text).not.toContain('wrong-password');
  });

  it('connects over TLS with the CA, and explains a TLS failure without it', async () => {
    const { testCluster } = await import('@ferry/testkit/vitest');
    const secure = testCluster('secure');
    const withCa = await call('POST', `${base()}/clusters`, owner, {
      name: unique('tls'),
      bootstrapServers: secure.bootstrap,
      securityProtocol: 'SSL',
      tls: { caPem: secure.caPem },
    });
    expect(withCa.status, withCa.text).toBe(201);
    const ok = await call('POST', `${base()}/clusters/${withCa.json.id}/test`, owner);
    expect(ok.json.ok, ok.text).toBe(true);
    const noCa = await call('POST', `${base()}/clusters`, owner, {
      name: unique('tls-noca'),
      bootstrapServers: secure.bootstrap,
      securityProtocol: 'SSL',
    });
    const bad = await call('POST', `${base()}/clusters/${noCa.json.id}/test`, owner);
    expect(bad.json.ok).toBe(false);
    expect(bad.json.problems.join(' ')).toMatch(/TLS|certificate/i);
  });

  it('an unreachable cluster is explained in plain words', async () => {
    const c = await call('POST', `${base()}/clusters`, owner, {
      name: unique('down'),
      bootstrapServers: '127.0.0.1:1',
    });
    const r = await call('POST', `${base()}/clusters/${c.json.id}/test`, owner);
    expect(r.json.ok).toBe(false);
    expect(r.json.problems.join(' ')).toMatch(/Cannot reach the brokers/);
  });

  it('deleting a cluster used by a flow is refused with the flow name', async () => {
    const r = await call('DELETE', `${base()}/clusters/${A.east}`, owner);
    expect(r.status).toBe(409);
    expect(r.json.error.message).toContain('"east->west"');
  });

  it('a duplicate name is a 409 naming the field', async () => {
    const r = await call('POST', `${base()}/clusters`, owner, { name: 'east', bootstrapServers: 'h:1' });
    expect(r.status).toBe(409);
    expect(r.json.error.issues[0].path).toBe('name');
  });
});

describe('flows', () => {
  it('refuses source = target on the target field', async () => {
    const r = await call('POST', `${base()}/flows`, owner, {
      name: 'loop',
      sourceClusterId: A.east,
      targetClusterId: A.east,
    });
    expect(r.status).toBe(400);
    expect(r.json.error.issues[0]).toMatchObject({ path: 'targetClusterId' });
  });

  it('refuses the identity policy in a cycle', async () => {
    const r = await call('POST', `${base()}/flows`, owner, {
      name: 'back',
      sourceClusterId: A.west,
      targetClusterId: A.east,
      config: { replicationPolicy: 'identity' },
    });
    expect(r.status).toBe(400);
    expect(r.json.error.issues[0].path).toBe('config.replicationPolicy');
    expect(r.json.error.issues[0].message).toMatch(/cycle/);
  });

  it('flags an overlapping flow into the same target but saves it', async () => {
    const r = await call('POST', `${base()}/flows`, owner, {
      name: 'dup',
      sourceClusterId: A.east,
      targetClusterId: A.west,
      config: { topics: ['orders.*'] },
    });
    expect(r.status).toBe(201);
    expect(r.json.warnings[0].message).toContain('overlaps flow "east->west"');
  });

  it('previews matching source topics with remote names', async () => {
    const { Kafka, logLevel } = await import('kafkajs');
    const topic = unique('preview-orders');
    const admin = new Kafka({ brokers: ['127.0.0.1:29092'], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const r = await call('POST', `${base()}/flows/preview`, owner, {
      sourceClusterId: A.east,
      targetClusterId: A.west,
      config: { topics: [topic] },
    });
    expect(r.status, r.text).toBe(200);
    // MM2 replicates a `heartbeats` topic whatever the filter says; other suites on this cluster may have made one
    const rows = r.json.topics as Array<{ topic: string; remoteTopic: string }>;
    expect(rows.filter((t) => t.topic !== 'heartbeats')).toEqual([{ topic, remoteTopic: `east.${topic}` }]);
    for (const t of rows.filter((t) => t.topic === 'heartbeats'))
      expect(t.remoteTopic).toBe('east.heartbeats');
    expect(r.json.problem).toBeNull();
  });

  it('toggles, reports status in words and records it in the audit log', async () => {
    const on = await call('PUT', `${base()}/flows/${A.flow}/enabled`, A.people.operator, { enabled: true });
    expect(on.json).toMatchObject({
      enabled: true,
      status: null,
      statusText: 'Enabled — no worker has reported yet',
    });
    await db().update(schema.flows).set({ status: 'running' }).where(eq(schema.flows.id, A.flow));
    expect((await call('GET', `${base()}/flows/${A.flow}`, A.people.viewer)).json.statusText).toBe(
      'Running: replicating',
    );
    await call('PUT', `${base()}/flows/${A.flow}/enabled`, A.people.operator, { enabled: false });
    const audit = await call('GET', `${base()}/audit?action=flow.`, A.people.viewer);
    const actions = audit.json.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['flow.enable', 'flow.disable']));
    const enable = audit.json.items.find((e: { action: string }) => e.action === 'flow.enable');
    expect(enable).toMatchObject({
      actorName: A.people.operator.email,
      targetName: 'east->west',
      before: { enabled: false },
      after: { enabled: true },
      ip: '203.0.113.7',
    });
  });

  it('shows worker-reported tasks', async () => {
    await db().insert(schema.flowTasks).values({
      flowId: A.flow,
      taskIndex: 0,
      generation: 1,
      workerId: 'w-1',
      state: 'failed',
      lastError: 'authentication failed: check the password',
      partitions: 3,
    });
    const r = await call('GET', `${base()}/flows/${A.flow}/tasks`, A.people.viewer);
    expect(r.status).toBe(200);
    expect(r.json.items).toEqual([
      expect.objectContaining({
        taskIndex: 0,
        workerId: 'w-1',
        state: 'failed',
        partitions: 3,
        lastError: 'authentication failed: check the password',
      }),
    ]);
  });

  it('exports mm2.properties without secrets', async () => {
    const { flow } = (
      await call('POST', `${base()}/flows`, owner, {
        name: 'to-auth',
        sourceClusterId: A.east,
        targetClusterId: A.auth,
        config: { topics: ['x'] },
      })
    ).json;
    const r = await call('GET', `${base()}/flows/${flow.id}/mm2`, A.people.viewer);
    expect(r.status).toBe(200);
    expect(r.text).toContain('east->auth.topics = x');
    expect(r.text).toContain('auth.sasl.mechanism = SCRAM-SHA-512');
    expect(r.text).not.toContain(SASL_SECRET);
  });
});

describe('mm2 import', () => {
  const props = (a: string, b: string) => `clusters = ${a}, ${b}
${a}.bootstrap.servers = 127.0.0.1:29092
${b}.bootstrap.servers = 127.0.0.1:29132
${b}.security.protocol = SASL_PLAINTEXT
${b}.sasl.mechanism = SCRAM-SHA-512
${b}.sasl.jaas.config = org.apache.kafka.common.security.scram.ScramLoginModule required username="ferry" password="${SASL_SECRET}";
${a}->${b}.enabled = true
${a}->${b}.topics = orders.*
tasks.max = 2
offset.storage.replication.factor = 3
`;
  it('previews clusters, flows and unmapped keys without echoing secrets', async () => {
    const r = await call('POST', `${base()}/mm2/preview`, owner, { properties: props('src', 'dst') });
    expect(r.status).toBe(200);
    expect(r.json.clusters.map((c: { name: string }) => c.name)).toEqual(['src', 'dst']);
    expect(r.json.flows[0]).toMatchObject({
      name: 'src->dst',
      config: { topics: ['orders.*'], tasksMax: 2 },
    });
    // the import reports keys in ferry run's words (one dialect): this one is a Kafka Connect setting
    expect(r.json.unmapped).toEqual([
      {
        key: 'offset.storage.replication.factor',
        reason: 'a Kafka Connect setting; Ferry does not run on Connect',
      },
    ]);
  });
  it('creates the clusters (secrets encrypted) and the flow', async () => {
    const r = await call('POST', `${base()}/mm2/import`, owner, { properties: props('imp-a', 'imp-b') });
    expect(r.status, r.text).toBe(201);
    expect(r.json.flows[0]).toMatchObject({
      name: 'imp-a->imp-b',
      sourceClusterName: 'imp-a',
      targetClusterName: 'imp-b',
      enabled: false,
    });
    const dst = r.json.clusters.find((c: { name: string }) => c.name === 'imp-b');
    expect(dst.sasl).toEqual({ mechanism: 'SCRAM-SHA-512', username: 'ferry', hasPassword: true });
    const t = await call('POST', `${base()}/clusters/${dst.id}/test`, owner);
    expect(t.json.ok, t.text).toBe(true);
  });
});

describe('teams', () => {
  it('the last owner cannot leave or be demoted', async () => {
    const members = (await call('GET', `${base()}/members`, owner)).json.items as {
      id: string;
      role: string;
    }[];
    const own = members.find((m) => m.role === 'owner')!;
    expect((await call('DELETE', `${base()}/members/${own.id}`, owner)).status).toBe(409);
    expect((await call('PATCH', `${base()}/members/${own.id}`, owner, { role: 'admin' })).status).toBe(409);
  });
  it('an invitation link joins the invitee with its role', async () => {
    const { signUp } = await import('../helpers.ts');
    const p = await signUp('invitee');
    const inv = await call('POST', `${base()}/invitations`, owner, { email: p.email, role: 'operator' });
    expect(inv.status).toBe(201);
    const other = await call('POST', `/api/v1/invitations/${inv.json.token}/accept`, A.people.viewer);
    expect(other.status).toBe(403);
    const ok = await call('POST', `/api/v1/invitations/${inv.json.token}/accept`, p);
    expect(ok.status, ok.text).toBe(200);
    expect((await call('GET', '/api/v1/me', p)).json.teams).toEqual([
      expect.objectContaining({ id: A.id, role: 'operator' }),
    ]);
  });
  it('a cancelled invitation no longer works', async () => {
    const { signUp } = await import('../helpers.ts');
    const p = await signUp('cancelled');
    const inv = await call('POST', `${base()}/invitations`, owner, { email: p.email, role: 'admin' });
    expect((await call('DELETE', `${base()}/invitations/${inv.json.id}`, owner)).status).toBe(204);
    expect((await call('POST', `/api/v1/invitations/${inv.json.token}/accept`, p)).status).toBe(404);
    expect((await call('GET', '/api/v1/me', p)).json.teams).toEqual([]);
  });

  // Was "any signed-in person can create a team": that is finding 1 of the security review (issue #13).
  it('creating a team needs the instance admin role or the allowTeamCreation setting; the creator owns it', async () => {
    const refused = await call('POST', '/api/v1/teams', A.people.viewer, { name: 'Side project' });
    expect(refused.status).toBe(403);
    await setInstanceSetting(db(), 'allowTeamCreation', true);
    try {
      const r = await call('POST', '/api/v1/teams', A.people.viewer, { name: 'Side project' });
      expect(r.status).toBe(201);
      expect(r.json).toMatchObject({ name: 'Side project', role: 'owner' });
    } finally {
      await setInstanceSetting(db(), 'allowTeamCreation', false);
    }
  });
});

describe('audit log', () => {
  it('records cluster changes with before/after and no secrets', async () => {
    const r = await call('GET', `${base()}/audit?targetType=cluster`, A.people.viewer);
    expect(r.status).toBe(200);
    const update = r.json.items.find((e: { action: string }) => e.action === 'cluster.update');
    expect(update.before.sasl).toMatchObject({ username: 'ferry', hasPassword: true });
    const rows = await db().select().from(schema.auditLog);
    expect(JSON.stringify(rows)).not.toContain(SASL_SECRET);
  });
});

afterAll(() => {
  // Also asserted as a test below; afterAll keeps the list alive until every test ran.
});

describe('secrets', () => {
  it('no response body or log line of this file contains a SASL password, TLS key or user password', () => {
    const passwords = Object.values(A.people).map((p) => p.password);
    expect(responseBodies.length).toBeGreaterThan(30);
    expect(secretsFound([SASL_SECRET, TLS_KEY, 'secretkeymaterial', 'wrong-password', ...passwords])).toEqual(
      [],
    );
  });
});

export { flowConfig };
