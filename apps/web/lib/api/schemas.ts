import { clusterSchema, connectionReportSchema, flowConfigSchema, flowSchema, ROLES } from '@ferry/core';
import { z } from 'zod';
import { checkIssuer } from '../sso/issuer.ts';

export const roleSchema = z.enum(ROLES);
export const teamCreateSchema = z
  .object({ name: z.string().trim().min(1, 'required').max(80) })
  .meta({ id: 'TeamCreate' });
export const teamSchema = z
  .object({ id: z.uuid(), name: z.string(), slug: z.string(), role: roleSchema.optional() })
  .meta({ id: 'Team' });
export const memberSchema = z
  .object({
    id: z.uuid(),
    userId: z.uuid(),
    name: z.string(),
    email: z.string(),
    role: roleSchema,
    createdAt: z.string(),
  })
  .meta({ id: 'Member' });
export const memberUpdateSchema = z.object({ role: roleSchema }).meta({ id: 'MemberUpdate' });
export const invitationCreateSchema = z
  .object({ email: z.email('not an email address'), role: roleSchema })
  .meta({ id: 'InvitationCreate' });
export const invitationSchema = z
  .object({ id: z.uuid(), email: z.string(), role: roleSchema, status: z.string(), expiresAt: z.string() })
  .meta({ id: 'Invitation' });
export const invitationCreatedSchema = invitationSchema
  .extend({ token: z.string().describe('The secret of the invite link /invite/{token}; shown once') })
  .meta({ id: 'InvitationCreated' });
export const tokenCreateSchema = z
  .object({
    name: z.string().trim().min(1, 'required').max(80),
    role: roleSchema,
    expiresInDays: z.number().int().min(1).max(3650).optional().describe('the token stops working after'),
  })
  .meta({ id: 'ApiTokenCreate' });
export const tokenSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    role: roleSchema,
    prefix: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
  })
  .meta({ id: 'ApiToken' });
export const tokenCreatedSchema = tokenSchema
  .extend({ token: z.string().describe('Shown once; store it now') })
  .meta({ id: 'ApiTokenCreated' });
export const auditEntrySchema = z
  .object({
    id: z.uuid(),
    teamId: z.uuid().nullable(),
    actorType: z.string(),
    actorId: z.string().nullable(),
    actorName: z.string(),
    action: z.string(),
    targetType: z.string(),
    targetId: z.string().nullable(),
    targetName: z.string().nullable(),
    before: z.record(z.string(), z.unknown()).nullable(),
    after: z.record(z.string(), z.unknown()).nullable(),
    ip: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'AuditEntry' });
