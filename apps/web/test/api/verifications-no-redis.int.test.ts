import { describe, expect, it } from 'vitest';
import { call } from '../helpers.ts';
import { teamFixture } from './fixtures.ts';

// Nothing listens on port 1: the workers' Redis is unreachable for this file (lib/env reads it on first use).
process.env.REDIS_URL = 'redis://127.0.0.1:1';

describe('verification with Redis unreachable', () => {
  it('answers 503 and the run ends in error, saying why', async () => {
    const A = await teamFixture('verify-noredis');
    const path = `/api/v1/teams/${A.id}/flows/${A.flow}/verifications`;
    const r = await call('POST', path, A.people.operator, {});
    expect(r.status, r.text).toBe(503);
    expect(r.json.error.code).toBe('unavailable');
    expect(r.json.error.message).toMatch(/Redis\) cannot be reached/);
    const [run] = (await call('GET', path, A.people.operator)).json.items;
    expect(run).toMatchObject({ state: 'error' });
    expect(run.summary).toMatch(/^Could not verify: could not be queued/);
  });
});
