import { can, ROLES, type Role } from '@ferry/core';
import { createCluster, createFlow } from '@ferry/db';
import { beforeAll, describe, expect, it } from 'vitest';
import { allRoutes, type RouteId, route } from '@/lib/api/routes.ts';
import { addMember, call, path, signUp } from '../helpers.ts';
import { flowConfig, freshToken, type TeamFixture, teamFixture, unique } from './fixtures.ts';

/**
 * The role × endpoint matrix: every team route, every role — allowed roles get the route's success status,
 * the others 403; a member of another team gets 404 for the team and for each of its resources; nobody
 * signed in gets 401.
 */
let A: TeamFixture;
let B: TeamFixture;

beforeAll(async () => {
  [A, B] = [await teamFixture('a'), await teamFixture('b')];
});

interface Prepared {
  params: Record<string, string>;
  body?: unknown;
}

/** Params and a valid body for each route; destructive routes get a fresh target each time. */
const PREPARE: Record<string, (t: TeamFixture) => Promise<Prepared>> = {
  'team.get': async (t) => ({ params: { teamId: t.id } }),
  'team.update': async (t) => ({ params: { teamId: t.id }, body: { name: 'Renamed team' } }),
  'members.list': async (t) => ({ params: { teamId: t.id } }),
  'members.update': async (t) => {
    const p = await signUp('target');
    const m = await addMember(t.id, p.id, 'viewer');
    return { params: { teamId: t.id, memberId: m.id }, body: { role: 'operator' } };
  },
  'members.delete': async (t) => {
    const p = await signUp('target');
    const m = await addMember(t.id, p.id, 'viewer');
    return { params: { teamId: t.id, memberId: m.id } };
  },
  'invitations.list': async (t) => ({ params: { teamId: t.id } }),
  'invitations.create': async (t) => ({
    params: { teamId: t.id },
    body: { email: `${unique('inv')}@example.test`, role: 'viewer' },
  }),
  'invitations.delete': async (t) => {
    const { createInvitation } = await import('@ferry/db');
    const ownerId = t.people.owner.id;
    const inv = await createInvitation(
      { ...t.ctx, actor: { type: 'user', id: ownerId, name: 'owner', ip: null } },
      { email: `${unique('c')}@example.test`, role: 'viewer' },
    );
    return { params: { teamId: t.id, invitationId: inv.id } };
  },
  'clusters.list': async (t) => ({ params: { teamId: t.id } }),
  'clusters.create': async (t) => ({
    params: { teamId: t.id },
    body: { name: unique('c'), bootstrapServers: '127.0.0.1:29092' },
  }),
  'clusters.testDraft': async (t) => ({
    params: { teamId: t.id },
    body: { name: 'draft', bootstrapServers: '127.0.0.1:29092' },
  }),
  'clusters.get': async (t) => ({ params: { teamId: t.id, clusterId: t.east } }),
  'clusters.update': async (t) => ({
    params: { teamId: t.id, clusterId: t.east },
    body: { bootstrapServers: '127.0.0.1:29092' },
  }),
  'clusters.delete': async (t) => {
    const c = await createCluster(t.ctx, {
      name: unique('del'),
      bootstrapServers: 'h:1',
      securityProtocol: 'PLAINTEXT',
    });
    return { params: { teamId: t.id, clusterId: c.id } };
  },
  'clusters.test': async (t) => ({ params: { teamId: t.id, clusterId: t.east } }),
  'flows.list': async (t) => ({ params: { teamId: t.id } }),
  'flows.create': async (t) => ({
    params: { teamId: t.id },
    body: {
      name: unique('f'),
      sourceClusterId: t.east,
      targetClusterId: t.west,
      config: { topics: [unique('t')] },
    },
  }),
  'flows.preview': async (t) => ({
    params: { teamId: t.id },
    body: { sourceClusterId: t.east, targetClusterId: t.west },
  }),
  'flows.get': async (t) => ({ params: { teamId: t.id, flowId: t.flow } }),
  'flows.tasks': async (t) => ({ params: { teamId: t.id, flowId: t.flow } }),
  'flows.gaps': async (t) => ({ params: { teamId: t.id, flowId: t.flow } }),
  'flows.metrics': async (t) => ({ params: { teamId: t.id, flowId: t.flow } }),
  'flows.partitions': async (t) => ({ params: { teamId: t.id, flowId: t.flow } }),
  'overview.get': async (t) => ({ params: { teamId: t.id } }),
  'flows.groups': async (t) => ({ params: { teamId: t.id, flowId: t.flow } }),
  'alerts.rules.get': async (t) => ({ params: { teamId: t.id, flowId: t.flow } }),
  'alerts.rules.put': async (t) => ({
    params: { teamId: t.id, flowId: t.flow },
    body: { lagRecordsMax: 1000 },
  }),
  'alerts.list': async (t) => ({ params: { teamId: t.id } }),
  'webhooks.list': async (t) => ({ params: { teamId: t.id } }),
  'webhooks.create': async (t) => ({ params: { teamId: t.id }, body: { url: 'http://127.0.0.1:9/hook' } }),
  'webhooks.delete': async (t) => {
    const { createWebhook } = await import('@ferry/db');
    return { params: { teamId: t.id, webhookId: (await createWebhook(t.ctx, 'http://127.0.0.1:9/x')).id } };
  },
  'webhooks.deliveries': async (t) => ({ params: { teamId: t.id } }),
  'flows.groups.sync': async (t) => {
    const { flow } = await createFlow(t.ctx, {
      name: unique('sync'),
      sourceClusterId: t.east,
      targetClusterId: t.west,
      enabled: true,
      config: flowConfig([unique('t')]),
    });
    return { params: { teamId: t.id, flowId: flow.id } };
  },
  'flows.update': async (t) => ({
    params: { teamId: t.id, flowId: t.flow },
    body: { config: flowConfig(['orders.*']) },
  }),
  'flows.delete': async (t) => {
    const { flow } = await createFlow(t.ctx, {
      name: unique('del'),
      sourceClusterId: t.east,
      targetClusterId: t.west,
      enabled: false,
      config: flowConfig([unique('x')]),
    });
    return { params: { teamId: t.id, flowId: flow.id } };
  },
  'flows.toggle': async (t) => ({ params: { teamId: t.id, flowId: t.flow }, body: { enabled: false } }),
  'flows.export': async (t) => ({ params: { teamId: t.id, flowId: t.flow } }),
  'verifications.create': async (t) => ({
    params: { teamId: t.id, flowId: t.flow },
    body: { recordsPerPartition: 10 },
  }),
  'verifications.list': async (t) => ({ params: { teamId: t.id, flowId: t.flow } }),
  'verifications.get': async (t) => {
    const { createVerification } = await import('@ferry/db');
    const { view } = await createVerification(t.ctx, t.flow, { recordsPerPartition: 10 });
    return { params: { teamId: t.id, flowId: t.flow, verificationId: view.id } };
  },
  'mm2.preview': async (t) => ({
    params: { teamId: t.id },
    body: {
      properties:
        'clusters = x, y\nx.bootstrap.servers = h:1\ny.bootstrap.servers = h:2\nx->y.enabled = true',
    },
  }),
  'mm2.import': async (t) => {
    const [x, y] = [unique('x'), unique('y')];
    return {
      params: { teamId: t.id },
      body: {
        properties: `clusters = ${x}, ${y}\n${x}.bootstrap.servers = h:1\n${y}.bootstrap.servers = h:2\n${x}->${y}.enabled = true`,
      },
    };
  },
  'tokens.list': async (t) => ({ params: { teamId: t.id } }),
  'tokens.create': async (t) => ({ params: { teamId: t.id }, body: { name: unique('t'), role: 'viewer' } }),
  'tokens.delete': async (t) => ({ params: { teamId: t.id, tokenId: (await freshToken(t)).id } }),
  'audit.list': async (t) => ({ params: { teamId: t.id } }),
};

