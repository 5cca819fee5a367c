import { schema } from '@ferry/db';
import { eq } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db.ts';
import { call } from '../helpers.ts';
import { type TeamFixture, teamFixture, unique } from './fixtures.ts';

/**
 * Finding 1 (second half): a stranger's cluster turned test-draft into a port scanner and flows into an
 * exfiltration path. The network policy refuses link-local / metadata addresses always and, with
 * FERRY_ALLOWED_BROKERS, anything outside the list; connection tests are rate-limited per team. Only
 * loopback is probed: the allowlist is 127.0.0.1/32 and the refused address 127.0.0.3.
 */
let A: TeamFixture;
const base = () => `/api/v1/teams/${A.id}`;
beforeAll(async () => {
  A = await teamFixture('np');
});
afterEach(() => {
  delete process.env.FERRY_ALLOWED_BROKERS;
});

describe('network policy for clusters', () => {
  it('refuses registering, editing or testing a cluster outside FERRY_ALLOWED_BROKERS', async () => {
    process.env.FERRY_ALLOWED_BROKERS = '127.0.0.1/32';
    const created = await call('POST', `${base()}/clusters`, A.people.admin, {
      name: unique('scan'),
      bootstrapServers: '127.0.0.3:29092',
    });
    expect(created.status, created.text).toBe(400);
    expect(created.json.error.issues[0]).toMatchObject({ path: 'bootstrapServers' });
    expect(created.json.error.message).toMatch(/not in FERRY_ALLOWED_BROKERS/);

    const draft = await call('POST', `${base()}/clusters/test-draft`, A.people.admin, {
      name: 'draft',
      bootstrapServers: '127.0.0.3:29092',
    });
    expect(draft.status).toBe(400);

    const before = await db().select().from(schema.clusters).where(eq(schema.clusters.id, A.east));
    const edit = await call('PATCH', `${base()}/clusters/${A.east}`, A.people.admin, {
      bootstrapServers: '127.0.0.3:29092',
    });
    expect(edit.status).toBe(400);
    expect(await db().select().from(schema.clusters).where(eq(schema.clusters.id, A.east))).toEqual(before);

    const ok = await call('POST', `${base()}/clusters`, A.people.admin, {
      name: unique('fine'),
      bootstrapServers: '127.0.0.1:29092',
    });
    expect(ok.status, ok.text).toBe(201);
  });

  it('refuses cloud-metadata and link-local addresses with no allowlist at all', async () => {
    for (const bootstrapServers of ['169.254.169.254:80', '[fd00:ec2::254]:80', '169.254.1.1:9092']) {
      const r = await call('POST', `${base()}/clusters/test-draft`, A.people.admin, {
        name: 'x',
        bootstrapServers,
      });
      expect(r.status, `${bootstrapServers}: ${r.text}`).toBe(400);
      expect(r.json.error.message).toMatch(/metadata/);
    }
  });

  it('rate-limits connection tests per team', async () => {
    process.env.FERRY_ALLOWED_BROKERS = '127.0.0.1/32';
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++)
      statuses.push(
        (
          await call('POST', `${base()}/clusters/test-draft`, A.people.admin, {
            name: 'x',
            bootstrapServers: '127.0.0.3:1',
          })
        ).status,
      );
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.at(-1)).toBe(429);
  });
});
