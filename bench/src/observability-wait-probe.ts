// Probe (issue #11), not a benchmark: one seeded flow (the bench's seed), `next start` of the production build
// in the worktree given (its apps/web/.next), then the overview's and the flow page's first render measured
// with both of the bench's waits, interleaved in one browser: old = page.waitForFunction (polling 20 ms for
// the flow page, rAF for the overview; the bench before 464e5ce), new = one page.evaluate of an in-page promise
// checked every animation frame (the bench since). Optional, after the rounds:
//   FAULTS=1   5 more flow navigations with the machine's CPU split and each process's faults and cores
//   PROFILE=/tmp/p   3 V8 CPU profiles of one flow navigation each (p-N.cpuprofile)
//   TRACE=/tmp/t TRACES=2   Chromium traces of one flow navigation each (t-N.json)
//   cd bench && ROUNDS=6 node src/observability-wait-probe.ts /work/wt/<worktree>   (MODES=old,new)
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminUrl, databaseUrl, migrateDatabase, withDatabase } from '@ferry/db';
import pg from 'pg';
import { chromium } from 'playwright-core';
import { startNextServer } from './next-server.ts';
import { seedObservability } from './observability-seed.ts';

const here = dirname(fileURLToPath(import.meta.url));
const webRoot = process.argv[2] ?? join(here, '..', '..');
const ROUNDS = Number(process.env.ROUNDS ?? '8');
const MODES = (process.env.MODES ?? 'old,new').split(',');
const PORT = 3392;
const dbName = `ferry_bench_ab_${process.pid}`;
const url = withDatabase(databaseUrl(), dbName);
const base = `http://localhost:${PORT}`;
const admin = new pg.Client({ connectionString: adminUrl() });
await admin.connect();
await admin.query(`drop database if exists "${dbName}" with (force)`);
await admin.end();
await migrateDatabase(url);
const next = startNextServer(webRoot, PORT, url, `ferry-bench-ab-${process.pid}`);
process.on('exit', () => next.kill('SIGTERM'));
for (let i = 0; ; i++) {
  if (
    await fetch(`${base}/api/healthz`).then(
      (r) => r.ok,
      () => false,
    )
  )
    break;
  if (i > 120) throw new Error('no healthz');
  await new Promise((r) => setTimeout(r, 500));
}
const signUp = await fetch(`${base}/api/auth/sign-up/email`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', origin: base },
  body: JSON.stringify({ email: 'bench@example.test', password: 'bench-password-123', name: 'Bench' }),
});
const cookie = signUp.headers
  .getSetCookie()
  .map((c) => c.split(';')[0])
  .join('; ');
const me = (await (await fetch(`${base}/api/v1/me`, { headers: { cookie } })).json()) as {
  teams: { id: string }[];
};
const pool = new pg.Pool({ connectionString: url, max: 4 });
const { flowId } = await seedObservability(pool, me.teams[0]!.id, { partitions: 10000, topics: 10 });
await pool.end();

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, bypassCSP: true });
await context.addCookies(
  cookie.split('; ').map((c) => {
    const [name, ...v] = c.split('=');
    return { name: name!, value: v.join('='), url: base };
  }),
);
await context.addInitScript(`
  window.__marks = {};
  const tick = () => {
    const m = window.__marks, t = performance.now();
    if (m.rows === undefined && document.querySelectorAll('[data-testid="partition-metrics"] tbody tr[data-row]').length > 10) m.rows = t;
    const lag = document.querySelector('[data-testid="chart-lag"]');
    const s = lag?.getAttribute('data-summary');
    if (m.chart === undefined && s && JSON.parse(s).Records?.points > 0 && lag.querySelector('canvas')) m.chart = t;
    if (m.ov === undefined && document.querySelector('tr[data-flow="bench 10k"] [data-testid="flow-health"]')) m.ov = t;
    if (m.rows === undefined || m.chart === undefined) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
`);
const page = await context.newPage();
const waitNew = (done: string) =>
  page.evaluate(`new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('not rendered within 30 s')), 30000);
    const check = () => { if (${done}) { clearTimeout(timer); resolve(true); } else requestAnimationFrame(check); };
    check();
  })`);
const FLOW_DONE = 'window.__marks.rows !== undefined && window.__marks.chart !== undefined';
const OV_DONE = `document.querySelector('tr[data-flow="bench 10k"] [data-testid="flow-health"]') !== null`;
const marks = () =>
  page.evaluate(`(() => ({
    ttfb: performance.getEntriesByType('navigation')[0].responseStart,
    fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
    rows: window.__marks.rows, chart: window.__marks.chart, ov: window.__marks.ov,
  }))()`) as Promise<Record<string, number>>;
