import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { clusterSecretContext, open, parseSecretKey, seal } from '../src/secret-box.ts';

const k1 = parseSecretKey('k1', randomBytes(32).toString('base64'));
const k2 = parseSecretKey('k2', randomBytes(32).toString('base64'));

describe('secret box', () => {
  it('round-trips and never contains the plaintext', () => {
    const env = seal({ saslPassword: 'hunter2-very-secret' }, k1);
    expect(JSON.stringify(env)).not.toContain('hunter2');
    expect(env.keyId).toBe('k1');
    expect(open(env, [k2, k1])).toEqual({ saslPassword: 'hunter2-very-secret' });
  });
  it('refuses an unknown key id with a clear message', () => {
    expect(() => open(seal('x', k1), [k2])).toThrow(/no secret key with id "k1"/);
  });
  it('detects tampering', () => {
    const env = seal('x', k1);
    env.ciphertext = Buffer.from('y').toString('base64');
    expect(() => open(env, [k1])).toThrow();
  });
  it.each([
    ['short', randomBytes(16).toString('base64'), /32 bytes/],
    ['bad id!', randomBytes(32).toString('base64'), /KEY_ID/],
  ])('rejects key %s', (id, key, err) => expect(() => parseSecretKey(id, key)).toThrow(err));
});

describe('secret box v2: bound to the cluster endpoint (finding 4)', () => {
  const ctx = (over: Partial<Parameters<typeof clusterSecretContext>[0]> = {}) =>
    clusterSecretContext({
      id: '6d1f5f7e-0000-4000-8000-000000000001',
      bootstrapServers: 'kafka-1:9093',
      securityProtocol: 'SASL_SSL',
      caPem: 'CA-PEM',
      ...over,
    });

  it('opens with the same context only', () => {
    const env = seal({ saslPassword: 'pw' }, k1, ctx());
    expect(env.v).toBe(2);
    expect(open(env, [k1], ctx())).toEqual({ saslPassword: 'pw' });
    for (const other of [
      ctx({ bootstrapServers: 'attacker:9093' }),
      ctx({ securityProtocol: 'SASL_PLAINTEXT' }),
      ctx({ caPem: 'ATTACKER-CA' }),
      ctx({ id: '6d1f5f7e-0000-4000-8000-000000000002' }),
    ])
      expect(() => open(env, [k1], other)).toThrow(/another cluster endpoint/);
    expect(() => open(env, [k1])).toThrow(/bound to its cluster/);
  });

  it('still opens version 1 envelopes (sealed before binding)', () => {
    const env = seal({ saslPassword: 'old' }, k1);
    expect(env.v).toBe(1);
    expect(open(env, [k1], ctx())).toEqual({ saslPassword: 'old' });
  });

  it('pins the tag length to 16 bytes', () => {
    const env = seal('x', k1, ctx());
    const short = { ...env, tag: Buffer.from(env.tag, 'base64').subarray(0, 4).toString('base64') };
    expect(() => open(short, [k1], ctx())).toThrow(/malformed/);
  });

  it('an OAUTHBEARER client secret is bound to the token endpoint too; without one the context is unchanged', () => {
    const withUrl = ctx({ tokenEndpointUrl: 'https://idp.example.com/token' });
    const env = seal({ oauthClientSecret: 's' }, k1, withUrl);
    expect(open(env, [k1], withUrl)).toEqual({ oauthClientSecret: 's' });
    for (const other of [ctx({ tokenEndpointUrl: 'https://attacker.example/token' }), ctx()])
      expect(() => open(env, [k1], other)).toThrow(/another cluster endpoint/);
    // rows sealed before OAUTHBEARER existed keep opening
    expect(ctx({ tokenEndpointUrl: null })).toBe(ctx());
  });
});
