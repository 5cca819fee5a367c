import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_SEMI_SPACE_MB, youngGenerationArgs } from '../../src/runtime/young-generation.ts';

const FLAG = `--max-semi-space-size=${MAX_SEMI_SPACE_MB}`;

describe('youngGenerationArgs', () => {
  it.each([
    {
      what: 'a script without flags: re-run with the bound first',
      execArgv: [],
      argv: ['/node', '/app/main.ts', 'run', 'x.properties'],
      env: {},
      want: [FLAG, '/app/main.ts', 'run', 'x.properties'],
    },
    {
      what: 'other node flags are kept, after the bound',
      execArgv: ['--enable-source-maps'],
      argv: ['/node', '/app/main.ts'],
      env: {},
      want: [FLAG, '--enable-source-maps', '/app/main.ts'],
    },
    {
      what: 'already re-executed (the flag is in execArgv): nothing',
      execArgv: [FLAG],
      argv: ['/node', '/app/main.ts'],
      env: {},
      want: undefined,
    },
    {
      what: "an operator's own size on the command line wins",
      execArgv: ['--max-semi-space-size', '64'],
      argv: ['/node', '/app/main.ts'],
      env: {},
      want: undefined,
    },
    {
      what: "an operator's own size in NODE_OPTIONS wins",
      execArgv: [],
      argv: ['/node', '/app/main.ts'],
      env: { NODE_OPTIONS: '--enable-source-maps --max-semi-space-size=32' },
      want: undefined,
    },
    {
      what: 'the underscore spelling counts too',
      execArgv: ['--max_semi_space_size=8'],
      argv: ['/node', '/app/main.ts'],
      env: {},
      want: undefined,
    },
    {
      what: 'FERRY_V8_DEFAULTS=1 keeps V8 as it is',
      execArgv: [],
      argv: ['/node', '/app/main.ts'],
      env: { FERRY_V8_DEFAULTS: '1' },
      want: undefined,
    },
    {
      what: 'no script (eval, REPL): nothing to re-run',
      execArgv: ['-e', 'x'],
      argv: ['/node'],
      env: {},
      want: undefined,
    },
  ])('$what', ({ execArgv, argv, env, want }) => {
    expect(youngGenerationArgs(execArgv, argv, env)).toEqual(want);
  });
});

describe('boundYoungGeneration', () => {
  it('re-executes a real node process in place: same pid, the bound in execArgv, arguments kept, V8 sized by it', () => {
    const script = join(tmpdir(), `young-gen-${process.pid}.mjs`);
    writeFileSync(
      script,
      [
        `const { boundYoungGeneration } = await import(${JSON.stringify(join(import.meta.dirname, '../../src/runtime/young-generation.ts'))});`,
        "const v8 = await import('node:v8');",
        'const first = process.pid;',
        'boundYoungGeneration();',
        // after the re-exec: fill the young generation; it must not grow past 2 × the bound
        'const keep = []; const t = Date.now();',
        'while (Date.now() - t < 1500) { const a = []; for (let i = 0; i < 1000; i++) a.push({ i, s: "x" + i }); keep.push(a); if (keep.length > 200) keep.shift(); }',
        "const n = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');",
        'console.log(JSON.stringify({ pid: process.pid, execArgv: process.execArgv, args: process.argv.slice(2), newSpaceMb: n.space_size / 1048576 }));',
      ].join('\n'),
    );
    const r = spawnSync(process.execPath, [script, 'a', 'b c'], {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '', FERRY_V8_DEFAULTS: '' },
    });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1); // the first image printed nothing: it was replaced before the output
    const out = JSON.parse(lines[0]!) as {
      pid: number;
      execArgv: string[];
      args: string[];
      newSpaceMb: number;
    };
    expect(out.pid).toBe(r.pid);
    expect(out.execArgv).toContain(FLAG);
    expect(out.args).toEqual(['a', 'b c']);
    // two semi-spaces of the bound, plus the pages V8 keeps beside them (seen: 33.25 MB for a bound of 16 MB);
    // unbounded, the same loop grows the young generation to 128 MB on this machine
    expect(out.newSpaceMb).toBeLessThanOrEqual(2 * MAX_SEMI_SPACE_MB + 4);
  });
});
