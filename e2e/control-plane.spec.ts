import { testCluster } from '@ferry/testkit/vitest';
import { type Browser, expect, type Page, test } from '@playwright/test';
import { Kafka, logLevel } from 'kafkajs';

/**
 * The control plane end to end against the running test Kafka stack (east 29092, west 29102, auth SCRAM 29132):
 * first user → clusters → test connection → flow with preview → enable/disable; a viewer cannot toggle;
 * an mm2.properties import creates a flow. Screenshots land in e2e/artifacts/.
 */
const run = Date.now().toString(36);
const east = testCluster('east').bootstrap;
const west = testCluster('west').bootstrap;
const auth = testCluster('auth').bootstrap;
const owner = { email: `owner-${run}@example.test`, password: 'owner-password-123' };
const viewer = { email: `viewer-${run}@example.test`, password: 'viewer-password-123' };
const topic = `e2e-orders-${run}`;
const shot = (page: Page, name: string) =>
  page.screenshot({ path: `${import.meta.dirname}/artifacts/${name}.png`, fullPage: true });

test.describe.configure({ mode: 'serial' });

let browser: Browser;
let page: Page;

test.beforeAll(async ({ browser: b }) => {
  browser = b;
  page = await browser.newPage();
  const admin = new Kafka({ brokers: [east], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
});

async function signUp(p: Page, who: { email: string; password: string }, name: string) {
  await p.goto('/sign-in');
  await p.getByRole('button', { name: 'No account yet? Create one' }).click();
  await p.getByLabel('Name', { exact: true }).fill(name);
  await p.getByLabel('Email').fill(who.email);
  await p.getByLabel('Password').fill(who.password);
  await p.getByRole('button', { name: 'Create account' }).click();
}

async function registerCluster(
  name: string,
  bootstrap: string,
  sasl?: { username: string; password: string },
) {
  await page.goto('/clusters/new');
  await page.getByLabel('Name (topic prefix alias)').fill(name);
  await page.getByLabel('Bootstrap servers').fill(bootstrap);
  if (sasl) {
    await page.getByLabel('Security protocol').selectOption('SASL_PLAINTEXT');
    await page.getByLabel('SASL mechanism').selectOption('SCRAM-SHA-512');
    await page.getByLabel('SASL username').fill(sasl.username);
    await page.getByLabel('SASL password').fill('not-the-password');
    await page.getByRole('button', { name: 'Test before saving' }).click();
    await expect(page.getByTestId('connection-report')).toContainText('Authentication failed');
    await page.getByLabel('SASL password').fill(sasl.password);
    await page.getByRole('button', { name: 'Test before saving' }).click();
    await expect(page.getByTestId('connection-report')).toContainText('Connected');
  }
  await page.getByRole('button', { name: 'Register cluster' }).click();
  await expect(page.getByRole('heading', { name: `Cluster ${name}`, exact: true })).toBeVisible();
}

test('the first user signs in and owns the first team', async () => {
  await page.goto('/sign-in');
  await shot(page, '01-sign-in');
  await signUp(page, owner, 'Owner');
  await expect(page.getByRole('heading', { name: 'Flows', exact: true })).toBeVisible();
  await expect(page.getByText('No flows yet')).toBeVisible();
  await shot(page, '02-flows-empty');
  await page.goto('/team');
  await expect(page.getByText('Your role: owner')).toBeVisible();
});

test('register east, west and the SCRAM cluster, and test the connection', async () => {
  await registerCluster('east', east);
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByTestId('connection-report')).toContainText('Connected');
  await registerCluster('west', west);
  await registerCluster('auth', auth, { username: 'ferry', password: 'ferry-secret' });
  await page.getByRole('button', { name: 'Test connection' }).click();
  const report = page.getByTestId('connection-report');
  await expect(report).toContainText('Connected');
  await expect(report).toContainText(`Brokers: 1@${auth}`);
  await expect(report).toContainText('Version: Kafka');
  await expect(page.getByText('A password is stored (encrypted)')).toBeVisible();
  expect(await page.content()).not.toContain('ferry-secret');
  await shot(page, '03-cluster-auth-tested');
  await page.goto('/clusters');
  await shot(page, '04-clusters');
});

test('create a flow east->west with a preview, then enable and disable it', async () => {
  test.setTimeout(240_000); // includes waiting for a worker to replicate
  await page.goto('/flows/new');
  await page.getByLabel('Name', { exact: true }).fill('east->west');
  await page.getByLabel('Source cluster').selectOption({ label: 'east' });
  await page.getByLabel('Target cluster').selectOption({ label: 'west' });
  await page.getByLabel('Topics', { exact: true }).fill(`${topic}, nothing-matches-this`);
  await page.getByRole('button', { name: 'Preview topics' }).click();
  const preview = page.getByTestId('flow-preview');
  await expect(preview).toContainText(topic);
  await expect(preview).toContainText(`east.${topic}`);
  await shot(page, '05-flow-preview');
  await page.getByRole('button', { name: 'Create flow' }).click();
  await expect(page.getByRole('heading', { name: 'east->west', exact: true })).toBeVisible();
  // the worker's reconcile pass (every second) may already have settled the new flow's status
  await expect(page.getByTestId('flow-status')).toHaveText(
    /^Disabled — (no worker has reported yet|workers stopped it)$/,
  );

  await page.goto('/flows');
  await page.getByRole('switch', { name: 'Enable flow east->west' }).click();
  await expect(page.getByRole('switch', { name: 'Disable flow east->west' })).toBeChecked();
  await shot(page, '06-flows-enabled');

  // A real worker (started beside the web server, e2e/serve.ts) picks the flow up: records produced on east
  // show up, replicated, in the flow page's per-partition table.
  const producer = new Kafka({ brokers: [east], logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: Array.from({ length: 25 }, (_, i) => ({ key: `k${i}`, value: `order ${i}` })),
  });
  await producer.disconnect();
  const flowUrl = await page.getByRole('link', { name: 'east->west' }).getAttribute('href');
  await page.goto(flowUrl!);
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId('flow-status')).toContainText('Running');
    await expect(page.getByTestId('partition-metrics')).toContainText(topic);
    await expect(
      page.getByTestId('partition-metrics').locator('tbody tr').first().locator('td').nth(3),
    ).toHaveText('25');
  }).toPass({ timeout: 90_000, intervals: [1000] });
  await shot(page, '07-flow-replicating');

  // Verify: the worker compares source and target record by record; the panel says the result in words.
  await page.getByRole('button', { name: 'Verify', exact: true }).click();
  await expect(page.getByTestId('verification-state')).toHaveText('passed', { timeout: 60_000 });
  await expect(page.getByTestId('verification-summary')).toContainText('records compared, all identical');
  await shot(page, '07b-flow-verified');

  await page.goto('/flows');
  await page.getByRole('switch', { name: 'Disable flow east->west' }).click();
  await expect(page.getByRole('switch', { name: 'Enable flow east->west' })).not.toBeChecked();
  await expect(async () => {
    await page.reload();
    await expect(page.getByText(/^Disabled/)).toBeVisible();
  }).toPass({ timeout: 30_000, intervals: [1000] });

  await page.getByRole('link', { name: 'east->west' }).click();
  await expect(page.getByTestId('flow-status')).toBeVisible();
  await page.getByRole('link', { name: 'Edit' }).click();
  await page.getByLabel('Tasks (max)').fill('3');
  await page.getByRole('button', { name: 'Save flow' }).click();
  await expect(page.getByRole('heading', { name: 'east->west', exact: true })).toBeVisible();
  await expect(page.getByRole('definition').filter({ hasText: /^3$/ })).toBeVisible();
  await shot(page, '08-flow-detail');
});

