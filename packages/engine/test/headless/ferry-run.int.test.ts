import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@ferry/testkit';
import { REPLICATION_PAIRS, testCluster, uniqueName } from '@ferry/testkit/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { ferryRun, type Proc } from '../helpers/ferry-run.ts';
import { byPartition, counts, createTopic, makeRecords, produce, readTopic } from '../helpers/kafka.ts';

function commits(p: Proc): number {
  return p.lines.filter((l) => l.startsWith('{"type":"committed"')).length;
}

describe.each(REPLICATION_PAIRS)('ferry run $label ($source -> $target)', ({ source, target }) => {
  const procs: Proc[] = [];
  afterEach(() => {
    for (const p of procs) p.child.kill('SIGKILL');
    procs.length = 0;
  });

  it('killed with SIGKILL during a load and restarted: zero lost, zero duplicated; SIGTERM exits 0', async () => {
    const topic = uniqueName('kill');
    await createTopic(source, topic, 4);
    const dir = mkdtempSync(join(tmpdir(), 'ferry-run-'));
    const file = join(dir, 'mm2.properties');
    writeFileSync(
      file,
      [
        `clusters = ${source}, ${target}`,
        `${source}.bootstrap.servers = ${testCluster(source).bootstrap}`,
        `${target}.bootstrap.servers = ${testCluster(target).bootstrap}`,
        `${source}->${target}.enabled = true`,
        `${source}->${target}.topics = ${topic}`,
        'tasks.max = 2',
        'commit.interval.ms = 20',
        'batch.max.bytes = 20000',
      ].join('\n'),
    );
    const records = makeRecords(20_000, 4, 'kill');
    let loaded = false;
    const load = (async () => {
      for (let i = 0; i < records.length; i += 500) await produce(source, topic, records.slice(i, i + 500));
      loaded = true;
    })();

    for (let kill = 0; kill < 3; kill++) {
      const p = ferryRun(file);
      procs.push(p);
      // kill in the middle of the load: after a few commits of this process (or once it runs, when the load is over)
      await waitFor(
        () => commits(p) >= 3 || (loaded && p.lines.some((l) => l.startsWith('{"type":"flow-started"'))),
        { timeoutMs: 60_000, what: 'ferry run to commit' },
      ).catch((e: Error) => {
        throw new Error(
          `${e.message}; its output:\n${p.lines
            .filter((l) => !l.includes('metrics'))
            .slice(-20)
            .join('\n')}`,
        );
      });
      p.child.kill('SIGKILL');
      expect((await p.exit).signal).toBe('SIGKILL');
    }
    await load;
    const last = ferryRun(file);
    procs.push(last);
    const want = byPartition(records);
    const got = await readTopic(target, `${source}.${topic}`, counts(want), 90_000);
    expect(got).toEqual(want);
    await waitFor(() => last.lines.some((l) => l.startsWith('{"type":"flow-started"')), {
      timeoutMs: 60_000,
      what: 'the last ferry run to start',
    });
    last.child.kill('SIGTERM');
    const exit = await last.exit;
    expect(
      exit,
      last.lines
        .filter((l) => !l.includes('metrics') && !l.includes('progress'))
        .slice(-15)
        .join('\n'),
    ).toEqual({ code: 0, signal: null });
  });
});

describe('ferry run configuration errors', () => {
  it.each([
    [
      'clusters = a, b\na.bootstrap.servers = 127.0.0.1:1\nb.bootstrap.servers = 127.0.0.1:2\na->b.enabled = true\ntasks.max = many\n',
      /invalid configuration in .*: tasks\.max=many: must be a number/,
    ],
    [
      'clusters = a, b\na.bootstrap.servers = 127.0.0.1:1\nb.bootstrap.servers = 127.0.0.1:2\n',
      /no flow enabled/,
    ],
  ])('exits 2 with the key, the value and why (%#)', async (text, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-run-'));
    const file = join(dir, 'mm2.properties');
    writeFileSync(file, text);
    const p = ferryRun(file);
    expect(await p.exit).toEqual({ code: 2, signal: null });
    expect(p.lines.join('\n')).toMatch(message);
  });

  it('lists unknown and unsupported keys at start-up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-run-'));
    const file = join(dir, 'mm2.properties');
    writeFileSync(
      file,
      'clusters = a, b\na.bootstrap.servers = 127.0.0.1:1\nb.bootstrap.servers = 127.0.0.1:2\noffset.lag.max = 100\ntopcs = x\n',
    );
    const p = ferryRun(file);
    expect((await p.exit).code).toBe(2);
    const out = p.lines.join('\n');
    expect(out).toContain('offset.lag.max: an MM2 setting Ferry does not support yet; ignored');
    expect(out).toContain('topcs: not a known MM2 or Ferry setting; ignored');
  });
});
