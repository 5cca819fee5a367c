import { isRole, ROLES, type Role } from '@ferry/core';

/**
 * Which teams and roles an OpenID Connect sign-in gets, from the groups the provider says the person is in.
 * A rule maps one group to one team (by slug) and role; a person in several groups of one team gets the
 * highest of their roles. Teams named by any rule are managed by the provider: on every sign-in the member
 * is added, re-ranked, or removed to match (teams no rule names are left alone).
 */
export interface GroupRule {
  group: string;
  team: string;
  role: Role;
}

export type GroupMapParse = { ok: true; rules: GroupRule[] } | { ok: false; reason: string };

const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const MAX_GROUP_RULES = 200;

/**
 * Parses the env form `group=teamSlug:role`, entries separated by commas, semicolons or newlines
 * (FERRY_OIDC_GROUP_MAP). The group is everything before the last `=`, so group names may contain `=`;
 * group names with `,` or `;` need the API's structured form.
 */
export function parseGroupMap(text: string | undefined): GroupMapParse {
  const rules: GroupRule[] = [];
  const entries = (text ?? '')
    .split(/[,;\n]/)
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length > MAX_GROUP_RULES)
    return { ok: false, reason: `at most ${MAX_GROUP_RULES} rules (got ${entries.length})` };
  for (const entry of entries) {
    const eq = entry.lastIndexOf('=');
    const group = eq > 0 ? entry.slice(0, eq).trim() : '';
    const target = eq > 0 ? entry.slice(eq + 1).trim() : '';
    const [team = '', role = '', ...rest] = target.split(':').map((s) => s.trim());
    if (!group || rest.length > 0) return { ok: false, reason: `"${entry}": expected group=teamSlug:role` };
    const r = checkRule({ group, team, role });
    if (!r.ok) return { ok: false, reason: `"${entry}": ${r.reason}` };
    rules.push(r.rule);
  }
  return { ok: true, rules };
}

export function checkRule(r: {
  group: string;
  team: string;
  role: string;
}): { ok: true; rule: GroupRule } | { ok: false; reason: string } {
  if (!r.group || r.group.length > 256) return { ok: false, reason: 'the group must be 1-256 characters' };
  if (!SLUG.test(r.team)) return { ok: false, reason: `"${r.team}" is not a team slug (a-z, 0-9, -)` };
  if (!isRole(r.role)) return { ok: false, reason: `the role must be one of ${ROLES.join(', ')}` };
  return { ok: true, rule: { group: r.group, team: r.team, role: r.role } };
}

/**
 * The groups claim as a list of names: an array of strings, or one string (some providers send a single
 * group as a string). Anything else — missing, numbers, objects — is no groups. At most 1,000 names.
 */
export function groupsFromClaim(value: unknown): string[] {
  const list = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  return list
    .filter((g): g is string => typeof g === 'string' && g.length > 0 && g.length <= 256)
    .slice(0, 1000);
}

const rank = (r: Role) => ROLES.length - ROLES.indexOf(r);

/** team slug → role for these groups (highest role per team); teams without a matching group are absent. */
export function decideMemberships(groups: readonly string[], rules: readonly GroupRule[]): Map<string, Role> {
  const have = new Set(groups);
  const out = new Map<string, Role>();
  for (const r of rules) {
    if (!have.has(r.group)) continue;
    const cur = out.get(r.team);
    if (!cur || rank(r.role) > rank(cur)) out.set(r.team, r.role);
  }
  return out;
}

/** Every team some rule names: the provider decides membership there. */
export function managedTeams(rules: readonly GroupRule[]): string[] {
  return [...new Set(rules.map((r) => r.team))];
}
