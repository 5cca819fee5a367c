import { describe, expect, it } from 'vitest';
import { endpointForMessages, OAuthTokenSource } from '../../src/kafka/oauth-token.ts';

/** A scripted token endpoint (pure unit test: the real one is oidc-provider in oauthbearer.int.test.ts). */
function endpoint(answers: Array<{ status: number; body: unknown }>) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const a = answers.shift()!;
    return new Response(typeof a.body === 'string' ? a.body : JSON.stringify(a.body), { status: a.status });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, calls };
}

const creds = {
  tokenEndpointUrl: 'http://idp/token',
  clientId: 'a b',
  clientSecret: 's:3cr3t',
  scope: 'kafka',
};

describe('OAuthTokenSource', () => {
  it('asks by client credentials (Basic, form body) and reuses the token until 80 % of its lifetime', async () => {
    let now = 1_000_000;
    const e = endpoint([
      { status: 200, body: { access_token: 't1', expires_in: 100 } },
      { status: 200, body: { access_token: 't2', expires_in: 100 } },
    ]);
    const s = new OAuthTokenSource(creds, { fetch: e.fetch, now: () => now });
    expect(await Promise.all([s.token(), s.token()])).toEqual(['t1', 't1']);
    expect(e.calls).toHaveLength(1);
    const h = e.calls[0]!.init.headers as Record<string, string>;
    expect(h.authorization).toBe(`Basic ${Buffer.from('a%20b:s%3A3cr3t').toString('base64')}`);
    expect(e.calls[0]!.init.body).toBe('grant_type=client_credentials&scope=kafka');
    now += 79_000;
    expect(await s.token()).toBe('t1');
    now += 2_000;
    expect(await s.token()).toBe('t2');
    expect(e.calls).toHaveLength(2);
  });

  it.each([
    [
      { status: 401, body: { error: 'invalid_client', error_description: 'bad secret' } },
      /answered 401: invalid_client \(bad secret\)/,
      false,
    ],
    [{ status: 503, body: 'down' }, /answered 503 with no JSON/, true],
    [{ status: 200, body: { token_type: 'Bearer' } }, /answered 200: no access_token/, false],
  ])('%j fails as OAUTH_TOKEN_FAILED', async (answer, words, retriable) => {
    const s = new OAuthTokenSource(creds, { fetch: endpoint([answer]).fetch });
    const err = (await s.token().then(
      () => undefined,
      (e: unknown) => e,
    )) as { code: string; message: string; retriable: boolean };
    expect(err).toMatchObject({ code: 'OAUTH_TOKEN_FAILED', retriable });
    expect(err.message).toMatch(words);
    expect(err.message).not.toContain('s:3cr3t');
  });
});

describe('endpointForMessages', () => {
  it.each([
    ['https://idp.example.com/oauth2/token', 'https://idp.example.com/oauth2/token'],
    ['https://idp.example.com:8443/t?api_key=s3cret', 'https://idp.example.com:8443/t?…'],
    ['not a url', '(an invalid URL)'],
  ])('%s → %s', (url, shown) => {
    expect(endpointForMessages(url)).toBe(shown);
  });
});
