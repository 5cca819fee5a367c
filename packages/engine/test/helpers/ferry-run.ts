import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const FERRY = resolve(import.meta.dirname, '../../../cli/bin/ferry.js');

export interface Proc {
  child: ChildProcess;
  lines: string[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `ferry run <file> --json --progress-interval 1 [...extra]` as a child process; stdout and stderr lines kept. */
export function ferryRun(file: string, extra: string[] = []): Proc {
  const child = spawn(
    process.execPath,
    [FERRY, 'run', file, '--json', '--progress-interval', '1', ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: string[] = [];
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr!.on('data', (d: Buffer) =>
    lines.push(
      ...d
        .toString()
        .split('\n')
        .filter(Boolean)
        .map((l) => `stderr: ${l}`),
    ),
  );
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on('exit', (code, signal) => r({ code, signal })),
  );
  return { child, lines, exit };
}
