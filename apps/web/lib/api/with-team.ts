import { ApiError, can, fieldIssues, type Role } from '@ferry/core';
import { type Actor, getMemberRole, isInstanceAdmin, resolveApiToken, type TeamContext } from '@ferry/db';
import { auth } from '../auth.ts';
import { resolveClientIp } from '../client-ip.ts';
import { db } from '../db.ts';
import { env } from '../env.ts';
import { errorResponse } from './errors.ts';
import type { RouteSpec } from './route-spec.ts';

/**
 * The one wrapper every /api/v1 route goes through (STYLE.md habit 7): session or API-token authentication,
 * CSRF check for cookie sessions, team scoping (not a member → 404), the route's declared permission
 * (missing → 403), zod validation of body and query (400 naming the field), and error mapping.
 */
type Params = Record<string, string>;
interface RouteContext {
  params: Promise<Params>;
}

export type Principal =
  | { kind: 'user'; user: SessionUser }
  | { kind: 'token'; token: { id: string; name: string; teamId: string; role: Role } };

export interface SessionUser {
  id: string;
  name: string;
  email: string;
  emailVerified: boolean;
}

/** The client's address for the audit log: X-Forwarded-For only through trusted proxies (client-ip.ts). */
export function clientIp(req: Request): string | null {
  return resolveClientIp(req.headers.get('x-forwarded-for'), env().trustedProxies);
}

async function authenticate(req: Request): Promise<Principal> {
  const header = req.headers.get('authorization');
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const token = m ? await resolveApiToken(db(), m[1] as string) : null;
    if (!token) throw new ApiError('unauthorized', 'invalid or revoked API token');
    return { kind: 'token', token };
  }
  const session = await auth().api.getSession({ headers: req.headers });
  if (!session) throw new ApiError('unauthorized', 'sign in or send an API token (Authorization: Bearer …)');
  checkSameOrigin(req);
  const { id, name, email, emailVerified } = session.user;
  return { kind: 'user', user: { id, name, email, emailVerified } };
}

/** Cookie-authenticated writes must come from our own pages (tokens are not sent by browsers on their own). */
function checkSameOrigin(req: Request) {
  if (req.method === 'GET' || req.method === 'HEAD') return;
  const origin = req.headers.get('origin');
  const own = new Set([new URL(env().baseUrl).origin, new URL(req.url).origin]);
  const host = req.headers.get('host');
  if (host) own.add(`${new URL(req.url).protocol}//${host}`);
  if (!origin || !own.has(origin))
    throw new ApiError('forbidden', 'cross-site request refused (Origin does not match)');
}

/** Largest request body any route accepts (an mm2.properties is at most 200,000 characters). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads the body as text, refusing (413) past `limit` bytes without reading further. */
export async function readBodyLimited(req: Request, limit = MAX_BODY_BYTES): Promise<string> {
  const tooLarge = () =>
    new ApiError('payload_too_large', `the request body is larger than ${limit / 1024} KiB`);
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (declared > limit) throw tooLarge();
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function parseBody(spec: RouteSpec, req: Request): Promise<unknown> {
  if (!spec.body) return undefined;
  const text = await readBodyLimited(req);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ApiError('bad_request', 'the request body must be JSON');
  }
  const r = spec.body.safeParse(raw);
  if (!r.success) {
    const issues = fieldIssues(r.error);
    throw new ApiError('validation_failed', `${issues[0]?.path || '(body)'}: ${issues[0]?.message}`, issues);
  }
  return r.data;
}

function parseQuery(spec: RouteSpec, req: Request): unknown {
  if (!spec.query) return undefined;
  const r = spec.query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!r.success) {
    const issues = fieldIssues(r.error);
    throw new ApiError('validation_failed', `${issues[0]?.path}: ${issues[0]?.message}`, issues);
  }
  return r.data;
}

function respond(spec: RouteSpec, result: unknown): Response {
  if (result instanceof Response) return result;
  if ((spec.status ?? 200) === 204) return new Response(null, { status: 204 });
  return Response.json(result, { status: spec.status ?? 200 });
}

export interface TeamArgs<B, Q> {
  ctx: TeamContext;
  body: B;
  query: Q;
  params: Params;
  req: Request;
}

// biome-ignore lint/suspicious/noExplicitAny: handlers narrow body/query with the spec's schema
export function withTeam<B = any, Q = any>(
  spec: RouteSpec,
  handler: (a: TeamArgs<B, Q>) => Promise<unknown>,
) {
  return async (req: Request, rc: RouteContext): Promise<Response> => {
    try {
      const params = (await rc?.params) ?? {};
      const principal = await authenticate(req);
      const teamId = params.teamId ?? '';
      let role: Role | null;
      let actor: Actor;
      const ip = clientIp(req);
      if (principal.kind === 'token') {
        role = principal.token.teamId === teamId ? principal.token.role : null;
        actor = { type: 'token', id: principal.token.id, name: `token ${principal.token.name}`, ip };
      } else {
        role = await getMemberRole(db(), teamId, principal.user.id);
        actor = { type: 'user', id: principal.user.id, name: principal.user.email, ip };
      }
      if (!role) throw new ApiError('not_found', 'team not found');
      if (spec.permission && !can(role, spec.permission))
        throw new ApiError('forbidden', `your role (${role}) does not allow ${spec.permission}`);
      const ctx: TeamContext = { db: db(), teamId, role, actor, keyring: env().keyring };
      const body = (await parseBody(spec, req)) as B;
      const query = parseQuery(spec, req) as Q;
      return respond(spec, await handler({ ctx, body, query, params, req }));
    } catch (e) {
      return errorResponse(e);
    }
  };
}

export interface UserArgs<B> {
  user: SessionUser;
  body: B;
  params: Params;
  req: Request;
}

/** For routes outside a team (me, create team, accept invitation): a signed-in person only. */
// biome-ignore lint/suspicious/noExplicitAny: see withTeam
export function withUser<B = any>(spec: RouteSpec, handler: (a: UserArgs<B>) => Promise<unknown>) {
  return async (req: Request, rc: RouteContext): Promise<Response> => {
    try {
      const params = (await rc?.params) ?? {};
      const principal = await authenticate(req);
      if (principal.kind !== 'user')
        throw new ApiError('forbidden', 'this route needs a signed-in person, not an API token');
      if (spec.instanceAdmin && !(await isInstanceAdmin(db(), principal.user.id)))
        throw new ApiError('forbidden', 'only instance administrators may do this');
      const body = (await parseBody(spec, req)) as B;
      return respond(spec, await handler({ user: principal.user, body, params, req }));
    } catch (e) {
      return errorResponse(e);
    }
  };
}
