// Prints the tables of a datapath results file (also one a run cut short wrote):
//   node bench/src/datapath/report.ts bench/results/datapath-<time>.json
import { readFileSync } from 'node:fs';
import { ratioRows, ratioTable, resultsTable, type ScenarioFigures } from './table.ts';

const file = process.argv[2];
if (!file) {
  console.error('usage: report.ts <datapath-results.json>');
  process.exit(2);
}
const j = JSON.parse(readFileSync(file, 'utf8')) as {
  complete: boolean;
  machine: Record<string, string | number>;
  loadAverages: number[][];
  wallSeconds: number;
  mm2Settings: string;
  figures: ScenarioFigures[];
};
const load1 = j.loadAverages.map((l) => l[0]!);
console.log(`complete: ${j.complete}; wall ${Math.round(j.wallSeconds)} s`);
console.log(`machine: ${Object.values(j.machine).join(', ')}`);
console.log(
  `load average (1 min): min ${Math.min(...load1).toFixed(2)}, max ${Math.max(...load1).toFixed(2)}`,
);
for (const f of j.figures)
  console.log(`${f.scenario}: ${f.title}; ${f.records} records, ${f.volumeMiB.toFixed(0)} MiB`);
console.log(`MM2 settings: ${j.mm2Settings}\n`);
console.log(resultsTable(j.figures));
console.log(`\n${ratioTable(ratioRows(j.figures))}`);
