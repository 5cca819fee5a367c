import { describe, expect, it } from 'vitest';
import {
  type Checkpoint,
  decodeCheckpoint,
  decodeHeartbeat,
  encodeCheckpoint,
  encodeHeartbeat,
  type Heartbeat,
} from '../../src/mm2-formats/index.ts';
import { javaCheck } from './harness.ts';

const checkpoints: Checkpoint[] = [
  {
    group: 'orders',
    topic: 'east.orders',
    partition: 0,
    upstreamOffset: 0n,
    downstreamOffset: 0n,
    metadata: '',
  },
  {
    group: 'grüße ✓',
    topic: 'a.b.c',
    partition: 2147483647,
    upstreamOffset: 9007199254740993n,
    downstreamOffset: 123n,
    metadata: 'some metadata',
  },
];
const heartbeats: Heartbeat[] = [
  { sourceClusterAlias: 'east', targetClusterAlias: 'west', timestamp: 1_763_000_000_123n },
  { sourceClusterAlias: 'dc-1', targetClusterAlias: 'dc_2', timestamp: 0n },
];

describe.each(['4.3.1', '3.9.2'])(
  "MM2's Java records read Ferry's bytes and vice versa (connect-mirror-client %s)",
  (version) => {
    it('Checkpoint and Heartbeat: Java decodes ours, we decode Java’s, byte for byte equal', async () => {
      const cmds: string[][] = [];
      for (const c of checkpoints) {
        const b = encodeCheckpoint(c);
        cmds.push(['decode-checkpoint', b.key.toString('hex'), b.value.toString('hex')]);
        cmds.push([
          'encode-checkpoint',
          c.group,
          c.topic,
          String(c.partition),
          String(c.upstreamOffset),
          String(c.downstreamOffset),
          c.metadata,
        ]);
      }
      for (const h of heartbeats) {
        const b = encodeHeartbeat(h);
        cmds.push(['decode-heartbeat', b.key.toString('hex'), b.value.toString('hex')]);
        cmds.push(['encode-heartbeat', h.sourceClusterAlias, h.targetClusterAlias, String(h.timestamp)]);
      }
      const out = (await javaCheck(cmds, version)) as Array<Record<string, string | number>>;
      let i = 0;
      for (const c of checkpoints) {
        expect(out[i++]).toEqual({
          ...c,
          upstreamOffset: String(c.upstreamOffset),
          downstreamOffset: String(c.downstreamOffset),
        });
        const java = out[i++] as { key: string; value: string };
        const ours = encodeCheckpoint(c);
        expect(java).toEqual({ key: ours.key.toString('hex'), value: ours.value.toString('hex') });
        expect(
          decodeCheckpoint({ key: Buffer.from(java.key, 'hex'), value: Buffer.from(java.value, 'hex') }),
        ).toEqual(c);
      }
      for (const h of heartbeats) {
        expect(out[i++]).toEqual({ ...h, timestamp: String(h.timestamp) });
        const java = out[i++] as { key: string; value: string };
        const ours = encodeHeartbeat(h);
        expect(java).toEqual({ key: ours.key.toString('hex'), value: ours.value.toString('hex') });
        expect(
          decodeHeartbeat({ key: Buffer.from(java.key, 'hex'), value: Buffer.from(java.value, 'hex') }),
        ).toEqual(h);
      }
    });
  },
);
