import type { OAuthClientCredentials } from '../config/flow-config.ts';
import { FerryError } from '../errors.ts';
import { policyFetch } from './policy-fetch.ts';

/**
 * Bearer tokens from an OAuth 2.0 token endpoint by the client-credentials grant (RFC 6749 §4.4), as Kafka's
 * OAuthBearerLoginCallbackHandler gets them: POST `grant_type=client_credentials[&scope=…]` with the client id
 * and secret as HTTP Basic credentials. A token is reused until 80 % of its lifetime has passed; every client
 * of the same credentials (kafkajs admin, the wire layer's connections) shares one cache. The secret is never
 * put in an error message. The endpoint is contacted only if the network policy allows its host (the same
 * decision as for brokers), and a redirect is refused rather than followed: the secret goes to the URL
 * that was configured and nowhere else.
 */
export interface TokenSourceOptions {
  /** Default: `policyFetch()`, which applies the network policy to the endpoint's host. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  now?: () => number;
  /** Per-request bound; default 10 s. */
  timeoutMs?: number;
}

interface Cached {
  token: string;
  refreshAt: number;
}

/** The endpoint as messages name it: scheme, host, port and path; a query (which may carry a key) is left out. */
export function endpointForMessages(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return '(an invalid URL)';
  }
}

export class OAuthTokenSource {
  private cached: Cached | undefined;
  private pending: Promise<string> | undefined;
  private readonly creds: OAuthClientCredentials;
  private readonly o: TokenSourceOptions;
  constructor(creds: OAuthClientCredentials, o: TokenSourceOptions = {}) {
    this.creds = creds;
    this.o = o;
  }

  /** A current token (fetched when there is none or it is due for refresh). */
  token(): Promise<string> {
    const now = (this.o.now ?? Date.now)();
    if (this.cached && now < this.cached.refreshAt) return Promise.resolve(this.cached.token);
    this.pending ??= this.fetchToken(now).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async fetchToken(now: number): Promise<string> {
    const c = this.creds;
    const where = endpointForMessages(c.tokenEndpointUrl);
    const basic = Buffer.from(
      `${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.clientSecret)}`,
    ).toString('base64');
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      ...(c.scope ? { scope: c.scope } : {}),
    });
    const fail = (why: string, cause?: unknown) =>
      new FerryError('OAUTH_TOKEN_FAILED', `token endpoint ${where}: ${why}`, {
        retriable: true,
        ...(cause === undefined ? {} : { cause }),
      });
    let res: Response;
    try {
      res = await (this.o.fetch ?? defaultFetch)(c.tokenEndpointUrl, {
        method: 'POST',
        headers: {
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: body.toString(),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
      });
    } catch (e) {
      if (e instanceof FerryError && e.code === 'NETWORK_POLICY_REFUSED')
        throw new FerryError('NETWORK_POLICY_REFUSED', `token endpoint ${where}: ${e.message}`, {
          retriable: false,
          cause: e,
        });
      throw fail(`cannot be reached (${(e as Error).message})`, e);
    }
    if (res.status >= 300 && res.status < 400)
      throw new FerryError(
        'OAUTH_TOKEN_FAILED',
        `token endpoint ${where} answered ${res.status} (a redirect); Ferry sends the client secret only to the configured URL and does not follow it`,
        { retriable: false },
      );
    const text = await res.text();
    let json: { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown };
    try {
      json = JSON.parse(text);
    } catch {
      throw fail(`answered ${res.status} with no JSON`);
    }
    if (!res.ok || typeof json.access_token !== 'string' || json.access_token === '') {
      const err = typeof json.error === 'string' ? json.error : 'no access_token';
      const desc = typeof json.error_description === 'string' ? ` (${json.error_description})` : '';
      throw new FerryError(
        'OAUTH_TOKEN_FAILED',
        `token endpoint ${where} answered ${res.status}: ${err}${desc}`,
        {
          // a refused client stays refused; a server error may pass
          retriable: res.status >= 500,
        },
      );
    }
    const lifetimeMs =
      typeof json.expires_in === 'number' && json.expires_in > 0 ? json.expires_in * 1000 : 60_000;
    this.cached = { token: json.access_token, refreshAt: now + lifetimeMs * 0.8 };
    return json.access_token;
  }
}

const defaultFetch = policyFetch();

const sources = new Map<string, OAuthTokenSource>();

/** The process's token source for these credentials (one cache per endpoint, client and scope). */
export function oauthTokenSource(creds: OAuthClientCredentials): OAuthTokenSource {
  const key = JSON.stringify([creds.tokenEndpointUrl, creds.clientId, creds.clientSecret, creds.scope ?? '']);
  let s = sources.get(key);
  if (!s) {
    s = new OAuthTokenSource(creds);
    sources.set(key, s);
    // the web process tests drafts (any credentials typed into a form): keep the cache bounded
    if (sources.size > 256) sources.delete(sources.keys().next().value as string);
  }
  return s;
}
