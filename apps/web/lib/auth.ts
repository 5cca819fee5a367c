import {
  claimFirstAdmin,
  clearSignInFailures,
  createTeam,
  hasPasswordAccount,
  markEmailVerified,
  recordSignInFailure,
  schema,
  signInLockedFor,
  signupDecision,
  syncSsoMemberships,
} from '@ferry/db';
import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { APIError, createAuthMiddleware } from 'better-auth/api';
import { nextCookies } from 'better-auth/next-js';
import { genericOAuth } from 'better-auth/plugins/generic-oauth';
import { resolveClientIp } from './client-ip.ts';
import { db } from './db.ts';
import { env } from './env.ts';
import { sendMail } from './mailer.ts';
import { authRequest } from './sso/auth-request.ts';
import { decideMemberships, groupsFromClaim, managedTeams } from './sso/group-map.ts';
import { currentOidcConfig, OIDC_PROVIDER_ID, type OidcConfig, oidcFingerprint } from './sso/oidc-config.ts';

/**
 * better-auth: email + password, sessions in Postgres, rate-limited sign-in. Teams, members and invitations
 * are Ferry's own (/api/v1, one permission table, audited): better-auth's organization plugin is not loaded,
 * so none of its endpoints (list-invitations, get-full-organization, …) exist.
 *
 * Sign-up is invite-only after the first account, which becomes instance admin and owns the first team
 * (@ferry/db `decideSignup`). Sign-in is throttled per IP (only through trusted proxies, see client-ip.ts)
 * and per account, whatever the address.
 *
 * OpenID Connect (better-auth's generic OAuth plugin, provider id "oidc"), when configured (sso/oidc-config):
 * discovery, code + PKCE, ID token verified against the issuer's keys and nonce. The provider's groups claim
 * decides membership in the teams the group map names, on every sign-in (sso/group-map, @ferry/db
 * syncSsoMemberships); a new person is let in only if their groups give them a team (or the usual sign-up
 * gate does). An existing password account is linked only when both the provider and Ferry have verified
 * the email.
 *
 * With a mailer (FERRY_SMTP_URL) sign-up sends a verification link; invitations then need a verified email.
 */
const emailOf = (body: unknown) =>
  typeof (body as { email?: unknown })?.email === 'string' ? (body as { email: string }).email : '';

const inviteOnly = () =>
  new APIError('FORBIDDEN', {
    code: 'invite_only',
    message: 'sign-up is by invitation only: ask a team owner for an invite link',
  });

function oidcPlugin(c: OidcConfig) {
  return genericOAuth({
    config: [
      {
        providerId: OIDC_PROVIDER_ID,
        name: c.name,
        discoveryUrl: `${c.issuer}/.well-known/openid-configuration`,
        clientId: c.clientId,
        clientSecret: c.clientSecret,
        scopes: c.scopes,
        pkce: true,
        // No sign-in on an ID token that could not be checked against the issuer's published keys.
        requireIdTokenVerification: true,
      },
    ],
  });
}

