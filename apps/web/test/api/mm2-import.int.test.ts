import { createCluster, createFlow, schema } from '@ferry/db';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db.ts';
import { call } from '../helpers.ts';
import { flowConfig, type TeamFixture, teamFixture, unique } from './fixtures.ts';

// Finding 9: mm2 import skipped cluster validation and could leave a partial import behind a 500.
let A: TeamFixture;
const importUrl = () => `/api/v1/teams/${A.id}/mm2/import`;
const snapshot = async () => ({
  clusters: (await db().select().from(schema.clusters).where(eq(schema.clusters.teamId, A.id))).length,
  flows: (await db().select().from(schema.flows).where(eq(schema.flows.teamId, A.id))).length,
  audit: (await db().select().from(schema.auditLog).where(eq(schema.auditLog.teamId, A.id))).length,
});

beforeAll(async () => {
  A = await teamFixture('mm2');
});

describe('mm2 import', () => {
  it('validates every cluster like the API does, naming the cluster, and creates nothing', async () => {
    const before = await snapshot();
    const r = await call('POST', importUrl(), A.people.admin, {
      properties:
        'clusters = good, bad\ngood.bootstrap.servers = 127.0.0.1:29092\nbad.bootstrap.servers = ;;;\ngood->bad.enabled = true',
    });
    expect(r.status, r.text).toBe(400);
    expect(r.json.error.issues[0].path).toMatch(/^clusters\.bad\.bootstrapServers/);
    expect(await snapshot()).toEqual(before);
  });

  it('applies in one transaction: a conflict half-way leaves nothing behind', async () => {
    const [p, q, r] = [unique('p'), unique('q'), unique('r')];
    const pc = await createCluster(A.ctx, {
      name: p,
      bootstrapServers: '127.0.0.1:29092',
      securityProtocol: 'PLAINTEXT',
    });
    const qc = await createCluster(A.ctx, {
      name: q,
      bootstrapServers: '127.0.0.1:29102',
      securityProtocol: 'PLAINTEXT',
    });
    await createFlow(A.ctx, {
      name: `${p}->${q}`,
      sourceClusterId: pc.id,
      targetClusterId: qc.id,
      enabled: false,
      config: flowConfig(['orders']),
    });
    const before = await snapshot();
    const res = await call('POST', importUrl(), A.people.admin, {
      properties: [
        `clusters = ${p}, ${q}, ${r}`,
        `${p}.bootstrap.servers = 127.0.0.1:29092`,
        `${q}.bootstrap.servers = 127.0.0.1:29102`,
        `${r}.bootstrap.servers = 127.0.0.1:29112`,
        `${r}->${p}.enabled = true`,
        `${p}->${q}.enabled = true`,
      ].join('\n'),
    });
    expect(res.status, res.text).toBe(409);
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    ['binary', `clusters = a\u0000\u00ff\ufffd, b\n\u0001\u0002=\u0003\na.bootstrap.servers=\u0000`],
    ['deep nesting', `${'a.'.repeat(5000)}x = 1\nclusters = a`],
    ['many keys', Array.from({ length: 20_000 }, (_, i) => `k${i} = v`).join('\n')],
    [
      'regex bomb',
      'clusters = a, b\na.bootstrap.servers = h:1\nb.bootstrap.servers = h:2\na->b.enabled = true\na->b.topics = (a+)+$, ((a|aa)+)+, (a)\\\\1',
    ],
    [
      'long pattern',
      `clusters = a, b\na.bootstrap.servers = h:1\nb.bootstrap.servers = h:2\na->b.enabled = true\na->b.topics = ${'a'.repeat(5000)}`,
    ],
  ])('hostile properties (%s): a 4xx answer or a clean import, never a 500', async (_, properties) => {
    const before = await snapshot();
    const t0 = Date.now();
    for (const route of ['preview', 'import']) {
      const r = await call('POST', `/api/v1/teams/${A.id}/mm2/${route}`, A.people.admin, { properties });
      expect(r.status, r.text).toBeLessThan(500);
      if (route === 'import' && r.status >= 400) expect(await snapshot()).toEqual(before);
    }
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});
