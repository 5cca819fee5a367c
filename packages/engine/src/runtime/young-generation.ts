/**
 * V8's young generation ("new space", two semi-spaces) is sized by V8 itself from the allocation rate: it starts
 * at 2 × 1 MB and doubles up to 2 × `--max-semi-space-size`, whose default on 64-bit Node 24 lets it reach 128 MB
 * (measured: a synthetic allocation loop ends with new_space = 128 MB; `ferry run` over 1,000 partitions grew it
 * 16 → 32 → 64 MB in its first seconds and keeps it there). Committed young-generation pages count in RSS, so the
 * part of a worker's memory that V8 alone decides is as large as a quarter to a half of the 256 MB budget a
 * worker replicating 1,000 partitions must stay under (issue #10).
 *
 * Ferry's processes run with semi-spaces of at most 16 MB (young generation ≤ 32 MB). The engine's steady
 * garbage is a few MB a second (the data path's record bytes live outside the V8 heap), so a 16 MB semi-space
 * still means a scavenge every few seconds at most. Measured with the soak (`npm run test:memory -w
 * @ferry/engine`, same code otherwise; figures in docs/adr/0002-data-path.md): peak RSS 177–184 MB with the
 * bound, 193–201 MB without it.
 *
 * V8 reads the flag only when the heap is set up, so it cannot be set from inside a running process
 * (`v8.setFlagsFromString` has no effect on the size): the entry re-executes itself with it, in place —
 * `process.execve` keeps the process id (signals, supervisors and the soak's /proc sampling see one process)
 * and the standard streams. Nothing happens when the flag is already given (command line or NODE_OPTIONS:
 * an operator's choice wins), on platforms without execve (Windows), or when FERRY_V8_DEFAULTS=1 is set.
 */
export const MAX_SEMI_SPACE_MB = 16;

const FLAG = '--max-semi-space-size';

/** The arguments to re-execute with, or undefined when the process already runs as wanted. */
export function youngGenerationArgs(
  execArgv: readonly string[],
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): string[] | undefined {
  const given = (s: string) =>
    s === FLAG || s.startsWith(`${FLAG}=`) || s.startsWith('--max_semi_space_size');
  if (execArgv.some(given)) return undefined;
  if ((env.NODE_OPTIONS ?? '').split(/\s+/).some(given)) return undefined;
  if (env.FERRY_V8_DEFAULTS === '1') return undefined;
  if (argv.length < 2) return undefined; // no script (REPL, -e): nothing to re-run
  return [`${FLAG}=${MAX_SEMI_SPACE_MB}`, ...execArgv, ...argv.slice(1)];
}

/** Re-executes the current process with the young-generation bound (see above); returns when not needed. */
export function boundYoungGeneration(): void {
  const args = youngGenerationArgs(process.execArgv, process.argv, process.env);
  if (!args || typeof process.execve !== 'function') return;
  process.execve(process.execPath, [process.execPath, ...args], process.env);
}
