// node test/datapath/ferry-run-perf.ts <alias> <topic regex> <records> [node flags, e.g. --cpu-prof]
// Runs `ferry run` (tasks.max = 4) from the test stack's east to west under a fresh source alias (so everything
// is copied again) until <records> are committed, then stops it and prints one JSON line: wall seconds from
// flow-started to the last commit, CPU seconds of the process since flow-started (user/sys), peak RSS. Seed
// with test/datapath/seed-raw.ts. Not a test: figures for ADR 0002's measurement section.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { testCluster } from '@ferry/testkit/vitest';

const [alias = 'perf', topics = '', n = '0', ...flags] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'ferry-perf-'));
const file = join(dir, 'mm2.properties');
writeFileSync(
  file,
  [
    `clusters = ${alias}, ${alias}dst`,
    `${alias}.bootstrap.servers = ${testCluster('east').bootstrap}`,
    `${alias}dst.bootstrap.servers = ${testCluster('west').bootstrap}`,
    `${alias}->${alias}dst.enabled = true`,
    `${alias}->${alias}dst.topics = ${topics}`,
    'tasks.max = 4',
  ].join('\n'),
);
const ferry = resolve(import.meta.dirname, '../../../cli/bin/ferry.js');
const child = spawn(process.execPath, [...flags, ferry, 'run', file, '--json', '--progress-interval', '1'], {
  stdio: ['ignore', 'pipe', 'inherit'],
  cwd: dir,
});
const ticks = 100; // USER_HZ
const cpu = () => {
  const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { user: Number(f[11]) / ticks, sys: Number(f[12]) / ticks };
};
let buf = '';
let committed = 0;
let started = 0;
let last = 0;
let hwmKb = 0;
let atStart = { user: 0, sys: 0 };
const sampler = setInterval(() => {
  try {
    const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    hwmKb = Math.max(hwmKb, Number(m?.[1] ?? 0));
  } catch {
    // exited
  }
}, 200);
child.stdout!.on('data', (d: Buffer) => {
  buf += d.toString();
  const lines = buf.split('\n');
  buf = lines.pop()!;
  for (const l of lines) {
    if (l.startsWith('{"type":"flow-started"')) {
      started = Date.now();
      atStart = cpu();
    }
    if (l.startsWith('{"type":"task-error"')) process.stderr.write(`${l.slice(0, 300)}\n`);
    if (!l.startsWith('{"type":"committed"')) continue;
    committed += (JSON.parse(l) as { records: number }).records;
    last = Date.now();
    if (committed < Number(n)) continue;
    const c = cpu();
    const wallS = (last - started) / 1000;
    console.log(
      JSON.stringify({
        alias,
        records: committed,
        wallS,
        recordsPerS: Math.round(committed / wallS),
        cpuS: { user: +(c.user - atStart.user).toFixed(2), sys: +(c.sys - atStart.sys).toFixed(2) },
        peakRssMB: Math.round(hwmKb / 1024),
      }),
    );
    clearInterval(sampler);
    child.kill('SIGTERM');
  }
});
child.on('exit', () => process.exit(0));
