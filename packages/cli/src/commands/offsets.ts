import { readFileSync } from 'node:fs';
import {
  type ClusterConfig,
  ConfigError,
  FerryError,
  type OffsetTranslationReport,
  parseMm2Config,
  parseProperties,
  type ReplicationPolicy,
  syncOffsets,
  type TranslateOffsetsOptions,
  translateOffsets,
} from '@ferry/engine';
import type { Command } from 'commander';

interface OffsetsOptions {
  group: string;
  from: string;
  to: string;
  config?: string;
  sourceBootstrap?: string;
  targetBootstrap?: string;
  fromCheckpoints?: boolean;
  json?: boolean;
}

/** Exit codes: 0 every partition exact (sync: written); 2 usage/config; 3 some partition not exact; 4 group active. */
export function registerOffsetsCommands(program: Command): void {
  const offsets = program
    .command('offsets')
    .description('consumer-group offsets across a replication flow, for failover runbooks');
  const common = (c: Command) =>
    c
      .requiredOption('--group <group>', 'consumer group')
      .requiredOption('--from <alias>', 'source cluster alias (where the group consumed)')
      .requiredOption('--to <alias>', 'target cluster alias (where it will resume)')
      .option('--config <mm2.properties>', 'MM2 configuration naming both clusters (security, policy)')
      .option('--source-bootstrap <servers>', 'source bootstrap servers (PLAINTEXT), instead of --config')
      .option('--target-bootstrap <servers>', 'target bootstrap servers (PLAINTEXT), instead of --config')
      .option(
        '--from-checkpoints',
        "use the last checkpoints on the target (as Java's RemoteClusterUtils does) instead of the live source offsets",
      )
      .option('--json', 'print the result as JSON');
  common(
    offsets
      .command('translate')
      .description(
        'print where the group must resume on the target, exactly, per partition (falls back to checkpoints when the source is unreachable)',
      ),
  ).action(async (o: OffsetsOptions) => {
    process.exitCode = await translate(o);
  });
  common(
    offsets
      .command('sync')
      .description(
        'write the translated offsets into the same group on the target; refuses while that group has active members, never moves it backwards',
      ),
  ).action(async (o: OffsetsOptions) => {
    process.exitCode = await sync(o);
  });
}

function options(o: OffsetsOptions): TranslateOffsetsOptions | string {
  let source: ClusterConfig | undefined;
  let target: ClusterConfig | undefined;
  let policy: ReplicationPolicy | undefined;
  let beganAtLogStart = true;
  if (o.config) {
    let text: string;
    try {
      text = readFileSync(o.config, 'utf8');
    } catch (e) {
      return `cannot read ${o.config}: ${(e as Error).message}`;
    }
    const props = parseProperties(text);
    props.set(`${o.from}->${o.to}.enabled`, 'true');
    try {
      const flow = parseMm2Config(props).flows.find((f) => f.id === `${o.from}->${o.to}`);
      if (!flow) return `${o.config} does not name clusters ${o.from} and ${o.to}`;
      source = flow.source;
      target = flow.target;
      policy = flow.policy;
      beganAtLogStart = flow.startPosition === 'earliest';
    } catch (e) {
      if (e instanceof ConfigError) return `invalid configuration in ${o.config}: ${e.message}`;
      throw e;
    }
  }
  if (o.sourceBootstrap)
    source = { alias: o.from, bootstrapServers: o.sourceBootstrap.split(','), securityProtocol: 'PLAINTEXT' };
  if (o.targetBootstrap)
    target = { alias: o.to, bootstrapServers: o.targetBootstrap.split(','), securityProtocol: 'PLAINTEXT' };
  if (!target) return 'name the target: --config <mm2.properties> or --target-bootstrap <servers>';
  if (!source) {
    if (!o.fromCheckpoints)
      return 'name the source: --config <mm2.properties> or --source-bootstrap <servers> (or use --from-checkpoints)';
    source = { alias: o.from, bootstrapServers: [], securityProtocol: 'PLAINTEXT' };
  }
  return {
    group: o.group,
    source,
    target,
    ...(policy ? { policy } : {}),
    beganAtLogStart,
    mode: o.fromCheckpoints ? 'checkpoints' : 'auto',
  };
}

function print(r: OffsetTranslationReport): void {
  console.log(
    `group ${r.group}: ${r.source} -> ${r.target} (${r.via === 'live' ? 'live source offsets, exact syncs' : 'last checkpoints on the target'})`,
  );
  if (r.fallbackReason) console.log(`  note: ${r.fallbackReason}; used the checkpoints instead`);
  if (r.partitions.length === 0) console.log('  no committed offsets of replicated topics');
  for (const p of r.partitions) {
    const where = `${p.topic}-${p.partition}@${p.upstreamOffset}`;
    console.log(
      p.exact
        ? `  ${where} -> ${p.remoteTopic}-${p.partition}@${p.downstreamOffset}`
        : `  ${where} -> NOT EXACT (${p.code}): ${p.reason}`,
    );
  }
}

const json = (v: unknown) =>
  JSON.stringify(
    v,
    (_k, x) =>
      typeof x === 'bigint' ? String(x) : x instanceof FerryError ? { code: x.code, message: x.message } : x,
    2,
  );

async function translate(o: OffsetsOptions): Promise<number> {
  const opts = options(o);
  if (typeof opts === 'string') {
    console.error(`ferry: ${opts}`);
    return 2;
  }
  quiet();
  const r = await translateOffsets(opts);
  if (o.json) console.log(json(r));
  else print(r);
  return r.partitions.every((p) => p.exact) ? 0 : 3;
}

async function sync(o: OffsetsOptions): Promise<number> {
  const opts = options(o);
  if (typeof opts === 'string') {
    console.error(`ferry: ${opts}`);
    return 2;
  }
  quiet();
  const { report, result } = await syncOffsets(opts);
  if (o.json) {
    console.log(
      json({
        report,
        result: result.ok
          ? result
          : {
              ok: false,
              group: result.group,
              error: { code: result.error.code, message: result.error.message },
            },
      }),
    );
  } else {
    print(report);
    if (result.ok) {
      for (const w of result.written)
        console.log(
          `  wrote ${w.remoteTopic}-${w.partition} = ${w.offset}${w.previous !== undefined ? ` (was ${w.previous})` : ''}`,
        );
      for (const u of result.unchanged)
        console.log(
          `  kept ${u.remoteTopic}-${u.partition} = ${u.current} (already at or past ${u.offset}; never moved backwards)`,
        );
    }
  }
  if (!result.ok) {
    console.error(`ferry: ${result.error.message}`);
    return result.error.code === 'GROUP_ACTIVE' ? 4 : 1;
  }
  return report.partitions.every((p) => p.exact) ? 0 : 3;
}

function quiet(): void {
  process.removeAllListeners('warning');
  process.on('warning', (w) => {
    if (w.name !== 'TimeoutNegativeWarning') console.error(`ferry: warning: ${w.name}: ${w.message}`);
  });
}
