import { STACK_SCRAM_USERS, startDedicatedBroker } from '@ferry/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterConfig } from '../../src/config/flow-config.ts';
import { kafkaFor, wireConfigFor } from '../../src/kafka/client.ts';
import { type KafkaError, WireCluster } from '../../src/wire/index.ts';

/**
 * A broker that limits SASL sessions (`connections.max.reauth.ms`, KIP-368) to 4 s, shorter than kafkajs'
 * default re-authentication threshold (10 s). With that default kafkajs re-authenticated right after
 * authenticating and the broker refused it (ILLEGAL_SASL_STATE, "Request is not valid given the current SASL
 * state"): every admin call failed (found by the fault suite's SCRAM scenario). Both clients Ferry uses must
 * keep working across several sessions: kafkajs re-authenticates; the wire client reconnects when the broker
 * has closed its expired connection (the one request that met the closed connection fails, retriably).
 */
let broker: Awaited<ReturnType<typeof startDedicatedBroker>>;
const user = STACK_SCRAM_USERS[0];

beforeAll(async () => {
  broker = await startDedicatedBroker(
    { name: 'shortsasl', security: 'SASL_PLAINTEXT', brokerOverrides: { 'connections.max.reauth.ms': 4000 } },
    { onProgress: (m) => process.stderr.write(`short-session broker: ${m}\n`) },
  );
}, 180_000);

afterAll(async () => {
  await broker?.stop();
});

const cluster = (): ClusterConfig =>
  ({
    alias: 'shortsasl',
    bootstrapServers: [broker.cluster.bootstrap],
    securityProtocol: 'SASL_PLAINTEXT',
    sasl: { mechanism: 'SCRAM-SHA-512', username: user.username, password: user.password },
  }) as ClusterConfig;

describe('a broker whose SASL sessions last 4 s', () => {
  it('kafkajs (admin) re-authenticates and keeps answering; the wire client reconnects after each session', async () => {
    const admin = kafkaFor(cluster(), 'ferry-short-session', { retries: 0 }).admin();
    const wire = new WireCluster(wireConfigFor(cluster(), 'ferry-short-session-wire'));
    await admin.connect();
    try {
      const kafkajsErrors: string[] = [];
      // the wire client does not re-authenticate (KIP-368): the broker closes its connection at the first
      // request after the session ended; that request fails retriably and the next one reconnects
      const wireResults: Array<'ok' | { retriable: boolean; message: string }> = [];
      let kafkajsCalls = 0;
      const t0 = Date.now();
      while (Date.now() - t0 < 10_000) {
        await admin.describeCluster().then(
          () => kafkajsCalls++,
          (e: Error) => kafkajsErrors.push(e.message),
        );
        await wire.metadata([], { refresh: true }).then(
          () => wireResults.push('ok'),
          (e: KafkaError) => wireResults.push({ retriable: e.retriable, message: e.message }),
        );
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(kafkajsErrors).toEqual([]);
      expect(kafkajsCalls).toBeGreaterThanOrEqual(10);
      const failed = wireResults.filter((r) => r !== 'ok');
      expect(
        failed.every((r) => r.retriable && /closed by the broker/.test(r.message)),
        JSON.stringify(failed),
      ).toBe(true);
      // never two failures in a row: the call after a closed connection reconnects and authenticates
      expect(wireResults.some((r, i) => r !== 'ok' && wireResults[i + 1] !== 'ok')).toBe(false);
      expect(wireResults.filter((r) => r === 'ok').length).toBeGreaterThanOrEqual(10);
    } finally {
      await admin.disconnect();
      await wire.close();
    }
  }, 60_000);
});
