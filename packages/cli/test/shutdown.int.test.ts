import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { shutdownTimeoutMs } from '../src/commands/run.ts';

/**
 * `ferry run` exits within its shutdown bound on SIGTERM even when its brokers do not answer (issue #12:
 * it ignored SIGTERM for minutes after its brokers went away). The brokers here are a black hole on
 * loopback: connections are accepted and never answered, the way a paused or cut-off broker behaves.
 */
const bin = join(import.meta.dirname, '..', 'bin', 'ferry.js');
const sockets: Socket[] = [];
let hole: Server | undefined;

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => hole?.close(r));
});

async function blackHole(): Promise<number> {
  hole = createServer((s) => {
    sockets.push(s);
    s.on('error', () => {});
  });
  await new Promise<void>((r) => hole!.listen(0, '127.0.0.1', r));
  return (hole.address() as { port: number }).port;
}

describe('shutdown timeout option', () => {
  it.each([
    [undefined, {}, 30_000],
    ['5', {}, 5000],
    ['0.5', {}, 500],
    [undefined, { FERRY_SHUTDOWN_TIMEOUT_MS: '2500' }, 2500],
    ['7', { FERRY_SHUTDOWN_TIMEOUT_MS: '2500' }, 7000],
    ['0', {}, undefined],
    ['abc', {}, undefined],
    [undefined, { FERRY_SHUTDOWN_TIMEOUT_MS: '1.5' }, undefined],
  ])('--shutdown-timeout %s with %j → %s ms', (opt, env, want) => {
    expect(shutdownTimeoutMs(opt, env as NodeJS.ProcessEnv)).toBe(want);
  });
});

describe('ferry run on SIGTERM with unreachable brokers', () => {
  it('exits within --shutdown-timeout, saying why', async () => {
    const port = await blackHole();
    const dir = mkdtempSync(join(tmpdir(), 'ferry-shutdown-'));
    const file = join(dir, 'mm2.properties');
    writeFileSync(
      file,
      [
        'clusters=a,b',
        `a.bootstrap.servers=127.0.0.1:${port}`,
        `b.bootstrap.servers=127.0.0.1:${port}`,
        'a->b.enabled=true',
        'a->b.topics=.*',
        '',
      ].join('\n'),
    );
    const child = spawn(process.execPath, [bin, 'run', file, '--shutdown-timeout', '3'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => {
      err += String(d);
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    // Running and stuck on its brokers: the flow line is printed, nothing connects.
    await new Promise<void>((resolve, reject) => {
      const t = setInterval(() => {
        if (/ferry: flow a->b/.test(err)) {
          clearInterval(t);
          resolve();
        }
      }, 100);
      child.once('exit', (c) => reject(new Error(`exited ${c} before the signal: ${err}`)));
    });
    await new Promise((r) => setTimeout(r, 2000));
    const t0 = Date.now();
    child.kill('SIGTERM');
    const code = await exited;
    const ms = Date.now() - t0;
    console.log(`ferry run exited ${ms} ms after SIGTERM (bound 3000 ms), code ${code}`);
    expect(ms).toBeLessThan(3000 + 1500);
    expect(code).toBe(1);
    expect(err).toMatch(/SIGTERM: committing open transactions and stopping/);
    expect(err).toMatch(/could not commit and stop within 3 s/);
  });
});
