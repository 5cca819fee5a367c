/**
 * The one permission table (ARCHITECTURE.md, "Control plane"). Roles are cumulative:
 * owner ⊇ admin ⊇ operator ⊇ viewer. Route handlers declare one permission; `can` decides.
 */
export const ROLES = ['owner', 'admin', 'operator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = {
  // viewer: read
  'team.read': 'viewer',
  'members.read': 'viewer',
  'clusters.read': 'viewer',
  'flows.read': 'viewer',
  'audit.read': 'viewer',
  // operator: run things, never reshape them
  'flows.toggle': 'operator',
  'clusters.test': 'operator',
  'flows.verify': 'operator',
  'flows.failover': 'operator',
  // admin: clusters, flows, API tokens
  'clusters.write': 'admin',
  'flows.write': 'admin',
  'tokens.read': 'admin',
  'tokens.write': 'admin',
  'mm2.import': 'admin',
  'webhooks.read': 'admin',
  'webhooks.write': 'admin',
  // owner: members, roles, team
  'members.write': 'owner',
  'team.write': 'owner',
} as const satisfies Record<string, Role>;

export type Permission = keyof typeof PERMISSIONS;

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2, owner: 3 };

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Whether `role` holds `permission`. */
export function can(role: Role, permission: Permission): boolean {
  return RANK[role] >= RANK[PERMISSIONS[permission]];
}

/** Every permission a role holds, for the UI (hide what the server would refuse anyway). */
export function permissionsOf(role: Role): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((p) => can(role, p));
}

/** A role may only hand out roles up to its own (an admin token cannot mint an owner token). */
export function canGrant(granter: Role, granted: Role): boolean {
  return RANK[granter] >= RANK[granted];
}

/** The lesser of two roles (a token acts with at most its creator's current role). */
export function lowerRole(a: Role, b: Role): Role {
  return RANK[a] <= RANK[b] ? a : b;
}
