import type { Role } from '@ferry/core';
import { schema, setInstanceSetting } from '@ferry/db';
import { allRoutes, type RouteId, route } from '@/lib/api/routes.ts';
import { auth } from '@/lib/auth.ts';
import { db } from '@/lib/db.ts';

const ORIGIN = 'http://localhost:3000';

/** Every response body this test file received, and everything logged, to search for secrets. */
export const responseBodies: string[] = [];
export const logged: string[] = [];
for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
  const original = console[level].bind(console);
  console[level] = (...args: unknown[]) => {
    logged.push(
      args
        .map((a) =>
          a instanceof Error ? `${a.message} ${a.stack}` : typeof a === 'string' ? a : JSON.stringify(a),
        )
        .join(' '),
    );
    original(...args);
  };
}

export interface Person {
  id: string;
  email: string;
  password: string;
  cookie: string;
}

let n = 0;
let opened = false;
/**
 * Signs a new person up. Sign-up is invite-only after the first account; the fixtures open it for their own
 * database (one per test file) so they can create people freely. Tests of the invite-only rule use
 * `signUpAs` on a database where it stays closed.
 */
export async function signUp(label: string): Promise<Person> {
  if (!opened) {
    await setInstanceSetting(db(), 'allowSignup', true);
    opened = true;
  }
  return signUpAs(label);
}

export async function signUpAs(label: string): Promise<Person> {
  const email = `${label}-${++n}-${Date.now()}@example.test`;
  const password = `pw-${label}-Very-Secret-${n}`;
  const res = await auth().api.signUpEmail({ body: { email, password, name: label }, asResponse: true });
  if (!res.ok) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { user: { id: string } };
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { id: body.user.id, email, password, cookie };
}

export async function addMember(teamId: string, userId: string, role: Role) {
  const [m] = await db().insert(schema.members).values({ organizationId: teamId, userId, role }).returning();
  return m!;
}

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
type Json = any;
type Auth = { cookie?: string; token?: string; origin?: string | null };

/** Calls a route handler exactly as Next would, found from the path via the route registry. */
export async function call(
  method: string,
  path: string,
  who: Auth,
  body?: unknown,
): Promise<{ status: number; json: Json; text: string }> {
  const url = new URL(path, ORIGIN);
  const spec = allRoutes().find(
    (r) => r.method === method && new RegExp(`^${r.path.replace(/\{\w+\}/g, '[^/]+')}$`).test(url.pathname),
  );
  if (!spec) throw new Error(`no route ${method} ${path}`);
  const names = [...spec.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
  const values = new RegExp(`^${spec.path.replace(/\{\w+\}/g, '([^/]+)')}$`).exec(url.pathname)!.slice(1);
  const params = Object.fromEntries(names.map((k, i) => [k, values[i] as string]));
  const file = `${import.meta.dirname}/../app${spec.path.replace(/\{(\w+)\}/g, '[$1]')}/route.ts`;
  const mod = (await import(/* @vite-ignore */ file)) as Record<
    string,
    (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>
  >;
  const headers: Record<string, string> = { 'x-forwarded-for': '203.0.113.7' };
  if (who.cookie) headers.cookie = who.cookie;
  if (who.token) headers.authorization = `Bearer ${who.token}`;
  if (who.origin !== null) headers.origin = who.origin ?? ORIGIN;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const req = new Request(url, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const res = await mod[method]!(req, { params: Promise.resolve(params) });
  const text = await res.text();
  responseBodies.push(text);
  let json: Json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    /* text responses */
  }
  return { status: res.status, json, text };
}

export const path = (id: RouteId, params: Record<string, string>) =>
  route(id).path.replace(/\{(\w+)\}/g, (_, k: string) => params[k] ?? `missing-${k}`);

/** The values that must never appear in any response body. */
export function secretsFound(secrets: string[]): { secret: string; body: string }[] {
  const hits: { secret: string; body: string }[] = [];
  for (const body of [...responseBodies, ...logged])
    for (const s of secrets)
      if (s && body.includes(s)) hits.push({ secret: s.slice(0, 12), body: body.slice(0, 200) });
  return hits;
}
