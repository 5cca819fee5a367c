import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { schema } from '@ferry/db';
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db.ts';

const root = join(import.meta.dirname, '..', '..', '..');

// Finding 8: `npm start` seeded a demo owner with a fixed password even in production, and web listened on
// every interface.
describe('the demo seed and npm start', () => {
  it.each([join(root, 'apps', 'web', 'scripts', 'seed-demo.ts'), join(root, 'scripts', 'seed-demo-flow.ts')])(
    '%s refuses NODE_ENV=production unless FERRY_DEMO_SEED=1',
    (script) => {
      const r = spawnSync(process.execPath, [script], {
        env: { ...process.env, NODE_ENV: 'production', FERRY_DEMO_SEED: '' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/refusing .*NODE_ENV=production/);
    },
  );

  it('created no account in this database', async () => {
    expect(await db().select().from(schema.users)).toEqual([]);
  });

  it('start.sh binds the web server to 127.0.0.1 unless FERRY_WEB_HOST says otherwise', () => {
    const sh = readFileSync(join(root, 'scripts', 'start.sh'), 'utf8');
    expect(sh).toMatch(/FERRY_WEB_HOST="\$\{FERRY_WEB_HOST:-127\.0\.0\.1\}"/);
    const start = sh.split('\n').find((l) => l.includes('next start'));
    expect(start).toMatch(/-H "\$FERRY_WEB_HOST"/);
  });
});
