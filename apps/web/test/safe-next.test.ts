import { describe, expect, it } from 'vitest';
import { safeNext } from '@/lib/safe-next.ts';

// Finding 7: `next` passed a startsWith('/') && !startsWith('//') check, which /\evil.example and
// /%09/evil.example pass although browsers go to evil.example.
describe('safeNext: only a path on our own origin', () => {
  it.each([
    ['/flows', '/flows'],
    ['/flows/abc?tab=lag#p1', '/flows/abc?tab=lag#p1'],
    ['/team', '/team'],
    [undefined, '/flows'],
    ['', '/flows'],
    ['//evil.example', '/flows'],
    ['/\\evil.example', '/flows'],
    ['/%5Cevil.example', '/flows'],
    ['/%5cevil.example', '/flows'],
    ['/%09/evil.example', '/flows'],
    ['/\t/evil.example', '/flows'],
    ['/%2F/evil.example', '/flows'],
    ['https://evil.example/', '/flows'],
    ['javascript:alert(1)', '/flows'],
    ['evil.example', '/flows'],
    ['/%E0%A4%A', '/flows'],
    [`/${'a'.repeat(3000)}`, '/flows'],
  ])('%s → %s', (next, want) => {
    expect(safeNext(next)).toBe(want);
  });
});
