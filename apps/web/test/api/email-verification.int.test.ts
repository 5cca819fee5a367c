import { schema } from '@ferry/db';
import { type SmtpCatcher, startSmtpCatcher } from '@ferry/testkit/smtp-catcher';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as authGet, POST as authPost } from '@/app/api/auth/[...all]/route.ts';
import { auth } from '@/lib/auth.ts';
import { db } from '@/lib/db.ts';
import { call, logged, type Person, signUp, signUpAs } from '../helpers.ts';

/**
 * Email verification with a mailer configured (FERRY_SMTP_URL → a real SMTP server in this process, the
 * smtp-server package, with a user and password): sign-up mails a verification link, an unverified account
 * cannot accept an invitation even for its own address, the link verifies it, and then it can.
 * (Without a mailer, invitations.int.test.ts shows acceptance by the invited address alone.)
 */
const SMTP_PASSWORD = 'smtp-relay-password-1234';
let smtp: SmtpCatcher;
let owner: Person;
let teamId = '';

beforeAll(async () => {
  smtp = await startSmtpCatcher({ user: 'ferry', password: SMTP_PASSWORD });
  // Read lazily by lib/env on first use: nothing in this file used it yet.
  process.env.FERRY_SMTP_URL = smtp.url;
  process.env.FERRY_MAIL_FROM = 'Ferry <noreply@ferry.test>';
  owner = await signUpAs('owner');
  teamId = (await call('GET', '/api/v1/me', owner)).json.teams[0].id;
});
afterAll(async () => {
  await smtp?.close();
});

const linkIn = (text: string) =>
  /http:\/\/localhost:3000\/api\/auth\/verify-email\?token=[^\s]+/.exec(text)?.[0];
const userRow = async (email: string) =>
  (await db().select().from(schema.users).where(eq(schema.users.email, email)))[0];

describe('email verification with a mailer', () => {
  it('sign-up mails a verification link (the first account too)', async () => {
    const mail = await smtp.waitFor(owner.email);
    expect(mail.from).toBe('noreply@ferry.test');
    expect(mail.subject).toBe('Confirm your email address for Ferry');
    expect(linkIn(mail.text)).toBeTruthy();
    expect((await userRow(owner.email))?.emailVerified).toBe(false);
  });

  it('an unverified account cannot accept its invitation; the mailed link verifies it, then it can', async () => {
    const email = `invitee-${Date.now()}@example.test`;
    const inv = await call('POST', `/api/v1/teams/${teamId}/invitations`, owner, { email, role: 'operator' });
    expect(inv.status, inv.text).toBe(201);
    // invite-only: the invited address may create an account
    const res = await auth().api.signUpEmail({
      body: { email, password: 'invitee-password-1', name: 'Invitee' },
      asResponse: true,
    });
    expect(res.status).toBe(200);
    const cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const invitee = { cookie };

    const refused = await call('POST', `/api/v1/invitations/${inv.json.token}/accept`, invitee);
    expect(refused.status, refused.text).toBe(403);
    expect(refused.json.error.message).toMatch(/^verify .* first/);
    expect((await call('GET', '/api/v1/me', invitee)).json.teams).toEqual([]);

    // A forged token verifies nothing.
    const forged = await authGet(
      new Request(
        'http://localhost:3000/api/auth/verify-email?token=eyJhbGciOiJIUzI1NiJ9.e30.x&callbackURL=/',
      ),
    );
    expect(forged.status).toBe(302);
    expect(forged.headers.get('location')).toContain('error=');
    expect((await userRow(email))?.emailVerified).toBe(false);

    const link = linkIn((await smtp.waitFor(email)).text);
    expect(link).toBeTruthy();
    const verified = await authGet(new Request(link!));
    expect(verified.status).toBe(302);
    expect(verified.headers.get('location')).not.toContain('error=');
    expect((await userRow(email))?.emailVerified).toBe(true);

    const ok = await call('POST', `/api/v1/invitations/${inv.json.token}/accept`, invitee);
    expect(ok.status, ok.text).toBe(200);
    expect((await call('GET', '/api/v1/me', invitee)).json.teams).toEqual([
      expect.objectContaining({ id: teamId, role: 'operator' }),
    ]);
  });

  it('a mailed reset link sets a new password, signs every session out and verifies the email', async () => {
    const person = await signUp('resetter');
    expect((await call('GET', '/api/v1/me', person)).status).toBe(200);
    // An SSO-only account (no password) must get no link: a password would bypass the provider.
    const ssoOnly = `sso-only-${Date.now()}@example.test`;
    await db().insert(schema.users).values({ name: 'SSO only', email: ssoOnly, emailVerified: true });
    const ask = (email: string) =>
      authPost(
        new Request('http://localhost:3000/api/auth/request-password-reset', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            origin: 'http://localhost:3000',
            'x-forwarded-for': '203.0.113.50',
          },
          body: JSON.stringify({ email, redirectTo: '/reset-password' }),
        }),
      );
    expect((await ask(ssoOnly)).status).toBe(200);
    expect((await ask(person.email)).status).toBe(200);
    const mail = await smtp.waitFor(person.email, 'Reset your Ferry password');
    const link = /http:\/\/localhost:3000\/api\/auth\/reset-password\/[^\s]+/.exec(mail.text)?.[0];
    expect(link).toBeTruthy();
    // Mails go out in order: the SSO-only request came first and sent nothing.
    expect(smtp.mails.filter((m) => m.to.includes(ssoOnly))).toEqual([]);

    const back = await authGet(new Request(link!));
    expect(back.status).toBe(302);
    const to = new URL(back.headers.get('location')!, 'http://localhost:3000');
    expect(to.pathname).toBe('/reset-password');
    const token = to.searchParams.get('token');
    expect(token).toBeTruthy();
    const reset = await authPost(
      new Request('http://localhost:3000/api/auth/reset-password', {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'http://localhost:3000' },
        body: JSON.stringify({ newPassword: 'a-brand-new-password-1', token }),
      }),
    );
    expect(reset.status, await reset.clone().text()).toBe(200);
    expect((await call('GET', '/api/v1/me', person)).status).toBe(401);
    expect((await userRow(person.email))?.emailVerified).toBe(true);
    const signIn = await auth().api.signInEmail({
      body: { email: person.email, password: 'a-brand-new-password-1' },
      asResponse: true,
    });
    expect(signIn.status).toBe(200);
    // the link works once
    const again = await authPost(
      new Request('http://localhost:3000/api/auth/reset-password', {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'http://localhost:3000' },
        body: JSON.stringify({ newPassword: 'yet-another-password-2', token }),
      }),
    );
    expect(again.status).toBe(400);
  });

  it('the relay password is never logged', () => {
    expect(logged.join('\n')).not.toContain(SMTP_PASSWORD);
  });
});
