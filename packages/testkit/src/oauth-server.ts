import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { type AddressInfo, createServer } from 'node:net';
import Provider from 'oidc-provider';

/**
 * A real OAuth 2.0 authorization server (oidc-provider) on 127.0.0.1 with one client_credentials client that
 * issues RS256 JWT access tokens (audience `urn:ferry:kafka`, scope `kafka`): the token endpoint of
 * OAUTHBEARER tests, whose brokers validate the tokens against `jwksUrl` (`startDedicatedBroker`'s
 * `oauthbearer` option). Used by the engine's and the web API's OAUTHBEARER tests.
 */
export interface OAuthServer {
  issuer: string;
  tokenEndpointUrl: string;
  jwksUrl: string;
  audience: string;
  clientId: string;
  clientSecret: string;
  scope: string;
  /** How many tokens it has issued. */
  issued(): number;
  close(): Promise<void>;
}

export async function startOAuthServer(): Promise<OAuthServer> {
  const clientId = 'ferry-client';
  const clientSecret = randomBytes(16).toString('hex');
  const scope = 'kafka';
  const audience = 'urn:ferry:kafka';
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  let issued = 0;
  // The issuer needs the port, which listen() picks: a first server finds a free one.
  const probe = await new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
  const issuer = `http://127.0.0.1:${probe}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [{ ...key, kid: 'ferry-test', alg: 'RS256', use: 'sig' }] },
    ttl: { ClientCredentials: 300 },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => audience,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope,
          audience,
          accessTokenFormat: 'jwt',
          accessTokenTTL: 300,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
  });
  provider.on('client_credentials.issued', () => {
    issued++;
  });
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = provider.listen(probe, '127.0.0.1', () => resolve(s));
  });
  return {
    issuer,
    tokenEndpointUrl: `${issuer}/token`,
    jwksUrl: `${issuer}/jwks`,
    audience,
    clientId,
    clientSecret,
    scope,
    issued: () => issued,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The OAUTHBEARER listener settings of a broker that validates this server's tokens (startDedicatedBroker). */
export function tokenValidation(oauth: OAuthServer): {
  jwksUrl: string;
  allowedUrls: string[];
  expectedIssuer: string;
  expectedAudience: string;
} {
  return {
    jwksUrl: oauth.jwksUrl,
    allowedUrls: [oauth.jwksUrl, oauth.tokenEndpointUrl],
    expectedIssuer: oauth.issuer,
    expectedAudience: oauth.audience,
  };
}
