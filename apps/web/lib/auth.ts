import { createTeam, isFreshInstall, schema } from '@ferry/db';
import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { nextCookies } from 'better-auth/next-js';
import { organization } from 'better-auth/plugins';
import { createAccessControl } from 'better-auth/plugins/access';
import { defaultStatements } from 'better-auth/plugins/organization/access';
import { db } from './db.ts';
import { env } from './env.ts';

/**
 * better-auth: email + password, sessions in Postgres, rate-limited sign-in, and the organization plugin
 * mapped onto Ferry's teams/members/invitations. Ferry's own permission table (@ferry/core) decides what a
 * member may do; the plugin's roles mirror it (only owners manage members, roles and the team).
 */
const ac = createAccessControl(defaultStatements);
const roles = {
  owner: ac.newRole({
    organization: ['update', 'delete'],
    member: ['create', 'update', 'delete'],
    invitation: ['create', 'cancel'],
    team: ['create', 'update', 'delete'],
    ac: ['create', 'read', 'update', 'delete'],
  }),
  admin: ac.newRole({}),
  operator: ac.newRole({}),
  viewer: ac.newRole({}),
};

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
        organization: schema.teams,
        member: schema.members,
        invitation: schema.invitations,
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
      defaultCookieAttributes: { httpOnly: true, sameSite: 'lax' },
    },
    databaseHooks: {
      user: {
        create: {
          // The first person to sign up on a fresh install owns its first team.
          after: async (user) => {
            if (await isFreshInstall(db())) await createTeam(db(), user.id, 'My team');
          },
        },
      },
    },
    // Team changes go through /api/v1 (one permission table, audited); the plugin's own write endpoints are off.
    disabledPaths: [
      '/organization/create',
      '/organization/update',
      '/organization/delete',
      '/organization/invite-member',
      '/organization/cancel-invitation',
      '/organization/accept-invitation',
      '/organization/reject-invitation',
      '/organization/update-member-role',
      '/organization/remove-member',
      '/organization/add-member',
      '/organization/leave',
    ],
    plugins: [
      organization({ ac, roles, creatorRole: 'owner', allowUserToCreateOrganization: true }),
      nextCookies(),
    ],
  });
}

export type Auth = ReturnType<typeof build>;
const g = globalThis as unknown as { ferryAuth?: Auth };

export function auth(): Auth {
  g.ferryAuth ??= build();
  return g.ferryAuth;
}
