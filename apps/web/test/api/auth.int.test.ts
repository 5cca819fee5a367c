import { schema } from '@ferry/db';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auth } from '@/lib/auth.ts';
import { db } from '@/lib/db.ts';
import { call, signUp } from '../helpers.ts';

const ORIGIN = 'http://localhost:3000';
const post = (path: string, body: unknown, ip: string, cookie?: string) =>
  auth().handler(
    new Request(`${ORIGIN}/api/auth${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: ORIGIN,
        'x-forwarded-for': ip,
        ...(cookie ? { cookie } : {}),
      },
      body: JSON.stringify(body),
    }),
  );

describe('a fresh install', () => {
  // This file's database is a fresh clone: the first sign-up here is the install's first user.
  it('makes the first user owner of a first team, and later users join no team until invited', async () => {
    const first = await signUp('first');
    expect((await call('GET', '/api/v1/me', first)).json.teams).toEqual([
      expect.objectContaining({ name: 'My team', role: 'owner' }),
    ]);
    const second = await signUp('second');
    expect((await call('GET', '/api/v1/me', second)).json.teams).toEqual([]);
  });
});

describe('sign-in (better-auth)', () => {
  it('sets an httpOnly, SameSite session cookie and rejects a wrong password', async () => {
    const p = await signUp('signin');
    const ok = await post('/sign-in/email', { email: p.email, password: p.password }, '198.51.100.1');
    expect(ok.status).toBe(200);
    const cookie = ok.headers.getSetCookie().find((c) => c.startsWith('ferry.session_token='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(
      (await post('/sign-in/email', { email: p.email, password: 'wrong-password-1' }, '198.51.100.1')).status,
    ).toBe(401);
  });

  it('rate-limits sign-in attempts per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push(
        (
          await post(
            '/sign-in/email',
            { email: 'nobody@example.test', password: 'whatever-123' },
            '198.51.100.99',
          )
        ).status,
      );
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });

  it('refuses a cookie-carrying auth request from another origin (CSRF)', async () => {
    const p = await signUp('csrf');
    const res = await auth().handler(
      new Request(`${ORIGIN}/api/auth/sign-in/email`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          origin: 'https://evil.example',
          'x-forwarded-for': '198.51.100.2',
          cookie: p.cookie,
        },
        body: JSON.stringify({ email: p.email, password: p.password }),
      }),
    );
    expect(res.status).toBe(403);
  });

  it('sign-out everywhere revokes every session', async () => {
    const p = await signUp('signout');
    const second = await post('/sign-in/email', { email: p.email, password: p.password }, '198.51.100.3');
    const cookie2 = second.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    expect((await call('GET', '/api/v1/me', { cookie: cookie2 })).status).toBe(200);
    expect((await post('/revoke-sessions', {}, '198.51.100.3', p.cookie)).status).toBe(200);
    expect((await call('GET', '/api/v1/me', { cookie: cookie2 })).status).toBe(401);
    expect((await call('GET', '/api/v1/me', { cookie: p.cookie })).status).toBe(401);
  });

  it("the organization plugin's own write endpoints are off (team changes go through /api/v1)", async () => {
    const p = await signUp('orgplugin');
    const res = await post(
      '/organization/invite-member',
      { email: 'x@example.test', role: 'owner' },
      '198.51.100.4',
      p.cookie,
    );
    expect(res.status).toBe(404);
  });
});

describe('sign-in throttling and client addresses (finding 6)', () => {
  it('throttles one account whatever X-Forwarded-For says', async () => {
    const p = await signUp('throttled');
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++)
      statuses.push(
        (await post('/sign-in/email', { email: p.email, password: 'wrong-guess-123' }, `192.0.2.${i + 1}`))
          .status,
      );
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
    // Even the right password waits out the lock (a guesser cannot tell right from wrong).
    expect(
      (await post('/sign-in/email', { email: p.email, password: p.password }, '192.0.2.200')).status,
    ).toBe(429);
    // Another account is not affected.
    const q = await signUp('unthrottled');
    expect(
      (await post('/sign-in/email', { email: q.email, password: q.password }, '192.0.2.201')).status,
    ).toBe(200);
  });

  it('the audit log records the client behind the trusted proxy, not a spoofed leftmost entry', async () => {
    const { createTeam } = await import('@ferry/db');
    const p = await signUp('audit-ip');
    const team = await createTeam(db(), p.id, 'ip team');
    const res = await teamPatch(`/api/v1/teams/${team.id}`, p.cookie, '6.6.6.6, 203.0.113.9');
    expect(res.status).toBe(200);
    const [row] = await db().select().from(schema.auditLog).where(eq(schema.auditLog.action, 'team.update'));
    expect(row?.ip).toBe('203.0.113.9');
  });
});

async function teamPatch(path: string, cookie: string, xff: string) {
  const mod = await import('@/app/api/v1/teams/[teamId]/route.ts');
  const teamId = path.split('/').at(-1) as string;
  return mod.PATCH(
    new Request(`${ORIGIN}${path}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', origin: ORIGIN, cookie, 'x-forwarded-for': xff },
      body: JSON.stringify({ name: 'renamed' }),
    }),
    { params: Promise.resolve({ teamId }) },
  );
}
