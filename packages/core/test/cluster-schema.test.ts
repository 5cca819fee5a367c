import { describe, expect, it } from 'vitest';
import { clusterCreateSchema, clusterUpdateSchema, fieldIssues, tokenEndpointProblem } from '../src/index.ts';

const base = { name: 'idp', bootstrapServers: 'broker:9092', securityProtocol: 'SASL_SSL' };
const oauth = {
  mechanism: 'OAUTHBEARER',
  tokenEndpointUrl: 'https://idp.example.com/oauth2/token',
  clientId: 'ferry',
  clientSecret: 's3cret',
  scope: 'kafka openid',
};
const issues = (schema: typeof clusterCreateSchema | typeof clusterUpdateSchema, input: unknown) => {
  const r = schema.safeParse(input);
  return r.success ? [] : fieldIssues(r.error);
};

describe('cluster SASL OAUTHBEARER validation', () => {
  it('accepts a client-credentials cluster, scope optional', () => {
    expect(issues(clusterCreateSchema, { ...base, sasl: oauth })).toEqual([]);
    const { scope: _, ...noScope } = oauth;
    expect(clusterCreateSchema.parse({ ...base, sasl: noScope }).sasl).toEqual(noScope);
  });

  it.each([
    [
      'no token endpoint',
      { tokenEndpointUrl: undefined },
      'sasl.tokenEndpointUrl',
      /required for OAUTHBEARER/,
    ],
    ['an empty token endpoint', { tokenEndpointUrl: '  ' }, 'sasl.tokenEndpointUrl', /required/],
    [
      'a token endpoint that is no URL',
      { tokenEndpointUrl: 'idp/token' },
      'sasl.tokenEndpointUrl',
      /not a URL/,
    ],
    [
      'a file: URL',
      { tokenEndpointUrl: 'file:///etc/token' },
      'sasl.tokenEndpointUrl',
      /http:\/\/ or https:\/\//,
    ],
    ['a javascript: URL', { tokenEndpointUrl: 'javascript:alert(1)' }, 'sasl.tokenEndpointUrl', /http/],
    [
      'credentials in the URL',
      { tokenEndpointUrl: 'https://u:p@idp/token' },
      'sasl.tokenEndpointUrl',
      /user or password/,
    ],
    ['a fragment', { tokenEndpointUrl: 'https://idp/token#x' }, 'sasl.tokenEndpointUrl', /fragment/],
    ['no client id', { clientId: undefined }, 'sasl.clientId', /required for OAUTHBEARER/],
    ['a client id with a quote', { clientId: 'a"b' }, 'sasl.clientId', /no quotes/],
    ['a client id with a newline', { clientId: 'a\nb' }, 'sasl.clientId', /printable/],
    ['no client secret', { clientSecret: undefined }, 'sasl.clientSecret', /required/],
    ['an empty client secret', { clientSecret: '' }, 'sasl.clientSecret', /required/],
    ['a scope with a quote', { scope: 'kafka "x"' }, 'sasl.scope', /scope names/],
    ['a scope with two spaces', { scope: 'a  b' }, 'sasl.scope', /scope names/],
    ['a username', { username: 'ferry' }, 'sasl.username', /not used with OAUTHBEARER/],
    ['a password', { password: 'pw' }, 'sasl.password', /not used with OAUTHBEARER/],
  ])('refuses %s, naming the field', (_, change, path, message) => {
    const found = issues(clusterCreateSchema, { ...base, sasl: { ...oauth, ...change } });
    expect(found.map((i) => i.path)).toContain(path);
    expect(found.find((i) => i.path === path)!.message).toMatch(message);
  });

  it.each([
    ['tokenEndpointUrl', 'https://idp/token'],
    ['clientId', 'ferry'],
    ['clientSecret', 'x'],
    ['scope', 'kafka'],
  ])('refuses OAuth field %s on a SCRAM cluster', (field, value) => {
    const found = issues(clusterCreateSchema, {
      ...base,
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'u', password: 'p', [field]: value },
    });
    expect(found).toEqual([
      { path: `sasl.${field}`, message: 'only used with OAUTHBEARER, not SCRAM-SHA-512' },
    ]);
  });

  it('a password cluster still needs its username and password', () => {
    expect(issues(clusterCreateSchema, { ...base, sasl: { mechanism: 'PLAIN' } }).map((i) => i.path)).toEqual(
      ['sasl.username', 'sasl.password'],
    );
  });

  it('an unknown mechanism names the choices', () => {
    const found = issues(clusterCreateSchema, { ...base, sasl: { ...oauth, mechanism: 'GSSAPI' } });
    expect(found[0]!.path).toBe('sasl.mechanism');
    expect(found[0]!.message).toMatch(/OAUTHBEARER/);
  });

  it('an update may leave the client secret out (kept only while the endpoint stays, see save-cluster)', () => {
    const { clientSecret: _, ...noSecret } = oauth;
    expect(issues(clusterUpdateSchema, { sasl: noSecret })).toEqual([]);
    expect(issues(clusterUpdateSchema, { sasl: { ...noSecret, tokenEndpointUrl: 'ftp://x/y' } })).toEqual([
      { path: 'sasl.tokenEndpointUrl', message: 'must be http:// or https://, not ftp:' },
    ]);
  });
});

describe('tokenEndpointProblem', () => {
  it.each([
    ['https://idp.example.com/oauth2/token', null],
    ['http://127.0.0.1:8080/token', null],
    ['https://[::1]:8443/token?tenant=a', null],
    [`https://idp/${'a'.repeat(2100)}`, 'at most 2048 characters'],
    ['gopher://idp/token', 'must be http:// or https://, not gopher:'],
  ])('%s → %s', (url, problem) => {
    expect(tokenEndpointProblem(url)).toBe(problem);
  });
});
