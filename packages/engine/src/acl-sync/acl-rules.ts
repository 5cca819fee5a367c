/** A topic ACL binding, in plain words (what kafkajs and the Kafka protocol call the same). */
export interface TopicAcl {
  topic: string;
  patternType: 'LITERAL' | 'PREFIXED' | 'OTHER';
  principal: string;
  host: string;
  operation: string;
  permission: 'ALLOW' | 'DENY' | 'OTHER';
}

/**
 * MM2's ACL rules (MirrorSourceConnector): only LITERAL topic ACLs of replicated topics; ALLOW WRITE is never
 * copied (only the replication writes to a remote topic); ALLOW ALL becomes ALLOW READ; the rest is copied as is
 * onto the remote topic. Duplicates are dropped.
 */
export function aclsToSync(
  source: TopicAcl[],
  remoteTopicOf: (topic: string) => string | undefined,
): TopicAcl[] {
  const out = new Map<string, TopicAcl>();
  for (const a of source) {
    if (a.patternType !== 'LITERAL') continue;
    if (a.permission === 'ALLOW' && a.operation === 'WRITE') continue;
    const remote = remoteTopicOf(a.topic);
    if (remote === undefined) continue;
    const operation = a.permission === 'ALLOW' && a.operation === 'ALL' ? 'READ' : a.operation;
    const b: TopicAcl = { ...a, topic: remote, operation };
    out.set(JSON.stringify(b), b);
  }
  return [...out.values()];
}
