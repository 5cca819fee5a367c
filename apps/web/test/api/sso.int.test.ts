import { parseSecretKey } from '@ferry/core/secret-box';
import { createApiToken, createTeam, getOidcSettings, rotateOidcSecret, schema } from '@ferry/db';
import { type OidcTestProvider, startOidcProvider } from '@ferry/testkit/oidc-provider';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db.ts';
import { env } from '@/lib/env.ts';
import { call, type Person, signUpAs } from '../helpers.ts';
import { Browser, FERRY, ssoSignIn } from '../sso-browser.ts';

/**
 * OpenID Connect sign-in against a real provider (oidc-provider on 127.0.0.1, authorization code + PKCE,
 * signed ID tokens, userinfo with a groups claim), configured through the instance API: just-in-time
 * accounts and memberships from the group map, roles brought in line on every sign-in, the invite-only
 * gate for people whose groups give them no team, and the client secret never leaving the server.
 */
let idp: OidcTestProvider;
let admin: Person;
const teamIds: Record<string, string> = {};
const GROUP_MAP = [
  { group: 'ferry-ops', team: 'payments', role: 'admin' },
  { group: 'ferry-devs', team: 'payments', role: 'viewer' },
  { group: 'ferry-devs', team: 'core', role: 'operator' },
];

const userByEmail = async (email: string) =>
  (await db().select().from(schema.users).where(eq(schema.users.email, email)))[0];
const me = async (b: Browser) => call('GET', '/api/v1/me', { cookie: b.cookie(FERRY) });
const teamsOf = (r: { json: { teams: { slug: string; role: string }[] } }) =>
  Object.fromEntries(r.json.teams.map((t) => [t.slug, t.role]));

beforeAll(async () => {
  // The first account of this file's fresh database: instance admin (and owner of "My team").
  admin = await signUpAs('sso-admin');
  for (const name of ['Payments', 'Core'])
    teamIds[name.toLowerCase()] = (await createTeam(db(), admin.id, name)).id;
  idp = await startOidcProvider({
    redirectUris: [`${FERRY}/api/auth/callback/oidc`],
    users: [
      {
        login: 'alice',
        password: 'alice-pw-1',
        email: 'alice@corp.test',
        name: 'Alice',
        groups: ['ferry-ops'],
      },
      { login: 'bob', password: 'bob-pw-1', email: 'bob@corp.test', name: 'Bob', groups: ['ferry-devs'] },
      { login: 'mallory', password: 'mal-pw-1', email: 'mallory@corp.test', name: 'M', groups: ['other'] },
    ],
  });
  const r = await call('PUT', '/api/v1/instance/sso', admin, {
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    name: 'Corp SSO',
    scopes: ['openid', 'email', 'profile', 'groups'],
    groupMap: GROUP_MAP,
  });
  expect(r.status, r.text).toBe(200);
});
afterAll(async () => {
  await idp?.close();
});

