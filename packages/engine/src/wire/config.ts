/** How to reach one cluster over Ferry's wire layer. */
export interface WireTls {
  /** PEM */
  ca?: string;
  /** PEM client certificate and key (mutual TLS) */
  cert?: string;
  key?: string;
  /** key passphrase */
  passphrase?: string;
  servername?: string;
  /** default true */
  rejectUnauthorized?: boolean;
  /** default true: check the certificate names the host */
  verifyHostname?: boolean;
}

export type WireSasl =
  | { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string }
  | WireOAuthBearer;

/** OAUTHBEARER (RFC 7628): `token` gives a current bearer token; `username` names the client in messages. */
export interface WireOAuthBearer {
  mechanism: 'oauthbearer';
  username: string;
  token: () => Promise<string>;
}

export interface WireClusterConfig {
  /** 'host:port' */
  bootstrap: string[];
  clientId: string;
  /** The cluster's name in Ferry, named by authentication errors. */
  name?: string;
  tls?: WireTls;
  sasl?: WireSasl;
  /** default 10000 */
  connectTimeoutMs?: number;
  /** default 30000 */
  requestTimeoutMs?: number;
}

export function parseHostPort(s: string): { host: string; port: number } {
  const i = s.lastIndexOf(':');
  if (i <= 0) throw new TypeError(`bootstrap address ${JSON.stringify(s)} is not host:port`);
  const host = s.slice(0, i).replace(/^\[|\]$/g, '');
  const port = Number(s.slice(i + 1));
  if (!Number.isInteger(port) || port <= 0 || port > 65535)
    throw new TypeError(`bootstrap address ${JSON.stringify(s)} has no valid port`);
  return { host, port };
}
