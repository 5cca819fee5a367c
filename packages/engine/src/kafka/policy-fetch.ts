import dns, { type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { decideBroker, type NetworkPolicy, networkPolicyFromEnv } from '@ferry/core/network-policy';
import { FerryError } from '../errors.ts';

type LookupCb = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** The most a token endpoint's answer may hold (a JWT and a few fields fit in a few KiB). */
const MAX_BODY_BYTES = 256 * 1024;

const refused = (reason: string) =>
  new FerryError('NETWORK_POLICY_REFUSED', `refused by the network policy: ${reason}`, {
    retriable: false,
  });

/**
 * A `fetch` for a URL someone typed into a form (an OAuth token endpoint): the host passes the network policy
 * (@ferry/core/network-policy, the same decision as for brokers) by every address DNS returns, and the request
 * connects to exactly those addresses, so a DNS answer cannot change between the check and the connection.
 * http and https only; redirects are never followed (a 3xx is returned as it is, the caller refuses it), and
 * the answer is cut off at 256 KiB. Returns a standard Response.
 */
export function policyFetch(policy: () => NetworkPolicy | null = networkPolicyFromEnv) {
  return (input: string, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return Promise.reject(new FerryError('INVALID_CONFIG', `${url.protocol} URLs are not fetched`));
    const p = policy();
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) {
      const d = decideBroker(host, [], p);
      if (!d.ok) return Promise.reject(refused(d.reason));
    }
    let policyError: FerryError | undefined;
    const lookup = (hostname: string, options: dns.LookupOptions, cb: LookupCb) => {
      dns.lookup(hostname, { ...options, all: true }, (err, addrs) => {
        if (err) return cb(err, []);
        const d = decideBroker(
          hostname,
          addrs.map((a) => a.address),
          p,
        );
        if (!d.ok) {
          policyError = refused(d.reason);
          return cb(Object.assign(new Error(d.reason), { code: 'EPOLICY' }), []);
        }
        if (options.all) return cb(null, addrs);
        const first = addrs[0] as LookupAddress;
        cb(null, first.address, first.family);
      });
    };
    const body = typeof init.body === 'string' ? init.body : undefined;
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((v, k) => {
      headers[k] = v;
    });
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    return new Promise<Response>((resolve, reject) => {
      const req = (url.protocol === 'https:' ? https : http).request(
        url,
        {
          method: init.method ?? 'GET',
          headers,
          lookup,
          ...(init.signal ? { signal: init.signal } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_BODY_BYTES) {
              req.destroy(new Error(`the answer is larger than ${MAX_BODY_BYTES} bytes`));
              return;
            }
            chunks.push(c);
          });
          res.on('error', reject);
          res.on('end', () => {
            const h = new Headers();
            for (const [k, v] of Object.entries(res.headers))
              if (typeof v === 'string') h.set(k, v);
              else if (Array.isArray(v)) for (const x of v) h.append(k, x);
            const status = res.statusCode ?? 0;
            // Response refuses a body for 204/304 and statuses outside 200-599
            const noBody = status === 204 || status === 304;
            resolve(
              new Response(noBody ? null : Buffer.concat(chunks), {
                status: status >= 200 && status <= 599 ? status : 502,
                headers: h,
              }),
            );
          });
        },
      );
      req.on('error', (e) => reject(policyError ?? e));
      req.end(body);
    });
  };
}
