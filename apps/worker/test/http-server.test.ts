import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { startHttpServer } from '../src/http-server.ts';

// Finding 9: /readyz echoed the raw error of a failing dependency (hosts, users, paths) to anyone asking.
describe('/readyz', () => {
  const logged: string[] = [];
  const started = startHttpServer({
    host: '127.0.0.1',
    port: 0,
    registry: new Registry(),
    checks: {
      postgres: async () => ({
        ok: false,
        reason: 'postgres: password authentication failed for user "ferry_admin" at 10.20.30.40:5432',
      }),
      redis: async () => ({ ok: true }),
    },
    onCheckFailed: (check, reason) => logged.push(`${check}: ${reason}`),
  });
  afterAll(async () => (await started).server.close());

  it('names the dependency that is down, not its raw error (which goes to the log)', async () => {
    const { port } = await started;
    const res = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      status: 'unready',
      checks: { postgres: { ok: false, status: 'down' }, redis: { ok: true } },
    });
    expect(text).not.toMatch(/ferry_admin|10\.20\.30\.40|password/);
    expect(logged).toEqual([expect.stringContaining('ferry_admin')]);
  });
});
