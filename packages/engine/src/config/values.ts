import { ConfigError } from '@ferry/core';

/** A key resolved with MM2's flow precedence, and where its value came from. */
export interface Resolved {
  key: string;
  value: string;
}

/**
 * `true` or `false`. A trailing `# …` is not a comment in `.properties` (MM2's README writes
 * `A->B.enabled = true     # disabled by default`); after a boolean it is read as one.
 */
export function parseBool(key: string, value: string): boolean {
  const v = value
    .replace(/^\s*(true|false)\s+#.*$/i, '$1')
    .trim()
    .toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new ConfigError(key, value, 'must be true or false');
}

export function parseNumberIn({ key, value }: Resolved, min: number, max: number): number {
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n)) throw new ConfigError(key, value, 'must be a number');
  if (n < min || n > max) throw new ConfigError(key, value, `must be between ${min} and ${max}`);
  return n;
}

export function parseIntIn(kv: Resolved, min: number, max: number): number {
  const n = parseNumberIn(kv, min, max);
  if (!Number.isInteger(n)) throw new ConfigError(kv.key, kv.value, 'must be an integer');
  return n;
}