test('a viewer sees the flow but cannot toggle it', async () => {
  await page.goto('/team');
  await page.getByLabel('Email', { exact: true }).fill(viewer.email);
  await page.getByLabel('Role', { exact: true }).selectOption('viewer');
  await page.getByRole('button', { name: 'Create invite link' }).click();
  const link = (await page.getByTestId('invite-link').textContent())?.trim() ?? '';
  expect(link).toContain('/invite/');
  await shot(page, '08-team');

  const ctx = await browser.newContext();
  const v = await ctx.newPage();
  await signUp(v, viewer, 'Viewer');
  await expect(v.getByText('You are not in a team yet')).toBeVisible();
  await v.goto(link);
  await v.getByRole('button', { name: 'Accept and join' }).click();
  await expect(v.getByRole('heading', { name: 'Flows', exact: true })).toBeVisible();
  await expect(v.getByRole('link', { name: 'east->west' })).toBeVisible();
  const toggle = v.getByRole('switch', { name: 'Enable flow east->west' });
  await expect(toggle).toBeDisabled();
  await expect(v.getByRole('link', { name: 'New flow' })).toHaveCount(0);
  // The server refuses it too, whatever the page shows.
  const teamId = (await (await v.request.get('/api/v1/me')).json()).teams[0].id as string;
  const flows = (await (await v.request.get(`/api/v1/teams/${teamId}/flows`)).json()).items as {
    id: string;
  }[];
  const res = await v.request.put(`/api/v1/teams/${teamId}/flows/${flows[0]!.id}/enabled`, {
    data: { enabled: true },
    headers: { origin: new URL(v.url()).origin },
  });
  expect(res.status()).toBe(403);
  await shot(v, '09-viewer-flows');
  await ctx.close();
});

