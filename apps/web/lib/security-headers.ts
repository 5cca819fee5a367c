/**
 * Response headers every page and API answer carries. Scripts run only with the per-request nonce (Next.js
 * puts it on its own scripts when it finds it in the request's CSP header); `strict-dynamic` lets those load
 * their chunks. Styles allow inline attributes (Radix positions popovers with them). HSTS only over https.
 */
export function contentSecurityPolicy(nonce: string, opts: { dev: boolean; https: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(opts.https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

export const PERMISSIONS_POLICY =
  'camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), interest-cohort=()';

export function securityHeaders(
  nonce: string,
  opts: { dev: boolean; https: boolean },
): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(nonce, opts),
    'Permissions-Policy': PERMISSIONS_POLICY,
    'Cross-Origin-Opener-Policy': 'same-origin',
    ...(opts.https ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}
