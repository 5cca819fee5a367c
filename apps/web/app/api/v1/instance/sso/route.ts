import { ApiError } from '@ferry/core';
import {
  deleteOidcSettings,
  existingTeamSlugs,
  getOidcSettings,
  getStoredOidcSettings,
  recordAudit,
  saveOidcSettings,
} from '@ferry/db';
import type { z } from 'zod';
import { route } from '@/lib/api/routes.ts';
import type { ssoSettingsSchema, ssoSettingsUpdateSchema } from '@/lib/api/schemas.ts';
import { clientIp, type SessionUser, withUser } from '@/lib/api/with-team.ts';
import { db } from '@/lib/db.ts';
import { env } from '@/lib/env.ts';
import { forgetOidcConfig, OIDC_PROVIDER_ID } from '@/lib/sso/oidc-config.ts';

/**
 * The installation's OpenID Connect provider (instance administrators). The client secret goes in, never
 * out: answers say only whether one is stored. With FERRY_OIDC_ISSUER set the environment decides, and
 * changes here are refused (409).
 */
type View = z.infer<typeof ssoSettingsSchema>;
type Update = z.infer<typeof ssoSettingsUpdateSchema>;

async function view(): Promise<View> {
  const callbackUrl = `${env().baseUrl}/api/auth/callback/${OIDC_PROVIDER_ID}`;
  const e = env().oidc;
  if (e) {
    const { clientSecret, ...rest } = e;
    return { source: 'env', ...rest, clientSecretSet: clientSecret !== '', callbackUrl };
  }
  const s = await getStoredOidcSettings(db());
  if (!s)
    return {
      source: 'none',
      issuer: null,
      clientId: null,
      clientSecretSet: false,
      name: 'SSO',
      scopes: [],
      groupsClaim: 'groups',
      groupMap: [],
      callbackUrl,
    };
  const { clientSecret: _sealed, ...rest } = s;
  return { source: 'instance', ...rest, clientSecretSet: true, callbackUrl };
}

const notFromEnv = () => {
  if (env().oidc)
    throw new ApiError(
      'conflict',
      'SSO is configured by environment (FERRY_OIDC_ISSUER); change it there or unset it to manage it here',
    );
};

async function audit(user: SessionUser, req: Request, action: string, before: View, after: View) {
  await recordAudit(
    { db: db(), teamId: null, actor: { type: 'user', id: user.id, name: user.email, ip: clientIp(req) } },
    { action, targetType: 'instance', targetName: 'sso', before, after },
  );
}

export const GET = withUser(route('instance.sso.get'), () => view());

export const PUT = withUser<Update>(route('instance.sso.put'), async ({ user, body, req }) => {
  notFromEnv();
  const before = await view();
  const issuer = body.issuer.replace(/\/+$/, '');
  // The stored secret is kept only for the same issuer and client id (it is sealed to them).
  let stored: string | undefined;
  try {
    const s = await getOidcSettings(db(), env().keyring);
    if (s && s.issuer === issuer && s.clientId === body.clientId) stored = s.clientSecret;
  } catch {
    stored = undefined;
  }
  const clientSecret = body.clientSecret ?? stored;
  if (!clientSecret)
    throw new ApiError(
      'validation_failed',
      'clientSecret: required (none stored for this issuer and client id)',
      [{ path: 'clientSecret', message: 'required (none stored for this issuer and client id)' }],
    );
  const slugs = [...new Set(body.groupMap.map((r) => r.team))];
  const known = await existingTeamSlugs(db(), slugs);
  const issues = body.groupMap.flatMap((r, i) =>
    known.has(r.team) ? [] : [{ path: `groupMap.${i}.team`, message: `no team with the slug "${r.team}"` }],
  );
  if (issues.length > 0)
    throw new ApiError('validation_failed', `${issues[0]!.path}: ${issues[0]!.message}`, issues);
  const scopes = body.scopes.includes('openid') ? body.scopes : ['openid', ...body.scopes];
  await saveOidcSettings(db(), env().keyring[0]!, {
    issuer,
    clientId: body.clientId,
    clientSecret,
    name: body.name,
    scopes,
    groupsClaim: body.groupsClaim,
    groupMap: body.groupMap,
  });
  forgetOidcConfig();
  const after = await view();
  await audit(user, req, 'instance.sso.update', before, after);
  return after;
});

export const DELETE = withUser(route('instance.sso.delete'), async ({ user, req }) => {
  notFromEnv();
  const before = await view();
  await deleteOidcSettings(db());
  forgetOidcConfig();
  await audit(user, req, 'instance.sso.delete', before, await view());
  return null;
});
