import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * A worker exits within FERRY_SHUTDOWN_TIMEOUT_MS on SIGTERM even when Redis and Postgres do not answer
 * (issue #12). Both are a black hole on loopback: connections accepted, never answered.
 */
const sockets: Socket[] = [];
const servers: Server[] = [];
let child: ChildProcess | undefined;

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const s of sockets) s.destroy();
  for (const s of servers) await new Promise((r) => s.close(r));
});

async function blackHole(): Promise<number> {
  const srv = createServer((s) => {
    sockets.push(s);
    s.on('error', () => {});
  });
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return (srv.address() as { port: number }).port;
}

describe('worker shutdown', () => {
  it('exits within FERRY_SHUTDOWN_TIMEOUT_MS when Redis and Postgres do not answer', async () => {
    const [redisPort, pgPort] = [await blackHole(), await blackHole()];
    child = spawn(process.execPath, [join(import.meta.dirname, '..', 'src', 'main.ts')], {
      env: {
        ...process.env,
        DATABASE_URL: `postgres://postgres@127.0.0.1:${pgPort}/ferry`,
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        FERRY_WORKER_PORT: '0',
        FERRY_SHUTDOWN_TIMEOUT_MS: '2000',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
    });
    child.stderr!.on('data', (d) => {
      out += String(d);
    });
    const exited = new Promise<number | null>((r) => child!.once('exit', (c) => r(c)));
    await new Promise<void>((resolve, reject) => {
      const t = setInterval(() => {
        if (/listening on http/.test(out)) {
          clearInterval(t);
          resolve();
        }
      }, 100);
      child!.once('exit', (c) => reject(new Error(`worker exited ${c} before the signal: ${out}`)));
    });
    await new Promise((r) => setTimeout(r, 1500)); // stuck starting: its first Redis call never answers
    const t0 = Date.now();
    child.kill('SIGTERM');
    const code = await exited;
    const ms = Date.now() - t0;
    console.log(`worker exited ${ms} ms after SIGTERM (bound 2000 ms), code ${code}`);
    expect(ms).toBeLessThan(2000 + 1500);
    expect(code).toBe(1);
    expect(out).toMatch(/drain did not finish in time/);
  });
});
