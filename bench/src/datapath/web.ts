// Managed Ferry's control plane for the bench: the production build of apps/web (`next start`), on the run's
// own database, and the REST calls a user makes to replicate a topic: the first account (which, on a fresh
// instance, becomes its admin and owns "My team"), an API token, the two clusters, one enabled flow.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { track } from './children.ts';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
export const WEB_DIR = join(ROOT, 'apps', 'web');
const NEXT = join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');

/** The production build's id and when it was made, or undefined when apps/web has none. */
export function webBuild(dir = WEB_DIR): { id: string; builtAt: Date } | undefined {
  const f = join(dir, '.next', 'BUILD_ID');
  if (!existsSync(f)) return undefined;
  return { id: readFileSync(f, 'utf8').trim(), builtAt: statSync(f).mtime };
}

export const NO_BUILD_HINT =
  'apps/web has no production build (apps/web/.next/BUILD_ID); build it first with `cd apps/web && npx next build` (2–4 min here)';

/** Builds apps/web once when it has no production build (`--build-web`); the build's output goes to a log file. */
export async function ensureWebBuild(o: { build: boolean; log: (m: string) => void; logFile: string }) {
  const b = webBuild();
  if (b) {
    o.log(`web: production build ${b.id} of ${b.builtAt.toISOString()}`);
    return { ...b, builtNowSeconds: 0 };
  }
  if (!o.build) throw new Error(`${NO_BUILD_HINT}, or pass --build-web to let the bench build it`);
  o.log(`web: ${NO_BUILD_HINT.split(';')[0]}: building it once (next build, output in ${o.logFile})`);
  const t = performance.now();
  const child = track(
    spawn(process.execPath, [NEXT, 'build'], {
      cwd: WEB_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
    }),
  );
  let out = '';
  child.stdout.on('data', (d) => {
    out += String(d);
  });
  child.stderr.on('data', (d) => {
    out += String(d);
  });
  const code = await new Promise<number | null>((r) => child.on('close', r));
  writeFileSync(o.logFile, out);
  if (code !== 0) throw new Error(`next build failed (exit ${code}): ${out.slice(-1500)}`);
  const seconds = (performance.now() - t) / 1000;
  o.log(`web: built in ${seconds.toFixed(0)} s`);
  return { ...webBuild()!, builtNowSeconds: seconds };
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? res(a.port) : rej(new Error('no port'))));
    });
  });
}

export interface Web {
  child: ChildProcess;
  base: string;
  /** From spawn to the first healthy /api/healthz. */
  startSeconds: number;
  tail: string[];
}

/** `next start` of apps/web on a free port, on the given database and Redis prefix; resolves once healthy. */
export async function startWeb(o: {
  databaseUrl: string;
  redisPrefix: string;
  secretKey: string;
  secretKeyId: string;
  timeoutMs?: number;
}): Promise<Web> {
  const port = await freePort();
  const base = `http://localhost:${port}`;
  const t = performance.now();
  const child = track(
    spawn(process.execPath, [NEXT, 'start', '-p', String(port)], {
      cwd: WEB_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
        DATABASE_URL: o.databaseUrl,
        BETTER_AUTH_URL: base,
        BETTER_AUTH_SECRET: 'bench-only-auth-secret-0123456789abcdef',
        FERRY_SECRET_KEY: o.secretKey,
        FERRY_SECRET_KEY_ID: o.secretKeyId,
        FERRY_REDIS_PREFIX: o.redisPrefix,
        // a CPU profile is the worker's business; the web app is not profiled
        NODE_OPTIONS: '',
      },
    }),
  );
  const tail: string[] = [];
  const keep = (d: Buffer) => {
    tail.push(String(d));
    if (tail.length > 40) tail.shift();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const deadline = t + (o.timeoutMs ?? 180_000);
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`next start exited ${child.exitCode}: ${tail.join('').slice(-1500)}`);
    const ok = await fetch(`${base}/api/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`next start did not answer /api/healthz within ${(o.timeoutMs ?? 180_000) / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, base, startSeconds: (performance.now() - t) / 1000, tail };
}

async function call<T>(base: string, path: string, init: RequestInit & { token?: string; cookie?: string }) {
  const headers: Record<string, string> = { 'content-type': 'application/json', origin: base };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.cookie) headers.cookie = init.cookie;
  const res = await fetch(`${base}${path}`, { ...init, headers });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path} → ${res.status}: ${text.slice(0, 500)}`);
  return { body: (text ? JSON.parse(text) : {}) as T, res };
}

/**
 * What a user does through the REST API to replicate: signs up (the instance's first account), creates an API
 * token, registers the two clusters and creates an enabled flow with the token. Returns the flow's id.
 */
export async function createFlowThroughApi(
  base: string,
  o: {
    sourceName: string;
    sourceBootstrap: string;
    targetName: string;
    targetBootstrap: string;
    flowName: string;
    config: Record<string, unknown>;
  },
): Promise<{ teamId: string; flowId: string }> {
  const signUp = await call<unknown>(base, '/api/auth/sign-up/email', {
    method: 'POST',
    body: JSON.stringify({ email: 'bench@example.test', password: 'bench-password-123', name: 'Bench' }),
  });
  const cookie = signUp.res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const me = await call<{ teams: { id: string }[] }>(base, '/api/v1/me', { cookie });
  const teamId = me.body.teams[0]?.id;
  if (!teamId) throw new Error('the first account has no team');
  const { token } = (
    await call<{ token: string }>(base, `/api/v1/teams/${teamId}/tokens`, {
      method: 'POST',
      cookie,
      body: JSON.stringify({ name: 'bench', role: 'admin' }),
    })
  ).body;
  const cluster = async (name: string, bootstrapServers: string) =>
    (
      await call<{ id: string }>(base, `/api/v1/teams/${teamId}/clusters`, {
        method: 'POST',
        token,
        body: JSON.stringify({ name, bootstrapServers }),
      })
    ).body.id;
  const sourceClusterId = await cluster(o.sourceName, o.sourceBootstrap);
  const targetClusterId = await cluster(o.targetName, o.targetBootstrap);
  const flow = await call<{ id: string }>(base, `/api/v1/teams/${teamId}/flows`, {
    method: 'POST',
    token,
    body: JSON.stringify({
      name: o.flowName,
      sourceClusterId,
      targetClusterId,
      enabled: true,
      config: o.config,
    }),
  });
  return { teamId, flowId: flow.body.id };
}
