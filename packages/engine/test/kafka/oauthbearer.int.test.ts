import { randomUUID } from 'node:crypto';
import { errorCode, errorSentence, parseProperties } from '@ferry/core';
import { startDedicatedBroker } from '@ferry/testkit';
import { type OAuthServer, startOAuthServer, tokenValidation } from '@ferry/testkit/oauth-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterConfig } from '../../src/config/flow-config.ts';
import { resolveCluster } from '../../src/config/mm2-properties.ts';
import { kafkaFor, wireConfigFor } from '../../src/kafka/client.ts';
import { WireCluster } from '../../src/wire/index.ts';

/**
 * OAUTHBEARER end to end: a real OAuth server (oidc-provider, client_credentials, JWT access tokens) and a
 * dedicated Kafka 4.3 broker whose OAUTH listener validates the tokens against the server's JWKS (Kafka's
 * OAuthBearerValidatorCallbackHandler). The cluster is read from MM2 properties as a real file writes them,
 * then reached by both clients Ferry uses: kafkajs (admin) and Ferry's own wire layer.
 */
let oauth: OAuthServer;
let broker: Awaited<ReturnType<typeof startDedicatedBroker>>;

beforeAll(async () => {
  oauth = await startOAuthServer();
  broker = await startDedicatedBroker(
    {
      name: 'oauth',
      security: 'PLAINTEXT',
      oauthbearer: tokenValidation(oauth),
    },
    { onProgress: (m) => process.stderr.write(`oauth broker: ${m}\n`) },
  );
}, 180_000);

afterAll(async () => {
  await broker?.stop();
  await oauth?.close();
});

const mm2 = (secret: string) =>
  parseProperties(`clusters = src, dst
src.bootstrap.servers = ${broker.cluster.oauthbearer!.bootstrap}
src.security.protocol = SASL_PLAINTEXT
src.sasl.mechanism = OAUTHBEARER
src.sasl.oauthbearer.token.endpoint.url = ${oauth.tokenEndpointUrl}
src.sasl.login.callback.handler.class = org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler
src.sasl.jaas.config = org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required \\
    clientId="${oauth.clientId}" clientSecret="${secret}" scope="${oauth.scope}";
dst.bootstrap.servers = ${broker.cluster.bootstrap}
`);

describe('OAUTHBEARER with a client-credentials token endpoint', () => {
  it('reads the MM2 keys into the cluster config', () => {
    const c = resolveCluster(mm2(oauth.clientSecret), 'src');
    expect(c.sasl).toEqual({
      mechanism: 'OAUTHBEARER',
      oauth: {
        tokenEndpointUrl: oauth.tokenEndpointUrl,
        clientId: oauth.clientId,
        clientSecret: oauth.clientSecret,
        scope: 'kafka',
      },
    });
  });

  it('kafkajs (admin) authenticates with a token from the endpoint and works on the OAUTH listener', async () => {
    const cluster: ClusterConfig = resolveCluster(mm2(oauth.clientSecret), 'src');
    const admin = kafkaFor(cluster, 'ferry-oauth-test').admin();
    const topic = `oauth-${randomUUID().slice(0, 8)}`;
    const before = oauth.issued();
    try {
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
      expect(await admin.listTopics()).toContain(topic);
    } finally {
      await admin.disconnect();
    }
    expect(oauth.issued()).toBeGreaterThanOrEqual(before); // tokens are cached per credentials
    expect(oauth.issued()).toBeGreaterThan(0);
  });

  it("Ferry's wire layer authenticates with the RFC 7628 initial response and reads metadata", async () => {
    const cluster = resolveCluster(mm2(oauth.clientSecret), 'src');
    const wire = new WireCluster(wireConfigFor(cluster, 'ferry-oauth-wire'));
    try {
      const md = await wire.metadata();
      expect(md.brokers.size).toBe(1);
      expect([...md.brokers.values()][0]!.port).toBe(
        Number(broker.cluster.oauthbearer!.bootstrap.split(':')[1]),
      );
    } finally {
      await wire.close();
    }
  });

  it('a token the broker does not trust is refused: AUTHENTICATION_FAILED, in words', async () => {
    // a syntactically valid JWT signed by nobody the JWKS knows
    const h = Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'stranger', typ: 'JWT' })).toString(
      'base64url',
    );
    const now = Math.floor(Date.now() / 1000);
    const p = Buffer.from(
      JSON.stringify({ sub: 'mallory', iss: oauth.issuer, aud: oauth.audience, iat: now, exp: now + 300 }),
    ).toString('base64url');
    const forged = `${h}.${p}.${Buffer.from('not-a-signature').toString('base64url')}`;
    const wire = new WireCluster({
      bootstrap: [broker.cluster.oauthbearer!.bootstrap],
      clientId: 'ferry-oauth-forged',
      sasl: { mechanism: 'oauthbearer', username: 'mallory', token: async () => forged },
    });
    const err = await wire.metadata().then(
      () => undefined,
      (e: unknown) => e,
    );
    await wire.close();
    expect(errorCode(err)).toBe('AUTHENTICATION_FAILED');
    expect(errorSentence(err)).toMatch(/^Authentication failed/);
  });

  it('a wrong client secret is refused by the token endpoint: OAUTH_TOKEN_FAILED, secret not echoed', async () => {
    const cluster = resolveCluster(mm2('wrong-secret-1234'), 'src');
    const admin = kafkaFor(cluster, 'ferry-oauth-bad', { retries: 0, connectionTimeoutMs: 3000 }).admin();
    const err = await admin.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    await admin.disconnect().catch(() => {});
    const wire = new WireCluster(wireConfigFor(cluster, 'ferry-oauth-bad-wire'));
    const wireErr = await wire.metadata().then(
      () => undefined,
      (e: unknown) => e,
    );
    await wire.close();
    for (const e of [err, wireErr]) {
      expect(e).toBeDefined();
      expect(JSON.stringify({ m: (e as Error).message, s: errorSentence(e) })).not.toContain(
        'wrong-secret-1234',
      );
    }
    expect(errorSentence(wireErr)).toMatch(/invalid_client/);
  });
});