const teamRoutes = allRoutes().filter((r) => r.permission !== null);

describe('role × endpoint matrix', () => {
  it('covers every team route', () => {
    expect(teamRoutes.map((r) => r.id).sort()).toEqual(Object.keys(PREPARE).sort());
  });

  for (const spec of teamRoutes)
    describe(`${spec.method} ${spec.path} (${spec.permission})`, () => {
      for (const role of ROLES) {
        const allowed = can(role, spec.permission!);
        it(`${role}: ${allowed ? `allowed (${spec.status ?? 200})` : '403'}`, async () => {
          const { params, body } = await PREPARE[spec.id]!(A);
          const r = await call(
            spec.method,
            path(spec.id as RouteId, params),
            { cookie: A.people[role].cookie },
            body,
          );
          expect(r.status, r.text).toBe(allowed ? (spec.status ?? 200) : 403);
          if (!allowed) expect(r.json.error.code).toBe('forbidden');
        });
        it(`${role} of another team: 404`, async () => {
          const { params, body } = await PREPARE[spec.id]!(A);
          const r = await call(
            spec.method,
            path(spec.id as RouteId, params),
            { cookie: B.people[role].cookie },
            body,
          );
          expect(r.status, r.text).toBe(404);
        });
      }
      const resourceKeys = [...spec.path.matchAll(/\{(\w+)\}/g)]
        .map((m) => m[1])
        .filter((k) => k !== 'teamId');
      if (resourceKeys.length)
        it(`owner using another team's ${resourceKeys.join('/')} inside their own team: 404`, async () => {
          const { params, body } = await PREPARE[spec.id]!(B);
          const r = await call(
            spec.method,
            path(spec.id as RouteId, { ...params, teamId: A.id }),
            { cookie: A.people.owner.cookie },
            body,
          );
          expect(r.status, r.text).toBe(404);
        });
      it('nobody signed in: 401', async () => {
        const { params, body } = await PREPARE[spec.id]!(A);
        const r = await call(spec.method, path(spec.id as RouteId, params), {}, body);
        expect(r.status).toBe(401);
      });
    });

  describe('routes outside a team', () => {
    const outside = allRoutes().filter((r) => r.permission === null);
    it('lists every route outside a team', () => {
      expect(outside.map((r) => r.id).sort()).toEqual(
        [
          'me.get',
          'teams.list',
          'teams.create',
          'invitations.accept',
          'instance.settings.get',
          'instance.settings.update',
          'instance.sso.get',
          'instance.sso.put',
          'instance.sso.delete',
        ].sort(),
      );
    });
    const ssoBody = {
      issuer: 'http://127.0.0.1:9',
      clientId: 'ferry',
      clientSecret: 'matrix-client-secret',
      groupMap: [],
    };
    const bodyOf = (id: RouteId) =>
      id === 'teams.create'
        ? { name: 'x' }
        : id === 'instance.settings.update'
          ? {}
          : id === 'instance.sso.put'
            ? ssoBody
            : undefined;
    for (const id of outside.map((r) => r.id) as RouteId[])
      it(`${id}: 401 when signed out`, async () => {
        const r = await call(
          route(id).method,
          path(id, { token: 'fin_00000000000000000000' }),
          {},
          bodyOf(id),
        );
        expect(r.status).toBe(401);
      });
    // A's owner is this file's first account (the instance admin); team B's people are not admins.
    const adminOnly = outside.filter((r) => r.instanceAdmin).map((r) => r.id) as RouteId[];
    it('instance routes are the admin-only ones', () => {
      expect(adminOnly.sort()).toEqual(
        [
          'instance.settings.get',
          'instance.settings.update',
          'instance.sso.get',
          'instance.sso.put',
          'instance.sso.delete',
        ].sort(),
      );
    });
    for (const id of [...adminOnly, 'teams.create'] as RouteId[])
      it.each(ROLES)(`${id}: a team %s who is not instance admin gets 403`, async (role: Role) => {
        const r = await call(route(id).method, path(id, {}), { cookie: B.people[role].cookie }, bodyOf(id));
        expect(r.status, r.text).toBe(403);
      });
    it('an API token cannot use them (403), even an owner token of the admin', async () => {
      const { token } = await freshToken(A, 'owner');
      for (const id of adminOnly) {
        const r = await call(route(id).method, path(id, {}), { token, origin: null }, bodyOf(id));
        expect(r.status, `${id} ${r.text}`).toBe(403);
      }
    });
    it('the instance admin (first account) may use them', async () => {
      const admin = { cookie: A.people.owner.cookie };
      expect((await call('GET', '/api/v1/instance/settings', admin)).status).toBe(200);
      expect((await call('PATCH', '/api/v1/instance/settings', admin, {})).status).toBe(200);
      expect((await call('POST', '/api/v1/teams', admin, { name: 'admin made' })).status).toBe(201);
      const put = await call('PUT', '/api/v1/instance/sso', admin, ssoBody);
      expect(put.status, put.text).toBe(200);
      expect(put.text).not.toContain(ssoBody.clientSecret);
      const get = await call('GET', '/api/v1/instance/sso', admin);
      expect(get.status).toBe(200);
      expect(get.text).not.toContain(ssoBody.clientSecret);
      expect((await call('DELETE', '/api/v1/instance/sso', admin)).status).toBe(204);
    });
    it('me lists exactly my teams with my role', async () => {
      const r = await call('GET', '/api/v1/me', { cookie: A.people.operator.cookie });
      expect(r.status).toBe(200);
      expect(r.json.teams).toEqual([expect.objectContaining({ id: A.id, role: 'operator' })]);
    });
  });

  describe('API tokens', () => {
    it.each(ROLES.filter((r) => r !== 'owner'))(
      'a %s token acts with its role in its own team only',
      async (role: Role) => {
        const { token } = await freshToken(A, role);
        const write = await call(
          'POST',
          `/api/v1/teams/${A.id}/clusters`,
          { token, origin: null },
          { name: unique('tk'), bootstrapServers: 'h:1' },
        );
        expect(write.status).toBe(can(role, 'clusters.write') ? 201 : 403);
        expect((await call('GET', `/api/v1/teams/${A.id}/flows`, { token, origin: null })).status).toBe(200);
        expect((await call('GET', `/api/v1/teams/${B.id}/flows`, { token, origin: null })).status).toBe(404);
      },
    );
    it('a revoked token is refused with 401', async () => {
      const t = await freshToken(A, 'admin');
      expect(
        (await call('DELETE', `/api/v1/teams/${A.id}/tokens/${t.id}`, { cookie: A.people.admin.cookie }))
          .status,
      ).toBe(204);
      expect(
        (await call('GET', `/api/v1/teams/${A.id}/flows`, { token: t.token, origin: null })).status,
      ).toBe(401);
    });
    it('an admin cannot mint an owner token', async () => {
      const r = await call(
        'POST',
        `/api/v1/teams/${A.id}/tokens`,
        { cookie: A.people.admin.cookie },
        { name: 'x', role: 'owner' },
      );
      expect(r.status).toBe(403);
    });
    it('lists tokens without the secret or its hash', async () => {
      const t = await freshToken(A, 'viewer');
      const r = await call('GET', `/api/v1/teams/${A.id}/tokens`, { cookie: A.people.admin.cookie });
      expect(r.text).not.toContain(t.token);
      expect(r.text).not.toMatch(/tokenHash|token_hash/);
    });
  });

  describe('CSRF', () => {
    it('refuses a cookie-authenticated write from another origin', async () => {
      const r = await call(
        'POST',
        `/api/v1/teams/${A.id}/clusters`,
        { cookie: A.people.owner.cookie, origin: 'https://evil.example' },
        { name: 'csrf', bootstrapServers: 'h:1' },
      );
      expect(r.status).toBe(403);
      expect(r.json.error.message).toMatch(/cross-site/);
    });
    it('refuses it without an Origin header', async () => {
      const r = await call(
        'POST',
        `/api/v1/teams/${A.id}/clusters`,
        { cookie: A.people.owner.cookie, origin: null },
        { name: 'csrf2', bootstrapServers: 'h:1' },
      );
      expect(r.status).toBe(403);
    });
  });
});

describe('secrets', () => {
  it('no response body or log line of this file contains a SASL password, TLS key or user password', async () => {
    const { SASL_SECRET, TLS_KEY } = await import('./fixtures.ts');
    const { responseBodies, secretsFound } = await import('../helpers.ts');
    const passwords = [A, B].flatMap((t) => Object.values(t.people).map((p) => p.password));
    expect(responseBodies.length).toBeGreaterThan(200);
    expect(secretsFound([SASL_SECRET, TLS_KEY, 'secretkeymaterial', ...passwords])).toEqual([]);
  });
});
