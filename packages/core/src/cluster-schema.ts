import { z } from 'zod';

export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
/** Mechanisms that log in with a username and password. */
export const PASSWORD_SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
/** Every SASL mechanism a stored cluster may use: the password ones and OAUTHBEARER (client credentials). */
export const SASL_MECHANISMS = [...PASSWORD_SASL_MECHANISMS, 'OAUTHBEARER'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];
export type PasswordSaslMechanism = (typeof PASSWORD_SASL_MECHANISMS)[number];

/** The cluster's name doubles as its MM2 alias (the `<alias>.` prefix of remote topics). */
export const clusterName = z
  .string()
  .trim()
  .min(1, 'required')
  .max(63)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'letters, digits, "_" or "-" only (it becomes the topic prefix)');

export const bootstrapServers = z
  .string()
  .trim()
  .min(1, 'required')
  .refine(
    (s) =>
      s.split(',').every((hp) => /^[A-Za-z0-9._-]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(hp.trim())),
    'comma-separated host:port list, e.g. broker1:9092,broker2:9092',
  );

const pem = (kind: string) =>
  z
    .string()
    .trim()
    .refine(
      (s) => s === '' || /-----BEGIN [A-Z0-9 ]+-----/.test(s),
      `not a PEM ${kind} (expected -----BEGIN ...-----)`,
    );

/**
 * Why a token endpoint URL is refused, or null. The URL is user input the web and the workers will POST the
 * client secret to, so it is held to a narrow shape: http(s) only, a host, no user:password@ part (it would
 * be a second, unencrypted-at-rest secret) and no #fragment. Which hosts may be contacted is the network
 * policy's decision (@ferry/core/network-policy), made again on every request.
 */
export function tokenEndpointProblem(value: string): string | null {
  if (value.length > 2048) return 'at most 2048 characters';
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return 'not a URL (expected https://idp.example.com/oauth2/token)';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    return `must be http:// or https://, not ${u.protocol}`;
  if (!u.hostname) return 'has no host';
  if (u.username || u.password)
    return 'must not contain a user or password (put the client id and secret in their own fields)';
  if (u.hash) return 'must not contain a #fragment';
  return null;
}

