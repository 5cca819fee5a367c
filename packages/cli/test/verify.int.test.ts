import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFlowRunner, type FlowRunner, loadMm2PropertiesFile, positionsGroup } from '@ferry/engine';
import { waitFor } from '@ferry/testkit';
import { createTopic, kafka, makeRecords, produce } from '@ferry/testkit/records';
import { ensureTestStack, testCluster, uniqueName } from '@ferry/testkit/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** `ferry verify` end to end on the test stack: exit 0 on a faithful copy, 1 with the first difference. */
const bin = join(import.meta.dirname, '..', 'bin', 'ferry.js');
const topic = uniqueName('cliverify');
let file = '';
let runner: FlowRunner | undefined;

const ferry = (args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

async function caughtUp(): Promise<void> {
  const src = kafka('east').admin();
  const tgt = kafka('west').admin();
  await Promise.all([src.connect(), tgt.connect()]);
  try {
    await waitFor(
      async () => {
        const ends = await src.fetchTopicOffsets(topic);
        const [t] = await tgt
          .fetchOffsets({ groupId: positionsGroup('east', 'west'), topics: [`east.${topic}`] })
          .catch(() => []);
        return ends.every(
          (e) =>
            Number(t?.partitions.find((p) => p.partition === e.partition)?.offset ?? -1) >= Number(e.high),
        );
      },
      { timeoutMs: 120_000, what: 'replicated to the source end' },
    );
  } finally {
    await Promise.all([src.disconnect(), tgt.disconnect()]);
  }
}

beforeAll(async () => {
  await ensureTestStack();
  await createTopic('east', topic, 2);
  await produce('east', topic, makeRecords(400, 2, 'cv'));
  file = join(mkdtempSync(join(tmpdir(), 'ferry-verify-')), 'mm2.properties');
  writeFileSync(
    file,
    [
      'clusters=east,west',
      `east.bootstrap.servers=${testCluster('east').bootstrap}`,
      `west.bootstrap.servers=${testCluster('west').bootstrap}`,
      'east->west.enabled=true',
      `east->west.topics=${topic}`,
      'commit.interval.ms=50',
      '',
    ].join('\n'),
  );
  runner = createFlowRunner(loadMm2PropertiesFile(file).flows[0]!);
  await runner.start();
  await caughtUp();
}, 180_000);
afterAll(async () => {
  await runner?.stop();
});

describe('ferry verify', () => {
  it('exits 0 on a faithful copy, with progress on stderr', () => {
    const r = ferry(['verify', file, '--flow', 'east->west']);
    expect(r.code, `${r.out}\n${r.err}`).toBe(0);
    expect(r.out).toMatch(/east->west: OK: [\d,]+ records in \d+ of \d+ partitions compared, 0 differing/);
    expect(r.err).toMatch(/east->west: compare /);
  });

  it('exits 1 and names the first divergent record', async () => {
    await runner?.stop();
    runner = undefined;
    const a = kafka('west').admin();
    await a.connect();
    const at = (await a.fetchTopicOffsets(`east.${topic}`)).find((o) => o.partition === 0)!.high;
    await a.disconnect();
    await produce('west', `east.${topic}`, [
      { partition: 0, key: 'x', value: 'intruder', headers: [], timestamp: String(Date.now()) },
    ]);
    runner = createFlowRunner(loadMm2PropertiesFile(file).flows[0]!);
    await runner.start();
    await produce('east', topic, makeRecords(100, 2, 'cv2'));
    await caughtUp();
    const r = ferry(['verify', file, '--json']);
    expect(r.code, r.err).toBe(1);
    const report = JSON.parse(r.out.trim().split('\n').at(-1)!);
    const p0 = report.partitions.find(
      (p: { topic: string; partition: number }) => p.topic === topic && p.partition === 0,
    );
    expect(p0.ok).toBe(false);
    expect(p0.firstDifference).toMatchObject({ field: 'extra', targetOffset: at });
    const text = ferry(['verify', file]);
    expect(text.code).toBe(1);
    expect(text.out).toMatch(
      new RegExp(`${topic}-0 → east\\.${topic}-0: DIFFERS: .*target offset ${at}: extra`),
    );
  });

  it('exits 2 on bad usage, in a sentence', () => {
    const r = ferry(['verify', file, '--from', '1', '--last', '2']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--from and --last cannot be combined/);
    expect(ferry(['verify', file, '--flow', 'nope->x']).err).toMatch(/no enabled flow nope->x/);
  });
});
