import { describe, expect, it } from 'vitest';
import { decideMemberships, groupsFromClaim, managedTeams, parseGroupMap } from '@/lib/sso/group-map.ts';

describe('parseGroupMap', () => {
  it.each([
    ['', []],
    ['ops=payments:admin', [{ group: 'ops', team: 'payments', role: 'admin' }]],
    [
      'ops=payments:admin, devs=payments:viewer;\nsre=core:owner',
      [
        { group: 'ops', team: 'payments', role: 'admin' },
        { group: 'devs', team: 'payments', role: 'viewer' },
        { group: 'sre', team: 'core', role: 'owner' },
      ],
    ],
    // the group is everything before the last '=' (LDAP-ish names)
    ['CN=ferry-ops=payments:operator', [{ group: 'CN=ferry-ops', team: 'payments', role: 'operator' }]],
    ['  spaced group = team-1 : viewer ', [{ group: 'spaced group', team: 'team-1', role: 'viewer' }]],
  ])('%j parses', (text, rules) => {
    expect(parseGroupMap(text)).toEqual({ ok: true, rules });
  });

  it.each([
    ['ops', 'expected group=teamSlug:role'],
    ['=payments:admin', 'expected group=teamSlug:role'],
    ['ops=payments', 'the role must be one of'],
    ['ops=payments:root', 'the role must be one of'],
    ['ops=Payments Team:admin', 'is not a team slug'],
    ['ops=payments:admin:extra', 'expected group=teamSlug:role'],
    [Array.from({ length: 201 }, (_, i) => `g${i}=t:viewer`).join(','), 'at most 200 rules'],
  ])('%j is refused with a reason', (text, reason) => {
    const r = parseGroupMap(text);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.reason).toContain(reason);
  });
});

describe('groupsFromClaim', () => {
  it.each([
    [
      ['a', 'b'],
      ['a', 'b'],
    ],
    ['single', ['single']],
    [undefined, []],
    [null, []],
    [42, []],
    [{ a: 1 }, []],
    [['ok', 3, null, '', 'x'.repeat(257), { g: 1 }], ['ok']],
  ])('%j → %j', (claim, groups) => {
    expect(groupsFromClaim(claim)).toEqual(groups);
  });
  it('keeps at most 1,000 names', () => {
    expect(groupsFromClaim(Array.from({ length: 5000 }, (_, i) => `g${i}`))).toHaveLength(1000);
  });
});

describe('decideMemberships', () => {
  const rules = parseGroupMap(
    'devs=payments:viewer, ops=payments:admin, sre=payments:operator, ops=core:operator, root=core:owner',
  );
  if (!rules.ok) throw new Error(rules.reason);
  it.each([
    [[], {}],
    [['nobody'], {}],
    [['devs'], { payments: 'viewer' }],
    [['devs', 'sre'], { payments: 'operator' }],
    [['sre', 'ops', 'devs'], { payments: 'admin', core: 'operator' }],
    [['ops', 'root'], { payments: 'admin', core: 'owner' }],
    // group names match exactly (case and all)
    [['OPS', 'Devs'], {}],
  ])('groups %j → %j', (groups, want) => {
    expect(Object.fromEntries(decideMemberships(groups, rules.rules))).toEqual(want);
  });
  it('names every managed team once', () => {
    expect(managedTeams(rules.rules).sort()).toEqual(['core', 'payments']);
  });
});