export const auditQuerySchema = z.object({
  action: z.string().optional(),
  actor: z.string().optional(),
  targetType: z.string().optional(),
  before: z.iso.datetime().optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
export const flowPreviewRequestSchema = z
  .object({
    sourceClusterId: z.uuid('choose a source cluster'),
    targetClusterId: z.uuid('choose a target cluster'),
    config: flowConfigSchema.default(() => flowConfigSchema.parse({})),
  })
  .meta({ id: 'FlowPreviewRequest' });
export const issueSchema = z.object({
  path: z.string(),
  message: z.string(),
  severity: z.enum(['error', 'warning']),
});
export const flowPreviewSchema = z
  .object({
    topics: z.array(z.object({ topic: z.string(), remoteTopic: z.string() })),
    sourceTopicCount: z.number(),
    issues: z.array(issueSchema),
    problem: z.string().nullable().describe('Why the source topics could not be listed, in words'),
  })
  .meta({ id: 'FlowPreview' });
export const flowSavedSchema = z
  .object({ flow: flowSchema, warnings: z.array(issueSchema) })
  .meta({ id: 'FlowSaved' });
export const mm2RequestSchema = z
  .object({ properties: z.string().min(1, 'paste an mm2.properties').max(200_000) })
  .meta({ id: 'Mm2Request' });
export const mm2PreviewSchema = z
  .object({
    clusters: z.array(
      z.object({
        name: z.string(),
        bootstrapServers: z.string(),
        securityProtocol: z.string(),
        saslUsername: z.string().nullable(),
        exists: z.boolean(),
      }),
    ),
    flows: z.array(
      z.object({
        name: z.string(),
        source: z.string(),
        target: z.string(),
        enabled: z.boolean(),
        config: flowConfigSchema,
      }),
    ),
    unmapped: z.array(z.object({ key: z.string(), reason: z.string() })),
  })
  .meta({ id: 'Mm2Preview' });
export const mm2ImportedSchema = z
  .object({
    clusters: z.array(clusterSchema),
    flows: z.array(flowSchema),
    unmapped: z.array(z.object({ key: z.string(), reason: z.string() })),
  })
  .meta({ id: 'Mm2Imported' });
export const meSchema = z
  .object({
    user: z.object({
      id: z.uuid(),
      name: z.string(),
      email: z.string(),
      instanceAdmin: z.boolean().optional(),
    }),
    teams: z.array(teamSchema),
  })
  .meta({ id: 'Me' });
export const instanceSettingsSchema = z
  .object({
    allowSignup: z.boolean().describe('anyone may create an account (otherwise invite-only)'),
    allowTeamCreation: z.boolean().describe('anyone signed in may create a team (otherwise instance admins)'),
  })
  .meta({ id: 'InstanceSettings' });
export const instanceSettingsUpdateSchema = z
  .object({ allowSignup: z.boolean().optional(), allowTeamCreation: z.boolean().optional() })
  .strict()
  .meta({ id: 'InstanceSettingsUpdate' });
const ssoRuleSchema = z
  .object({
    group: z.string().min(1).max(256).describe('a value of the groups claim, matched exactly'),
    team: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a team slug (a-z, 0-9, -)')
      .describe('slug of the team this group joins'),
    role: roleSchema,
  })
  .strict();
export const ssoSettingsSchema = z
  .object({
    source: z
      .enum(['env', 'instance', 'none'])
      .describe('env: FERRY_OIDC_* (read-only here); instance: stored by an admin; none: SSO off'),
    issuer: z.string().nullable(),
    clientId: z.string().nullable(),
    clientSecretSet: z.boolean().describe('a client secret is stored (it is never returned)'),
    name: z.string(),
    scopes: z.array(z.string()),
    groupsClaim: z.string(),
    groupMap: z.array(ssoRuleSchema),
    callbackUrl: z.string().describe('the redirect URI to register at the provider'),
  })
  .meta({ id: 'SsoSettings' });
export const ssoSettingsUpdateSchema = z
  .object({
    issuer: z
      .string()
      .max(500)
      .superRefine((v, c) => {
        const r = checkIssuer(v);
        if (!r.ok) c.addIssue({ code: 'custom', message: r.reason });
      }),
    clientId: z.string().trim().min(1, 'required').max(255),
    clientSecret: z
      .string()
      .min(1)
      .max(1000)
      .optional()
      .describe('required when none is stored or the issuer or client id changes; never returned'),
    name: z.string().trim().min(1).max(40).default('SSO').describe('label of the sign-in button'),
    scopes: z
      .array(z.string().regex(/^[\x21-\x7e]{1,100}$/, 'a scope has no spaces'))
      .max(20)
      .default(['openid', 'email', 'profile']),
    groupsClaim: z.string().min(1).max(100).default('groups'),
    groupMap: z.array(ssoRuleSchema).max(200).default([]),
  })
  .strict()
  .meta({ id: 'SsoSettingsUpdate' });
export const okSchema = z.object({ ok: z.literal(true) });
export { connectionReportSchema };
export const flowGapSchema = z
  .object({
    id: z.uuid(),
    topic: z.string(),
    partition: z.number().int(),
    remoteTopic: z.string(),
    from: z.string().describe('First lost source offset (decimal: offsets are 64-bit)'),
    to: z.string().describe('Exclusive end of the lost range'),
    records: z.string().describe('Lost offsets (to − from; transaction markers included)'),
    reason: z.enum(['deleted', 'truncated', 'topic-recreated', 'target-recreated']),
    policy: z.enum(['continue', 'halt']).describe('The gap policy that applied'),
    resumeAt: z.string().describe('Where replication continued (or continues once the policy is continue)'),
    detectedAt: z.string(),
    sentence: z.string().describe('The gap in words'),
  })
  .meta({ id: 'FlowGap' });

export const flowTaskSchema = z
  .object({
    taskIndex: z.number().int(),
    generation: z.number().int(),
    workerId: z.string().nullable(),
    state: z.string().describe('starting | running | stopped | failed'),
    lastError: z.string().nullable(),
    partitions: z.number().int(),
    updatedAt: z.string(),
  })
  .meta({ id: 'FlowTask' });
