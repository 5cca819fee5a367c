import { boolean, integer, jsonb, pgEnum, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { teams } from './teams.ts';

export const securityProtocolEnum = pgEnum('security_protocol', [
  'PLAINTEXT',
  'SSL',
  'SASL_PLAINTEXT',
  'SASL_SSL',
]);

/** An external Kafka cluster a team registered. Secrets live only in `secrets` (AES-256-GCM envelope). */
export const clusters = pgTable(
  'clusters',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    teamId: uuid('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    bootstrapServers: text('bootstrap_servers').notNull(),
    securityProtocol: securityProtocolEnum('security_protocol').notNull().default('PLAINTEXT'),
    /** Non-secret settings: SASL mechanism and username, TLS options. */
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    /** Encrypted secrets: `{ keyId, iv, tag, ciphertext }` (base64), never returned by the API. */
    secrets: jsonb('secrets').$type<Record<string, string> | null>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('clusters_team_name').on(t.teamId, t.name)],
);

/** A replication flow source -> target with its options (validated by @ferry/core's flow schema). */
export const flows = pgTable(
  'flows',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    teamId: uuid('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    sourceClusterId: uuid('source_cluster_id')
      .notNull()
      .references(() => clusters.id, { onDelete: 'restrict' }),
    targetClusterId: uuid('target_cluster_id')
      .notNull()
      .references(() => clusters.id, { onDelete: 'restrict' }),
    enabled: boolean('enabled').notNull().default(false),
    config: jsonb('config').$type<Record<string, unknown>>().notNull().default({}),
    /** Bumped by reconcile whenever the task assignment changes (fencing generation). */
    generation: integer('generation').notNull().default(0),
    /** Written by workers: running, starting, paused, stopped, failed, degraded. Null until one reports. */
    status: text('status'),
    lastError: text('last_error'),
    statusUpdatedAt: timestamp('status_updated_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('flows_team_name').on(t.teamId, t.name)],
);
