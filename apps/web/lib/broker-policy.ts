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
