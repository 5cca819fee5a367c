import {
  ConfigError,
  type FerryError,
  loadMm2PropertiesFile,
  type Mm2Config,
  type RangeVerificationReport,
  verifyFlowRange,
} from '@ferry/engine';
import type { Command } from 'commander';

interface VerifyOptions {
  flow?: string;
  from?: string;
  last?: string;
  json?: boolean;
  checkpointEvery: string;
}

/**
 * `ferry verify <mm2.properties>`: compares every replicated record of each flow (whole range, or --from /
 * --last) between source and target. Progress on stderr; the result on stdout. Exit 0: identical; 1:
 * differences; 2: bad usage or a cluster could not be read.
 */
export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description(
      'compare every replicated record of a flow between source and target (count and order-sensitive digest per partition; the first divergent record when they differ). Exit 0 identical, 1 differences, 2 could not verify',
    )
    .argument('<mm2.properties>', 'the MirrorMaker 2 configuration file the flow runs with')
    .option('--flow <source->target>', 'which enabled flow (default: every enabled flow)')
    .option('--from <offset>', 'start every partition at this source offset (default: the log start)')
    .option('--last <n>', 'only the last n records before each partition’s replicated position')
    .option('--checkpoint-every <n>', 'records between digest checkpoints (the re-read block)', '10000')
    .option('--json', 'print the report as JSON on stdout')
    .action(async (file: string, o: VerifyOptions) => {
      process.exitCode = await verify(file, o);
    });
}

function wholeNumber(v: string | undefined, name: string, min: number): number | undefined | Error {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min) return new Error(`${name}=${v}: must be a whole number ≥ ${min}`);
  return Number(v);
}

async function verify(file: string, o: VerifyOptions): Promise<number> {
  const from = wholeNumber(o.from, '--from', 0);
  const last = wholeNumber(o.last, '--last', 1);
  const every = wholeNumber(o.checkpointEvery, '--checkpoint-every', 1);
  for (const v of [from, last, every])
    if (v instanceof Error) {
      console.error(`ferry: ${v.message}`);
      return 2;
    }
  if (from !== undefined && last !== undefined) {
    console.error('ferry: --from and --last cannot be combined: choose where the comparison starts once');
    return 2;
  }
  let config: Mm2Config;
  try {
    config = loadMm2PropertiesFile(file);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`ferry: invalid configuration in ${file}: ${e.message}`);
      return 2;
    }
    throw e;
  }
  const flows = o.flow ? config.flows.filter((f) => f.id === o.flow) : config.flows;
  if (flows.length === 0) {
    console.error(
      o.flow
        ? `ferry: no enabled flow ${o.flow} in ${file} (enabled: ${config.flows.map((f) => f.id).join(', ') || 'none'})`
        : `ferry: no flow enabled in ${file}`,
    );
    return 2;
  }
  let differs = false;
  for (const flow of flows) {
    const t0 = Date.now();
    let report: RangeVerificationReport;
    try {
      report = await verifyFlowRange(flow, {
        ...(from !== undefined ? { from: BigInt(from as number) } : {}),
        ...(last !== undefined ? { last: last as number } : {}),
        ...(every !== undefined ? { checkpointEvery: every as number } : {}),
        onProgress: (p) => {
          const s = (Date.now() - t0) / 1000;
          const rate = s > 0 ? Math.round(p.records / s) : 0;
          console.error(
            `ferry: ${flow.id}: ${p.phase} ${p.records.toLocaleString('en')}${p.total ? ` of ${p.total.toLocaleString('en')}` : ''} records (${rate.toLocaleString('en')}/s)`,
          );
        },
      });
    } catch (e) {
      const err = e as FerryError;
      console.error(`ferry: ${flow.id}: cannot verify: ${err.message}${err.code ? ` [${err.code}]` : ''}`);
      return 2;
    }
    if (!report.ok) differs = true;
    if (o.json) {
      console.log(JSON.stringify(report));
      continue;
    }
    const secs = report.durationMs / 1000;
    for (const p of report.partitions) {
      if (p.ok && !p.note) continue;
      const where = `${p.topic}-${p.partition} → ${p.remoteTopic}-${p.partition}`;
      if (p.ok) console.log(`${flow.id}: ${where}: ${p.sourceRecords} records identical (${p.note})`);
      else {
        const d = p.firstDifference;
        console.log(
          `${flow.id}: ${where}: DIFFERS: source ${p.sourceRecords} records [${p.sourceFrom}, ${p.sourceTo}), target ${p.targetRecords} [${p.targetFrom}, ${p.targetTo})${d ? `; first at source offset ${d.sourceOffset ?? '-'}, target offset ${d.targetOffset ?? '-'}: ${d.field}: ${d.detail}` : ''}`,
        );
      }
    }
    console.log(
      `${flow.id}: ${report.ok ? 'OK' : 'DIFFERENCES'}: ${report.totals.records.toLocaleString('en')} records in ${report.totals.compared} of ${report.totals.partitions} partitions compared, ${report.totals.differing} differing, in ${secs.toFixed(1)} s (${Math.round(report.totals.records / Math.max(secs, 0.001)).toLocaleString('en')} records/s)`,
    );
  }
  return differs ? 1 : 0;
}
