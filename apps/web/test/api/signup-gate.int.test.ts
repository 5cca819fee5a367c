import { createInvitation, schema, setInstanceSetting } from '@ferry/db';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auth } from '@/lib/auth.ts';
import { db } from '@/lib/db.ts';
import { call, signUpAs } from '../helpers.ts';

/**
 * Finding 1: anyone could sign up and create a team (then register any host:port as a cluster). Sign-up is
 * invite-only after the first account, which administers the instance; creating a team needs that role or
 * the instance setting. This file's database is a fresh clone and sign-up is never opened by the fixtures.
 */
const ORIGIN = 'http://localhost:3000';
const attempt = (email: string) =>
  auth().handler(
    new Request(`${ORIGIN}/api/auth/sign-up/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: ORIGIN, 'x-forwarded-for': '198.51.100.20' },
      body: JSON.stringify({ email, password: 'a-long-password-1', name: 'x' }),
    }),
  );
const userCount = async () => (await db().select().from(schema.users)).length;

describe('invite-only sign-up and the instance admin', () => {
  it('lets the first account in as instance admin owning the first team, then refuses strangers', async () => {
    const first = await signUpAs('first');
    const me = (await call('GET', '/api/v1/me', first)).json;
    expect(me.user.instanceAdmin).toBe(true);
    expect(me.teams).toEqual([expect.objectContaining({ name: 'My team', role: 'owner' })]);

    const before = await userCount();
    const res = await attempt('stranger@example.test');
    expect(res.status).toBe(403);
    expect(JSON.stringify(await res.json())).toMatch(/invitation only/);
    expect(await userCount()).toBe(before);

    // An invited address may create its account (it joins nothing until it accepts the invitation).
    const teamId = me.teams[0].id as string;
    await createInvitation(
      {
        db: db(),
        teamId,
        role: 'owner',
        actor: { type: 'user', id: first.id, name: first.email, ip: null },
        keyring: [],
      },
      { email: 'Invited@Example.test', role: 'viewer' },
    );
    expect((await attempt('invited@example.test')).status).toBe(200);
  });

  it('opens with the instance setting or FERRY_ALLOW_SIGNUP', async () => {
    expect((await attempt('later@example.test')).status).toBe(403);
    process.env.FERRY_ALLOW_SIGNUP = '1';
    try {
      expect((await attempt('by-env@example.test')).status).toBe(200);
    } finally {
      delete process.env.FERRY_ALLOW_SIGNUP;
    }
    await setInstanceSetting(db(), 'allowSignup', true);
    expect((await attempt('by-setting@example.test')).status).toBe(200);
    await setInstanceSetting(db(), 'allowSignup', false);
    expect((await attempt('closed-again@example.test')).status).toBe(403);
  });

  it('creating a team needs the instance admin role or the setting', async () => {
    await setInstanceSetting(db(), 'allowSignup', true);
    const somebody = await signUpAs('somebody');
    await setInstanceSetting(db(), 'allowSignup', false);
    const [admin] = await db().select().from(schema.instanceAdmins);
    expect(admin?.userId).not.toBe(somebody.id);

    const refused = await call('POST', '/api/v1/teams', somebody, { name: 'Stranger team' });
    expect(refused.status).toBe(403);
    expect(await db().select().from(schema.teams).where(eq(schema.teams.name, 'Stranger team'))).toEqual([]);

    // Instance settings are for admins only.
    expect((await call('GET', '/api/v1/instance/settings', somebody)).status).toBe(403);
    expect(
      (await call('PATCH', '/api/v1/instance/settings', somebody, { allowTeamCreation: true })).status,
    ).toBe(403);

    await setInstanceSetting(db(), 'allowTeamCreation', true);
    const opened = await call('POST', '/api/v1/teams', somebody, { name: 'Opened team' });
    expect(opened.status).toBe(201);
    await setInstanceSetting(db(), 'allowTeamCreation', false);
  });

  it('the instance admin creates teams and changes the settings (audited)', async () => {
    await setInstanceSetting(db(), 'allowSignup', true);
    const other = await signUpAs('other');
    await setInstanceSetting(db(), 'allowSignup', false);
    await db().insert(schema.instanceAdmins).values({ userId: other.id });
    expect((await call('POST', '/api/v1/teams', other, { name: 'Admin team' })).status).toBe(201);
    const patched = await call('PATCH', '/api/v1/instance/settings', other, { allowSignup: true });
    expect(patched.status).toBe(200);
    expect(patched.json).toEqual({ allowSignup: true, allowTeamCreation: false });
    expect((await call('PATCH', '/api/v1/instance/settings', other, { bogus: true })).status).toBe(400);
    const audit = await db()
      .select()
      .from(schema.auditLog)
      .where(eq(schema.auditLog.action, 'instance.update'));
    expect(audit).toHaveLength(1);
  });
});
