import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDb, databaseUrl, setInstanceSetting, withDatabase } from '@ferry/db';
import { testCluster } from '@ferry/testkit/vitest';
import { type APIRequestContext, expect, type Page, test } from '@playwright/test';
import { Kafka, logLevel } from 'kafkajs';

/**
 * Observability end to end, against live replication on the test stack (east 29092 → west 29102) with the
 * real worker e2e/serve.ts starts: the partition grid fills with the topic's real partitions, the charts
 * and the metrics API show lag rising while the flow is disabled under load and falling back to zero once
 * it is enabled again. Screenshots land in e2e/artifacts/.
 */
const run = Date.now().toString(36);
const east = testCluster('east').bootstrap;
const west = testCluster('west').bootstrap;
const who = { email: `obs-${run}@example.test`, password: 'observer-password-123' };
const topic = `obs-orders-${run}`;
const PARTITIONS = 4;
const shot = (page: Page, name: string) =>
  page.screenshot({ path: `${import.meta.dirname}/artifacts/${name}.png`, fullPage: true });

test.describe.configure({ mode: 'serial' });

let page: Page;
let teamId = '';
let flowId = '';
let origin = '';
const kafka = new Kafka({ brokers: [east], logLevel: logLevel.NOTHING });

type Series = [number, number][];
interface Metrics {
  resolution: string;
  series: Record<string, Series>;
  groups: Record<string, { checkpointLatencyMsAvg: Series; checkpointAgeSeconds: Series }>;
}