describe('instance SSO settings', () => {
  it('stores the client secret sealed and never returns it', async () => {
    const r = await call('GET', '/api/v1/instance/sso', admin);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      source: 'instance',
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecretSet: true,
      name: 'Corp SSO',
      groupMap: GROUP_MAP,
      callbackUrl: `${FERRY}/api/auth/callback/oidc`,
    });
    expect(r.text).not.toContain(idp.clientSecret);
    const [row] = await db()
      .select()
      .from(schema.instanceSettings)
      .where(eq(schema.instanceSettings.key, 'oidc'));
    const raw = JSON.stringify(row?.value);
    expect(raw).not.toContain(idp.clientSecret);
    expect((row!.value as { clientSecret: { v: number } }).clientSecret.v).toBe(2);
    const audit = await db()
      .select()
      .from(schema.auditLog)
      .where(eq(schema.auditLog.action, 'instance.sso.update'));
    expect(audit.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit)).not.toContain(idp.clientSecret);
  });

  it('ferry secrets rotate re-seals the client secret with the current key', async () => {
    const next = parseSecretKey('k-next', Buffer.alloc(32, 7).toString('base64'));
    expect(await rotateOidcSecret(db(), [next, ...env().keyring])).toBe('rotated');
    expect(await rotateOidcSecret(db(), [next, ...env().keyring])).toBe('current');
    expect((await getOidcSettings(db(), [next]))?.clientSecret).toBe(idp.clientSecret);
    // back to the key the rest of this file uses
    expect(await rotateOidcSecret(db(), [...env().keyring, next])).toBe('rotated');
    expect((await getOidcSettings(db(), env().keyring))?.clientSecret).toBe(idp.clientSecret);
  });

  it('a save without the secret keeps it only for the same issuer and client id', async () => {
    const same = await call('PUT', '/api/v1/instance/sso', admin, {
      issuer: idp.issuer,
      clientId: idp.clientId,
      name: 'Corp SSO',
      scopes: ['openid', 'email', 'profile', 'groups'],
      groupMap: GROUP_MAP,
    });
    expect(same.status, same.text).toBe(200);
    const moved = await call('PUT', '/api/v1/instance/sso', admin, {
      issuer: 'https://idp.evil.example',
      clientId: idp.clientId,
      groupMap: GROUP_MAP,
    });
    expect(moved.status).toBe(400);
    expect(moved.json.error.issues).toEqual([expect.objectContaining({ path: 'clientSecret' })]);
    // nothing changed
    expect((await call('GET', '/api/v1/instance/sso', admin)).json.issuer).toBe(idp.issuer);
  });

  it.each([
    [{ issuer: 'http://idp.example.test' }, 'issuer'],
    [{ issuer: 'http://169.254.169.254' }, 'issuer'],
    [{ issuer: 'https://[fd00:ec2::254]' }, 'issuer'],
    [{ groupMap: [{ group: 'g', team: 'no-such-team', role: 'viewer' }] }, 'groupMap.0.team'],
    [{ groupMap: [{ group: 'g', team: 'payments', role: 'root' }] }, 'groupMap.0.role'],
  ])('refuses %j (400 naming %s)', async (change, field) => {
    const r = await call('PUT', '/api/v1/instance/sso', admin, {
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: 'x',
      groupMap: GROUP_MAP,
      ...change,
    });
    expect(r.status, r.text).toBe(400);
    expect(r.json.error.issues[0].path).toBe(field);
  });
});

