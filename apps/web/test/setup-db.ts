import { randomBytes } from 'node:crypto';
import { cloneTemplate } from '@ferry/db/testing';
import { inject } from 'vitest';

// A fresh database per test file, cloned from the run's migrated template. lib/env reads it lazily.
process.env.DATABASE_URL = await cloneTemplate(
  inject('dbRunId'),
  `${process.env.VITEST_POOL_ID ?? '0'}_${randomBytes(3).toString('hex')}`,
);
// A Redis key prefix per test file: control jobs of one file never reach workers of another, or a dev stack's.
process.env.FERRY_REDIS_PREFIX = `test-web-${randomBytes(4).toString('hex')}`;