async function api<T>(req: APIRequestContext, method: string, path: string, data?: unknown): Promise<T> {
  const res = await req.fetch(path, { method, data, headers: { origin } });
  const text = await res.text();
  if (!res.ok()) throw new Error(`${method} ${path} → ${res.status()}: ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

async function produce(n: number, prefix: string) {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: Array.from({ length: n }, (_, i) => ({
      partition: i % PARTITIONS,
      key: `${prefix}-${i}`,
      value: `order ${prefix} ${i}`,
    })),
  });
  await producer.disconnect();
}

const metrics = (q = 'range=15m') =>
  api<Metrics>(page.request, 'GET', `/api/v1/teams/${teamId}/flows/${flowId}/metrics?${q}`);
const last = (s: Series) => s[s.length - 1]?.[1];
/** What the chart itself holds (uPlot's data, summarised by the component). */
async function chartSummary(
  id: string,
): Promise<Record<string, { points: number; last: number | null; max: number | null }>> {
  return JSON.parse((await page.getByTestId(`chart-${id}`).getAttribute('data-summary')) ?? '{}');
}

test.beforeAll(async ({ browser }) => {
  // This spec's account is a second, independent one on the instance control-plane.spec.ts set up, where
  // sign-up is invite-only after the first account: open sign-up and team creation as an instance admin would
  // (PATCH /api/v1/instance/settings), here straight in e2e/serve.ts's database.
  const db = createDb(withDatabase(databaseUrl(), `ferry_e2e_${process.env.FERRY_E2E_PORT ?? 3210}`), 1);
  await setInstanceSetting(db, 'allowSignup', true);
  await setInstanceSetting(db, 'allowTeamCreation', true);
  await db.$client.end();
  page = await browser.newPage();
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
  // Every flow also replicates the source's `heartbeats` topic (as MM2 does). East has one only once some
  // flow targets east (its heartbeat emitter creates it), which depends on the specs that ran before: create
  // it here as that emitter would (one partition, compacted), so this flow always holds 4 + 1 partitions.
  if (!(await admin.listTopics()).includes('heartbeats'))
    await admin
      .createTopics({
        topics: [
          {
            topic: 'heartbeats',
            numPartitions: 1,
            configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
          },
        ],
        waitForLeaders: true,
      })
      .catch(() => undefined); // created meanwhile by an emitter: same topic
  expect(await admin.listTopics()).toContain('heartbeats');
  await admin.disconnect();
});

test('sign up, register east and west, and replicate a 4-partition topic', async () => {
  test.setTimeout(180_000);
  await page.goto('/sign-in');
  origin = new URL(page.url()).origin;
  await page.getByRole('button', { name: 'No account yet? Create one' }).click();
  await page.getByLabel('Name', { exact: true }).fill('Observer');
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
  const me = await api<{ teams: { id: string }[] }>(page.request, 'GET', '/api/v1/me');
  teamId =
    me.teams[0]?.id ??
    (await api<{ id: string }>(page.request, 'POST', '/api/v1/teams', { name: 'Observers' })).id;
  const T = `/api/v1/teams/${teamId}`;
  const src = await api<{ id: string }>(page.request, 'POST', `${T}/clusters`, {
    name: 'east',
    bootstrapServers: east,
  });
  const dst = await api<{ id: string }>(page.request, 'POST', `${T}/clusters`, {
    name: 'west',
    bootstrapServers: west,
  });
  const created = await api<{ flow: { id: string } }>(page.request, 'POST', `${T}/flows`, {
    name: 'obs east->west',
    sourceClusterId: src.id,
    targetClusterId: dst.id,
    enabled: true,
    config: { topics: [topic], groups: [`obs-group-${run}`], tasksMax: 2, checkpointsIntervalSeconds: 2 },
  });
  flowId = created.flow.id;
  await produce(40, 'a');

  await page.goto(`/flows/${flowId}`);
  const grid = page.getByTestId('partition-metrics');
  // The grid refreshes itself from the API (every 10 s): no reload needed. The flow also replicates the
  // heartbeats topic (as MM2 does): the topic filter leaves only ours.
  await expect(async () => {
    await page.getByLabel('Filter by topic').selectOption(topic, { timeout: 2000 });
    const rows = grid.locator('tbody tr:not([aria-hidden])');
    await expect(rows).toHaveCount(PARTITIONS);
    for (let p = 0; p < PARTITIONS; p++) {
      const cells = rows.nth(p).locator('td');
      await expect(cells.nth(0)).toHaveText(topic);
      await expect(cells.nth(1)).toHaveText(String(p));
      await expect(cells.nth(3)).toHaveText('10'); // replicated offset
      await expect(cells.nth(4)).toHaveText('0'); // lag
    }
  }).toPass({ timeout: 120_000, intervals: [2000] });
  // Every partition names its task (tasksMax 2 → tasks 0 and 1) and the worker running it.
  const tasks = await grid.locator('tbody tr:not([aria-hidden]) td:nth-child(12)').allTextContents();
  expect(new Set(tasks)).toEqual(new Set(['0', '1']));
  const workers = await grid.locator('tbody tr:not([aria-hidden]) td:nth-child(13)').allTextContents();
  for (const w of workers) expect(w).not.toBe('—');

  // Sorting by lag and filtering by state work on the real rows.
  await page.getByLabel('Filter by state').selectOption('caught up');
  await expect(page.getByTestId('partition-count')).toHaveText(
    `${PARTITIONS} of ${PARTITIONS + 1} partitions`,
  ); // + heartbeats
  const header = page.getByRole('columnheader', { name: 'Partition', exact: true });
  for (let i = 0; i < 3 && (await header.getAttribute('aria-sort')) !== 'descending'; i++)
    await page.getByRole('button', { name: 'Partition', exact: true }).click();
  await expect(header).toHaveAttribute('aria-sort', 'descending');
  await expect(grid.locator('tbody tr:not([aria-hidden])').first().locator('td').nth(1)).toHaveText(
    String(PARTITIONS - 1),
  );

  // The flow also replicates the shared `heartbeats` topic, so the flow totals carry more than our records;
  // the topic's own series (per-minute rows, written once a minute has ended) holds exactly our 40.
  await expect(async () => {
    const m = await metrics(`range=15m&topic=${topic}`);
    expect(m.resolution).toBe('1m');
    const total = m.series.recordsPerSecond!.reduce((a, [, v]) => a + v * 60, 0);
    expect(Math.round(total)).toBe(40);
  }).toPass({ timeout: 150_000, intervals: [3000] });
  await expect(async () => {
    const flowTotals = await metrics();
    expect(flowTotals.resolution).toBe('raw');
    const total = flowTotals.series.recordsPerSecond!.reduce((a, [, v]) => a + v * 5, 0);
    expect(Math.round(total)).toBeGreaterThanOrEqual(40);
    expect((await chartSummary('throughput'))['Records/s']!.max).toBeGreaterThan(0);
  }).toPass({ timeout: 30_000, intervals: [2000] });
  await shot(page, 'obs-01-flow-charts');
});

test('lag rises while the flow is disabled under load and falls back to zero once it is enabled', async () => {
  test.setTimeout(240_000);
  const T = `/api/v1/teams/${teamId}`;
  await api(page.request, 'PUT', `${T}/flows/${flowId}/enabled`, { enabled: false });
  await expect(async () => {
    const tasks = await api<{ items: { state: string }[] }>(
      page.request,
      'GET',
      `${T}/flows/${flowId}/tasks`,
    );
    // Stopped, not merely "not running": a task caught restarting ('starting') still replicates a moment later.
    expect(tasks.items.length).toBeGreaterThan(0);
    expect(tasks.items.every((t) => t.state === 'stopped' || t.state === 'failed')).toBe(true);
  }).toPass({ timeout: 60_000, intervals: [1000] });

  // Load while disabled: 400 records in bursts over a few seconds.
  for (let i = 0; i < 4; i++) {
    await produce(100, `b${i}`);
    await page.waitForTimeout(1000);
  }
  // Our topic's series (the flow totals also carry the shared heartbeats topic): 400 behind.
  const topicQ = `range=15m&topic=${topic}`;
  await expect(async () => {
    expect(last((await metrics(topicQ)).series.lagRecords!)).toBe(400);
    expect(last((await metrics()).series.lagRecords!)).toBeGreaterThanOrEqual(400);
  }).toPass({ timeout: 60_000, intervals: [2000] });
  await page.goto(`/flows/${flowId}`);
  await page.getByLabel('Filter by topic').selectOption(topic);
  await expect(async () => {
    expect((await chartSummary('lag')).Records!.last).toBeGreaterThanOrEqual(400);
  }).toPass({ timeout: 30_000, intervals: [1000] });
  const rows = page.getByTestId('partition-metrics').locator('tbody tr:not([aria-hidden])');
  await expect(rows.first().locator('td').nth(4)).toHaveText('100');
  // Scope the charts to the topic: a partition row, then "all of <topic>".
  await rows.first().click();
  await expect(page.getByTestId('chart-scope')).toContainText(`partition ${topic}-0`);
  await expect(async () => {
    expect((await chartSummary('lag')).Records!.last).toBe(100);
  }).toPass({ timeout: 30_000, intervals: [1000] });
  await page.getByRole('button', { name: `all of ${topic}` }).click();
  await expect(page.getByTestId('chart-scope')).toContainText(`topic ${topic}`);
  await expect(async () => {
    expect((await chartSummary('lag')).Records!.last).toBe(400);
  }).toPass({ timeout: 30_000, intervals: [1000] });
  await shot(page, 'obs-02-flow-lagging');

  await api(page.request, 'PUT', `${T}/flows/${flowId}/enabled`, { enabled: true });
  await expect(rows.first().locator('td').nth(4)).toHaveText('0', { timeout: 120_000 });
  // Per-minute rows: the minute after the catch-up is written once it has ended (up to ~2 min).
  await expect(async () => {
    const m = await metrics(topicQ);
    expect(last(m.series.lagRecords!)).toBe(0);
    expect(Math.max(...m.series.lagRecords!.map(([, v]) => v))).toBeGreaterThanOrEqual(400);
  }).toPass({ timeout: 180_000, intervals: [3000] });
  // The chart, refreshing live without a reload, follows: its peak is the 400 and its last value 0.
  await expect(async () => {
    const lag = (await chartSummary('lag')).Records!;
    expect(lag.max).toBeGreaterThanOrEqual(400);
    expect(lag.last).toBe(0);
  }).toPass({ timeout: 30_000, intervals: [1000] });
  await shot(page, 'obs-03-flow-caught-up');
});

test('a consumer group committing on the source translates exactly and is ready for failover', async () => {
  test.setTimeout(180_000);
  const group = `obs-group-${run}`;
  const consumer = kafka.consumer({ groupId: group });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  await consumer.run({ autoCommitInterval: 500, eachMessage: async () => void seen++ });
  await expect.poll(() => seen, { timeout: 60_000 }).toBe(440);
  await consumer.commitOffsets([]).catch(() => undefined);
  await consumer.disconnect(); // commits what it read; the group is then idle on the source
  const admin = kafka.admin();
  await admin.connect();
  const committed = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  await admin.disconnect();
  const offsets = committed[0]!.partitions.map((p) => Number(p.offset)).sort();
  expect(offsets).toEqual([110, 110, 110, 110]);

  await page.goto(`/flows/${flowId}/groups`);
  const card = page.locator(`[data-testid="group-card"][data-group="${group}"]`);
  await expect(card.getByTestId('readiness-exact')).toHaveText('4 of 4', { timeout: 90_000 });
  await expect(card.getByTestId('readiness-reread')).toHaveText('0 records');
  await expect(card.getByTestId('readiness-behind')).toContainText('0 records');
  await expect(card.getByTestId('group-ready')).toHaveText('ready for failover');
  const groups = await api<{
    items: {
      readiness: { group: string; reReadRecords: number; ready: boolean };
      partitions: { partition: number; sourceOffset: number; targetOffset: number | null; exact: boolean }[];
    }[];
  }>(page.request, 'GET', `/api/v1/teams/${teamId}/flows/${flowId}/groups`);
  const g = groups.items.find((x) => x.readiness.group === group)!;
  expect(g.readiness).toMatchObject({ reReadRecords: 0, ready: true });
  // Offsets on both sides: 110 committed on east, translated exactly on west (the remote topic's offsets
  // also count the transaction markers of exactly-once replication, so they are at least 110).
  const translated = g.partitions.map((p) => p.targetOffset!);
  for (const p of g.partitions) {
    expect(p).toMatchObject({ sourceOffset: 110, exact: true });
    expect(p.targetOffset).toBeGreaterThanOrEqual(110);
  }
  const rows = card.getByTestId('group-partitions').locator('tbody tr');
  await expect(rows).toHaveCount(PARTITIONS);
  for (let i = 0; i < PARTITIONS; i++) {
    await expect(rows.nth(i).locator('td').nth(2)).toHaveText('110');
    await expect(rows.nth(i).locator('td').nth(3)).toContainText(String(translated[i]));
    await expect(rows.nth(i).locator('td').nth(4)).toHaveText('exact');
  }
  // Checkpoint latency reached Postgres and the chart series.
  await expect(async () => {
    const m = await metrics();
    expect(m.groups[group]?.checkpointLatencyMsAvg.length).toBeGreaterThan(0);
    expect(m.groups[group]?.checkpointAgeSeconds.length).toBeGreaterThan(0);
  }).toPass({ timeout: 30_000, intervals: [2000] });

  await page.getByRole('button', { name: 'Sync offsets now' }).click();
  await expect(page.getByTestId('group-sync-result')).toContainText('Synced', { timeout: 30_000 });
  const westAdmin = new Kafka({ brokers: [west], logLevel: logLevel.NOTHING }).admin();
  await westAdmin.connect();
  const onWest = await westAdmin.fetchOffsets({ groupId: group, topics: [`east.${topic}`] });
  await westAdmin.disconnect();
  // The target group now holds exactly the translated offsets.
  expect(
    onWest[0]!.partitions.sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset)),
  ).toEqual(translated);
  await shot(page, 'obs-04-groups');
  await page.goto(`/flows/${flowId}`);
  await expect(async () => {
    expect((await chartSummary('checkpoint-latency'))[group]?.points).toBeGreaterThan(0);
  }).toPass({ timeout: 30_000, intervals: [1000] });
  await shot(page, 'obs-05-flow-with-checkpoints');
});

test('an alert fires to a local webhook receiver when lag crosses its threshold, and clears afterwards', async () => {
  test.setTimeout(240_000);
  const T = `/api/v1/teams/${teamId}`;
  // A local receiver that refuses the first delivery (500) to exercise the retry, then accepts.
  const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  let calls = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      calls++;
      if (calls === 1) {
        res.writeHead(500).end('not yet');
        return;
      }
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    const hook = await api<{ secret: string }>(page.request, 'POST', `${T}/webhooks`, {
      url: `http://127.0.0.1:${port}/ferry`,
    });
    const bad = await page.request.fetch(`${T}/webhooks`, {
      method: 'POST',
      data: { url: 'http://169.254.169.254/latest' },
      headers: { origin },
    });
    expect(bad.status()).toBe(400);
    expect((await bad.json()).error.issues[0]).toMatchObject({
      path: 'url',
      message: 'link-local addresses are not allowed',
    });
    await api(page.request, 'PUT', `${T}/flows/${flowId}/alert-rules`, { lagRecordsMax: 50 });

    await api(page.request, 'PUT', `${T}/flows/${flowId}/enabled`, { enabled: false });
    await expect(async () => {
      const tasks = await api<{ items: { state: string }[] }>(
        page.request,
        'GET',
        `${T}/flows/${flowId}/tasks`,
      );
      expect(tasks.items.every((t) => t.state !== 'running')).toBe(true);
    }).toPass({ timeout: 60_000, intervals: [1000] });
    await produce(80, 'c');

    const events = () =>
      received.map((r) => ({
        ...r,
        event: JSON.parse(r.body) as { type: string; alert: { kind: string; message: string } },
      }));
    await expect
      .poll(() => events().filter((e) => e.event.type === 'alert.fired').length, { timeout: 90_000 })
      .toBe(1);
    const fired = events().find((e) => e.event.type === 'alert.fired')!;
    expect(fired.event.alert.kind).toBe('lag_records');
    // 80 of ours, plus whatever the shared heartbeats topic gained meanwhile.
    expect(fired.event.alert.message).toMatch(
      /^obs east->west: \d+ records not yet replicated \(threshold 50\)$/,
    );
    const ts = String(fired.headers['x-ferry-timestamp']);
    const want = `sha256=${createHmac('sha256', hook.secret).update(`${ts}.${fired.body}`).digest('hex')}`;
    expect(fired.headers['x-ferry-signature']).toBe(want);
    expect(calls).toBe(2); // the refused first attempt was retried

    await page.goto(`/flows/${flowId}`);
    await expect(page.getByTestId('flow-alerts-firing')).toContainText('80 records not yet replicated');
    await page.goto('/overview');
    await expect(page.getByTestId('overview-flows').locator('tr[data-flow="obs east->west"]')).toContainText(
      '1 alert firing',
    );
    await shot(page, 'obs-06-overview-alert');

    await api(page.request, 'PUT', `${T}/flows/${flowId}/enabled`, { enabled: true });
    await expect
      .poll(() => events().filter((e) => e.event.type === 'alert.resolved').length, { timeout: 120_000 })
      .toBe(1);
    expect(events().find((e) => e.event.type === 'alert.resolved')!.event.alert.kind).toBe('lag_records');
    const alerts = await api<{ items: { kind: string; state: string }[] }>(
      page.request,
      'GET',
      `${T}/alerts?flowId=${flowId}`,
    );
    expect(alerts.items.map((a) => [a.kind, a.state])).toEqual([['lag_records', 'resolved']]);

    await page.goto('/team');
    const log = page.getByTestId('webhook-deliveries');
    await expect(log.locator('tbody tr')).toHaveCount(2);
    await expect(log).toContainText('alert.resolved');
    await expect(log.locator('tbody tr').last()).toContainText('delivered');
    await expect(log.locator('tbody tr').last().locator('td').nth(4)).toHaveText('2'); // attempts
    await shot(page, 'obs-07-team-webhooks');
  } finally {
    server.close();
  }
});

test('the overview shows the flow healthy with its lag and throughput, and the live worker', async () => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/overview$/);
  const row = page.getByTestId('overview-flows').locator('tr[data-flow="obs east->west"]');
  await expect(row.getByTestId('flow-health')).toHaveText('healthy', { timeout: 30_000 });
  await expect(page.getByTestId('overview-workers').locator('tbody tr').first()).toContainText('running');
  const ov = await api<{ flows: { name: string; health: string; lagRecords: number }[] }>(
    page.request,
    'GET',
    `/api/v1/teams/${teamId}/overview`,
  );
  const f = ov.flows.find((x) => x.name === 'obs east->west')!;
  expect(f.health).toBe('healthy');
  expect(f.lagRecords).toBeLessThan(50); // ours is caught up; the shared heartbeats topic may be a few behind
  await shot(page, 'obs-00-overview');
});
