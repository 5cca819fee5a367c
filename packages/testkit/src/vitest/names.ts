import { randomBytes } from 'node:crypto';

/** A name no other test uses: `<prefix>-<8 hex>`; for topics, groups, queues. */
export function uniqueName(prefix = 't'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** A Redis key prefix for one test (STYLE.md habit 10). */
export function redisPrefix(): string {
  return `test:${randomBytes(6).toString('hex')}:`;
}
