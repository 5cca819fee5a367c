import { generateKeyPairSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';

/**
 * A real OpenID Connect provider for tests (the `oidc-provider` package, certified OP implementation) on
 * 127.0.0.1 and a free port: discovery, authorization code + PKCE, signed ID tokens (RS256, a key made per
 * run), userinfo with `email`, `name` and a `groups` claim. Its login page is a plain form (`login`,
 * `password`, button "Sign in") that checks the password; consent is implied for the one registered client
 * (a first-party IdP), so a browser or a fetch loop goes login → back to the relying party.
 */
export interface OidcTestUser {
  /** The login name typed into the form; also the subject (`sub`). */
  login: string;
  password: string;
  email: string;
  name: string;
  groups: string[];
  emailVerified?: boolean;
}

export interface OidcTestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  users: Map<string, OidcTestUser>;
  /** How many login forms were submitted with a wrong password. */
  failedLogins: () => number;
  close: () => Promise<void>;
}

const page = (title: string, body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`;
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginForm(uid: string, error?: string) {
  return page(
    'Test IdP sign-in',
    `${error ? `<p role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/interaction/${esc(uid)}">
  <label>Login <input name="login" autocomplete="username" autofocus></label>
  <label>Password <input name="password" type="password" autocomplete="current-password"></label>
  <button type="submit">Sign in</button>
</form>`,
  );
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 16_384) throw new Error('form too large');
    chunks.push(c as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

const sameSecret = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export async function startOidcProvider(opts: {
  users: OidcTestUser[];
  redirectUris: string[];
  clientId?: string;
}): Promise<OidcTestProvider> {
  const users = new Map(opts.users.map((u) => [u.login, u]));
  const clientId = opts.clientId ?? `ferry-${randomBytes(4).toString('hex')}`;
  const clientSecret = randomBytes(24).toString('base64url');
  let failed = 0;
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_q, s) => s.writeHead(503).end();
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-1', alg: 'RS256', use: 'sig' };
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: opts.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    claims: { email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    features: { devInteractions: { enabled: false } },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // First-party IdP: the registered client gets every scope it asks for without a consent page.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const session = ctx.oidc.session;
      const client = ctx.oidc.client;
      if (!session?.accountId || !client) return undefined;
      const existing = session.grantIdFor(client.clientId);
      if (existing) {
        const g = await ctx.oidc.provider.Grant.find(existing);
        if (g) return g;
      }
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid email profile groups');
      grant.addOIDCClaims(['email', 'email_verified', 'name', 'groups']);
      await grant.save();
      session.ensureClientContainer(client.clientId);
      session.grantIdFor(client.clientId, grant.jti);
      return grant;
    },
    findAccount: async (_ctx, id) => {
      const u = users.get(id);
      if (!u) return undefined;
      return {
        accountId: id,
        claims: async () => ({
          sub: id,
          email: u.email,
          email_verified: u.emailVerified ?? true,
          name: u.name,
          groups: u.groups,
        }),
      };
    },
  });
  const oidc = provider.callback();

  handler = async (req, res) => {
    const m = /^\/interaction\/([\w-]+)$/.exec(new URL(req.url ?? '/', issuer).pathname);
    if (!m) return void oidc(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      if (details.uid !== m[1]) throw new Error('interaction mismatch');
      if (details.prompt.name !== 'login') {
        // Consent is implied (loadExistingGrant); anything else this small IdP does not do.
        res.writeHead(501, { 'content-type': 'text/html' }).end(page('Not implemented', details.prompt.name));
        return;
      }
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(loginForm(details.uid));
        return;
      }
      const form = await readForm(req);
      const u = users.get(form.get('login') ?? '');
      if (!u || !sameSecret(form.get('password') ?? '', u.password)) {
        failed++;
        res
          .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
          .end(loginForm(details.uid, 'Wrong login or password.'));
        return;
      }
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: u.login } },
        { mergeWithLastSubmission: false },
      );
    } catch (e) {
      if (!res.headersSent)
        res
          .writeHead(400, { 'content-type': 'text/html' })
          .end(page('Error', esc(e instanceof Error ? e.message : String(e))));
    }
  };

  return {
    issuer,
    clientId,
    clientSecret,
    users,
    failedLogins: () => failed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
