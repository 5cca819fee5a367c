import dns, { type LookupAddress } from 'node:dns';
import net, { type Socket } from 'node:net';
import tls from 'node:tls';
import { decideBroker, type NetworkPolicy, networkPolicyFromEnv } from '@ferry/core/network-policy';
import type { ISocketFactory } from 'kafkajs';

type LookupCb = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

const refused = (reason: string) =>
  Object.assign(new Error(`refused by the network policy: ${reason}`), { code: 'EPOLICY' });

/**
 * kafkajs's socket factory with the network policy (@ferry/core/network-policy) in front of every connection
 * — bootstrap servers and every broker address metadata returns. Names are judged by the addresses DNS gives
 * and the socket connects to exactly those addresses (no second lookup an attacker's DNS could change).
 */
export function policySocketFactory(
  policy: () => NetworkPolicy | null = networkPolicyFromEnv,
): ISocketFactory {
  return ({ host, port, ssl, onConnect }) => {
    const p = policy();
    const lookup = (hostname: string, options: dns.LookupOptions, cb: LookupCb) => {
      dns.lookup(hostname, { ...options, all: true }, (err, addrs) => {
        if (err) return cb(err, []);
        const d = decideBroker(
          hostname,
          addrs.map((a) => a.address),
          p,
        );
        if (!d.ok) return cb(refused(d.reason), []);
        if (options.all) return cb(null, addrs);
        const first = addrs[0] as LookupAddress;
        cb(null, first.address, first.family);
      });
    };
    if (net.isIP(host)) {
      const d = decideBroker(host, [], p);
      if (!d.ok) {
        const s = new net.Socket();
        process.nextTick(() => s.destroy(refused(d.reason)));
        return s;
      }
    }
    const socket: Socket = ssl
      ? tls.connect(
          {
            host,
            port,
            ...(net.isIP(host) ? {} : { servername: host }),
            ...(ssl as tls.ConnectionOptions),
            lookup,
          },
          onConnect,
        )
      : net.connect({ host, port, lookup }, onConnect);
    socket.setKeepAlive(true, 60_000);
    return socket;
  };
}
