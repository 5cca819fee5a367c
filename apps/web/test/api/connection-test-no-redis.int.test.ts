import { describe, expect, it } from 'vitest';
import { call } from '../helpers.ts';
import { teamFixture } from './fixtures.ts';

// Nothing listens on port 1: the workers' Redis is unreachable for this file (lib/env reads it on first use).
process.env.REDIS_URL = 'redis://127.0.0.1:1';

describe('test connection with Redis unreachable', () => {
  it('tests from the web server and says why', async () => {
    const A = await teamFixture('noredis');
    const r = await call('POST', `/api/v1/teams/${A.id}/clusters/${A.east}/test`, A.people.owner);
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ ok: true, testedBy: 'web' });
    expect(r.json.note).toMatch(/Redis\) cannot be reached; tested from the web server/);
  });
});
