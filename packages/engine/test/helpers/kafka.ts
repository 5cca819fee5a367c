import { testCluster } from '@ferry/testkit/vitest';
import { type FlowConfig, parseMm2Config, registerCodecs } from '../../src/index.ts';

// The engine's snappy, lz4 and zstd codecs, registered in kafkajs for the test producers and readers too.
registerCodecs();

/** Record-by-record helpers shared with the other suites (produce, read back with read_committed, compare). */
export * from '@ferry/testkit/records';

/** A flow through the real MM2-properties path, between two test-stack clusters. */
export function flowBetween(source: string, target: string, extra: Record<string, string> = {}): FlowConfig {
  const props = new Map<string, string>([
    ['clusters', `${source},${target}`],
    [`${source}.bootstrap.servers`, testCluster(source).bootstrap],
    [`${target}.bootstrap.servers`, testCluster(target).bootstrap],
    [`${source}->${target}.enabled`, 'true'],
    ['commit.interval.ms', '50'],
    ...Object.entries(extra),
  ]);
  const flow = parseMm2Config(props).flows.find((f) => f.id === `${source}->${target}`);
  if (!flow) throw new Error('flow not enabled');
  return flow;
}