type R = Record<string, number>;
const res: Record<string, { ov: R[]; flow: R[] }> = {};
for (const m of MODES) res[m] = { ov: [], flow: [] };
const nav = async (
  mode: string,
  path: string,
  done: string,
  polling: number | 'raf',
): Promise<Record<string, number>> => {
  const s = performance.now();
  await page.goto(`${base}${path}`, { waitUntil: 'commit' });
  if (mode === 'new') await waitNew(done);
  else await page.waitForFunction(done, undefined, { timeout: 30_000, polling });
  const wall = performance.now() - s;
  return { wall, ...(await marks()) };
};
for (let i = -1; i < ROUNDS; i++)
  for (const mode of i % 2 ? MODES : [...MODES].reverse()) {
    const ov = await nav(mode, '/overview', OV_DONE, 'raf');
    const flow = await nav(mode, `/flows/${flowId}`, FLOW_DONE, 20);
    if (i >= 0) {
      res[mode]!.ov.push(ov);
      res[mode]!.flow.push(flow);
    }
  }
const med = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.floor(s.length / 2)]!);
};
console.log(`build ${webRoot}, ${ROUNDS} rounds, load ${loadavg()[0]!.toFixed(1)}`);
for (const m of MODES) {
  const { ov, flow } = res[m]!;
  const col = (rs: R[], k: string) => med(rs.map((r) => r[k]!));
  console.log(
    `${m}: overview wall ${col(ov, 'wall')} (mark ${col(ov, 'ov')}, fcp ${col(ov, 'fcp')}) | flow wall ${col(flow, 'wall')} ttfb ${col(flow, 'ttfb')} fcp ${col(flow, 'fcp')} rows ${col(flow, 'rows')} chart ${col(flow, 'chart')}`,
  );
}
if (process.env.FAULTS) {
  const { readFileSync, readdirSync } = await import('node:fs');
  const procs = () => {
    const out: Record<string, number[]> = {};
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const st = readFileSync(`/proc/${d}/stat`, 'utf8');
        const name = st.slice(st.indexOf('(') + 1, st.lastIndexOf(')'));
        const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
        out[`${d}:${name}`] = [Number(f[7]), Number(f[9]), Number(f[11]) + Number(f[12])]; // minflt, majflt, ticks
      } catch {}
    }
    return out;
  };
  const vm = () =>
    Object.fromEntries(
      readFileSync('/proc/vmstat', 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(' '))
        .filter(([k]) => /pgmajfault|workingset_refault_file|pgpgin/.test(k!))
        .map(([k, v]) => [k, Number(v)]),
    );
  const cpu = () => readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
  const a = procs(),
    va = vm(),
    ca = cpu(),
    t = performance.now();
  const walls = [];
  for (let i = 0; i < 5; i++)
    walls.push(Math.round((await nav('new', `/flows/${flowId}`, FLOW_DONE, 20)).chart ?? Number.NaN));
  const b = procs(),
    vb = vm(),
    cb = cpu(),
    el = (performance.now() - t) / 1000;
  console.log(
    '5 flow navs',
    walls,
    'elapsed s',
    el.toFixed(2),
    'vmstat delta',
    Object.fromEntries(Object.keys(vb).map((k) => [k, vb[k]! - va[k]!])),
  );
  const names = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'];
  console.log(
    'machine cores',
    Object.fromEntries(names.map((n, i) => [n, ((cb[i]! - ca[i]!) / 100 / el).toFixed(2)])),
  );
  const rowsOut = Object.keys(b)
    .filter((k) => a[k])
    .map(
      (k) => [k, b[k]![0]! - a[k]![0]!, b[k]![1]! - a[k]![1]!, (b[k]![2]! - a[k]![2]!) / 100 / el] as const,
    )
    .filter((r) => r[3] > 0.01 || r[2] > 0)
    .sort((x, y) => y[3] - x[3]);
  for (const r of rowsOut.slice(0, 14))
    console.log(`  ${r[0].padEnd(32)} minflt ${r[1]} majflt ${r[2]} cores ${r[3].toFixed(2)}`);
}
if (process.env.PROFILE) {
  const { writeFileSync } = await import('node:fs');
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
  for (let i = 0; i < 3; i++) {
    await nav('new', `/flows/${flowId}`, FLOW_DONE, 20);
    await cdp.send('Profiler.start');
    const r = await nav('new', `/flows/${flowId}`, FLOW_DONE, 20);
    const { profile } = await cdp.send('Profiler.stop');
    writeFileSync(`${process.env.PROFILE}-${i}.cpuprofile`, JSON.stringify(profile));
    console.log('profiled', JSON.stringify(r));
  }
}
if (process.env.TRACE) {
  const { writeFileSync } = await import('node:fs');
  for (let i = 0; i < Number(process.env.TRACES ?? '1'); i++) {
    await nav('new', `/flows/${flowId}`, FLOW_DONE, 20);
    await browser.startTracing(page, {
      categories: [
        'devtools.timeline',
        'disabled-by-default-devtools.timeline',
        'v8.execute',
        'blink.user_timing',
        'loading',
        'disabled-by-default-v8.cpu_profiler',
        'v8',
      ],
    });
    const r = await nav('new', `/flows/${flowId}`, FLOW_DONE, 20);
    const buf = await browser.stopTracing();
    writeFileSync(`${process.env.TRACE}-${i}.json`, buf);
    console.log('traced', JSON.stringify(r));
  }
}
await browser.close();
next.kill('SIGTERM');
const admin2 = new pg.Client({ connectionString: adminUrl() });
await admin2.connect();
await admin2.query(`drop database if exists "${dbName}" with (force)`);
await admin2.end();
process.exit(0);
