import { describe, expect, it } from 'vitest';
import { compilePatterns, makeFilter, PATTERN_LIMITS, patternError } from '../src/patterns.ts';

describe('compilePatterns: MM2 full-match semantics', () => {
  const cases: [string[], string, boolean][] = [
    [['orders'], 'orders', true],
    [['orders'], 'orders2', false], // full match, not a prefix
    [['orders'], 'x-orders', false],
    [['orders.*'], 'orders.eu', true],
    [['a|b'], 'a', true], // an alternation inside one entry stays whole
    [['a|b'], 'ab', false],
    [['a', 'b'], 'b', true], // a list is one alternation
    [['demo\\..*'], 'demo.orders', true],
    [['demo\\..*'], 'demoXorders', false],
    [['.*[\\-\\.]internal'], 'mm2-offsets.internal', true],
    [['__.*'], '__consumer_offsets', true],
    [['[a-c]+\\d{2}'], 'abc12', true],
    [[], 'anything', false],
  ];
  it.each(cases)('%j on %s → %s', (patterns, name, want) => {
    expect(compilePatterns(patterns).matches(name)).toBe(want);
  });

  it('applies exclude after include', () => {
    const f = makeFilter(['.*'], ['__.*', '.*\\.internal']);
    expect(['orders', '__x', 'a.internal'].filter(f)).toEqual(['orders']);
  });
});

describe('patterns are refused with a reason, never run', () => {
  const refused: [string, RegExp][] = [
    ['', /empty/],
    ['(', /not a valid regular expression/],
    ['(a)\\1', /not a valid regular expression/], // backreference: not linear, RE2 has none
    ['(?=a)a', /not a valid regular expression/], // lookahead
    ['a'.repeat(PATTERN_LIMITS.maxLength + 1), /longer than/],
    ['(((a{100}){100}){100})', /not a valid regular expression|too complex/],
  ];
  it.each(refused)('%s', (p, why) => {
    expect(patternError(p.slice(0, 2000))).toMatch(why);
    expect(() => compilePatterns([p])).toThrow(why);
  });

  it('refuses more patterns than the limit in one list', () => {
    const many = Array.from({ length: PATTERN_LIMITS.maxCount + 1 }, (_, i) => `t${i}`);
    expect(() => compilePatterns(many)).toThrow(/more than/);
  });
});

describe('ReDoS: matching is linear in the name', () => {
  // Finding 3: on V8's backtracking engine ^(?:(a+)+)$ against 24 a's and "-" took 74 ms and doubled per character.
  it('the classic catastrophic pattern answers instantly on a long name', () => {
    const m = compilePatterns(['(a+)+', '(a|aa)+', '(.*a){12}']);
    const name = `${'a'.repeat(240)}-`;
    const t0 = performance.now();
    expect(m.matches(name)).toBe(false);
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(250);
  });
});
