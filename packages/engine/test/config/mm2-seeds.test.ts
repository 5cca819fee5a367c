import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseProperties, policyFor } from '@ferry/core';
import { describe, expect, it } from 'vitest';
import { type Mm2Config, parseMm2Config, resolveSyncSettings } from '../../src/config/mm2.ts';

/**
 * Every example in MirrorMaker 2's README parses to the meaning the README gives it. The README's examples are its
 * indented blocks. The file is a copy of the project's seed (`shared/seeds/mm2-readme.txt`, Apache Kafka's
 * connect/mirror README, Apache-2.0) kept beside the test, so the suite does not depend on where shared/ lies.
 */
const seed = (name: string) => join(import.meta.dirname, 'fixtures', name);

function examples(text: string): string[] {
  const blocks: string[] = [];
  let cur: string[] = [];
  const flush = () => {
    while (cur.length > 0 && cur.at(-1)!.trim() === '') cur.pop();
    if (cur.length > 0) blocks.push(cur.join('\n'));
    cur = [];
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('    ')) cur.push(line.slice(4));
    else if (line.trim() === '' && cur.length > 0) cur.push('');
    else flush();
  }
  flush();
  return blocks;
}

/** A fragment as a whole file: the clusters it names, each with a bootstrap server. */
function asFile(fragment: string): Map<string, string> {
  const props = parseProperties(fragment);
  const aliases = new Set<string>();
  for (const k of props.keys()) {
    const m = /^([\w-]+)->([\w-]+)\./.exec(k);
    if (m) aliases.add(m[1]!).add(m[2]!);
    const c = /^([\w-]+)\.bootstrap\.servers$/.exec(k);
    if (c) aliases.add(c[1]!);
  }
  if (!props.has('clusters')) props.set('clusters', [...aliases].join(','));
  let port = 9092;
  for (const a of aliases)
    if (!props.has(`${a}.bootstrap.servers`)) props.set(`${a}.bootstrap.servers`, `127.0.0.1:${port++}`);
  return props;
}

const ids = (c: Mm2Config) => c.flows.map((f) => f.id).sort();
const sync = (props: Map<string, string>, id: string) => {
  const [s, t] = id.split('->') as [string, string];
  return resolveSyncSettings(props, s, t);
};

