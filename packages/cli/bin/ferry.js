#!/usr/bin/env node
// Entry shim, written to run on any Node: Ferry's code needs Node >= 22.15 with TypeScript type stripping.
// On an older Node (the machine default may be Node 20) it re-executes itself with the project's Node 24
// from .tools/node, fetching it first through scripts/ensure-node.sh.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const [major, minor] = process.versions.node.split('.').map(Number);
const recentEnough = major > 22 || (major === 22 && minor >= 15);

if (!recentEnough || !process.features.typescript) {
  const projectNode = join(root, '.tools', 'node', 'bin', 'node');
  if (!recentEnough) {
    if (!existsSync(projectNode)) {
      const r = spawnSync('bash', ['-c', `source "${join(root, 'scripts', 'ensure-node.sh')}"`], {
        stdio: 'inherit',
      });
      if (r.status !== 0) {
        console.error(
          `ferry: needs Node.js 22.15 or newer (this is ${process.version}) and could not fetch Node 24.`,
        );
        process.exit(1);
      }
    }
  }
  const node = recentEnough ? process.execPath : projectNode;
  const flags =
    process.features.typescript && recentEnough ? [] : ['--experimental-strip-types', '--no-warnings'];
  const r = spawnSync(node, [...flags, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(r.status ?? (r.signal ? 128 : 1));
}

// `ferry run` is the headless worker: bound V8's young generation (re-executes in place, same process id; see
// packages/engine/src/runtime/young-generation.ts) before anything is loaded.
if (process.argv[2] === 'run') {
  const { boundYoungGeneration } = await import('@ferry/engine/young-generation');
  boundYoungGeneration();
}
const { main } = await import('../src/main.ts');
await main(process.argv);
