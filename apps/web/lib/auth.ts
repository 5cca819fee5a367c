import {
  claimFirstAdmin,
  clearSignInFailures,
  createTeam,
  recordSignInFailure,
  schema,
  signInLockedFor,
  signupDecision,
} from '@ferry/db';
import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { APIError, createAuthMiddleware } from 'better-auth/api';
import { nextCookies } from 'better-auth/next-js';
import { db } from './db.ts';
import { env } from './env.ts';

/**
 * better-auth: email + password, sessions in Postgres, rate-limited sign-in. Teams, members and invitations
 * are Ferry's own (/api/v1, one permission table, audited): better-auth's organization plugin is not loaded,
 * so none of its endpoints (list-invitations, get-full-organization, …) exist.
 *
 * Sign-up is invite-only after the first account, which becomes instance admin and owns the first team
 * (@ferry/db `decideSignup`). Sign-in is throttled per IP (only through trusted proxies, see client-ip.ts)
 * and per account, whatever the address.
 */
const emailOf = (body: unknown) =>
  typeof (body as { email?: unknown })?.email === 'string' ? (body as { email: string }).email : '';

function build() {
  const e = env();
  return betterAuth({
    appName: 'Ferry',
    baseURL: e.baseUrl,
    secret: e.authSecret,
    trustedOrigins: [e.baseUrl],
    database: drizzleAdapter(db(), {
      provider: 'pg',
      schema: {
        user: schema.users,
        session: schema.sessions,
        account: schema.accounts,
        verification: schema.verifications,
        rateLimit: schema.rateLimits,
      },
    }),
    emailAndPassword: { enabled: true, minPasswordLength: 8, revokeSessionsOnPasswordReset: true },
    session: { expiresIn: 60 * 60 * 24 * 7, updateAge: 60 * 60 * 24 },
    rateLimit: {
      enabled: process.env.FERRY_DISABLE_RATE_LIMIT !== '1',
      storage: 'database',
      window: 60,
      max: 200,
      customRules: { '/sign-in/email': { window: 60, max: 10 }, '/sign-up/email': { window: 60, max: 10 } },
    },
    advanced: {
      database: { generateId: 'uuid' },
      useSecureCookies: e.baseUrl.startsWith('https://'),
      // Checked in every environment (better-auth skips it under NODE_ENV=test by default).
      disableOriginCheck: false,
      disableCSRFCheck: false,
      cookiePrefix: 'ferry',
      // X-Forwarded-For is client-controlled unless a proxy the operator trusts appends to it.
      ipAddress:
        e.trustedProxies.length > 0
          ? { ipAddressHeaders: ['x-forwarded-for'], trustedProxies: e.trustedProxies }
          : { disableIpTracking: true },
      defaultCookieAttributes: { httpOnly: true, sameSite: 'lax' },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== '/sign-in/email') return;
        const wait = await signInLockedFor(db(), emailOf(ctx.body));
        if (wait > 0)
          throw new APIError('TOO_MANY_REQUESTS', {
            message: `too many failed sign-ins for this account; try again in ${Math.ceil(wait / 60)} min`,
          });
      }),
      after: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== '/sign-in/email') return;
        const email = emailOf(ctx.body);
        const returned = ctx.context.returned;
        if (returned instanceof APIError && returned.statusCode === 401)
          await recordSignInFailure(db(), email);
        else if (ctx.context.newSession) await clearSignInFailures(db(), email);
      }),
    },
    databaseHooks: {
      user: {
        create: {
          // Every way an account is made (sign-up, SSO) passes this gate.
          before: async (user) => {
            const d = await signupDecision(db(), user.email);
            if (!d.ok)
              throw new APIError('FORBIDDEN', {
                message: 'sign-up is by invitation only: ask a team owner for an invite link',
              });
          },
          // The first account of a fresh install administers it and owns its first team.
          after: async (user) => {
            if (await claimFirstAdmin(db(), user.id)) await createTeam(db(), user.id, 'My team');
          },
        },
      },
    },
    plugins: [nextCookies()],
  });
}

export type Auth = ReturnType<typeof build>;
const g = globalThis as unknown as { ferryAuth?: Auth };

export function auth(): Auth {
  g.ferryAuth ??= build();
  return g.ferryAuth;
}
