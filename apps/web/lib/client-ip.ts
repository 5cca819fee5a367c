import { BlockList, isIP } from 'node:net';

/**
 * The client's address, as far as it can be trusted. Next.js keeps a client-sent X-Forwarded-For as is, so
 * the header is believed only through proxies the operator names (FERRY_TRUSTED_PROXIES, CIDRs): walking the
 * chain from the right, the first address that is not a trusted proxy is the client. Without trusted
 * proxies the address is unknown (null) — rate limits then rely on per-account throttling.
 */
export function parseCidrList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function cidrBlockList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const c of cidrs) {
    const [addr = '', bits] = c.split('/');
    const family = isIP(addr);
    if (!family) throw new Error(`not an IP address or CIDR: ${c}`);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, Number(bits), type);
  }
  return list;
}

export function resolveClientIp(
  forwardedFor: string | null,
  trustedProxies: readonly string[],
): string | null {
  if (!forwardedFor || trustedProxies.length === 0) return null;
  const trusted = cidrBlockList(trustedProxies);
  const hops = forwardedFor
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const ip = hops[i] as string;
    const family = isIP(ip);
    if (!family) return null;
    if (trusted.check(ip, family === 6 ? 'ipv6' : 'ipv4')) continue;
    return ip;
  }
  return null;
}
