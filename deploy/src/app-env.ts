/**
 * The environment variables Ferry's processes read, taken from their source (the worker's and the web app's env
 * modules, the demo scripts, Next.js's own PORT/HOSTNAME), so the deployment files can be checked for names
 * nothing reads (a typo there is a setting silently ignored).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const FILES = [
  'apps/worker/src/env.ts',
  'apps/worker/src/main.ts',
  'apps/web/lib/env.ts',
  'apps/web/scripts/seed-demo.ts',
  'packages/db/src/env.ts',
  'packages/db/src/migrate.ts',
  'scripts/seed-demo-flow.ts',
  'scripts/demo-producer.ts',
];

export function variablesReadByFerry(repo: string): Set<string> {
  const names = new Set(['NODE_ENV', 'PORT', 'HOSTNAME']); // Node itself and the Next.js standalone server
  for (const file of FILES) {
    let text: string;
    try {
      text = readFileSync(join(repo, file), 'utf8');
    } catch {
      continue;
    }
    for (const m of text.matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)) names.add(m[1]!);
    for (const m of text.matchAll(/\benv\[['"`]([A-Z][A-Z0-9_]+)['"`]\]/g)) names.add(m[1]!);
    for (const m of text.matchAll(/^\s+([A-Z][A-Z0-9_]+): z\./gm)) names.add(m[1]!); // the web app's zod schema
    for (const m of text.matchAll(/intervalMs\(env, '([A-Z][A-Z0-9_]+)'/g)) names.add(m[1]!);
    // seed-demo-flow.ts builds FERRY_DEMO_<CLUSTER>_BOOTSTRAP for its two clusters, east and west.
    if (/FERRY_DEMO_\$\{/.test(text))
      for (const c of ['EAST', 'WEST']) names.add(`FERRY_DEMO_${c}_BOOTSTRAP`);
  }
  return names;
}
