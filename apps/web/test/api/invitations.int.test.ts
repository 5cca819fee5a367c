import { schema } from '@ferry/db';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { auth } from '@/lib/auth.ts';
import { db } from '@/lib/db.ts';
import { call, signUp } from '../helpers.ts';
import { type TeamFixture, teamFixture } from './fixtures.ts';

/**
 * Finding 2: the invitation id was the invite secret, the audit log (read by viewers) showed it as targetId,
 * and better-auth's organization endpoints listed pending invitations to any member. Now the link carries a
 * separate random token, stored hashed, in no listing and no audit entry, and works once.
 */
let A: TeamFixture;
const base = () => `/api/v1/teams/${A.id}`;
beforeAll(async () => {
  A = await teamFixture('inv');
});

describe('invitation tokens', () => {
  it('a viewer who reads the audit log cannot take over an owner invitation', async () => {
    const invitee = await signUp('invitee');
    const inv = await call('POST', `${base()}/invitations`, A.people.owner, {
      email: invitee.email,
      role: 'owner',
    });
    expect(inv.status, inv.text).toBe(201);
    const token = inv.json.token as string;
    expect(token).toMatch(/^fin_[A-Za-z0-9_-]{43}$/);

    // Nothing a member can read contains the token.
    const audit = await call('GET', `${base()}/audit`, A.people.viewer);
    expect(audit.status).toBe(200);
    expect(audit.text).not.toContain(token);
    const list = await call('GET', `${base()}/invitations`, A.people.owner);
    expect(list.text).not.toContain(token);
    const [row] = await db().select().from(schema.invitations).where(eq(schema.invitations.id, inv.json.id));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row?.tokenHash).toMatch(/^[0-9a-f]{64}$/);

    // The id from the audit log opens nothing, even for the invited address.
    const byId = audit.json.items.find((e: { action: string }) => e.action === 'member.invite').targetId;
    expect((await call('POST', `/api/v1/invitations/${byId}/accept`, invitee)).status).toBe(404);
    // The token for somebody else's address: refused.
    expect((await call('POST', `/api/v1/invitations/${token}/accept`, A.people.viewer)).status).toBe(403);
    // The invitee with the token: joins once.
    const ok = await call('POST', `/api/v1/invitations/${token}/accept`, invitee);
    expect(ok.status, ok.text).toBe(200);
    expect((await call('POST', `/api/v1/invitations/${token}/accept`, invitee)).status).toBe(404);
    const me = await call('GET', '/api/v1/me', invitee);
    expect(me.json.teams).toEqual([expect.objectContaining({ id: A.id, role: 'owner' })]);
  });

  it("better-auth's organization endpoints do not exist (they listed pending invitations to members)", async () => {
    for (const [method, path] of [
      ['GET', '/organization/list-invitations'],
      ['GET', `/organization/get-full-organization?organizationId=${A.id}`],
      ['POST', '/organization/accept-invitation'],
      ['POST', '/organization/create'],
      ['GET', '/organization/list'],
    ] as const) {
      const res = await auth().handler(
        new Request(`http://localhost:3000/api/auth${path}`, {
          method,
          headers: {
            cookie: A.people.viewer.cookie,
            origin: 'http://localhost:3000',
            'content-type': 'application/json',
            'x-forwarded-for': '198.51.100.30',
          },
          body: method === 'POST' ? '{}' : undefined,
        }),
      );
      expect(res.status, `${method} ${path}`).toBe(404);
    }
  });
});
