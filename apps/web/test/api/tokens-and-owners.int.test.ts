import { schema } from '@ferry/db';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db.ts';
import { addMember, call, signUp } from '../helpers.ts';
import { type TeamFixture, teamFixture, unique } from './fixtures.ts';

let A: TeamFixture;
const base = () => `/api/v1/teams/${A.id}`;
beforeAll(async () => {
  A = await teamFixture('tok');
});

const writeCluster = (token: string) =>
  call('POST', `${base()}/clusters`, { token, origin: null }, { name: unique('c'), bootstrapServers: 'h:1' });

// Finding 5: API tokens survived their creator's removal or demotion, and never expired.
describe('API tokens end with their creator', () => {
  it("act with at most the creator's current role", async () => {
    const admin = await signUp('tok-admin');
    const m = await addMember(A.id, admin.id, 'admin');
    const t = await call('POST', `${base()}/tokens`, admin, { name: 'ci', role: 'admin' });
    expect(t.status, t.text).toBe(201);
    expect((await writeCluster(t.json.token)).status).toBe(201);
    expect(
      (await call('PATCH', `${base()}/members/${m.id}`, A.people.owner, { role: 'viewer' })).status,
    ).toBe(200);
    expect((await writeCluster(t.json.token)).status).toBe(403);
    expect((await call('GET', `${base()}/flows`, { token: t.json.token, origin: null })).status).toBe(200);
  });

  it('are revoked when the creator is removed from the team', async () => {
    const admin = await signUp('tok-leaver');
    const m = await addMember(A.id, admin.id, 'admin');
    const t = await call('POST', `${base()}/tokens`, admin, { name: 'leaver', role: 'operator' });
    expect((await call('GET', `${base()}/flows`, { token: t.json.token, origin: null })).status).toBe(200);
    expect((await call('DELETE', `${base()}/members/${m.id}`, A.people.owner)).status).toBe(204);
    expect((await call('GET', `${base()}/flows`, { token: t.json.token, origin: null })).status).toBe(401);
    const [row] = await db().select().from(schema.apiTokens).where(eq(schema.apiTokens.id, t.json.id));
    expect(row?.revokedAt).not.toBeNull();
    // Even re-added, the old token stays dead.
    await addMember(A.id, admin.id, 'admin');
    expect((await call('GET', `${base()}/flows`, { token: t.json.token, origin: null })).status).toBe(401);
  });

  it('can expire', async () => {
    const t = await call('POST', `${base()}/tokens`, A.people.owner, {
      name: 'short',
      role: 'viewer',
      expiresInDays: 1,
    });
    expect(t.status, t.text).toBe(201);
    expect(Date.parse(t.json.expiresAt) - Date.now()).toBeGreaterThan(86_000_000);
    expect((await call('GET', `${base()}/flows`, { token: t.json.token, origin: null })).status).toBe(200);
    await db()
      .update(schema.apiTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(schema.apiTokens.id, t.json.id));
    expect((await call('GET', `${base()}/flows`, { token: t.json.token, origin: null })).status).toBe(401);
    expect(
      (
        await call('POST', `${base()}/tokens`, A.people.owner, {
          name: 'x',
          role: 'viewer',
          expiresInDays: 0,
        })
      ).status,
    ).toBe(400);
  });

  it('cannot mint other tokens', async () => {
    const t = await call('POST', `${base()}/tokens`, A.people.owner, { name: 'minter', role: 'owner' });
    const r = await call(
      'POST',
      `${base()}/tokens`,
      { token: t.json.token, origin: null },
      { name: 'child', role: 'viewer' },
    );
    expect(r.status).toBe(403);
  });
});

// Finding 9 (last-owner race): two owners demoting each other at once could leave the team with none.
describe('the last owner', () => {
  it('survives two owners demoting or removing each other at the same moment', async () => {
    for (let i = 0; i < 5; i++) {
      const [p, q] = [await signUp(`own-p${i}`), await signUp(`own-q${i}`)];
      const { createTeam } = await import('@ferry/db');
      const team = await createTeam(db(), p.id, `race ${i}`);
      const mq = await addMember(team.id, q.id, 'owner');
      const [mp] = await db()
        .select()
        .from(schema.members)
        .where(and(eq(schema.members.organizationId, team.id), eq(schema.members.userId, p.id)));
      const t = `/api/v1/teams/${team.id}`;
      const results = await Promise.all(
        i % 2 === 0
          ? [
              call('PATCH', `${t}/members/${mq.id}`, q, { role: 'viewer' }),
              call('PATCH', `${t}/members/${mp!.id}`, p, { role: 'viewer' }),
            ]
          : [call('DELETE', `${t}/members/${mq.id}`, q), call('DELETE', `${t}/members/${mp!.id}`, p)],
      );
      expect(results.map((r) => r.status).sort()).toEqual(i % 2 === 0 ? [200, 409] : [204, 409]);
      const owners = await db()
        .select()
        .from(schema.members)
        .where(and(eq(schema.members.organizationId, team.id), eq(schema.members.role, 'owner')));
      expect(owners).toHaveLength(1);
    }
  });
});
