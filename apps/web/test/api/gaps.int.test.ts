import { recordGap } from '@ferry/db';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db.ts';
import { call } from '../helpers.ts';
import { type TeamFixture, teamFixture } from './fixtures.ts';

/** GET …/flows/{flowId}/gaps: the stored gaps of a flow, newest first, each with its sentence. */
let A: TeamFixture;

beforeAll(async () => {
  A = await teamFixture('gaps');
});

describe('flow gaps API', () => {
  it('lists a stored gap with its sentence; the same gap met again is stored once', async () => {
    const gap = {
      flowId: A.flow,
      topic: 'orders',
      partition: 3,
      remoteTopic: 'east.orders',
      from: '88000',
      to: '89204',
      records: '1204',
      reason: 'deleted' as const,
      policy: 'continue' as const,
      resumeAt: '89204',
    };
    expect(await recordGap(db(), gap)).toBe(true);
    expect(await recordGap(db(), gap)).toBe(false);
    const r = await call('GET', `/api/v1/teams/${A.id}/flows/${A.flow}/gaps`, A.people.viewer);
    expect(r.status).toBe(200);
    expect(r.json.items).toHaveLength(1);
    expect(r.json.items[0]).toMatchObject({
      topic: 'orders',
      partition: 3,
      from: '88000',
      to: '89204',
      records: '1204',
      reason: 'deleted',
      policy: 'continue',
      sentence:
        'east.orders[3]: 1,204 records (offsets 88,000–89,203) were deleted on east (retention or DeleteRecords) before they were replicated; replication continued at offset 89,204',
    });
  });
});
