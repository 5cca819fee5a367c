// Prints the report (markdown, ready to append to docs/benchmarks.md) of a datapath results file, also of
// one a run cut short wrote:
//   node bench/src/datapath/report.ts bench/results/datapath-<time>.json
import { readFileSync } from 'node:fs';
import { markdownReport, projectWall, type ReportInput } from './markdown.ts';

const file = process.argv[2];
if (!file) {
  console.error('usage: report.ts <datapath-results.json>');
  process.exit(2);
}
const j = JSON.parse(readFileSync(file, 'utf8')) as ReportInput;
console.log(markdownReport(j));
console.log(
  `wall time ${Math.round(j.wallSeconds)} s; from its parts, 3 runs of what it measured would take about ${Math.round(projectWall(j, 3, 1))} s`,
);
