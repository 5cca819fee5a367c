import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { adminUrl } from '@ferry/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Starts the real worker process against the machine's Postgres and Redis. */
let child: ChildProcess;
let base = '';
const exited = () => new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

beforeAll(async () => {
  child = spawn(process.execPath, [join(import.meta.dirname, '..', 'src', 'main.ts')], {
    // The maintenance database always exists; the worker only needs a connection here.
    env: { ...process.env, DATABASE_URL: adminUrl(), FERRY_WORKER_PORT: '0', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  base = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (d) => {
      out += String(d);
    });
    child.stdout!.on('data', (d) => {
      out += String(d);
      const m = /listening on (http:\/\/[0-9.]+:\d+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (c) => reject(new Error(`worker exited ${c}: ${out}`)));
  });
});

afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
});

describe('worker process', () => {
  it('answers /healthz, /readyz against real Postgres and Redis, and /metrics', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      checks: { postgres: { ok: true }, redis: { ok: true } },
    });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^ferry_worker_process_cpu_user_seconds_total \d/m);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it('logs JSON lines and exits 0 on SIGTERM', async () => {
    const done = exited();
    child.kill('SIGTERM');
    expect(await done).toBe(0);
  });
});
