import type { SecretKey } from '@ferry/core/secret-box';
import { type Db, disabledFlowsWithMetrics, type LagProbeRow, writeLagProbe } from '@ferry/db';
import { kafkaFor, positionsGroup } from '@ferry/engine';
import { toEngineFlow } from '../engine-runner.ts';
import { loadFlow } from '../flows/load-flow.ts';

/** One partition's lag as the probe measured it. */
export type ProbedLag = LagProbeRow;

/**
 * Lag from the source end offsets and the committed replication positions (the positions group on the
 * target). A partition never replicated (no position) counts from the log start when the flow starts at
 * `earliest`, else its lag is unknown. Pure.
 */
export function probedLag(
  ends: Map<string, { high: number; low: number }>,
  positions: Map<string, number>,
  startEarliest: boolean,
): ProbedLag[] {
  return [...ends].map(([k, { high, low }]) => {
    const i = k.lastIndexOf(':');
    const position = positions.get(k) ?? null;
    const lag =
      position !== null ? Math.max(0, high - position) : startEarliest ? Math.max(0, high - low) : null;
    return {
      topic: k.slice(0, i),
      partition: Number(k.slice(i + 1)),
      sourceEndOffset: high,
      position,
      lagRecords: lag,
    };
  });
}

/**
 * While a flow is disabled no task reports its lag, yet records keep arriving on the source: this probe
 * measures the lag in records of every disabled flow that has replicated before (source end offsets minus
 * the committed positions) and writes it like a task would — the partition table's latest values, the
 * current minute of each partition and topic, and the flow's raw sample (replacing, not adding, so several workers probing the same interval agree). Lag in time
 * is not measured here (it needs the record at the position): it stays 0 in the sample while disabled.
 */
export async function probeDisabledFlows(
  db: Db,
  keyring: readonly SecretKey[],
  now = Date.now(),
): Promise<number> {
  const flows = await disabledFlowsWithMetrics(db);
  let probed = 0;
  for (const f of flows) {
    const topics = Object.keys(f.partitions);
    if (topics.length === 0) continue;
    const flow = await loadFlow(db, f.id, keyring);
    const engineFlow = toEngineFlow(flow);
    const tuning = { connectionTimeoutMs: 3000, requestTimeoutMs: 5000, retries: 1 };
    const source = kafkaFor(flow.source, 'ferry-lag-probe', tuning).admin();
    const target = kafkaFor(flow.target, 'ferry-lag-probe', tuning).admin();
    try {
      await Promise.all([source.connect(), target.connect()]);
      const ends = new Map<string, { high: number; low: number }>();
      for (const t of topics)
        for (const p of await source.fetchTopicOffsets(t))
          ends.set(`${t}:${p.partition}`, { high: Number(p.high), low: Number(p.low) });
      const remote = new Map(
        topics.map((t) => [engineFlow.policy.formatRemoteTopic(flow.source.alias, t), t]),
      );
      const committed = await target.fetchOffsets({
        groupId: positionsGroup(flow.source.alias, flow.target.alias, flow.id),
        topics: [...remote.keys()],
      });
      const positions = new Map<string, number>();
      for (const t of committed)
        for (const p of t.partitions)
          if (p.offset !== '-1' && p.offset !== '')
            positions.set(`${remote.get(t.topic)}:${p.partition}`, Number(p.offset));
      const lags = probedLag(ends, positions, flow.config.startPosition === 'earliest');
      await writeLagProbe(db, f.id, lags, now);
      probed += lags.length;
    } finally {
      await Promise.allSettled([source.disconnect(), target.disconnect()]);
    }
  }
  return probed;
}
