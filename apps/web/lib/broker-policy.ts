import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { ApiError } from '@ferry/core';
import { decideBroker, networkPolicyFromEnv, splitHostPort } from '@ferry/core/network-policy';

/**
 * Refuses (400, naming `bootstrapServers`) a cluster whose bootstrap servers the network policy forbids:
 * link-local / cloud-metadata addresses always, and anything outside FERRY_ALLOWED_BROKERS when it is set.
 * Names that do not resolve here pass: the engine judges every connection again when it is made (the
 * workers may resolve differently), including the broker addresses metadata returns.
 */
export async function assertBrokersAllowed(
  bootstrapServers: string,
  path = 'bootstrapServers',
): Promise<void> {
  const policy = networkPolicyFromEnv();
  for (const entry of bootstrapServers
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const hp = splitHostPort(entry);
    if (!hp) continue; // the schema reports malformed entries
    let addresses: string[] = [];
    if (!isIP(hp.host)) {
      try {
        addresses = (await lookup(hp.host, { all: true })).map((a) => a.address);
      } catch {
        continue;
      }
    }
    const d = decideBroker(hp.host, addresses, policy);
    if (!d.ok) throw new ApiError('validation_failed', `${path}: ${d.reason}`, [{ path, message: d.reason }]);
  }
}

/**
 * Refuses (400, naming the field) an OAuth token endpoint whose host the network policy forbids — the same
 * decision as for brokers: the web and the workers POST the client secret there, so a URL typed into a form
 * is treated like a broker address someone else chose. The engine judges the host again on every request
 * and connects to exactly the addresses it judged (packages/engine/src/kafka/policy-fetch.ts).
 */
export async function assertTokenEndpointAllowed(
  tokenEndpointUrl: string | undefined,
  path = 'sasl.tokenEndpointUrl',
): Promise<void> {
  if (!tokenEndpointUrl) return;
  let host: string;
  try {
    host = new URL(tokenEndpointUrl).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return; // the schema reports a malformed URL
  }
  let addresses: string[] = [];
  if (!isIP(host)) {
    try {
      addresses = (await lookup(host, { all: true })).map((a) => a.address);
    } catch {
      return;
    }
  }
  const d = decideBroker(host, addresses, networkPolicyFromEnv());
  if (!d.ok)
    throw new ApiError('validation_failed', `${path}: token endpoint ${d.reason}`, [
      { path, message: `token endpoint ${d.reason}` },
    ]);
}

/** Both checks for a cluster's input: its bootstrap servers and, for OAUTHBEARER, its token endpoint. */
export async function assertClusterAllowed(c: {
  bootstrapServers?: string;
  sasl?: { mechanism: string; tokenEndpointUrl?: string };
}): Promise<void> {
  if (c.bootstrapServers) await assertBrokersAllowed(c.bootstrapServers);
  if (c.sasl?.mechanism === 'OAUTHBEARER') await assertTokenEndpointAllowed(c.sasl.tokenEndpointUrl);
}
