import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM envelopes for cluster secrets, with the id of the key that sealed them so keys can rotate:
 * `open` picks the key by id from a keyring. The plaintext is JSON.
 */
export interface SecretEnvelope {
  v: 1;
  keyId: string;
  iv: string;
  tag: string;
  ciphertext: string;
}
export interface SecretKey {
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

export function parseSecretKey(id: string, base64: string): SecretKey {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32)
    throw new Error(`FERRY_SECRET_KEY must be 32 bytes, base64-encoded (got ${key.length} bytes)`);
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(id))
    throw new Error('FERRY_SECRET_KEY_ID must be 1-64 letters, digits, ".", "_" or "-"');
  return { id, key };
}

export function seal(value: unknown, key: SecretKey): SecretEnvelope {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(Buffer.from(key.id));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return {
    v: 1,
    keyId: key.id,
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
}

export function open<T>(envelope: SecretEnvelope, keyring: readonly SecretKey[]): T {
  const key = keyring.find((k) => k.id === envelope.keyId);
  if (!key)
    throw new Error(
      `no secret key with id "${envelope.keyId}" is configured (rotate with FERRY_SECRET_KEY_PREVIOUS)`,
    );
  const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(envelope.iv, 'base64'));
  decipher.setAAD(Buffer.from(key.id));
  decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
  const plain = Buffer.concat([
    decipher.update(Buffer.from(envelope.ciphertext, 'base64')),
    decipher.final(),
  ]);
  return JSON.parse(plain.toString('utf8')) as T;
}