describe('OIDC sign-in', () => {
  it('creates the account just in time and joins the mapped teams with the mapped role', async () => {
    const b = new Browser();
    const done = await ssoSignIn(b, 'alice', 'alice-pw-1');
    expect(done.status, done.text).toBe(302);
    expect(done.location).toBe(`${FERRY}/overview`);
    const r = await me(b);
    expect(r.status, r.text).toBe(200);
    expect(r.json.user.email).toBe('alice@corp.test');
    expect(teamsOf(r)).toEqual({ payments: 'admin' });
    const u = await userByEmail('alice@corp.test');
    expect(u?.emailVerified).toBe(true);
    const audit = await db()
      .select()
      .from(schema.auditLog)
      .where(eq(schema.auditLog.teamId, teamIds.payments!));
    expect(audit.find((a) => a.action === 'member.join')).toMatchObject({
      actorName: 'alice@corp.test (SSO)',
      after: { role: 'admin', via: 'sso' },
    });
  });

  it('brings roles in line with the groups on every sign-in, and removes (revoking tokens) when none match', async () => {
    const alice = await userByEmail('alice@corp.test');
    const token = await createApiToken(
      {
        db: db(),
        teamId: teamIds.payments!,
        role: 'admin',
        actor: { type: 'user', id: alice!.id, name: alice!.email, ip: null },
        keyring: env().keyring,
      },
      { name: 'alice-ci', role: 'operator' },
    );
    idp.users.get('alice')!.groups = ['ferry-devs', 'ferry-ops'];
    let b = new Browser();
    expect((await ssoSignIn(b, 'alice', 'alice-pw-1')).status).toBe(302);
    expect(teamsOf(await me(b))).toEqual({ payments: 'admin', core: 'operator' });

    idp.users.get('alice')!.groups = ['ferry-devs'];
    b = new Browser();
    expect((await ssoSignIn(b, 'alice', 'alice-pw-1')).status).toBe(302);
    expect(teamsOf(await me(b))).toEqual({ payments: 'viewer', core: 'operator' });
    // the token alice made as admin now acts as viewer at most
    const write = await call(
      'POST',
      `/api/v1/teams/${teamIds.payments}/clusters`,
      { token: token.token, origin: null },
      { name: 'x', bootstrapServers: '127.0.0.1:1' },
    );
    expect(write.status).toBe(403);

    idp.users.get('alice')!.groups = [];
    b = new Browser();
    expect((await ssoSignIn(b, 'alice', 'alice-pw-1')).status).toBe(302);
    expect(teamsOf(await me(b))).toEqual({});
    const read = await call('GET', `/api/v1/teams/${teamIds.payments}/flows`, {
      token: token.token,
      origin: null,
    });
    expect(read.status).toBe(401);
  });

  it('leaves teams the map does not name alone', async () => {
    const bob = new Browser();
    expect((await ssoSignIn(bob, 'bob', 'bob-pw-1')).status).toBe(302);
    const u = await userByEmail('bob@corp.test');
    const myTeam = (await call('GET', '/api/v1/me', admin)).json.teams.find(
      (t: { slug: string }) => t.slug === 'my-team',
    );
    await db().insert(schema.members).values({ organizationId: myTeam.id, userId: u!.id, role: 'viewer' });
    const again = new Browser();
    expect((await ssoSignIn(again, 'bob', 'bob-pw-1')).status).toBe(302);
    expect(teamsOf(await me(again))).toEqual({ payments: 'viewer', core: 'operator', 'my-team': 'viewer' });
  });

  it('refuses a person whose groups give no team (sign-up stays invite-only)', async () => {
    const b = new Browser();
    const done = await ssoSignIn(b, 'mallory', 'mal-pw-1');
    expect(done.status).toBe(302);
    const to = new URL(done.location!);
    expect(to.pathname).toBe('/sign-in');
    expect(to.searchParams.get('error')).toBe('invite_only');
    expect(await userByEmail('mallory@corp.test')).toBeUndefined();
    expect((await me(b)).status).toBe(401);
  });

  it('a wrong password at the provider signs nobody in', async () => {
    const b = new Browser();
    const before = idp.failedLogins();
    const page = await ssoSignIn(b, 'bob', 'not-bobs-password');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Wrong login or password.');
    expect(idp.failedLogins()).toBe(before + 1);
    expect((await me(b)).status).toBe(401);
  });

  it('does not link the provider identity to an unverified password account of the same email', async () => {
    // an open sign-up squatting the address bob-2 will get from the provider
    const { setInstanceSetting } = await import('@ferry/db');
    await setInstanceSetting(db(), 'allowSignup', true);
    const { auth } = await import('@/lib/auth.ts');
    const squat = await auth().api.signUpEmail({
      body: { email: 'carol@corp.test', password: 'squatter-pw-123', name: 'squatter' },
      asResponse: true,
    });
    await setInstanceSetting(db(), 'allowSignup', false);
    expect(squat.status).toBe(200);
    idp.users.set('carol', {
      login: 'carol',
      password: 'carol-pw-1',
      email: 'carol@corp.test',
      name: 'Carol',
      groups: ['ferry-ops'],
    });
    const b = new Browser();
    const done = await ssoSignIn(b, 'carol', 'carol-pw-1');
    expect(new URL(done.location!).searchParams.get('error')).toBe('account_not_linked');
    expect((await me(b)).status).toBe(401);
    const u = await userByEmail('carol@corp.test');
    const members = await db().select().from(schema.members).where(eq(schema.members.userId, u!.id));
    expect(members).toEqual([]);
  });

  it('once SSO is turned off, the provider is gone', async () => {
    expect((await call('DELETE', '/api/v1/instance/sso', admin)).status).toBe(204);
    expect((await call('GET', '/api/v1/instance/sso', admin)).json.source).toBe('none');
    const b = new Browser();
    const start = await b.request(`${FERRY}/api/auth/sign-in/social`, {
      method: 'POST',
      type: 'application/json',
      body: JSON.stringify({ provider: 'oidc', callbackURL: '/overview' }),
    });
    expect(start.status).toBeGreaterThanOrEqual(400);
    expect(start.status).toBeLessThan(500);
  });
});
