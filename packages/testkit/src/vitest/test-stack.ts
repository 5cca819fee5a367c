import { join } from 'node:path';
import { parseClusterSpecs } from '../kafka/cluster-spec.ts';
import { defaultStackOptions, repoRoot, type StackOptions, stackCluster, stackUp } from '../kafka/stack.ts';
import type { ClusterState } from '../kafka/state.ts';

/**
 * The clusters every test run has. `npm test` starts them once (scripts/test.sh); a test file run on its own
 * (npx vitest …) starts them on first use through the global setup. They live apart from the dev stack:
 * state in .ferry/test-stack, ports from 29092, so `npm start` and `npm test` never collide.
 *   east, west       Kafka 4.x, PLAINTEXT — the main pair
 *   east39, west39   Kafka 3.9, PLAINTEXT — the same suites against the previous major
 *   auth             Kafka 4.x, SASL/SCRAM-SHA-512 with an authorizer (users ferry: super user, alice: none)
 *   secure           Kafka 4.x, TLS with a self-signed CA
 */
export const TEST_STACK_CLUSTERS = 'east,west,east39@3.9,west39@3.9,auth:scram,secure:tls';

export function testStackOptions(overrides: Partial<StackOptions> = {}): StackOptions {
  return defaultStackOptions({
    stateDir: process.env.FERRY_TEST_STACK_DIR ?? join(repoRoot(), '.ferry', 'test-stack'),
    portBase: Number(process.env.FERRY_TEST_STACK_PORT_BASE ?? 29092),
    ...overrides,
  });
}

export async function ensureTestStack(clusters = TEST_STACK_CLUSTERS): Promise<void> {
  await stackUp(
    testStackOptions({ onProgress: (m) => process.stderr.write(`test-stack: ${m}\n`) }),
    parseClusterSpecs(clusters),
  );
}

/** A running test-stack cluster by name (east, west, east39, west39, auth, secure). */
export function testCluster(name: string): ClusterState {
  return stackCluster(testStackOptions(), name);
}

/** Pairs of clusters a replication suite runs against, one per supported broker major. */
export const REPLICATION_PAIRS = [
  { label: 'kafka-4', source: 'east', target: 'west' },
  { label: 'kafka-3.9', source: 'east39', target: 'west39' },
] as const;
