import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterSpec } from './cluster-spec.ts';
import { defaultStackOptions, stackDown, stackUp } from './stack.ts';
import type { ClusterState } from './state.ts';
import { resolveKafkaVersion } from './versions.ts';

/**
 * A single KRaft broker of its own, for a test that needs a listener the shared stack has not (an OAUTHBEARER
 * one, say): the stack's launcher and jar cache, a private state folder and a free port block, so the shared
 * stack is never touched. `stop` ends the broker and deletes its data.
 */
export async function startDedicatedBroker(
  spec: Omit<ClusterSpec, 'kafkaVersion'> & { kafkaVersion?: string },
  o: { heap?: string; onProgress?: (m: string) => void } = {},
): Promise<{ cluster: ClusterState; stop: () => Promise<void> }> {
  const stateDir = mkdtempSync(join(tmpdir(), `ferry-broker-${spec.name}-`));
  const opts = defaultStackOptions({
    stateDir,
    // a block of 10 ports away from the stacks' (19092…, 29092…) and below Linux's ephemeral range (32768–60999,
    // where any outgoing connection may hold a port for a while): 30000–32699, by pid
    portBase: 30000 + (process.pid % 270) * 10,
    heap: o.heap ?? '512m',
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  });
  const full: ClusterSpec = { ...spec, kafkaVersion: resolveKafkaVersion(spec.kafkaVersion).version };
  const stop = async () => {
    await stackDown(opts, [], true).catch(() => {});
    rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    const [cluster] = await stackUp(opts, [full]);
    return { cluster: cluster!, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
