import { describe, expect, it } from 'vitest';
import {
  ferryProperties,
  MM2_EXACTLY_ONCE,
  MM2_TUNING,
  mm2ExactlyOnceSummary,
  mm2Properties,
  mm2TuningSummary,
  parseProducerPerformance,
  producerPerformanceArgs,
} from '../../src/datapath/configs.ts';

const pair = {
  alias: 'mm0x',
  sourceBootstrap: '127.0.0.1:1',
  targetAlias: 'west',
  targetBootstrap: '127.0.0.1:2',
  topics: ['a', 'a-lat'],
  tasks: 4,
};

const props = (text: string) =>
  new Map(
    text
      .trim()
      .split('\n')
      .map((l) => l.split(' = ') as [string, string]),
  );

describe('mm2Properties', () => {
  const p = props(mm2Properties(pair));
  it('replicates only alias -> target, the same tasks.max, replication factor 1 on single brokers', () => {
    expect(p.get('clusters')).toBe('mm0x, west');
    expect(p.get('mm0x->west.enabled')).toBe('true');
    expect(p.get('west->mm0x.enabled')).toBe('false');
    expect(p.get('topics')).toBe('a, a-lat');
    expect(p.get('tasks.max')).toBe('4');
    expect(p.get('replication.factor')).toBe('1');
  });
  it('puts the tuning where dedicated mode reads it: <target>.producer.*, <source>.consumer.*', () => {
    for (const [k, v] of Object.entries(MM2_TUNING.producer)) expect(p.get(`west.producer.${k}`)).toBe(v);
    for (const [k, v] of Object.entries(MM2_TUNING.consumer)) expect(p.get(`mm0x.consumer.${k}`)).toBe(v);
    expect([...p.keys()].some((k) => k.startsWith('producer.') || k.startsWith('consumer.'))).toBe(false);
  });
});

describe('mm2Properties, start-up settings', () => {
  const p = props(mm2Properties(pair));
  it.each([
    ['plugin.discovery', 'service_load', "MirrorMaker's own plugin scan"],
    ['west.plugin.discovery', 'service_load', "the herder's worker (its target cluster's prefix)"],
    ['west->mm0x.emit.heartbeats.enabled', 'false', 'no herder for the reverse pair'],
  ])('%s = %s (%s)', (key, value) => {
    expect(p.get(key)).toBe(value);
  });
  it('leaves the enabled flow its heartbeats, as `ferry run` emits them for the enabled flow', () => {
    expect(p.has('mm0x->west.emit.heartbeats.enabled')).toBe(false);
    expect(p.has('emit.heartbeats.enabled')).toBe(false);
  });
  it('prints them with the tuning', () => {
    expect(mm2TuningSummary(4)).toContain(
      'plugin.discovery=service_load, <target>.plugin.discovery=service_load, <target>-><source>.emit.heartbeats.enabled=false',
    );
  });
});

describe('mm2Properties, exactly-once (mm2-eos)', () => {
  const plain = props(mm2Properties(pair));
  const eos = props(mm2Properties(pair, { exactlyOnce: { restPort: 41234 } }));
  it('enables exactly-once source support for the target it writes to, with the internal REST server', () => {
    expect(eos.get('west.exactly.once.source.support')).toBe('enabled');
    expect(eos.get('dedicated.mode.enable.internal.rest')).toBe('true');
    expect(eos.get('listeners')).toBe('http://127.0.0.1:41234');
    expect(eos.get('mm0x.exactly.once.source.support')).toBeUndefined();
  });
  it('reads the source read_committed and is otherwise mm2 unchanged', () => {
    expect(eos.get('mm0x.consumer.isolation.level')).toBe('read_committed');
    const added = [...eos.keys()].filter((k) => !plain.has(k));
    expect(added.sort()).toEqual(
      ['dedicated.mode.enable.internal.rest', 'listeners', 'west.exactly.once.source.support'].sort(),
    );
    for (const [k, v] of plain) expect(eos.get(k)).toBe(v);
  });
  it('plain mm2 has none of it', () => {
    for (const k of Object.keys(MM2_EXACTLY_ONCE.top)) expect(plain.has(k)).toBe(false);
    expect(plain.has('west.exactly.once.source.support')).toBe(false);
    expect(plain.has('listeners')).toBe(false);
  });
  it('is summarised beside the other MM2 settings', () => {
    expect(mm2ExactlyOnceSummary()).toBe(
      '<target>.exactly.once.source.support=enabled, dedicated.mode.enable.internal.rest=true, listeners=http://127.0.0.1:<free port>',
    );
  });
});

describe('ferryProperties', () => {
  it('is the same flow with Ferry defaults (exactly once)', () => {
    const p = props(ferryProperties(pair));
    expect(p.get('mm0x->west.enabled')).toBe('true');
    expect(p.get('tasks.max')).toBe('4');
    expect(p.get('exactly.once')).toBe('true');
    expect(p.get('mm0x.bootstrap.servers')).toBe('127.0.0.1:1');
  });
  it('runs at-least-once for ferry-alo, the guarantee MM2 runs with by default', () => {
    const p = props(ferryProperties(pair, { exactlyOnce: false }));
    expect(p.get('exactly.once')).toBe('false');
    expect(p.get('tasks.max')).toBe('4');
  });
});

describe('ProducerPerformance', () => {
  it('gets the same records and a throughput-tuned producer', () => {
    const a = producerPerformanceArgs({
      bootstrap: 'b:1',
      topic: 't',
      records: 10,
      recordBytes: 100,
      compression: 'lz4',
      transactional: true,
    });
    expect(a.slice(0, 8)).toEqual([
      '--topic',
      't',
      '--num-records',
      '10',
      '--record-size',
      '100',
      '--throughput',
      '-1',
    ]);
    expect(a).toContain('compression.type=lz4');
    expect(a).toContain('transactional.id=bench-raw-t');
    expect(a).toContain('--transaction-duration-ms');
  });

  it.each([
    {
      out: '5 records sent, 1.0 records/sec (0.00 MB/sec), 1.0 ms avg latency\n204800 records sent, 41000.5 records/sec (40.04 MB/sec), 30.1 ms avg latency, 200.0 ms max latency.',
      want: { records: 204800, recordsPerSec: 41000.5, mibPerSec: 40.04 },
    },
    { out: 'Exception in thread "main"', want: undefined },
  ])('parses its final line', ({ out, want }) => {
    expect(parseProducerPerformance(out)).toEqual(want);
  });
});
