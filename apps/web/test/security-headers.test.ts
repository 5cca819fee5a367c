import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, securityHeaders } from '@/lib/security-headers.ts';

// Finding 9: no Content-Security-Policy, HSTS or Permissions-Policy.
describe('security headers', () => {
  it('allow scripts only with the request nonce (no unsafe-inline, no eval in production)', () => {
    const csp = contentSecurityPolicy('bm9uY2U=', { dev: false, https: false });
    expect(csp).toContain("script-src 'self' 'nonce-bm9uY2U=' 'strict-dynamic'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-(inline|eval)/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(contentSecurityPolicy('n', { dev: true, https: false })).toContain("'unsafe-eval'");
  });
  it('send HSTS only over https, Permissions-Policy always', () => {
    expect(securityHeaders('n', { dev: false, https: false })['Strict-Transport-Security']).toBeUndefined();
    const h = securityHeaders('n', { dev: false, https: true });
    expect(h['Strict-Transport-Security']).toMatch(/max-age=31536000/);
    expect(h['Content-Security-Policy']).toContain('upgrade-insecure-requests');
    expect(h['Permissions-Policy']).toMatch(/camera=\(\)/);
  });
});
