import { waitFor } from '@ferry/testkit';
import { REPLICATION_PAIRS, testCluster, uniqueName } from '@ferry/testkit/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { FlowSyncRunner, resolveSyncSettings } from '../../src/checkpoints/index.ts';
import { createFlowRunner, type FlowRunner, parseMm2Config } from '../../src/index.ts';
import { decodeHeartbeat } from '../../src/mm2-formats/index.ts';
import { readToEnd, withAdmin } from '../checkpoints/drill-helpers.ts';
import { javaCheck } from '../java/harness.ts';

describe.each(REPLICATION_PAIRS)(
  'active/active heartbeats with the data path $label ($source <-> $target)',
  ({ source: A, target: B }) => {
    const stops: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const s of stops.splice(0).reverse()) await s();
    });

    it('heartbeats cross both ways, reveal one hop to Java RemoteClusterUtils, and never loop back', async () => {
      const start = Date.now();
      const props = new Map([
        ['clusters', `${A},${B}`],
        [`${A}.bootstrap.servers`, testCluster(A).bootstrap],
        [`${B}.bootstrap.servers`, testCluster(B).bootstrap],
        [`${A}->${B}.enabled`, 'true'],
        [`${B}->${A}.enabled`, 'true'],
        ['topics', uniqueName('nothing')], // only heartbeats (always replicated) flow
        ['commit.interval.ms', '50'],
        ['emit.heartbeats.interval.seconds', '0.2'],
        // on a fresh cluster the heartbeats topic appears after the flows' first discovery
        ['refresh.topics.interval.seconds', '1'],
      ]);
      const cfg = parseMm2Config(props);
      expect(cfg.flows.map((f) => f.id).sort()).toEqual([`${A}->${B}`, `${B}->${A}`].sort());
      for (const flow of cfg.flows) {
        const runner: FlowRunner = createFlowRunner(flow);
        await runner.start();
        stops.push(() => runner.stop());
        const sync = new FlowSyncRunner(
          flow,
          resolveSyncSettings(props, flow.source.alias, flow.target.alias),
          () => undefined,
          { heartbeatsOnly: true },
        );
        await sync.start();
        stops.push(() => sync.stop());
      }
      // on B, `A.heartbeats` carries the heartbeats B->A wrote on A: fresh ones prove the hop works now
      const fresh = async (cluster: string, topic: string, src: string, dst: string) => {
        const topics = await withAdmin(cluster, (a) => a.listTopics());
        if (!topics.includes(topic)) return false;
        const recs = (await readToEnd(cluster, topic)).get(0) ?? [];
        return recs.some((r) => {
          const h = decodeHeartbeat({ key: r.rawKey!, value: r.rawValue! });
          return h.sourceClusterAlias === src && h.targetClusterAlias === dst && Number(h.timestamp) >= start;
        });
      };
      await waitFor(
        async () => (await fresh(B, `${A}.heartbeats`, B, A)) && (await fresh(A, `${B}.heartbeats`, A, B)),
        {
          timeoutMs: 60_000,
          intervalMs: 500,
          what: 'fresh heartbeats replicated both ways',
        },
      );
      const [upB, upA, hopsBA, hopsAB] = (await javaCheck(
        [
          ['upstream', testCluster(B).bootstrap],
          ['upstream', testCluster(A).bootstrap],
          ['hops', testCluster(B).bootstrap, A],
          ['hops', testCluster(A).bootstrap, B],
        ],
        testCluster(B).kafkaVersion,
      )) as [string[], string[], number, number];
      expect(upB).toContain(A);
      expect(upA).toContain(B);
      expect([hopsBA, hopsAB]).toEqual([1, 1]);
      // nothing loops: a heartbeat topic never comes back to a cluster it passed
      expect((await withAdmin(A, (a) => a.listTopics())).filter((t) => t.startsWith(`${B}.${A}.`))).toEqual(
        [],
      );
      expect((await withAdmin(B, (a) => a.listTopics())).filter((t) => t.startsWith(`${A}.${B}.`))).toEqual(
        [],
      );
    });
  },
);
