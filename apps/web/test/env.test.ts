import { describe, expect, it } from 'vitest';
import { readEnv } from '@/lib/env.ts';

describe('env', () => {
  it('refuses to start in production without secrets, saying what is missing', () => {
    expect(() => readEnv({ NODE_ENV: 'production' })).toThrow(
      /FERRY_SECRET_KEY: missing[\s\S]*BETTER_AUTH_SECRET: missing/,
    );
  });
  it('rejects a key that is not 32 bytes', () => {
    expect(() =>
      readEnv({
        NODE_ENV: 'production',
        FERRY_SECRET_KEY: Buffer.alloc(16).toString('base64'),
        BETTER_AUTH_SECRET: 'x'.repeat(40),
      }),
    ).toThrow(/32 bytes/);
  });
  it('uses documented defaults in development and test', () => {
    const e = readEnv({ NODE_ENV: 'test' });
    expect(e.keyring[0]?.id).toBe('k1');
    expect(e.keyring[0]?.key).toHaveLength(32);
  });
  it('keeps the previous key for rotation', () => {
    const key = Buffer.alloc(32, 1).toString('base64');
    const e = readEnv({
      NODE_ENV: 'production',
      FERRY_SECRET_KEY: key,
      FERRY_SECRET_KEY_ID: 'k2',
      FERRY_SECRET_KEY_PREVIOUS: `k1:${Buffer.alloc(32, 2).toString('base64')}`,
      BETTER_AUTH_SECRET: 'x'.repeat(40),
    });
    expect(e.keyring.map((k) => k.id)).toEqual(['k2', 'k1']);
  });

  it('reads an OIDC provider and its group map from the environment', () => {
    const e = readEnv({
      NODE_ENV: 'test',
      FERRY_OIDC_ISSUER: 'https://login.example.com/realms/corp/',
      FERRY_OIDC_CLIENT_ID: 'ferry',
      FERRY_OIDC_CLIENT_SECRET: 's3cret',
      FERRY_OIDC_GROUP_MAP: 'ops=payments:admin, devs=payments:viewer',
      FERRY_OIDC_SCOPES: 'openid email profile groups',
    });
    expect(e.oidc).toEqual({
      issuer: 'https://login.example.com/realms/corp',
      clientId: 'ferry',
      clientSecret: 's3cret',
      name: 'SSO',
      scopes: ['openid', 'email', 'profile', 'groups'],
      groupsClaim: 'groups',
      groupMap: [
        { group: 'ops', team: 'payments', role: 'admin' },
        { group: 'devs', team: 'payments', role: 'viewer' },
      ],
    });
    expect(readEnv({ NODE_ENV: 'test' }).oidc).toBeNull();
  });
  it.each([
    [{ FERRY_OIDC_ISSUER: 'https://idp.example.com' }, /FERRY_OIDC_CLIENT_ID and FERRY_OIDC_CLIENT_SECRET/],
    [
      {
        FERRY_OIDC_ISSUER: 'http://idp.example.com',
        FERRY_OIDC_CLIENT_ID: 'a',
        FERRY_OIDC_CLIENT_SECRET: 'b',
      },
      /FERRY_OIDC_ISSUER: the issuer must be an https/,
    ],
    [{ FERRY_OIDC_GROUP_MAP: 'ops=payments:root' }, /FERRY_OIDC_GROUP_MAP: "ops=payments:root": the role/],
    [{ FERRY_SMTP_URL: 'mail.example.com:25' }, /FERRY_SMTP_URL: an smtp:\/\/ or smtps:\/\/ URL/],
  ])('refuses %j with a sentence', (vars, message) => {
    expect(() => readEnv({ NODE_ENV: 'test', ...vars })).toThrow(message);
  });
  it('never prints the SMTP URL (it carries credentials)', () => {
    expect(() => readEnv({ NODE_ENV: 'test', FERRY_SMTP_URL: 'relay-password@host' })).toThrow(
      /^(?![\s\S]*relay-password)/,
    );
    const e = readEnv({ NODE_ENV: 'test', FERRY_SMTP_URL: 'smtps://u:p@relay:465' });
    expect(e.smtp).toEqual({ url: 'smtps://u:p@relay:465', from: 'Ferry <ferry@localhost>' });
  });
});
