import { z } from 'zod';

export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

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

const saslInput = z.object({
  mechanism: z.enum(SASL_MECHANISMS),
  username: z.string().min(1, 'required'),
  /** Write-only. On update, leave out to keep the stored password. */
  password: z.string().min(1, 'required').optional(),
});

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
  const sasl = c.sasl as z.infer<typeof saslInput> | undefined;
  if (c.securityProtocol?.startsWith('SASL_')) {
    if (!sasl)
      ctx.addIssue({ code: 'custom', path: ['sasl'], message: `required for ${c.securityProtocol}` });
    else if (requirePassword && !sasl.password)
      ctx.addIssue({ code: 'custom', path: ['sasl', 'password'], message: 'required' });
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
      .object({ mechanism: z.enum(SASL_MECHANISMS), username: z.string(), hasPassword: z.boolean() })
      .nullable(),
    tls: z
      .object({ caPem: z.string().nullable(), certPem: z.string().nullable(), hasKey: z.boolean() })
      .nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Cluster' });
export type ClusterView = z.infer<typeof clusterSchema>;

/** Non-secret settings stored in `clusters.settings`. */
export interface ClusterSettings {
  sasl?: { mechanism: SaslMechanism; username: string };
  tls?: { caPem?: string; certPem?: string };
}
/** Secret settings, stored only encrypted in `clusters.secrets`. */
export interface ClusterSecrets {
  saslPassword?: string;
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
