// Sums the JSON reports every suite wrote (Vitest per workspace, Playwright) into one line:
//   ci: N passed, N failed[, N skipped]
// and lists the failures. Exit code 1 when anything failed or no test ran at all.
import { existsSync, globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
let passed = 0;
let failed = 0;
let skipped = 0;
const failures: string[] = [];
const rows: string[] = [];

for (const file of globSync(
  [
    'apps/*/.reports/vitest.json',
    'packages/*/.reports/vitest.json',
    'bench/.reports/vitest.json',
    'deploy/.reports/vitest.json',
  ],
  { cwd: root },
)) {
  const r = JSON.parse(readFileSync(join(root, file), 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    testResults: Array<{ name: string; assertionResults: Array<{ status: string; fullName: string }> }>;
  };
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
  rows.push(`${file.split('/.reports')[0]}: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
  for (const t of r.testResults) {
    for (const a of t.assertionResults)
      if (a.status === 'failed') failures.push(`${t.name.replace(`${root}/`, '')} › ${a.fullName}`);
  }
}

const pw = join(root, 'e2e', '.reports', 'playwright.json');
if (existsSync(pw)) {
  const r = JSON.parse(readFileSync(pw, 'utf8')) as {
    stats: { expected: number; unexpected: number; skipped: number; flaky: number };
  };
  passed += r.stats.expected + r.stats.flaky;
  failed += r.stats.unexpected;
  skipped += r.stats.skipped;
  rows.push(`e2e: ${r.stats.expected + r.stats.flaky} passed, ${r.stats.unexpected} failed`);
  if (r.stats.unexpected) failures.push('e2e: see the Playwright output above');
}

// A suite that failed without writing a report (crashed, no test files, type errors) still counts.
const suiteErrors = Number(process.env.FERRY_SUITE_ERRORS ?? 0);
if (suiteErrors > 0) {
  failed += suiteErrors;
  failures.push(
    `${suiteErrors} suite run(s) exited non-zero without a failing test in their report (see the output above)`,
  );
}

for (const row of rows) console.log(`  ${row}`);
for (const f of failures) console.log(`  FAILED ${f}`);
console.log(`ci: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
