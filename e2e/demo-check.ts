/**
 * What `npm start` shows a person, checked without running `npm start` itself (which brings up its own
 * Kafka stack on the dev ports): the same steps as scripts/start.sh against the test stack's east and west —
 * the web seed (demo user and team), the demo flow seed, a worker, the demo producer with its consumer group
 * demo-billing, and the production build of the web app on its own port and database — then, in Chromium,
 * signed in as the demo user: the overview shows the demo flow healthy, the flow page's charts move (their
 * newest point advances and throughput is above zero), the groups page shows demo-billing translated exactly.
 * Screenshots: e2e/artifacts/demo-*.png.
 *   node e2e/demo-check.ts [port]        (needs a build: cd apps/web && npx next build; default port 3471)
 * Leaves demo.orders (east), east.demo.orders (west) and the group demo-billing on the test stack, as
 * `npm start` leaves them on its own.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { adminUrl, databaseUrl, withDatabase } from '@ferry/db';
import { testCluster } from '@ferry/testkit/vitest';
import { chromium } from '@playwright/test';
import pg from 'pg';

const port = process.argv[2] ?? '3471';
const root = join(import.meta.dirname, '..');
const base = `http://localhost:${port}`;
const dbName = `ferry_democheck_${port}`;
const url = withDatabase(databaseUrl(), dbName);
const admin = async (sql: string) => {
  const c = new pg.Client({ connectionString: adminUrl() });
  await c.connect();
  await c.query(sql);
  await c.end();
};
const env = {
  ...process.env,
  NODE_ENV: 'development',
  DATABASE_URL: url,
  FERRY_DEMO_EAST_BOOTSTRAP: testCluster('east').bootstrap,
  FERRY_DEMO_WEST_BOOTSTRAP: testCluster('west').bootstrap,
  FERRY_REDIS_PREFIX: `ferry-democheck-${port}-${Date.now()}`,
  FERRY_SECRET_KEY: Buffer.from('demo-check-secret-key-32-bytes!!').toString('base64'),
  FERRY_SECRET_KEY_ID: 'democheck',
  BETTER_AUTH_SECRET: 'demo-check-auth-secret-0123456789abcdef',
  BETTER_AUTH_URL: base,
  NEXT_TELEMETRY_DISABLED: '1',
  LOG_LEVEL: 'warn',
};
const children: ChildProcess[] = [];
const stopAll = () => {
  for (const c of children) c.kill('SIGTERM');
};
process.on('exit', stopAll);
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, () => {
    stopAll();
    process.exit(130);
  });
const step = (what: string) => console.log(`== ${what}`);
const node = (args: string[], extra: Record<string, string> = {}, cwd = root) => {
  const c = spawn(process.execPath, args, {
    cwd,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...env, ...extra },
  });
  children.push(c);
  return c;
};
const waitFor = async (what: string, fn: () => Promise<boolean>, timeoutMs: number) => {
  const until = Date.now() + timeoutMs;
  while (!(await fn().catch(() => false))) {
    if (Date.now() > until) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 1000));
  }
};

let failed = false;
try {
  await admin(`drop database if exists "${dbName}" with (force)`);
  await admin(`create database "${dbName}"`);
  step('seeds (apps/web/scripts/seed-demo.ts, scripts/seed-demo-flow.ts), as start.sh runs them');
  for (const script of ['apps/web/scripts/seed-demo.ts', 'scripts/seed-demo-flow.ts']) {
    const r = spawnSync(process.execPath, [script], { cwd: root, env, encoding: 'utf8', timeout: 120_000 });
    process.stdout.write(r.stdout);
    if (r.status !== 0) throw new Error(`${script} exited ${r.status}: ${r.stderr}`);
  }
  step('worker, demo producer, web (next start)');
  node([join('apps', 'worker', 'src', 'main.ts')], { FERRY_WORKER_PORT: '0', FERRY_EXIT_WITH_PARENT: '1' });
  node([join('scripts', 'demo-producer.ts')]);
  node(
    [join(root, 'node_modules', 'next', 'dist', 'bin', 'next'), 'start', '-p', port, '-H', '127.0.0.1'],
    { NODE_ENV: 'production' },
    join(root, 'apps', 'web'),
  );
  await waitFor('web /api/healthz', async () => (await fetch(`${base}/api/healthz`)).ok, 120_000);

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  });
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  const shot = (name: string) =>
    page.screenshot({ path: join(root, 'e2e', 'artifacts', `${name}.png`), fullPage: true });
  step('sign in as demo@ferry.local');
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('Email').fill('demo@ferry.local');
  await page.getByLabel('Password').fill('ferry-demo-password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'), { timeout: 60_000 });

  step('overview: the demo flow is healthy');
  const row = page.locator('tr[data-flow="demo east->west"]');
  await waitFor(
    'overview shows "demo east->west" healthy',
    async () => {
      await page.goto(`${base}/overview`);
      return (await row.getByTestId('flow-health').textContent({ timeout: 5000 }))?.trim() === 'healthy';
    },
    180_000,
  );
  console.log(
    `   health: healthy — ${((await row.locator('td').nth(1).textContent()) ?? '').replace(/\s+/g, ' ')}`,
  );
  await shot('demo-01-overview');

  step('flow page: the charts move');
  await row.getByRole('link', { name: 'demo east->west' }).click();
  await page.waitForURL(/\/flows\/[0-9a-f-]{36}$/);
  type Summary = Record<string, { points: number; last: number | null; max: number | null; lastAt?: number }>;
  const summary = async (id: string): Promise<Summary> =>
    JSON.parse((await page.getByTestId(`chart-${id}`).getAttribute('data-summary')) ?? '{}');
  await waitFor(
    'throughput chart above zero',
    async () => ((await summary('throughput'))['Records/s']?.max ?? 0) > 0,
    120_000,
  );
  const before = await summary('throughput');
  const beforeLag = await summary('lag');
  // Live refresh (every 5 s on the 15 m range): more points, without a reload.
  await waitFor(
    'throughput chart gains points without a reload',
    async () =>
      ((await summary('throughput'))['Records/s']?.points ?? 0) > (before['Records/s']?.points ?? 0),
    60_000,
  );
  const after = await summary('throughput');
  console.log(
    `   throughput points ${before['Records/s']?.points} → ${after['Records/s']?.points}, last ${after['Records/s']?.last?.toFixed(2)} records/s; lag points ${beforeLag.Records?.points}, last ${beforeLag.Records?.last}`,
  );
  await waitFor(
    'partition grid shows demo.orders partitions',
    async () => (await page.locator('[data-testid="partition-metrics"] tbody tr[data-row]').count()) >= 6,
    60_000,
  );
  await shot('demo-02-flow-charts');

  step('groups page: demo-billing, translated exactly');
  // The page by its address (a reload racing the link's client-side navigation would stay on the flow page).
  await page.goto(`${page.url()}/groups`);
  // Checkpoints run every 10 s once discovery has listed the group (npm start's first minute; longer on a
  // loaded machine).
  const card = page.locator('[data-testid="group-card"][data-group="demo-billing"]');
  await waitFor(
    'groups page shows demo-billing',
    async () => {
      await page.reload();
      return (
        (await card.count()) > 0 && (await card.getByTestId('readiness-exact').textContent())?.trim() !== ''
      );
    },
    360_000,
  );
  console.log(`   ${(await card.getByTestId('group-summary').textContent())?.trim()}`);
  console.log(
    `   exact: ${(await card.getByTestId('readiness-exact').textContent())?.trim()}; re-read: ${(await card.getByTestId('readiness-reread').textContent())?.trim()}`,
  );
  await shot('demo-03-groups');
  await browser.close();
  console.log('demo check: passed');
} catch (e) {
  failed = true;
  console.error(`demo check: FAILED — ${(e as Error).message}`);
} finally {
  stopAll();
  await new Promise((r) => setTimeout(r, 2000));
  await admin(`drop database if exists "${dbName}" with (force)`).catch(() => {});
  process.exit(failed ? 1 : 0);
}
