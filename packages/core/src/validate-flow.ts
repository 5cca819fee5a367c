import type { FlowConfig } from './flow-config.ts';
import { identityCycle } from './flow-cycles.ts';
import { compilePatterns } from './patterns.ts';

/** A flow as whole-flow validation sees it (the one being saved and its team's other flows). */
export interface FlowShape {
  id?: string;
  name: string;
  sourceClusterId: string;
  targetClusterId: string;
  config: Pick<FlowConfig, 'topics' | 'topicsExclude' | 'replicationPolicy' | 'separator'>;
}

export interface FlowIssue {
  path: string;
  message: string;
  /** Errors refuse the save; warnings are shown and the save goes through. */
  severity: 'error' | 'warning';
}

/** Whether two pattern sets can plausibly select the same topic (exact for literal names, conservative for wildcards). */
function patternsOverlap(a: readonly string[], b: readonly string[]): boolean {
  const literal = (p: string) => /^[A-Za-z0-9_-]+(\\\.[A-Za-z0-9_-]+)*$|^[A-Za-z0-9_-]+$/.test(p);
  for (const pa of a)
    for (const pb of b) {
      if (pa === pb) return true;
      const la = literal(pa);
      const lb = literal(pb);
      if (la && lb) continue; // two different literals never match the same name
      if (la && compilePatterns([pb]).matches(pa.replaceAll('\\.', '.'))) return true;
      if (lb && compilePatterns([pa]).matches(pb.replaceAll('\\.', '.'))) return true;
      if (!la && !lb) return true; // two wildcards: assume they can overlap
    }
  return false;
}

/**
 * Whole-flow rules beyond the field schema: source ≠ target, Identity policy in a cycle refused,
 * overlapping flows into one target flagged. Patterns are checked by the schema.
 */
export function validateFlow(flow: FlowShape, teamFlows: FlowShape[]): FlowIssue[] {
  const issues: FlowIssue[] = [];
  const others = teamFlows.filter((f) => !flow.id || f.id !== flow.id);
  if (flow.sourceClusterId === flow.targetClusterId) {
    issues.push({
      path: 'targetClusterId',
      message: 'target must be a different cluster than the source',
      severity: 'error',
    });
    return issues;
  }
  const edge = (f: FlowShape) => ({
    flow: f,
    source: f.sourceClusterId,
    target: f.targetClusterId,
    identity: f.config.replicationPolicy === 'identity',
  });
  const cycle = identityCycle(edge(flow), others.map(edge));
  if (cycle) {
    const names = cycle.map((e) => `"${e.flow.name}"`).join(', ');
    issues.push({
      path: 'config.replicationPolicy',
      message: `the identity replication policy cannot be used in a cycle (this flow and ${names} replicate in a loop; topics would be copied back forever). Use the default policy.`,
      severity: 'error',
    });
  }
  for (const o of others) {
    if (o.targetClusterId !== flow.targetClusterId) continue;
    const bothIdentity =
      o.config.replicationPolicy === 'identity' && flow.config.replicationPolicy === 'identity';
    const sameNamespace =
      o.sourceClusterId === flow.sourceClusterId &&
      o.config.separator === flow.config.separator &&
      o.config.replicationPolicy === flow.config.replicationPolicy;
    if ((bothIdentity || sameNamespace) && patternsOverlap(flow.config.topics, o.config.topics)) {
      issues.push({
        path: 'config.topics',
        message: `overlaps flow "${o.name}", which also writes into the same target; both may write the same remote topics`,
        severity: 'warning',
      });
    }
  }
  return issues;
}