export const tokenEndpointUrl = z
  .string()
  .trim()
  .min(1, 'required for OAUTHBEARER')
  .superRefine((v, ctx) => {
    const problem = tokenEndpointProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** RFC 6749 §3.3: space-separated tokens of %x21 / %x23-5B / %x5D-7E (no quote, no backslash). */
const oauthScope = z
  .string()
  .trim()
  .max(1024)
  .regex(
    /^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$|^$/,
    'space-separated scope names (no quotes or backslashes)',
  );

/** A client id travels in an HTTP Basic header and in MM2's JAAS line: printable, no quote or backslash. */
const oauthClientId = z
  .string()
  .trim()
  .max(255)
  .refine(
    (v) => [...v].every((c) => c.charCodeAt(0) > 0x1f && c !== '\x7f' && c !== '"' && c !== '\\'),
    'printable characters only, no quotes or backslashes',
  );

/**
 * SASL of a cluster. PLAIN and SCRAM take `username` and `password`; OAUTHBEARER takes a client-credentials
 * token endpoint: `tokenEndpointUrl`, `clientId`, `clientSecret` and an optional `scope`. Fields of the other
 * kind are refused by name (see `checkSasl`), so a form that sends the wrong ones hears which.
 */
const saslInput = z.object({
  mechanism: z.enum(SASL_MECHANISMS),
  username: z.string().min(1, 'required').optional(),
  /** Write-only. On update, leave out to keep the stored password. */
  password: z.string().min(1, 'required').optional(),
  tokenEndpointUrl: tokenEndpointUrl.optional(),
  clientId: oauthClientId.optional(),
  /** Write-only. On update, leave out to keep the stored secret (only while the token endpoint stays). */
  clientSecret: z.string().min(1, 'required').max(4096).optional(),
  scope: oauthScope.optional(),
});
export type SaslInput = z.infer<typeof saslInput>;

const PASSWORD_FIELDS = ['username', 'password'] as const;
const OAUTH_FIELDS = ['tokenEndpointUrl', 'clientId', 'clientSecret', 'scope'] as const;

function checkSasl(sasl: SaslInput, ctx: z.RefinementCtx, requireSecret: boolean) {
  const issue = (field: string, message: string) =>
    ctx.addIssue({ code: 'custom', path: ['sasl', field], message });
  if (sasl.mechanism === 'OAUTHBEARER') {
    for (const f of PASSWORD_FIELDS)
      if (sasl[f] !== undefined) issue(f, 'not used with OAUTHBEARER (the client id and secret log in)');
    if (!sasl.tokenEndpointUrl) issue('tokenEndpointUrl', 'required for OAUTHBEARER');
    if (!sasl.clientId) issue('clientId', 'required for OAUTHBEARER');
    if (requireSecret && !sasl.clientSecret) issue('clientSecret', 'required');
  } else {
    for (const f of OAUTH_FIELDS)
      if (sasl[f] !== undefined) issue(f, `only used with OAUTHBEARER, not ${sasl.mechanism}`);
    if (!sasl.username) issue('username', 'required');
    if (requireSecret && !sasl.password) issue('password', 'required');
  }
}

const tlsInput = z.object({
  caPem: pem('certificate').optional(),
  certPem: pem('certificate').optional(),
  /** Write-only. On update, leave out to keep the stored key. */
  keyPem: pem('private key').optional(),
});

const clusterBase = z.object({
  name: clusterName,
  bootstrapServers,
  securityProtocol: z.enum(SECURITY_PROTOCOLS).default('PLAINTEXT'),
  sasl: saslInput.optional(),
  tls: tlsInput.optional(),
});

function checkSecurity(
  c: { securityProtocol?: SecurityProtocol; sasl?: unknown },
  ctx: z.RefinementCtx,
  requirePassword: boolean,
) {
  const sasl = c.sasl as SaslInput | undefined;
  if (c.securityProtocol?.startsWith('SASL_')) {
    if (!sasl)
      ctx.addIssue({ code: 'custom', path: ['sasl'], message: `required for ${c.securityProtocol}` });
    else checkSasl(sasl, ctx, requirePassword);
  } else if (c.securityProtocol === undefined && sasl) {
    // an update that leaves the protocol as stored: the SASL fields are still checked for their mechanism
    checkSasl(sasl, ctx, false);
  } else if (c.securityProtocol && sasl) {
    ctx.addIssue({
      code: 'custom',
      path: ['sasl'],
      message: `SASL settings need security protocol SASL_PLAINTEXT or SASL_SSL, not ${c.securityProtocol}`,
    });
  }
}

export const clusterCreateSchema = clusterBase
  .superRefine((c, ctx) => checkSecurity(c, ctx, true))
  .meta({ id: 'ClusterCreate' });
export type ClusterCreate = z.infer<typeof clusterCreateSchema>;

export const clusterUpdateSchema = clusterBase
  .extend({ securityProtocol: z.enum(SECURITY_PROTOCOLS) })
  .partial()
  .superRefine((c, ctx) => checkSecurity(c, ctx, false))
  .meta({ id: 'ClusterUpdate' });
export type ClusterUpdate = z.infer<typeof clusterUpdateSchema>;

/** What the API returns: never a password or a private key, only whether one is stored. */
export const clusterSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    bootstrapServers: z.string(),
    securityProtocol: z.enum(SECURITY_PROTOCOLS),
    sasl: z
      .discriminatedUnion('mechanism', [
        z.object({
          mechanism: z.enum(PASSWORD_SASL_MECHANISMS),
          username: z.string(),
          hasPassword: z.boolean(),
        }),
        z.object({
          mechanism: z.literal('OAUTHBEARER'),
          tokenEndpointUrl: z.string(),
          clientId: z.string(),
          scope: z.string().nullable(),
          hasClientSecret: z.boolean(),
        }),
      ])
      .nullable(),
    tls: z
      .object({ caPem: z.string().nullable(), certPem: z.string().nullable(), hasKey: z.boolean() })
      .nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Cluster' });
export type ClusterView = z.infer<typeof clusterSchema>;

export interface PasswordSaslSettings {
  mechanism: PasswordSaslMechanism;
  username: string;
}
/** OAUTHBEARER by client credentials; the client secret is a secret (`ClusterSecrets.oauthClientSecret`). */
export interface OAuthSaslSettings {
  mechanism: 'OAUTHBEARER';
  tokenEndpointUrl: string;
  clientId: string;
  scope?: string;
}
/** Non-secret settings stored in `clusters.settings`. */
export interface ClusterSettings {
  sasl?: PasswordSaslSettings | OAuthSaslSettings;
  tls?: { caPem?: string; certPem?: string };
}
/** Secret settings, stored only encrypted in `clusters.secrets`. */
export interface ClusterSecrets {
  saslPassword?: string;
  /** OAUTHBEARER's client secret, sealed bound to the token endpoint too (see `clusterSecretContext`). */
  oauthClientSecret?: string;
  tlsKeyPem?: string;
}

export const connectionReportSchema = z
  .object({
    ok: z.boolean(),
    brokers: z.array(z.object({ nodeId: z.number(), host: z.string(), port: z.number() })),
    controllerId: z.number().nullable(),
    clusterId: z.string().nullable(),
    kafkaVersion: z.string().nullable(),
    topicCount: z.number().nullable(),
    problems: z
      .array(z.string())
      .describe('Plain-words problems (authentication, authorisation, reachability)'),
    elapsedMs: z.number(),
    testedBy: z
      .string()
      .optional()
      .describe('Where the test ran: the id of the worker that ran it, or "web" for the web server'),
    note: z.string().optional().describe('Why the test ran where it did, when that is not a worker'),
  })
  .meta({ id: 'ConnectionReport' });
export type ConnectionReport = z.infer<typeof connectionReportSchema>;
