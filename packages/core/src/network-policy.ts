import { BlockList, isIP } from 'node:net';

/**
 * "May this broker address be contacted?" — one pure decision for the web and the workers (bootstrap servers
 * and every broker address metadata returns). Link-local and cloud-metadata addresses are refused always;
 * with FERRY_ALLOWED_BROKERS set (CIDRs and host patterns such as `*.kafka.internal`, comma-separated) only
 * matching brokers may be contacted. A hostname is judged by every address it resolves to.
 */
export interface NetworkPolicy {
  cidrs: string[];
  hosts: string[];
}

export type BrokerDecision = { ok: true } | { ok: false; reason: string };

const ALWAYS_DENIED: [string, number, 'ipv4' | 'ipv6'][] = [
  ['169.254.0.0', 16, 'ipv4'], // link-local, incl. 169.254.169.254 (AWS, GCP, Azure metadata)
  ['0.0.0.0', 8, 'ipv4'], // "this network": connects to the local host on Linux
  ['fe80::', 10, 'ipv6'], // link-local
  ['fd00:ec2::254', 128, 'ipv6'], // AWS metadata over IPv6
  ['::ffff:169.254.0.0', 112, 'ipv6'], // the same, IPv4-mapped
];
const denied = new BlockList();
for (const [a, bits, t] of ALWAYS_DENIED) denied.addSubnet(a, bits, t);

const typeOf = (ip: string) => (isIP(ip) === 6 ? 'ipv6' : 'ipv4');

export function parseNetworkPolicy(value: string | undefined): NetworkPolicy | null {
  const entries = (value ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (entries.length === 0) return null;
  const policy: NetworkPolicy = { cidrs: [], hosts: [] };
  for (const e of entries) {
    const [addr = '', bits] = e.split('/');
    if (isIP(addr)) {
      const max = isIP(addr) === 6 ? 128 : 32;
      const n = bits === undefined ? max : Number(bits);
      if (!Number.isInteger(n) || n < 0 || n > max) throw new Error(`FERRY_ALLOWED_BROKERS: bad CIDR ${e}`);
      policy.cidrs.push(`${addr}/${n}`);
    } else if (/^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(e)) policy.hosts.push(e);
    else throw new Error(`FERRY_ALLOWED_BROKERS: "${e}" is neither a CIDR nor a host pattern`);
  }
  return policy;
}

let fromEnv: { value: string | undefined; policy: NetworkPolicy | null } | undefined;
/** The installation's policy from FERRY_ALLOWED_BROKERS (re-read when the variable changes). */
export function networkPolicyFromEnv(source: NodeJS.ProcessEnv = process.env): NetworkPolicy | null {
  if (fromEnv?.value !== source.FERRY_ALLOWED_BROKERS)
    fromEnv = {
      value: source.FERRY_ALLOWED_BROKERS,
      policy: parseNetworkPolicy(source.FERRY_ALLOWED_BROKERS),
    };
  return fromEnv?.policy ?? null;
}

function hostMatches(host: string, pattern: string): boolean {
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  return host === pattern;
}

/**
 * The decision for one broker: `host` as written (name or IP literal) and the addresses it resolved to (for
 * an IP literal, itself). Pure: DNS is the caller's.
 */
export function decideBroker(
  host: string,
  addresses: readonly string[],
  policy: NetworkPolicy | null,
): BrokerDecision {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  const ips = isIP(h) ? [h] : addresses;
  if (ips.length === 0) return { ok: false, reason: `${host} does not resolve` };
  for (const ip of ips)
    if (denied.check(ip, typeOf(ip)))
      return {
        ok: false,
        reason: `${host} (${ip}) is a link-local or cloud-metadata address; Ferry never connects there`,
      };
  if (!policy) return { ok: true };
  if (!isIP(h) && policy.hosts.some((p) => hostMatches(h, p))) return { ok: true };
  const allowed = new BlockList();
  for (const c of policy.cidrs) {
    const [a, bits] = c.split('/') as [string, string];
    allowed.addSubnet(a, Number(bits), typeOf(a));
  }
  for (const ip of ips)
    if (!allowed.check(ip, typeOf(ip)))
      return { ok: false, reason: `${host}${ip === h ? '' : ` (${ip})`} is not in FERRY_ALLOWED_BROKERS` };
  return { ok: true };
}

/** Splits `host:port` (IPv6 in brackets) as bootstrap servers are written. */
export function splitHostPort(entry: string): { host: string; port: number } | null {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(entry.trim()) ?? /^([^:[\]]+):(\d+)$/.exec(entry.trim());
  if (!m) return null;
  return { host: m[1] as string, port: Number(m[2]) };
}
