import { kafkajsConfig } from '@ferry/testkit';
import { testCluster, uniqueName } from '@ferry/testkit/vitest';
import kafkajs, { Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { aclsToSync, type TopicAcl, TopicAclSync } from '../../src/acl-sync/index.ts';
import type { SyncEvent } from '../../src/checkpoints/index.ts';
import type { ClusterConfig, FlowConfig } from '../../src/config/flow-config.ts';
import { flowBetween } from '../helpers/kafka.ts';

const { AclResourceTypes, AclOperationTypes, AclPermissionTypes, ResourcePatternTypes } = kafkajs;

const acl = (
  topic: string,
  operation: string,
  permission: 'ALLOW' | 'DENY' = 'ALLOW',
  patternType: TopicAcl['patternType'] = 'LITERAL',
  principal = 'User:alice',
): TopicAcl => ({ topic, patternType, principal, host: '*', operation, permission });

describe('ACL rules (MM2 MirrorSourceConnector)', () => {
  const remote = (t: string) => (t.startsWith('skip') ? undefined : `east.${t}`);
  it.each([
    { what: 'ALLOW READ copied', in: [acl('t', 'READ')], out: [acl('east.t', 'READ')] },
    { what: 'ALLOW WRITE never', in: [acl('t', 'WRITE')], out: [] },
    { what: 'ALLOW ALL becomes READ', in: [acl('t', 'ALL')], out: [acl('east.t', 'READ')] },
    { what: 'DENY WRITE copied', in: [acl('t', 'WRITE', 'DENY')], out: [acl('east.t', 'WRITE', 'DENY')] },
    { what: 'DENY ALL stays', in: [acl('t', 'ALL', 'DENY')], out: [acl('east.t', 'ALL', 'DENY')] },
    { what: 'DESCRIBE copied', in: [acl('t', 'DESCRIBE')], out: [acl('east.t', 'DESCRIBE')] },
    { what: 'PREFIXED never', in: [acl('t', 'READ', 'ALLOW', 'PREFIXED')], out: [] },
    { what: 'topics not replicated skipped', in: [acl('skip-me', 'READ')], out: [] },
    {
      what: 'READ and ALL collapse to one READ',
      in: [acl('t', 'READ'), acl('t', 'ALL')],
      out: [acl('east.t', 'READ')],
    },
  ])('$what', ({ in: input, out }) => {
    expect(aclsToSync(input, remote)).toEqual(out);
  });
});

function authCluster(alias: string, user = 'ferry', password = 'ferry-secret'): ClusterConfig {
  return {
    alias,
    bootstrapServers: [testCluster('auth').bootstrap],
    securityProtocol: 'SASL_PLAINTEXT',
    sasl: { mechanism: 'SCRAM-SHA-512', username: user, password },
  };
}

describe('ACL sync on a SASL/SCRAM cluster with StandardAuthorizer', () => {
  it('copies literal topic ACLs per the rules onto the remote topic; a user without ALTER gets per-topic errors in words', async () => {
    const src = uniqueName('aclsrc').replace(/[^a-z0-9]/gi, '');
    const dst = uniqueName('acldst').replace(/[^a-z0-9]/gi, '');
    const topic = uniqueName('acl');
    const remote = `${src}.${topic}`;
    const base = flowBetween('east', 'west', { topics: topic });
    const flow: FlowConfig = {
      ...base,
      id: `${src}->${dst}`,
      source: authCluster(src),
      target: authCluster(dst),
    };
    const k = new Kafka({ ...kafkajsConfig(testCluster('auth'), 'acl-test') });
    const admin = k.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [
          { topic, numPartitions: 1 },
          { topic: remote, numPartitions: 1 },
        ],
        waitForLeaders: true,
      });
      const binding = (
        t: string,
        operation: number,
        permissionType: number,
        resourcePatternType = ResourcePatternTypes.LITERAL,
      ) => ({
        resourceType: AclResourceTypes.TOPIC,
        resourceName: t,
        resourcePatternType,
        principal: 'User:alice',
        host: '*',
        operation,
        permissionType,
      });
      await admin.createAcls({
        acl: [
          binding(topic, AclOperationTypes.READ, AclPermissionTypes.ALLOW),
          binding(topic, AclOperationTypes.WRITE, AclPermissionTypes.ALLOW),
          binding(topic, AclOperationTypes.ALL, AclPermissionTypes.ALLOW),
          binding(topic, AclOperationTypes.DESCRIBE_CONFIGS, AclPermissionTypes.DENY),
          binding(topic, AclOperationTypes.DESCRIBE, AclPermissionTypes.ALLOW, ResourcePatternTypes.PREFIXED),
        ],
      });
      const events: SyncEvent[] = [];
      const sync = new TopicAclSync(flow, admin, admin, { intervalMs: 60_000 }, (e) => events.push(e));
      const r = await sync.syncOnce();
      expect(r.ok).toBe(true);
      const onRemote = await admin.describeAcls({
        resourceType: AclResourceTypes.TOPIC,
        resourceName: remote,
        resourcePatternType: ResourcePatternTypes.ANY,
        operation: AclOperationTypes.ANY,
        permissionType: AclPermissionTypes.ANY,
      });
      const got = onRemote.resources
        .flatMap((res) =>
          res.acls.map((a) => `${res.resourcePatternType}:${a.principal}:${a.operation}:${a.permissionType}`),
        )
        .sort();
      expect(got).toEqual(
        [
          `${ResourcePatternTypes.LITERAL}:User:alice:${AclOperationTypes.READ}:${AclPermissionTypes.ALLOW}`,
          `${ResourcePatternTypes.LITERAL}:User:alice:${AclOperationTypes.DESCRIBE_CONFIGS}:${AclPermissionTypes.DENY}`,
        ].sort(),
      );

      // alice has no ACLs: syncing into the target as alice fails per topic, in words
      const aliceKafka = new Kafka({
        ...kafkajsConfig(testCluster('auth'), 'acl-alice'),
        sasl: { mechanism: 'scram-sha-512', username: 'alice', password: 'alice-secret' },
      });
      const alice = aliceKafka.admin();
      await alice.connect();
      try {
        const denied = await new TopicAclSync(
          { ...flow, target: authCluster(dst, 'alice', 'alice-secret') },
          admin,
          alice,
          { intervalMs: 60_000 },
          (e) => events.push(e),
        ).syncOnce();
        expect(denied.ok).toBe(false);
        const err = events.find((e) => e.type === 'sync-error' && e.what === 'topic-acls');
        expect(err).toBeDefined();
        const msg = (err as { error: Error }).error.message;
        expect(msg).toMatch(/not allowed to/);
        expect(msg).toMatch(new RegExp(dst));
      } finally {
        await alice.disconnect();
      }
    } finally {
      await admin.disconnect();
    }
  });
});
