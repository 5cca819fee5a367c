import { describe, expect, it } from 'vitest';
import { readWorkerEnv } from '../src/env.ts';

describe('readWorkerEnv', () => {
  it.each([
    [
      {},
      {
        httpPort: 9464,
        redisUrl: 'redis://127.0.0.1:6379',
        databaseUrl: 'postgres://postgres@127.0.0.1:5432/ferry',
      },
    ],
    [
      { FERRY_WORKER_PORT: '0', REDIS_URL: 'redis://r:1' },
      { httpPort: 0, redisUrl: 'redis://r:1' },
    ],
  ])('%j', (env, expected) => {
    expect(readWorkerEnv(env)).toMatchObject(expected);
  });

  it.each(['-1', '70000', 'abc', '1.5'])('rejects FERRY_WORKER_PORT=%s with the variable name', (v) => {
    expect(() => readWorkerEnv({ FERRY_WORKER_PORT: v })).toThrow(/FERRY_WORKER_PORT must be a port number/);
  });
});
