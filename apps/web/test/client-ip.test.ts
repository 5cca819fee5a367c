import { describe, expect, it } from 'vitest';
import { resolveClientIp } from '@/lib/client-ip.ts';

// Finding 6: the leftmost X-Forwarded-For entry (whatever the client sent) was taken as the client address.
describe('resolveClientIp: X-Forwarded-For only through trusted proxies', () => {
  const proxies = ['10.0.0.0/8', '127.0.0.1'];
  it.each([
    // [header, trusted proxies, client]
    ['203.0.113.7', [], null], // no trusted proxy: the header is ignored
    ['6.6.6.6, 203.0.113.7', [], null],
    ['203.0.113.7', proxies, '203.0.113.7'],
    ['6.6.6.6, 203.0.113.7', proxies, '203.0.113.7'], // a spoofed entry on the left is not believed
    ['6.6.6.6, 203.0.113.7, 10.1.2.3', proxies, '203.0.113.7'], // our proxies are skipped from the right
    ['10.1.2.3, 127.0.0.1', proxies, null], // only proxies: unknown
    ['not-an-ip, 10.1.2.3', proxies, null],
    ['2001:db8::1', ['::1'], '2001:db8::1'],
    [null, proxies, null],
  ] as [string | null, string[], string | null][])('%s via %j → %s', (h, trusted, want) => {
    expect(resolveClientIp(h, trusted)).toBe(want);
  });
});
