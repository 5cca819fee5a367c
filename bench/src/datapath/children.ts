// The replicators and tools the bench started and that still run, so an interrupted bench (Ctrl-C, SIGTERM,
// `timeout`) stops them instead of leaving a MirrorMaker JVM or `next start` behind on a shared machine.
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();

export function track<C extends ChildProcess>(child: C): C {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

export function killAll(): number {
  const n = live.size;
  for (const c of live) c.kill('SIGKILL');
  live.clear();
  return n;
}
