import type { Role } from '@ferry/core';
import { createApiToken, createCluster, createFlow, createTeam, type TeamContext } from '@ferry/db';
import { db } from '@/lib/db.ts';
import { env } from '@/lib/env.ts';
import { addMember, type Person, signUp } from '../helpers.ts';

export const SASL_SECRET = 'ferry-secret';
export const TLS_KEY =
  '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDsecretkeymaterial\n-----END PRIVATE KEY-----';

export interface TeamFixture {
  id: string;
  people: Record<Role, Person>;
  ctx: TeamContext;
  east: string;
  west: string;
  auth: string;
  flow: string;
}

let seq = 0;
export const unique = (p: string) => `${p}-${++seq}-${Math.random().toString(36).slice(2, 6)}`;

/** A team with one person per role, the stack's east/west/auth clusters and a flow east->west. */
export async function teamFixture(label: string): Promise<TeamFixture> {
  const owner = await signUp(`${label}-owner`);
  const team = await createTeam(db(), owner.id, `${label} team`);
  const people = { owner } as Record<Role, Person>;
  for (const role of ['admin', 'operator', 'viewer'] as const) {
    people[role] = await signUp(`${label}-${role}`);
    await addMember(team.id, people[role].id, role);
  }
  const ctx: TeamContext = {
    db: db(),
    teamId: team.id,
    role: 'owner',
    actor: { type: 'system', id: null, name: 'fixture', ip: null },
    keyring: env().keyring,
  };
  const east = await createCluster(ctx, {
    name: 'east',
    bootstrapServers: '127.0.0.1:29092',
    securityProtocol: 'PLAINTEXT',
  });
  const west = await createCluster(ctx, {
    name: 'west',
    bootstrapServers: '127.0.0.1:29102',
    securityProtocol: 'PLAINTEXT',
  });
  const auth = await createCluster(ctx, {
    name: 'auth',
    bootstrapServers: '127.0.0.1:29132',
    securityProtocol: 'SASL_PLAINTEXT',
    sasl: { mechanism: 'SCRAM-SHA-512', username: 'ferry', password: SASL_SECRET },
  });
  await createCluster(ctx, {
    name: 'tls-with-key',
    bootstrapServers: '127.0.0.1:29142',
    securityProtocol: 'SSL',
    tls: { keyPem: TLS_KEY },
  });
  const { flow } = await createFlow(ctx, {
    name: 'east->west',
    sourceClusterId: east.id,
    targetClusterId: west.id,
    enabled: false,
    config: flowConfig(['orders.*']),
  });
  return { id: team.id, people, ctx, east: east.id, west: west.id, auth: auth.id, flow: flow.id };
}

export function flowConfig(topics: string[]) {
  return {
    topics,
    topicsExclude: [],
    groups: ['.*'],
    groupsExclude: [],
    replicationPolicy: 'default' as const,
    separator: '.',
    checkpoints: true,
    checkpointsIntervalSeconds: 60,
    syncGroupOffsets: true,
    syncGroupOffsetsIntervalSeconds: 60,
    heartbeats: true,
    heartbeatsIntervalSeconds: 1,
    syncTopicConfigs: true,
    syncTopicConfigsIntervalSeconds: 600,
    syncTopicAcls: false,
    syncTopicAclsIntervalSeconds: 600,
    tasksMax: 1,
    replicationFactor: -1,
    startPosition: 'earliest' as const,
    exactlyOnce: false,
    gapPolicy: 'continue' as const,
  };
}

/** A token made by the team's owner (tokens belong to a person and end with their membership). */
export async function freshToken(t: TeamFixture, role: Role = 'viewer') {
  const owner = t.people.owner;
  return createApiToken(
    { ...t.ctx, actor: { type: 'user', id: owner.id, name: owner.email, ip: null } },
    { name: unique('tok'), role },
  );
}
