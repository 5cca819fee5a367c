import { describe, expect, it } from 'vitest';
import { mergeValues } from '../src/helm/values.ts';

describe('mergeValues (Helm value coalescing)', () => {
  const cases: Array<[string, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>]> = [
    ['maps merge key by key', { a: { b: 1, c: 2 } }, { a: { c: 3 } }, { a: { b: 1, c: 3 } }],
    ['lists replace, never merge', { l: [1, 2] }, { l: [3] }, { l: [3] }],
    ['null deletes the key', { a: 1, b: 2 }, { a: null }, { b: 2 }],
    ['a scalar replaces a map', { a: { b: 1 } }, { a: 'x' }, { a: 'x' }],
    ['new keys are added', { a: 1 }, { z: { y: true } }, { a: 1, z: { y: true } }],
  ];
  for (const [name, base, override, expected] of cases)
    it(name, () => {
      expect(mergeValues(base, override)).toEqual(expected);
    });

  it('leaves its inputs unchanged', () => {
    const base = { a: { b: 1 } };
    mergeValues(base, { a: { b: 2 } });
    expect(base).toEqual({ a: { b: 1 } });
  });
});
