import { createDb, databaseUrl, setInstanceSetting, withDatabase } from '@ferry/db';
import { startDedicatedBroker } from '@ferry/testkit';
import { type OAuthServer, startOAuthServer, tokenValidation } from '@ferry/testkit/oauth-server';
import { expect, type Page, test } from '@playwright/test';

/**
 * The cluster form with SASL OAUTHBEARER, in Chromium against a real OAuth server (oidc-provider,
 * client_credentials) and a dedicated broker whose OAUTH listener validates its tokens: inline errors on the
 * fields the API names, "Test before saving" with a wrong and then the right client secret, register, and the
 * stored cluster's Test button. Screenshots land in e2e/artifacts/.
 */
const run = Date.now().toString(36);
const who = { email: `oauth-${run}@example.test`, password: 'oauth-password-123' };
const shot = (page: Page, name: string) =>
  page.screenshot({ path: `${import.meta.dirname}/artifacts/${name}.png`, fullPage: true });

test.describe.configure({ mode: 'serial' });

let oauth: OAuthServer;
let broker: Awaited<ReturnType<typeof startDedicatedBroker>>;
let page: Page;

test.beforeAll(async ({ browser }) => {
  test.setTimeout(240_000);
  oauth = await startOAuthServer();
  broker = await startDedicatedBroker({
    name: 'oauthe2e',
    security: 'PLAINTEXT',
    oauthbearer: tokenValidation(oauth),
  });
  // This spec's account is one more on the instance control-plane.spec.ts set up, where sign-up is invite-only
  // after the first account: open sign-up and team creation as an instance admin would (PATCH
  // /api/v1/instance/settings), here straight in e2e/serve.ts's database.
  const db = createDb(withDatabase(databaseUrl(), `ferry_e2e_${process.env.FERRY_E2E_PORT ?? 3210}`), 1);
  await setInstanceSetting(db, 'allowSignup', true);
  await setInstanceSetting(db, 'allowTeamCreation', true);
  await db.$client.end();
  page = await browser.newPage();
  await page.goto('/sign-in');
  const origin = new URL(page.url()).origin;
  const create = page.getByRole('button', { name: 'No account yet? Create one' });
  await create.click();
  await page.getByLabel('Name', { exact: true }).fill('OAuth');
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
  // the first account of an instance gets a team; a later one creates its own
  const me = await (await page.request.get('/api/v1/me', { headers: { origin } })).json();
  if (!me.teams?.length) {
    const res = await page.request.post('/api/v1/teams', {
      data: { name: 'OAuth team' },
      headers: { origin },
    });
    expect(res.ok(), await res.text()).toBe(true);
  }
  await page.goto('/flows');
  await expect(page.getByRole('heading', { name: 'Flows', exact: true })).toBeVisible();
});

test.afterAll(async () => {
  await broker?.stop();
  await oauth?.close();
});

test('register an OAUTHBEARER cluster: inline errors, draft test, stored test', async () => {
  await page.goto('/clusters/new');
  await page.getByLabel('Name (topic prefix alias)').fill(`idp${run}`);
  await page.getByLabel('Bootstrap servers').fill(broker.cluster.oauthbearer!.bootstrap);
  await page.getByLabel('Security protocol').selectOption('SASL_PLAINTEXT');
  await page.getByLabel('SASL mechanism').selectOption('OAUTHBEARER');
  await expect(page.getByLabel('SASL username')).toHaveCount(0);

  // a token endpoint that is no http(s) URL and no client secret: each error under its own field
  await page.getByLabel('Token endpoint URL').fill('file:///etc/passwd');
  await page.getByLabel('Client id').fill(oauth.clientId);
  await page.getByRole('button', { name: 'Register cluster' }).click();
  await expect(page.locator('#oauthTokenEndpointUrl-error')).toHaveText(
    'must be http:// or https://, not file:',
  );
  await expect(page.locator('#oauthClientSecret-error')).toHaveText('required');
  await shot(page, 'oauth-01-inline-errors');

  await page.getByLabel('Token endpoint URL').fill(oauth.tokenEndpointUrl);
  await page.getByLabel('Scope (optional)').fill(oauth.scope);
  await page.getByLabel('Client secret').fill('not-the-secret');
  await page.getByRole('button', { name: 'Test before saving' }).click();
  await expect(page.getByTestId('connection-report')).toContainText('invalid_client');
  await expect(page.getByTestId('connection-report')).not.toContainText('not-the-secret');
  await shot(page, 'oauth-02-wrong-secret');

  await page.getByLabel('Client secret').fill(oauth.clientSecret);
  await page.getByRole('button', { name: 'Test before saving' }).click();
  await expect(page.getByTestId('connection-report')).toContainText('Connected');
  await page.getByRole('button', { name: 'Register cluster' }).click();
  await expect(page.getByRole('heading', { name: `Cluster idp${run}`, exact: true })).toBeVisible();
  await expect(page.getByLabel('Token endpoint URL')).toHaveValue(oauth.tokenEndpointUrl);
  await expect(page.getByText('A secret is stored (encrypted).')).toBeVisible();
  // the stored cluster's Test button (a worker runs it with the secret it opens itself)
  await page.getByRole('button', { name: 'Test connection' }).click();
  const report = page.getByTestId('connection-report');
  await expect(report).toContainText('Connected');
  await expect(report).toContainText(`Brokers: 1@${broker.cluster.oauthbearer!.bootstrap}`);
  expect(await page.content()).not.toContain(oauth.clientSecret);
  await shot(page, 'oauth-03-registered-tested');
});
