import { isIP } from 'node:net';

/**
 * Whether an OpenID Connect issuer URL may be used: https, or http only on a loopback host (a provider on
 * the same machine, as in tests); no credentials, query or fragment; never a link-local or cloud-metadata
 * address (the web server fetches the issuer's discovery document and keys).
 */
export function checkIssuer(value: string): { ok: true; issuer: string } | { ok: false; reason: string } {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return { ok: false, reason: 'not a URL' };
  }
  const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const loopback = host === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1';
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback))
    return { ok: false, reason: 'the issuer must be an https:// URL (http:// only on a loopback host)' };
  if (u.username || u.password) return { ok: false, reason: 'the issuer URL must not carry credentials' };
  if (u.search || u.hash) return { ok: false, reason: 'the issuer URL must not have a query or fragment' };
  const linkLocal =
    (isIP(host) === 4 && (/^169\.254\./.test(host) || /^0\./.test(host))) ||
    (isIP(host) === 6 && (/^fe[89ab]/.test(host) || host === 'fd00:ec2::254'));
  if (linkLocal) return { ok: false, reason: 'link-local and cloud metadata addresses are refused' };
  return { ok: true, issuer: u.href.replace(/\/+$/, '') };
}