function build(oidc: OidcConfig | null) {
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
    emailAndPassword: {
      enabled: true,
      minPasswordLength: 8,
      revokeSessionsOnPasswordReset: true,
      resetPasswordTokenExpiresIn: 60 * 60,
      // Password reset by mail, only with a mailer, only for accounts that have a password (not SSO-only).
      sendResetPassword: e.smtp
        ? async ({ user, url }) => {
            if (!(await hasPasswordAccount(db(), user.id))) return;
            try {
              await sendMail({
                to: user.email,
                subject: 'Reset your Ferry password',
                text: `Open this link to choose a new password for ${user.email} in Ferry:\n\n${url}\n\nThe link is valid for one hour and works once; every session of the account is signed out. If you did not ask for it, ignore this mail.\n`,
              });
            } catch (err) {
              console.error(`password reset mail to ${user.email} not sent: ${(err as Error).message}`);
            }
          }
        : undefined,
      onPasswordReset: async ({ user }) => {
        await markEmailVerified(db(), user.id);
      },
    },
    emailVerification: e.smtp
      ? {
          sendOnSignUp: true,
          autoSignInAfterVerification: true,
          expiresIn: 60 * 60 * 24,
          sendVerificationEmail: async ({ user, url }) => {
            try {
              await sendMail({
                to: user.email,
                subject: 'Confirm your email address for Ferry',
                text: `Open this link to confirm ${user.email} for Ferry:\n\n${url}\n\nThe link is valid for 24 hours. If you did not create a Ferry account, ignore this mail.\n`,
              });
            } catch (err) {
              // The account exists; the person can ask for a new link. The link itself is never logged.
              console.error(`verification mail to ${user.email} not sent: ${(err as Error).message}`);
            }
          },
        }
      : undefined,
    account: {
      // Linking an SSO identity to an existing account needs the provider to say the email is verified and
      // the local account to have verified it too (better-auth's defaults, stated here on purpose).
      accountLinking: { enabled: true, trustedProviders: [], requireLocalEmailVerified: true },
    },
    user: {
      // Runs on every OIDC sign-in, link and account creation with the provider's verified profile.
      validateUserInfo: async ({ source }) => {
        if (source.method !== 'oauth' || source.oauth?.providerId !== OIDC_PROVIDER_ID) return;
        const state = authRequest.getStore();
        if (!state?.oidc) return { error: 'sso_unavailable', errorDescription: 'SSO is not configured' };
        const groups = groupsFromClaim(source.oauth.profile?.[state.oidc.groupsClaim]);
        state.sso = {
          groups,
          desired: decideMemberships(groups, state.oidc.groupMap),
          managed: managedTeams(state.oidc.groupMap),
        };
      },
    },
    session: { expiresIn: 60 * 60 * 24 * 7, updateAge: 60 * 60 * 24 },
    rateLimit: {
      enabled: process.env.FERRY_DISABLE_RATE_LIMIT !== '1',
      storage: 'database',
      window: 60,
      max: 200,
      customRules: {
        '/sign-in/email': { window: 60, max: 10 },
        '/sign-up/email': { window: 60, max: 10 },
        '/sign-in/social': { window: 60, max: 10 },
        '/send-verification-email': { window: 60, max: 3 },
        '/request-password-reset': { window: 60, max: 3 },
      },
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
          // Every way an account is made (sign-up, SSO) passes this gate. An SSO sign-in whose groups give
          // the person a team is let in (just-in-time account); otherwise the usual rule decides.
          before: async (user) => {
            const sso = authRequest.getStore()?.sso;
            if (sso && sso.desired.size > 0) return;
            const d = await signupDecision(db(), user.email);
            if (!d.ok) throw inviteOnly();
          },
          // The first account of a fresh install administers it and owns its first team.
          after: async (user) => {
            if (await claimFirstAdmin(db(), user.id)) await createTeam(db(), user.id, 'My team');
          },
        },
      },
      session: {
        create: {
          // An OIDC sign-in (new or returning) brings the person's memberships in line with their groups
          // before the session exists; if that fails, no session.
          before: async (session) => {
            const state = authRequest.getStore();
            if (!state?.sso) return;
            await syncSsoMemberships(
              db(),
              e.keyring,
              session.userId,
              state.sso.desired,
              state.sso.managed,
              state.ip,
            );
          },
        },
      },
    },
    plugins: [nextCookies(), ...(oidc ? [oidcPlugin(oidc)] : [])],
  });
}

export type Auth = ReturnType<typeof build>;
const g = globalThis as unknown as { ferryAuth?: { auth: Auth; key: string } };

function authFor(oidc: OidcConfig | null): Auth {
  const key = oidcFingerprint(oidc);
  if (g.ferryAuth?.key !== key) g.ferryAuth = { auth: build(oidc), key };
  return g.ferryAuth.auth;
}

/**
 * The auth instance for session checks and server-side calls (whatever OIDC provider it was last built
 * with: sessions do not depend on it).
 */
export function auth(): Auth {
  g.ferryAuth ??= { auth: build(null), key: oidcFingerprint(null) };
  return g.ferryAuth.auth;
}

/** Serves one /api/auth request with the OIDC provider currently in force (rebuilt when it changed). */
export async function handleAuthRequest(req: Request): Promise<Response> {
  const oidc = await currentOidcConfig();
  const a = authFor(oidc);
  const ip = resolveClientIp(req.headers.get('x-forwarded-for'), env().trustedProxies);
  return authRequest.run({ oidc, ip }, () => a.handler(req));
}
