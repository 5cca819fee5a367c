import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  DEFAULT_KAFKA_VERSION,
  defaultStackOptions,
  parseClusterSpecs,
  stackDown,
  stackLogPath,
  stackRestart,
  stackStatus,
  stackUp,
  supportedKafkaVersions,
} from '@ferry/testkit';
import type { Command } from 'commander';

interface CommonOpts {
  stateDir?: string;
  portBase?: string;
}

function options(o: CommonOpts) {
  return defaultStackOptions({
    ...(o.stateDir ? { stateDir: o.stateDir } : {}),
    ...(o.portBase ? { portBase: Number(o.portBase) } : {}),
    onProgress: (m: string) => console.error(`stack: ${m}`),
  });
}

export function registerStackCommands(program: Command): void {
  const stack = program
    .command('stack')
    .description('The local stack: single-node KRaft Kafka clusters from Maven Central jars, on loopback')
    .option(
      '--state-dir <dir>',
      'where state, data and logs live (default .ferry/stack, or $FERRY_STACK_DIR)',
    )
    .option('--port-base <port>', 'first client port: east=base, west=base+10 (default 19092)');

  stack
    .command('up')
    .description('fetch the Kafka jars (once), format and start clusters, wait until each answers Metadata')
    .option(
      '--clusters <list>',
      'comma-separated name[:plaintext|scram|tls][@version], e.g. east,west,auth:scram,secure:tls,old@3.9',
      'east,west',
    )
    .option(
      '--kafka <version>',
      `default broker version (${supportedKafkaVersions().join(', ')})`,
      DEFAULT_KAFKA_VERSION,
    )
    .action(async (o: { clusters: string; kafka: string }, cmd: Command) => {
      const specs = parseClusterSpecs(o.clusters, o.kafka);
      const started = Date.now();
      const clusters = await stackUp(options(cmd.parent!.opts()), specs);
      for (const c of clusters) {
        const auth = c.sasl
          ? ` (SASL SCRAM-SHA-512 user ${c.sasl.username})`
          : c.security === 'SSL'
            ? ' (TLS, CA in state file)'
            : '';
        console.log(`${c.name}\t${c.bootstrap}\tKafka ${c.kafkaVersion}\t${c.security}${auth}`);
      }
      console.error(`stack: up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });

  stack
    .command('status')
    .description('list the stack clusters and whether they run')
    .option('--json', 'machine-readable output')
    .action((o: { json?: boolean }, cmd: Command) => {
      const clusters = stackStatus(options(cmd.parent!.opts()));
      if (o.json) {
        const out = clusters.map((c) => ({
          name: c.name,
          bootstrap: c.bootstrap,
          kafkaVersion: c.kafkaVersion,
          pid: c.running ? c.pid : null,
          running: c.running,
          security: c.security,
          ...(c.sasl ? { sasl: c.sasl } : {}),
          ...(c.caPem ? { caPem: c.caPem } : {}),
        }));
        console.log(JSON.stringify({ clusters: out }, null, 2));
        return;
      }
      if (clusters.length === 0) {
        console.log('no clusters; start some with: npx ferry stack up');
        return;
      }
      for (const c of clusters) {
        console.log(
          `${c.name}\t${c.bootstrap}\tKafka ${c.kafkaVersion}\t${c.security}\t${c.running ? `running (pid ${c.pid})` : 'stopped'}`,
        );
      }
    });

  stack
    .command('down')
    .description('stop the clusters this stack started (by PID)')
    .argument('[clusters...]', 'only these clusters')
    .option('--purge', 'also delete their data')
    .action(async (names: string[], o: { purge?: boolean }, cmd: Command) => {
      const stopped = await stackDown(options(cmd.parent!.opts()), names, o.purge);
      console.log(
        stopped.length
          ? `stopped ${stopped.join(', ')}${o.purge ? ' (data deleted)' : ''}`
          : 'nothing to stop',
      );
    });

  stack
    .command('restart')
    .description('stop and start one cluster, keeping its data (for fault tests)')
    .argument('<cluster>')
    .option('--kill', 'SIGKILL instead of a clean shutdown')
    .action(async (name: string, o: { kill?: boolean }, cmd: Command) => {
      const c = await stackRestart(options(cmd.parent!.opts()), name, o);
      console.log(`${c.name} restarted (pid ${c.pid}) on ${c.bootstrap}`);
    });

  stack
    .command('logs')
    .description("print a cluster's broker log")
    .argument('<cluster>')
    .option('-f, --follow', 'keep printing as the log grows')
    .option('-n, --lines <n>', 'last lines to show', '200')
    .action(async (name: string, o: { follow?: boolean; lines: string }, cmd: Command) => {
      const file = stackLogPath(options(cmd.parent!.opts()), name);
      if (!existsSync(file)) throw new Error(`no log yet at ${file}`);
      const args = ['-n', o.lines, ...(o.follow ? ['-F'] : []), file];
      await new Promise<void>((res) => spawn('tail', args, { stdio: 'inherit' }).on('close', () => res()));
    });
}
