import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { open, parseSecretKey, seal } from '../src/secret-box.ts';

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