test('an mm2.properties import creates the expected flow', async () => {
  await page.goto('/import');
  await page
    .getByRole('textbox', { name: 'mm2.properties' })
    .fill(
      [
        'clusters = mm2src, mm2dst',
        `mm2src.bootstrap.servers = ${east}`,
        `mm2dst.bootstrap.servers = ${west}`,
        'mm2src->mm2dst.enabled = true',
        'mm2src->mm2dst.topics = payments.*',
        'replication.policy.class = org.apache.kafka.connect.mirror.IdentityReplicationPolicy',
        'offset.storage.replication.factor = 3',
      ].join('\n'),
    );
  await page.getByRole('button', { name: 'Preview' }).click();
  const preview = page.getByTestId('mm2-preview');
  await expect(preview).toContainText('mm2src->mm2dst');
  await expect(preview).toContainText('offset.storage.replication.factor');
  await shot(page, '10-mm2-preview');
  await page.getByRole('button', { name: 'Confirm import' }).click();
  await expect(page.getByRole('heading', { name: 'Flows', exact: true })).toBeVisible();
  await page.getByRole('link', { name: 'mm2src->mm2dst' }).click();
  await expect(page.getByText('identity (same names)')).toBeVisible();
  await expect(page.getByText('payments.*', { exact: true })).toBeVisible();
});

test('audit log, API tokens and dark mode', async () => {
  await page.goto('/audit');
  await expect(page.getByRole('cell', { name: 'flow.enable' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'cluster.create' }).first()).toBeVisible();
  await shot(page, '11-audit');
  await page.goto('/tokens');
  await page.getByLabel('Name', { exact: true }).fill('ci');
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByTestId('new-token')).toContainText('fry_');
  await shot(page, '12-tokens');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/flows');
  await shot(page, '14-flows-mobile');
  await page.setViewportSize({ width: 1360, height: 900 });
  await page.goto('/flows');
  await page.getByRole('button', { name: 'Toggle dark mode' }).click();
  await expect(page.locator('html')).toHaveClass(/dark/);
  await shot(page, '13-flows-dark');
});
