import type { ExactSync } from './sync-record.ts';
import { type TranslateContext, type Translation, translateExact } from './translate.ts';

/**
 * All exact syncs of one flow, per source partition, in target order. Rebuilt on start by reading the syncs
 * topic from the beginning (read_committed), so a restart loses no translation.
 */
export class OffsetSyncStore {
  private readonly byPartition = new Map<string, ExactSync[]>();

  add(s: ExactSync): void {
    const k = `${s.sourceTopic}:${s.partition}`;
    let list = this.byPartition.get(k);
    if (!list) {
      list = [];
      this.byPartition.set(k, list);
    }
    const last = list[list.length - 1];
    if (!last || last.targetBaseOffset < s.targetBaseOffset) {
      list.push(s);
      return;
    }
    // out of order (re-read of the topic): keep target order, replace a duplicate
    const i = list.findIndex((x) => x.targetBaseOffset >= s.targetBaseOffset);
    if (list[i]!.targetBaseOffset === s.targetBaseOffset) list[i] = s;
    else list.splice(i, 0, s);
  }

  syncs(topic: string, partition: number): readonly ExactSync[] {
    return this.byPartition.get(`${topic}:${partition}`) ?? [];
  }

  remoteTopic(topic: string): string | undefined {
    for (const [k, v] of this.byPartition)
      if (k.slice(0, k.lastIndexOf(':')) === topic && v[0]) return v[0].remoteTopic;
    return undefined;
  }

  partitions(): Array<{ topic: string; partition: number }> {
    return [...this.byPartition.keys()].map((k) => ({
      topic: k.slice(0, k.lastIndexOf(':')),
      partition: Number(k.slice(k.lastIndexOf(':') + 1)),
    }));
  }

  get size(): number {
    let n = 0;
    for (const v of this.byPartition.values()) n += v.length;
    return n;
  }

  translate(topic: string, partition: number, sourceOffset: bigint, ctx: TranslateContext = {}): Translation {
    return translateExact(this.syncs(topic, partition), sourceOffset, ctx);
  }
}
