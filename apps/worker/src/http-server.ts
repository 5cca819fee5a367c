import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export type ReadinessCheck = () => Promise<{ ok: true } | { ok: false; reason: string }>;

/**
 * /healthz (process is up), /readyz (dependencies answer), /metrics (Prometheus text format). /readyz names
 * the dependency that is down, never its raw error (which can carry hosts, users or paths): that goes to
 * `onCheckFailed`, for the log.
 */
export async function startHttpServer(opts: {
  host: string;
  port: number;
  registry: Registry;
  checks: Record<string, ReadinessCheck>;
  onCheckFailed?: (check: string, reason: string) => void;
}): Promise<{ server: Server; port: number }> {
  const server = createServer(async (req, res) => {
    try {
      if (req.url === '/healthz') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      } else if (req.url === '/readyz') {
        const results = await Promise.all(
          Object.entries(opts.checks).map(async ([name, check]) => [name, await check()] as const),
        );
        const failing = results.filter(([, r]) => !r.ok);
        for (const [name, r] of failing) if (!r.ok) opts.onCheckFailed?.(name, r.reason);
        res.writeHead(failing.length ? 503 : 200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            status: failing.length ? 'unready' : 'ready',
            checks: Object.fromEntries(
              results.map(([name, r]) => [name, r.ok ? { ok: true } : { ok: false, status: 'down' }]),
            ),
          }),
        );
      } else if (req.url === '/metrics') {
        res.writeHead(200, { 'content-type': opts.registry.contentType }).end(await opts.registry.metrics());
      } else {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      }
    } catch {
      res
        .writeHead(500, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: 'internal error' }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
