import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ConfigError } from '@ferry/core';
import type jksModule from 'jks-js';

/**
 * jks-js (with node-forge: ~1 MB of source, TLS/X.509/RSA/PKCS12) is loaded when a JKS or PKCS12 store is
 * first opened, not with the engine: most processes never open one, and loading it cost every `ferry run` and
 * worker 1.6 MB of heap and ~2 MB of RSS (the CLI imported, after a full GC: 127.4 → 125.3 MB, three each).
 */
let jksLoaded: typeof jksModule | undefined;
function jks(): typeof jksModule {
  jksLoaded ??= createRequire(import.meta.url)('jks-js') as typeof jksModule;
  return jksLoaded;
}

/**
 * MM2's `ssl.truststore.*` and `ssl.keystore.*` files as PEM text: JKS and PKCS12 stores (MM2's defaults) are
 * opened with their passwords by jks-js (RSA keys; PKCS12 through node-forge); PEM files are read as they are.
 */
export interface StoreContents {
  /** PEM certificates: the trusted CAs of a trust store, the certificate chain of a key store. */
  certs: string;
  /** PEM private key (key stores only). */
  key?: string;
  keyPassword?: string;
}

interface Setting {
  key: string;
  value: string | undefined;
}

const TYPES = ['JKS', 'PKCS12', 'PEM'] as const;

export function readStore(
  kind: 'truststore' | 'keystore',
  location: Setting,
  type: Setting,
  password: Setting,
  keyPassword?: Setting,
): StoreContents {
  const t = (type.value ?? 'JKS').trim().toUpperCase();
  if (!(TYPES as readonly string[]).includes(t))
    throw new ConfigError(type.key, type.value, `must be one of ${TYPES.join(', ')}`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(location.value!);
  } catch (e) {
    throw new ConfigError(location.key, location.value, `cannot read ${kind}: ${(e as Error).message}`);
  }
  if (t === 'PEM') return pemStore(kind, location, bytes.toString('utf8'), keyPassword);
  const typeWords = type.value === undefined ? `${t} (the default ssl.${kind}.type)` : t;
  if (kind === 'keystore' && !password.value)
    throw new ConfigError(password.key, undefined, `required to open the ${typeWords} key store`);
  let entries: jksModule.JksResult;
  try {
    // toPem tells PKCS12 from JKS by the file's first bytes, as Java's keystore.type.compat does
    entries = jks().toPem(bytes, password.value ?? '', keyPassword?.value || undefined);
  } catch (e) {
    throw new ConfigError(
      location.key,
      location.value,
      `cannot open as a ${typeWords} ${kind} (wrong type or password?): ${(e as Error).message}`,
    );
  }
  const values = Object.values(entries);
  if (kind === 'truststore') {
    const certs = values.flatMap((v) => [v.ca, v.cert].filter((x): x is string => !!x)).join('\n');
    if (!certs.includes('-----BEGIN CERTIFICATE-----'))
      throw new ConfigError(location.key, location.value, `no certificate in the ${typeWords} trust store`);
    return { certs };
  }
  const withKey = values.filter((v) => v.key && v.cert);
  if (withKey.length !== 1)
    throw new ConfigError(
      location.key,
      location.value,
      `the ${typeWords} key store must hold exactly one private key entry (it holds ${withKey.length})`,
    );
  return { certs: withKey[0]!.cert!, key: withKey[0]!.key! };
}

function pemStore(
  kind: 'truststore' | 'keystore',
  location: Setting,
  text: string,
  keyPassword?: Setting,
): StoreContents {
  if (!text.includes('-----BEGIN CERTIFICATE-----'))
    throw new ConfigError(location.key, location.value, 'no PEM certificate found');
  if (kind === 'truststore') return { certs: text };
  return { certs: text, key: text, ...(keyPassword?.value ? { keyPassword: keyPassword.value } : {}) };
}
