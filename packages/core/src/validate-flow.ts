import type { FlowConfig } from './flow-config.ts';
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

/** Edges of the flow graph that lie on a cycle through `flow` (paths target -> ... -> source). */
function cycleEdges(flow: FlowShape, others: FlowShape[]): FlowShape[] | null {
  const reach = (from: string, edges: FlowShape[]): Set<string> => {
    const seen = new Set([from]);
    const stack = [from];
    while (stack.length) {
      const n = stack.pop() as string;
      for (const e of edges)
        if (e.sourceClusterId === n && !seen.has(e.targetClusterId)) {
          seen.add(e.targetClusterId);
          stack.push(e.targetClusterId);
        }
    }
    return seen;
  };
  const fromTarget = reach(flow.targetClusterId, others);
  if (!fromTarget.has(flow.sourceClusterId)) return null;
  const reversed = others.map((e) => ({
    ...e,
    sourceClusterId: e.targetClusterId,
    targetClusterId: e.sourceClusterId,
  }));
  const toSource = reach(flow.sourceClusterId, reversed);
  return others.filter((e) => fromTarget.has(e.sourceClusterId) && toSource.has(e.targetClusterId));
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
  const cycle = cycleEdges(flow, others);
  if (cycle) {
    const identity = [flow, ...cycle].filter((f) => f.config.replicationPolicy === 'identity');
    if (identity.length > 0) {
      const names = cycle.map((f) => `"${f.name}"`).join(', ');
      issues.push({
        path: 'config.replicationPolicy',
        message: `the identity replication policy cannot be used in a cycle (this flow and ${names} replicate in a loop; topics would be copied back forever). Use the default policy.`,
        severity: 'error',
      });
    }
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
