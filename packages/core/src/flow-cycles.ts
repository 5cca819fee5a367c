/**
 * Replication loops in a graph of flows `source -> target`. One rule for the control plane's flow validation
 * and for `ferry run`: a cycle of any length in which a flow uses the identity policy is refused, because
 * identity names carry no trace of the clusters a record passed through.
 */
export interface FlowEdge {
  source: string;
  target: string;
  identity: boolean;
}

/** The other edges that lie on a cycle through `edge` (paths target -> ... -> source), or null. */
export function cycleThrough<E extends FlowEdge>(edge: FlowEdge, others: readonly E[]): E[] | null {
  const reach = (from: string, next: (e: E) => [string, string]): Set<string> => {
    const seen = new Set([from]);
    const stack = [from];
    while (stack.length > 0) {
      const n = stack.pop() as string;
      for (const e of others) {
        const [a, b] = next(e);
        if (a === n && !seen.has(b)) {
          seen.add(b);
          stack.push(b);
        }
      }
    }
    return seen;
  };
  const fromTarget = reach(edge.target, (e) => [e.source, e.target]);
  if (!fromTarget.has(edge.source)) return null;
  const toSource = reach(edge.source, (e) => [e.target, e.source]);
  return others.filter((e) => fromTarget.has(e.source) && toSource.has(e.target));
}

/** The cycle through `edge` when it contains an identity-policy flow (refused), else null. */
export function identityCycle<E extends FlowEdge>(edge: FlowEdge, others: readonly E[]): E[] | null {
  const cycle = cycleThrough(edge, others);
  if (!cycle) return null;
  return edge.identity || cycle.some((e) => e.identity) ? cycle : null;
}
