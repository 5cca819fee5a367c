import { type NextRequest, NextResponse } from 'next/server';
import { securityHeaders } from './lib/security-headers.ts';

/** Security headers (CSP with a fresh nonce per request, Permissions-Policy, HSTS over https) on every answer. */
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const publicUrl = process.env.BETTER_AUTH_URL ?? '';
  const https = publicUrl.startsWith('https://') || request.nextUrl.protocol === 'https:';
  const headers = securityHeaders(nonce, { dev: process.env.NODE_ENV === 'development', https });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('Content-Security-Policy', headers['Content-Security-Policy'] as string);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [k, v] of Object.entries(headers)) response.headers.set(k, v);
  return response;
}

export const config = {
  matcher: [{ source: '/((?!_next/static|_next/image|favicon.ico).*)' }],
};
