import { describe, expect, it } from 'vitest';
import { can, canGrant, PERMISSIONS, type Permission, permissionsOf, type Role } from '../src/permissions.ts';

const cases: [Permission, Record<Role, boolean>][] = [
  ['flows.read', { viewer: true, operator: true, admin: true, owner: true }],
  ['clusters.read', { viewer: true, operator: true, admin: true, owner: true }],
  ['audit.read', { viewer: true, operator: true, admin: true, owner: true }],
  ['flows.toggle', { viewer: false, operator: true, admin: true, owner: true }],
  ['clusters.test', { viewer: false, operator: true, admin: true, owner: true }],
  ['flows.verify', { viewer: false, operator: true, admin: true, owner: true }],
  ['flows.failover', { viewer: false, operator: true, admin: true, owner: true }],
  ['clusters.write', { viewer: false, operator: false, admin: true, owner: true }],
  ['flows.write', { viewer: false, operator: false, admin: true, owner: true }],
  ['tokens.write', { viewer: false, operator: false, admin: true, owner: true }],
  ['mm2.import', { viewer: false, operator: false, admin: true, owner: true }],
  ['members.write', { viewer: false, operator: false, admin: false, owner: true }],
  ['team.write', { viewer: false, operator: false, admin: false, owner: true }],
];

describe('permission table', () => {
  it('covers every permission in the table', () => {
    expect(new Set(cases.map((c) => c[0])).size).toBeGreaterThan(10);
  });
  for (const [perm, byRole] of cases)
    for (const [role, allowed] of Object.entries(byRole) as [Role, boolean][])
      it(`${role} ${allowed ? 'may' : 'may not'} ${perm}`, () => expect(can(role, perm)).toBe(allowed));

  it('roles are cumulative', () => {
    expect(permissionsOf('viewer').every((p) => can('operator', p))).toBe(true);
    expect(permissionsOf('operator').every((p) => can('admin', p))).toBe(true);
    expect(permissionsOf('owner')).toHaveLength(Object.keys(PERMISSIONS).length);
  });

  it.each([
    ['owner', 'owner', true],
    ['admin', 'owner', false],
    ['admin', 'admin', true],
    ['admin', 'viewer', true],
    ['operator', 'admin', false],
  ] as const)('%s can grant %s: %s', (a, b, ok) => expect(canGrant(a, b)).toBe(ok));
});
