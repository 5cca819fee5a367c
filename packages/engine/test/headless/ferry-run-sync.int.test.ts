import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitFor } from '@ferry/testkit';
import { testCluster, uniqueName } from '@ferry/testkit/vitest';
import { describe, expect, it } from 'vitest';
import { createTopic, kafka, makeRecords, produce } from '../helpers/kafka.ts';

const FERRY = resolve(import.meta.dirname, '../../../cli/bin/ferry.js');

/** `ferry run` starts checkpoints, heartbeats and topic-config sync beside the data path, from MM2 keys. */
describe('ferry run with checkpoints and heartbeats', () => {
  it('emits heartbeats and checkpoints of a committed source group, and accepts their MM2 keys', async () => {
    const topic = uniqueName('ckp');
    const group = uniqueName('app');
    await createTopic('east', topic, 2);
    await produce('east', topic, makeRecords(200, 2, 'c'));
    const admin = kafka('east').admin();
    await admin.connect();
    await admin.setOffsets({
      groupId: group,
      topic,
      partitions: [
        { partition: 0, offset: '40' },
        { partition: 1, offset: '100' },
      ],
    });
    await admin.disconnect();

    const dir = mkdtempSync(join(tmpdir(), 'ferry-run-sync-'));
    const file = join(dir, 'mm2.properties');
    writeFileSync(
      file,
      [
        'clusters = east, west',
        `east.bootstrap.servers = ${testCluster('east').bootstrap}`,
        `west.bootstrap.servers = ${testCluster('west').bootstrap}`,
        'east->west.enabled = true',
        `east->west.topics = ${topic}`,
        `groups = ${group}`,
        'emit.checkpoints.interval.seconds = 1',
        'refresh.groups.interval.seconds = 1',
        'emit.heartbeats.interval.seconds = 1',
        'commit.interval.ms = 50',
        '',
      ].join('\n'),
    );
    const child = spawn(process.execPath, [FERRY, 'run', file, '--json', '--progress-interval', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    try {
      await waitFor(() => lines.some((l) => l.startsWith('{"type":"heartbeat-emitted"')), {
        timeoutMs: 60_000,
        what: 'a heartbeat',
      });
      await waitFor(
        () => lines.some((l) => l.startsWith('{"type":"checkpoints-emitted"') && l.includes(group)),
        { timeoutMs: 60_000, what: `checkpoints of ${group}` },
      );
      // The sync keys are known now: none of them is reported as unsupported or unknown.
      expect(stderr).not.toMatch(
        /(groups|emit\.checkpoints|emit\.heartbeats|refresh\.groups)[^\n]*(not support|not a known)/,
      );
      const west = kafka('west').admin();
      await west.connect();
      const topics = await west.listTopics();
      await west.disconnect();
      expect(topics).toEqual(
        expect.arrayContaining(['heartbeats', 'east.checkpoints.internal', `east.${topic}`]),
      );
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
