import { createDb, databaseUrl, schema, setInstanceSetting, withDatabase } from '@ferry/db';
import { type OidcTestProvider, startOidcProvider } from '@ferry/testkit/oidc-provider';
import { type APIRequestContext, expect, test } from '@playwright/test';

/**
 * OpenID Connect sign-in in the browser, against a real provider started here (oidc-provider on
 * 127.0.0.1): an instance admin configures it through PUT /api/v1/instance/sso with a group → team role
 * rule; a person who has never been in Ferry presses "Sign in with Test IdP", signs in on the provider's
 * login form and lands on the overview of the mapped team with the mapped role. Screenshots in e2e/artifacts/.
 */
const run = Date.now().toString(36);
const port = Number(process.env.FERRY_E2E_PORT ?? 3210);
const admin = { email: `sso-admin-${run}@example.test`, password: 'sso-admin-password-123' };
const erin = { login: `erin-${run}`, password: 'erin-idp-password', email: `erin-${run}@corp.test` };
const teamName = `SSO team ${run}`;

test.describe.configure({ mode: 'serial' });

let idp: OidcTestProvider;
let origin = '';

async function api<T>(req: APIRequestContext, method: string, path: string, data?: unknown): Promise<T> {
  const res = await req.fetch(path, { method, data, headers: { origin } });
  const text = await res.text();
  if (!res.ok()) throw new Error(`${method} ${path} → ${res.status()}: ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

test.beforeAll(async ({ browser }) => {
  origin = `http://localhost:${port}`;
  idp = await startOidcProvider({
    redirectUris: [`${origin}/api/auth/callback/oidc`],
    users: [{ ...erin, name: 'Erin', groups: ['ferry-e2e-operators', 'unrelated'] }],
  });
  // This spec's admin is another account on the instance the other specs set up (invite-only after the
  // first account): open sign-up for it and make it instance admin, as an existing admin would, straight in
  // e2e/serve.ts's database. Everything after goes through the API and the browser.
  const db = createDb(withDatabase(databaseUrl(), `ferry_e2e_${port}`), 1);
  await setInstanceSetting(db, 'allowSignup', true);
  await setInstanceSetting(db, 'allowTeamCreation', true);
  const page = await browser.newPage();
  const signUp = await page.request.post('/api/auth/sign-up/email', {
    data: { email: admin.email, password: admin.password, name: 'SSO admin' },
    headers: { origin },
  });
  expect(signUp.ok(), await signUp.text()).toBe(true);
  const { user } = (await signUp.json()) as { user: { id: string } };
  await db.insert(schema.instanceAdmins).values({ userId: user.id }).onConflictDoNothing();
  // Sign-up closes again: the SSO person below gets in through the group map alone.
  await setInstanceSetting(db, 'allowSignup', false);
  await db.$client.end();

  const team = await api<{ slug: string }>(page.request, 'POST', '/api/v1/teams', { name: teamName });
  const sso = await api<{ clientSecretSet: boolean }>(page.request, 'PUT', '/api/v1/instance/sso', {
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    name: 'Test IdP',
    scopes: ['openid', 'email', 'profile', 'groups'],
    groupMap: [{ group: 'ferry-e2e-operators', team: team.slug, role: 'operator' }],
  });
  expect(sso.clientSecretSet).toBe(true);
  await page.close();
});

test.afterAll(async ({ browser }) => {
  // Leave the shared e2e instance without SSO for whatever runs next.
  const page = await browser.newPage();
  const r = await page.request.post('/api/auth/sign-in/email', {
    data: { email: admin.email, password: admin.password },
    headers: { origin },
  });
  if (r.ok()) await page.request.fetch('/api/v1/instance/sso', { method: 'DELETE', headers: { origin } });
  await page.close();
  await idp?.close();
});

test('signs in through the provider and lands in the mapped team', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/sign-in');
  await page.getByRole('button', { name: 'Sign in with Test IdP' }).click();

  // The provider's own login form, on its own origin.
  await page.waitForURL(`${idp.issuer}/interaction/**`);
  await page.getByLabel('Login').fill(erin.login);
  await page.getByLabel('Password').fill('wrong-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong login or password.');
  await page.getByLabel('Login').fill(erin.login);
  await page.getByLabel('Password').fill(erin.password);
  await page.screenshot({ path: `${import.meta.dirname}/artifacts/sso-idp-login.png` });
  await page.getByRole('button', { name: 'Sign in' }).click();

  await page.waitForURL(`${origin}/overview`);
  await expect(page.getByLabel('Team')).toHaveText(`${teamName} (operator)`);
  await page.screenshot({ path: `${import.meta.dirname}/artifacts/sso-landed.png`, fullPage: true });
  const me = await api<{ user: { email: string }; teams: { name: string; role: string }[] }>(
    page.request,
    'GET',
    '/api/v1/me',
  );
  expect(me.user.email).toBe(erin.email);
  expect(me.teams).toEqual([expect.objectContaining({ name: teamName, role: 'operator' })]);
  await context.close();
});