/** The README's examples, each with the meaning the README gives it. */
const MEANINGS: { example: RegExp; means: string; check: (block: string) => void }[] = [
  {
    example: /^A->B\.topics = topic-1, topic-2\nA->B\.groups = group-1, group-2$/,
    means: 'flow A->B replicates topic-1, topic-2 and checkpoints group-1, group-2',
    check(block) {
      const props = asFile(`${block}\nA->B.enabled = true`);
      const f = parseMm2Config(props).flows[0]!;
      expect(f.topics).toEqual(['topic-1', 'topic-2']);
      expect(sync(props, 'A->B').groups).toEqual(['group-1', 'group-2']);
    },
  },
  {
    example: /^A->B\.enabled = true\nB->A\.enabled = true$/,
    means: 'active/active: both flows run (the default policy keeps them from looping)',
    check(block) {
      const c = parseMm2Config(asFile(block));
      expect(ids(c)).toEqual(['A->B', 'B->A']);
      expect(c.flows.every((f) => f.policy.kind === 'default')).toBe(true);
    },
  },
  {
    example: /^# mm2\.properties\nclusters = us-west, us-east\n/,
    means: 'two clusters, no flow enabled yet (flows are disabled by default)',
    check(block) {
      const c = parseMm2Config(parseProperties(block));
      expect(c.clusters).toEqual(['us-west', 'us-east']);
      expect(c.flows).toEqual([]);
      expect(c.notices).toEqual([]);
    },
  },
  {
    example: /^topics = \.\*\ngroups = group1, group2\nemit\.checkpoints\.interval\.seconds = 10$/,
    means: 'top-level keys apply to every flow',
    check(block) {
      const props = asFile(`${block}\nA->B.enabled = true\nB->A.enabled = true`);
      for (const f of parseMm2Config(props).flows) {
        expect(f.topics).toEqual(['.*']);
        const s = sync(props, f.id);
        expect([s.groups, s.emitCheckpointsIntervalMs]).toEqual([['group1', 'group2'], 10_000]);
      }
    },
  },
  {
    example: /^# configure a specific cluster\nus-west\.offset\.storage\.topic = mm2-offsets\n/,
    means:
      "a cluster-specific Connect key (reported: Ferry keeps no Connect offsets) and a flow's heartbeats off",
    check(block) {
      const props = asFile(`${block}\nus-west->us-east.enabled = true`);
      const c = parseMm2Config(props);
      expect(c.notices.map((n) => [n.key, n.kind])).toEqual([
        ['us-west.offset.storage.topic', 'unsupported'],
      ]);
      expect(sync(props, 'us-west->us-east').emitHeartbeatsEnabled).toBe(false);
    },
  },
  {
    example: /^us-west->us-east\.enabled = true {5}# disabled by default$/,
    means: 'the flow is enabled',
    check: (block) => expect(ids(parseMm2Config(asFile(block)))).toEqual(['us-west->us-east']),
  },
  {
    example: /^\$ \.\/bin\/connect-mirror-maker\.sh mm2\.properties$/,
    means: 'how MM2 starts: `ferry run mm2.properties` takes the same file (see the headless tests)',
    check: (block) => expect(block).toMatch(/mm2\.properties$/),
  },
  {
    example: /^west-primary->north-primary\.enabled = true\n/,
    means: 'the north data centre: flows into north-primary and north-backup (`--clusters` picks them)',
    check(block) {
      expect(ids(parseMm2Config(asFile(block)))).toEqual([
        'east-primary->north-primary',
        'north-primary->north-backup',
        'west-primary->north-primary',
      ]);
    },
  },
  {
    example: /^east-primary->west-primary\.enabled = true\n/,
    means: 'the west data centre',
    check(block) {
      expect(ids(parseMm2Config(asFile(block)))).toEqual([
        'east-primary->west-primary',
        'north-primary->west-primary',
        'west-primary->west-backup',
      ]);
    },
  },
  {
    example: /^primary->backup\.enabled\nbackup->primary\.enabled$/,
    means: 'a bare `A->B.enabled` enables the flow',
    check: (block) =>
      expect(ids(parseMm2Config(asFile(block)))).toEqual(['backup->primary', 'primary->backup']),
  },
  {
    example: /^# process1:\nA->B\.enabled = true\nA->B\.topics = foo\n/,
    means: "two processes' files; each runs exactly its own topics (Ferry shares no configuration through B)",
    check(block) {
      const [p1, p2] = block.split(/^# process2:$/m) as [string, string];
      expect(parseMm2Config(asFile(p1)).flows[0]!.topics).toEqual(['foo']);
      expect(parseMm2Config(asFile(p2)).flows[0]!.topics).toEqual(['bar']);
    },
  },
  {
    example: /^topic-1 --> source\.topic-1$/,
    means: 'the default policy prefixes the source alias; the separator is configurable',
    check() {
      expect(policyFor('default').formatRemoteTopic('source', 'topic-1')).toBe('source.topic-1');
      const f = parseMm2Config(asFile('source->target.enabled = true\nreplication.policy.separator = _'))
        .flows[0]!;
      expect(f.policy.formatRemoteTopic('source', 'topic-1')).toBe('source_topic-1');
    },
  },
  {
    example: /^- \*target\*: alias of target cluster\n/,
    means: 'metric tags (source, target, topic, partition): not configuration',
    check: (block) => expect(block).toMatch(/\*partition\*/),
  },
  {
    example: /^- `target=B`\n- `topic=A\.topic1`\n- `partition=1`$/,
    means: 'replicating topic1 from A->B writes A.topic1 on B',
    check() {
      const f = parseMm2Config(asFile('A->B.enabled = true')).flows[0]!;
      expect(f.policy.formatRemoteTopic('A', 'topic1')).toBe('A.topic1');
    },
  },
  {
    example: /^# MBean: kafka\.connect\.mirror:type=MirrorSourceConnector/,
    means: 'metric names (docs/operations.md maps them): not configuration',
    check: (block) => expect(block).toMatch(/record-count/),
  },
];

describe('every example of the MM2 README parses to its documented meaning', () => {
  const blocks = examples(readFileSync(seed('mm2-readme.txt'), 'utf8'));
  it('every example has a documented meaning here', () => {
    const unmatched = blocks.filter((b) => !MEANINGS.some((m) => m.example.test(b)));
    expect(unmatched).toEqual([]);
    expect(blocks.length).toBeGreaterThanOrEqual(MEANINGS.length);
  });
  it.each(MEANINGS.map((m) => [m.means, m] as const))('%s', (_means, m) => {
    const block = blocks.find((b) => m.example.test(b));
    expect(block, `example ${m.example} is in the README`).toBeDefined();
    m.check(block!);
  });
});
