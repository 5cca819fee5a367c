import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorCode, errorSentence } from '@ferry/core';
import { type OAuthServer, startOAuthServer } from '@ferry/testkit/oauth-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OAuthTokenSource } from '../../src/kafka/oauth-token.ts';

/**
 * The token endpoint is a URL someone typed into a form, and the client secret is sent there: the network
 * policy judges its host as it judges brokers, redirects are not followed. Real sockets on loopback only:
 * the allowlist names 127.0.0.1, the refused probe listens on 127.0.0.3 and counts what arrives.
 */
let oauth: OAuthServer;
let probe: Server;
let probeHits = 0;
let redirector: Server;

const listen = (s: Server, host: string) =>
  new Promise<number>((resolve) => s.listen(0, host, () => resolve((s.address() as AddressInfo).port)));
const close = (s: Server | undefined) => new Promise<void>((r) => (s ? s.close(() => r()) : r()));

let probePort = 0;
let redirectPort = 0;
beforeAll(async () => {
  oauth = await startOAuthServer();
  probe = createServer((_q, s) => {
    probeHits++;
    s.writeHead(200, { 'content-type': 'application/json' }).end('{"access_token":"stolen"}');
  });
  probePort = await listen(probe, '127.0.0.3');
  // answers every token request with a redirect to the probe (where a follower would send the secret)
  redirector = createServer((_q, s) =>
    s.writeHead(307, { location: `http://127.0.0.3:${probePort}/token` }).end(),
  );
  redirectPort = await listen(redirector, '127.0.0.1');
});
afterAll(async () => {
  await oauth?.close();
  await close(probe);
  await close(redirector);
});
afterEach(() => {
  delete process.env.FERRY_ALLOWED_BROKERS;
});

const source = (tokenEndpointUrl: string, clientSecret = oauth.clientSecret) =>
  new OAuthTokenSource({ tokenEndpointUrl, clientId: oauth.clientId, clientSecret, scope: oauth.scope });

describe('the token endpoint under the network policy', () => {
  it('an allowed host answers with a token (real oidc-provider, client_credentials)', async () => {
    process.env.FERRY_ALLOWED_BROKERS = '127.0.0.1/32';
    const before = oauth.issued();
    const token = await source(oauth.tokenEndpointUrl).token();
    expect(token.split('.')).toHaveLength(3); // a JWT
    expect(oauth.issued()).toBe(before + 1);
  });

  it('a host outside FERRY_ALLOWED_BROKERS is refused before anything is sent', async () => {
    process.env.FERRY_ALLOWED_BROKERS = '127.0.0.1/32';
    const hits = probeHits;
    const err = await source(`http://127.0.0.3:${probePort}/token`)
      .token()
      .catch((e: unknown) => e);
    expect(errorCode(err)).toBe('NETWORK_POLICY_REFUSED');
    expect((err as { retriable: boolean }).retriable).toBe(false);
    expect(errorSentence(err)).toMatch(/127\.0\.0\.3 is not in FERRY_ALLOWED_BROKERS/);
    expect(probeHits).toBe(hits);
  });

  it('a name is judged by what it resolves to (localhost → 127.0.0.1 outside a 127.0.0.3 allowlist)', async () => {
    process.env.FERRY_ALLOWED_BROKERS = '127.0.0.3/32';
    const port = Number(new URL(oauth.tokenEndpointUrl).port);
    const before = oauth.issued();
    const err = await source(`http://localhost:${port}/token`)
      .token()
      .catch((e: unknown) => e);
    expect(errorCode(err)).toBe('NETWORK_POLICY_REFUSED');
    expect(oauth.issued()).toBe(before);
  });

  it('a link-local / cloud-metadata address is refused even with no allowlist', async () => {
    const started = Date.now();
    const err = await source('http://169.254.169.254/latest/meta-data/iam')
      .token()
      .catch((e: unknown) => e);
    expect(errorCode(err)).toBe('NETWORK_POLICY_REFUSED');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('a redirect is not followed: the secret goes only to the configured URL', async () => {
    const hits = probeHits;
    const err = await source(`http://127.0.0.1:${redirectPort}/token`, 'secret-for-idp-only')
      .token()
      .catch((e: unknown) => e);
    expect(errorCode(err)).toBe('OAUTH_TOKEN_FAILED');
    expect(errorSentence(err)).toMatch(/answered 307 \(a redirect\)/);
    expect(probeHits).toBe(hits);
    expect(JSON.stringify({ m: (err as Error).message, s: errorSentence(err) })).not.toContain(
      'secret-for-idp-only',
    );
  });

  it('a wrong client secret: invalid_client in words, not retriable, the secret not echoed', async () => {
    const err = await source(oauth.tokenEndpointUrl, 'wrong-secret-5678')
      .token()
      .catch((e: unknown) => e);
    expect(errorCode(err)).toBe('OAUTH_TOKEN_FAILED');
    expect((err as { retriable: boolean }).retriable).toBe(false);
    expect(errorSentence(err)).toMatch(/^No OAuth token: token endpoint .* answered 401: invalid_client/);
    expect(errorSentence(err)).not.toContain('wrong-secret-5678');
  });
});
