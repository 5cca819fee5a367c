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
});
