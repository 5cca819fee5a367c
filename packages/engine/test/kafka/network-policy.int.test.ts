import { testCluster } from '@ferry/testkit/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { testConnection } from '../../src/connection-test/test-connection.ts';

// Network policy on every connection the engine makes (bootstrap servers and brokers from metadata). Only
// loopback is contacted: the allowlist names 127.0.0.1 and the refused probes are other loopback addresses.
afterEach(() => {
  delete process.env.FERRY_ALLOWED_BROKERS;
});
const east = () => testCluster('east');
const port = () => Number(east().bootstrap.split(':').at(-1));

describe('the engine honours FERRY_ALLOWED_BROKERS', () => {
  it('connects to an allowed broker', async () => {
    process.env.FERRY_ALLOWED_BROKERS = '127.0.0.1/32';
    const r = await testConnection({
      alias: 'east',
      bootstrapServers: [`127.0.0.1:${port()}`],
      securityProtocol: 'PLAINTEXT',
    });
    expect(r.ok, r.problems.join()).toBe(true);
  });

  it('refuses a bootstrap server outside the allowlist without sending anything', async () => {
    process.env.FERRY_ALLOWED_BROKERS = '127.0.0.1/32';
    const r = await testConnection({
      alias: 'x',
      bootstrapServers: [`127.0.0.3:${port()}`],
      securityProtocol: 'PLAINTEXT',
    });
    expect(r.ok).toBe(false);
    expect(r.problems.join(' ')).toMatch(/network policy/i);
  });

  it('refuses a broker address that metadata returns when it is outside the allowlist', async () => {
    // "localhost" is allowed as a name; the broker then advertises 127.0.0.1, which is not on the list.
    process.env.FERRY_ALLOWED_BROKERS = 'localhost';
    const r = await testConnection({
      alias: 'x',
      bootstrapServers: [`localhost:${port()}`],
      securityProtocol: 'PLAINTEXT',
    });
    expect(r.ok).toBe(false);
  });

  it('never connects to a link-local or metadata address, even with no allowlist', async () => {
    const r = await testConnection({
      alias: 'x',
      bootstrapServers: ['169.254.169.254:9092'],
      securityProtocol: 'PLAINTEXT',
    });
    expect(r.ok).toBe(false);
    expect(r.problems.join(' ')).toMatch(/network policy/i);
    expect(r.elapsedMs).toBeLessThan(3000);
  });
});
