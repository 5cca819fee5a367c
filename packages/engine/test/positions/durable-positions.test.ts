import { describe, expect, it } from 'vitest';
import { decodeDurablePosition, encodeDurablePosition } from '../../src/positions/durable-positions.ts';

/* The durable position record's value: the remote topic id (`rid`, issue #12) is kept; older records without it stay readable. */
describe('durable position records', () => {
  const p = {
    group: 'ferry-positions.east.west',
    remoteTopic: 'east.orders',
    partition: 2,
    sourceTopic: 'orders',
    next: 1234n,
    topicId: 'src-id',
    sourceEnd: 2000n,
  };

  it('round-trips the remote topic id', () => {
    const { key, value } = encodeDurablePosition({ ...p, remoteTopicId: 'remote-id' });
    expect(JSON.parse(value.toString()).rid).toBe('remote-id');
    expect(decodeDurablePosition(key, value)).toEqual({ ...p, remoteTopicId: 'remote-id' });
  });

  it('reads a record written before the remote topic id was stored', () => {
    const key = Buffer.from(JSON.stringify({ g: p.group, t: p.remoteTopic, p: 2 }));
    const value = Buffer.from(JSON.stringify({ v: 1, s: 'orders', next: '1234', id: 'src-id', end: '2000' }));
    const d = decodeDurablePosition(key, value);
    expect(d).toEqual(p);
    expect(d?.remoteTopicId).toBeUndefined();
  });
});
