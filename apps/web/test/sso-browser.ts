import { GET as authGet, POST as authPost } from '@/app/api/auth/[...all]/route.ts';

/**
 * A minimal browser for sign-in flows in integration tests: one cookie jar per origin, redirects followed by
 * hand. Requests to Ferry (http://localhost:3000) go to the /api/auth route handler in this process, exactly
 * as Next would call it; everything else (the OIDC provider on 127.0.0.1) is real HTTP.
 */
export const FERRY = 'http://localhost:3000';

export interface Page {
  status: number;
  url: string;
  location: string | null;
  text: string;
}

let browsers = 0;

export class Browser {
  private jars = new Map<string, Map<string, string>>();
  /** Each browser is its own client address (sign-in starts are rate-limited per address). */
  readonly ip = `198.51.100.${(++browsers % 250) + 1}`;

  cookie(origin: string): string {
    return [...(this.jars.get(origin) ?? new Map()).entries()].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private take(origin: string, res: Response) {
    const jar = this.jars.get(origin) ?? new Map<string, string>();
    for (const c of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (expired) jar.delete(name);
      else jar.set(name, value);
    }
    this.jars.set(origin, jar);
  }

  async request(url: string, init: { method?: string; body?: string; type?: string } = {}): Promise<Page> {
    const u = new URL(url);
    const headers: Record<string, string> = { cookie: this.cookie(u.origin) };
    if (init.type) headers['content-type'] = init.type;
    let res: Response;
    if (u.origin === FERRY) {
      if (!u.pathname.startsWith('/api/auth/')) return { status: 0, url, location: null, text: '' };
      headers.origin = FERRY;
      headers['x-forwarded-for'] = this.ip;
      const req = new Request(u, { method: init.method ?? 'GET', headers, body: init.body });
      res = await (req.method === 'POST' ? authPost(req) : authGet(req));
    } else {
      res = await fetch(u, { method: init.method ?? 'GET', headers, body: init.body, redirect: 'manual' });
    }
    this.take(u.origin, res);
    const location = res.headers.get('location');
    return {
      status: res.status,
      url,
      location: location ? new URL(location, u).href : null,
      text: await res.text(),
    };
  }

  /** Follows redirects until a page that is not one, or one to a Ferry page (not /api/auth), is reached. */
  async follow(first: Page): Promise<Page> {
    let p = first;
    for (let hops = 0; p.location && p.status >= 300 && p.status < 400; hops++) {
      if (hops > 15) throw new Error(`too many redirects from ${first.url}`);
      const next = new URL(p.location);
      if (next.origin === FERRY && !next.pathname.startsWith('/api/auth/')) return p;
      p = await this.request(p.location);
    }
    return p;
  }
}

/**
 * Signs in through the OIDC provider's login form: Ferry's sign-in/social → provider → login form →
 * callback. Returns the last answer (a redirect to a Ferry page on success, or the provider's page).
 */
export async function ssoSignIn(
  b: Browser,
  login: string,
  password: string,
  callbackURL = '/overview',
): Promise<Page> {
  const start = await b.request(`${FERRY}/api/auth/sign-in/social`, {
    method: 'POST',
    type: 'application/json',
    body: JSON.stringify({ provider: 'oidc', callbackURL, errorCallbackURL: '/sign-in' }),
  });
  if (start.status !== 200) throw new Error(`sign-in/social: ${start.status} ${start.text}`);
  const { url } = JSON.parse(start.text) as { url: string };
  const form = await b.follow(await b.request(url));
  if (form.status !== 200 || !form.text.includes('name="login"'))
    throw new Error(`expected the provider's login form, got ${form.status} ${form.text.slice(0, 300)}`);
  const action = /<form method="post" action="([^"]+)"/.exec(form.text)?.[1] ?? '';
  const submitted = await b.request(new URL(action, form.url).href, {
    method: 'POST',
    type: 'application/x-www-form-urlencoded',
    body: new URLSearchParams({ login, password }).toString(),
  });
  return b.follow(submitted);
}
