import { describe, expect, it } from 'vitest';
import { parseProperties } from '../src/properties.ts';

describe('parseProperties (java.util.Properties format)', () => {
  it.each([
    ['a=1', 'a', '1'],
    ['a = 1 ', 'a', '1 '],
    ['a:1', 'a', '1'],
    ['a 1', 'a', '1'],
    ['  a=b=c', 'a', 'b=c'],
    ['a\\=b=c', 'a=b', 'c'],
    ['a=x\\ty', 'a', 'x\ty'],
    ['a=\\u0041', 'a', 'A'],
    ['a=', 'a', ''],
    ['east->west.enabled = true', 'east->west.enabled', 'true'],
    ['a = b', 'a', 'b'],
    ['a\\=x = y', 'a=x', 'y'],
    ['k = v1, \\\n   v2', 'k', 'v1, v2'],
    ['primary->backup.enabled', 'primary->backup.enabled', ''],
  ])('%s', (line, key, value) => {
    expect(parseProperties(line).get(key)).toBe(value);
  });

  it('skips comments and blank lines, joins continued lines, last value wins', () => {
    const p = parseProperties('# c\n! c\n\nlist = a,\\\n    b,\\\n    c\nx=1\nx=2\n');
    expect([...p]).toEqual([
      ['list', 'a,b,c'],
      ['x', '2'],
    ]);
  });
});
