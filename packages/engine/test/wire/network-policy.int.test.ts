import { createServer, type Server } from 'node:net';
import { testCluster } from '@ferry/testkit/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { WireCluster } from '../../src/wire/cluster.ts';
import { wireConfig } from './helpers.ts';

// FERRY_ALLOWED_BROKERS on Ferry's own wire connections: bootstrap servers and the broker addresses metadata
// returns. Only loopback is contacted: the allowlist names 127.0.0.1 and the refused probes are other loopback
// addresses, where a listener of the test's own counts every connection that arrives.
const clusters: WireCluster[] = [];
const servers: Server[] = [];
afterEach(async () => {
  delete process.env.FERRY_ALLOWED_BROKERS;
  await Promise.all(clusters.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

const east = () => testCluster('east');
const port = () => Number(east().bootstrap.split(':').at(-1));

function cluster(bootstrap: string, over: Partial<ReturnType<typeof wireConfig>> = {}): WireCluster {
  const c = new WireCluster({ ...wireConfig(east()), bootstrap: [bootstrap], ...over });
  clusters.push(c);
  return c;
}

/** A listener on `host` that counts the connections it is offered (a probe: nothing should arrive). */
async function probe(host: string): Promise<{ port: number; connections: () => number }> {
  let n = 0;
  const s = createServer((sock) => {
    n++;
    sock.destroy();
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, host, r));
  const addr = s.address();
  if (!addr || typeof addr === 'string') throw new Error('no port');
  return { port: addr.port, connections: () => n };
}

describe('the wire layer honours FERRY_ALLOWED_BROKERS', () => {
  it('connects to an allowed broker and reads metadata', async () => {
    process.env.FERRY_ALLOWED_BROKERS = '127.0.0.1/32';
    const md = await cluster(`127.0.0.1:${port()}`).metadata();
    expect(md.brokers.size).toBeGreaterThan(0);
  });

  it('refuses a bootstrap address outside the allowlist before connecting: not retriable, nothing arrives', async () => {
    const p = await probe('127.0.0.3');
    process.env.FERRY_ALLOWED_BROKERS = '127.0.0.1/32';
    const e = await cluster(`127.0.0.3:${p.port}`)
      .metadata()
      .catch((x: unknown) => x);
    expect(e).toMatchObject({ name: 'NETWORK_POLICY_REFUSED', retriable: false });
    expect((e as Error).message).toMatch(/127\.0\.0\.3 is not in FERRY_ALLOWED_BROKERS/);
    // the same listener accepts when nothing restricts it: the refusal was the policy's, not the network's
    expect(p.connections()).toBe(0);
    delete process.env.FERRY_ALLOWED_BROKERS;
    await cluster(`127.0.0.3:${p.port}`, { connectTimeoutMs: 2000, requestTimeoutMs: 500 })
      .metadata()
      .catch(() => undefined);
    expect(p.connections()).toBe(1);
  });

  it('judges a name by the addresses DNS returns', async () => {
    // "localhost" resolves to loopback addresses; none of them is 127.0.0.3
    process.env.FERRY_ALLOWED_BROKERS = '127.0.0.3/32';
    const e = await cluster(`localhost:${port()}`)
      .metadata()
      .catch((x: unknown) => x);
    expect(e).toMatchObject({ name: 'NETWORK_POLICY_REFUSED', retriable: false });
    expect((e as Error).message).toMatch(/localhost \(.+\) is not in FERRY_ALLOWED_BROKERS/);
  });

  it('refuses a broker address that metadata returns when it is outside the allowlist', async () => {
    // "localhost" is allowed as a name (bootstrap works); the broker advertises 127.0.0.1, which is not listed
    process.env.FERRY_ALLOWED_BROKERS = 'localhost';
    const c = cluster(`localhost:${port()}`);
    const md = await c.metadata([], { refresh: true });
    const [nodeId] = [...md.brokers.keys()];
    expect(md.brokers.get(nodeId!)?.host).toBe('127.0.0.1');
    const e = await c.broker(nodeId!).catch((x: unknown) => x);
    expect(e).toMatchObject({ name: 'NETWORK_POLICY_REFUSED', retriable: false });
    expect((e as Error).message).toMatch(/127\.0\.0\.1 is not in FERRY_ALLOWED_BROKERS/);
  });

  it('never connects to a link-local or metadata address, even with no allowlist', async () => {
    const t0 = Date.now();
    const e = await cluster('169.254.169.254:9092')
      .metadata()
      .catch((x: unknown) => x);
    expect(e).toMatchObject({ name: 'NETWORK_POLICY_REFUSED', retriable: false });
    expect((e as Error).message).toMatch(/link-local or cloud-metadata/);
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});
