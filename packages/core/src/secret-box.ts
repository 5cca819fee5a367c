import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM envelopes for cluster secrets, with the id of the key that sealed them so keys can rotate:
 * `open` picks the key by id from a keyring. The plaintext is JSON.
 *
 * Version 2 binds the envelope to where the secret may be used: its additional authenticated data holds the
 * key id and a context string (for a cluster: its id, bootstrap servers, security protocol and CA, see
 * `clusterSecretContext`). An envelope copied to another row, or a row whose endpoint was changed behind the
 * API's back, no longer opens. Version 1 (key id only) still opens, for rows sealed before; `ferry secrets
 * rotate` re-seals them as version 2. The tag length is pinned to 16 bytes.
 */
export interface SecretEnvelope {
  v: 1 | 2;
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

const TAG_BYTES = 16;
const IV_BYTES = 12;

export function parseSecretKey(id: string, base64: string): SecretKey {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32)
    throw new Error(`FERRY_SECRET_KEY must be 32 bytes, base64-encoded (got ${key.length} bytes)`);
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(id))
    throw new Error('FERRY_SECRET_KEY_ID must be 1-64 letters, digits, ".", "_" or "-"');
  return { id, key };
}

/**
 * What a cluster's secrets are bound to: changing any of these needs the secrets typed again. An
 * OAUTHBEARER cluster's secrets are bound to its token endpoint as well (the client secret is sent there);
 * without one the context is what it was before OAUTHBEARER, so older envelopes still open.
 */
export function clusterSecretContext(c: {
  id: string;
  bootstrapServers: string;
  securityProtocol: string;
  caPem?: string | null;
  tokenEndpointUrl?: string | null;
}): string {
  const ca = c.caPem ? createHash('sha256').update(c.caPem).digest('hex') : '';
  return JSON.stringify([
    'ferry.cluster',
    c.id,
    c.bootstrapServers,
    c.securityProtocol,
    ca,
    ...(c.tokenEndpointUrl ? [c.tokenEndpointUrl] : []),
  ]);
}

const aad = (keyId: string, context: string | undefined) =>
  Buffer.from(context === undefined ? keyId : JSON.stringify([keyId, context]));

/** Seals `value`; with a context the envelope is version 2 and opens only with the same context. */
export function seal(value: unknown, key: SecretKey, context?: string): SecretEnvelope {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(key.id, context));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return {
    v: context === undefined ? 1 : 2,
    keyId: key.id,
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
}

export function open<T>(envelope: SecretEnvelope, keyring: readonly SecretKey[], context?: string): T {
  const key = keyring.find((k) => k.id === envelope.keyId);
  if (!key)
    throw new Error(
      `no secret key with id "${envelope.keyId}" is configured (rotate with FERRY_SECRET_KEY_PREVIOUS)`,
    );
  if (envelope.v !== 1 && envelope.v !== 2) throw new Error(`unknown secret envelope version ${envelope.v}`);
  if (envelope.v === 2 && context === undefined)
    throw new Error('this secret is bound to its cluster; open it with the cluster context');
  const iv = Buffer.from(envelope.iv, 'base64');
  const tag = Buffer.from(envelope.tag, 'base64');
  // A short tag would let a forger guess it; GCM accepts 4-16 bytes unless told otherwise.
  if (tag.length !== TAG_BYTES || iv.length !== IV_BYTES) throw new Error('malformed secret envelope');
  const decipher = createDecipheriv('aes-256-gcm', key.key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad(key.id, envelope.v === 2 ? context : undefined));
  decipher.setAuthTag(tag);
  let plain: Buffer;
  try {
    plain = Buffer.concat([decipher.update(Buffer.from(envelope.ciphertext, 'base64')), decipher.final()]);
  } catch {
    throw new Error(
      envelope.v === 2
        ? 'stored secret does not open: it belongs to another cluster endpoint, or was altered'
        : 'stored secret does not open: it was altered, or the key is wrong',
    );
  }
  return JSON.parse(plain.toString('utf8')) as T;
}

/** The keyring from FERRY_SECRET_KEY (+ _ID, default "k1") and FERRY_SECRET_KEY_PREVIOUS ("id:base64", comma-separated). */
export function keyringFromEnv(source: NodeJS.ProcessEnv = process.env): SecretKey[] {
  if (!source.FERRY_SECRET_KEY) throw new Error('FERRY_SECRET_KEY is not set');
  const ring = [parseSecretKey(source.FERRY_SECRET_KEY_ID ?? 'k1', source.FERRY_SECRET_KEY)];
  for (const entry of (source.FERRY_SECRET_KEY_PREVIOUS ?? '').split(',').filter(Boolean)) {
    const [id, key] = entry.split(':');
    ring.push(parseSecretKey(id ?? '', key ?? ''));
  }
  return ring;
}
