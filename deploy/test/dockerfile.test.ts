// The Dockerfile and .dockerignore, checked without a Docker engine: the instructions the images rely on
// (parsed by dockerfile-ast), the files they copy, and the health check script run for real.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, globSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerIgnore, lineage, parseDockerfile, type Stage } from '../src/dockerfile/dockerfile-stages.ts';

const repo = join(import.meta.dirname, '..', '..');
const stages = parseDockerfile(readFileSync(join(repo, 'Dockerfile'), 'utf8'));
const ignored = dockerIgnore(readFileSync(join(repo, '.dockerignore'), 'utf8'));
const stage = (name: string): Stage => {
  const s = stages.find((x) => x.name === name);
  expect(s, `stage ${name}`).toBeDefined();
  return s!;
};
const steps = (s: Stage, keyword: string) => s.steps.filter((x) => x.keyword === keyword);
/** The last value of an instruction along a target's stage chain (what the image ends up with). */
const effective = (target: string, keyword: string) =>
  lineage(stages, target)
    .flatMap((s) => steps(s, keyword).reverse())
    .at(0);
const envOf = (target: string) =>
  Object.fromEntries(
    lineage(stages, target)
      .reverse()
      .flatMap((s) => steps(s, 'ENV'))
      .flatMap((e) => e.args.split(/\s+/).filter(Boolean))
      .map((kv) => kv.split('=') as [string, string]),
  );

describe('Dockerfile', () => {
  it('is multi-stage, and both targets run on Node 24 LTS slim', () => {
    expect(stages.map((s) => s.name)).toEqual([
      'base',
      'manifests',
      'worker-deps',
      'prod-deps',
      'build',
      'runtime',
      'worker',
      'web',
    ]);
    for (const target of ['web', 'worker']) {
      const chain = lineage(stages, target);
      expect(chain.map((s) => s.name)).toEqual([target, 'runtime', 'base']);
      expect(chain.at(-1)!.from).toMatch(/^node:24(\.\d+)*-(bookworm-|trixie-)?slim$/);
    }
  });

  it('the runtime images get production dependencies only; dev dependencies stay in the build stage', () => {
    expect(steps(stage('prod-deps'), 'RUN').map((r) => r.args)).toEqual([
      'npm ci --omit=dev --ignore-scripts',
    ]);
    // The worker image: only the worker's and the CLI's production dependencies.
    expect(steps(stage('worker-deps'), 'RUN').map((r) => r.args)).toEqual([
      'npm ci --omit=dev --ignore-scripts --workspace @ferry/worker --workspace @ferry/cli',
    ]);
    const depsOf = (target: string) =>
      lineage(stages, target)
        .flatMap((s) => steps(s, 'COPY'))
        .filter((c) => c.flags.from && c.flags.from !== 'build')
        .map((c) => `${c.flags.from} ${c.args}`);
    expect(depsOf('worker')).toEqual(['worker-deps /app /app']);
    expect(depsOf('web')).toEqual(['prod-deps /app /app']);
    expect(steps(stage('build'), 'RUN')[0]!.args).toMatch(/^npm ci --include=dev/);
    for (const name of ['runtime', 'worker', 'web']) {
      for (const r of steps(stage(name), 'RUN')) expect(r.args).not.toMatch(/npm (ci|install)/);
      for (const c of steps(stage(name), 'COPY').filter((x) => x.flags.from))
        expect(['worker-deps', 'prod-deps', 'build']).toContain(c.flags.from);
    }
    // From the build stage only the Next.js standalone server and its static files.
    const fromBuild = [...steps(stage('web'), 'COPY'), ...steps(stage('runtime'), 'COPY')].filter(
      (c) => c.flags.from === 'build',
    );
    expect(fromBuild.map((c) => c.args.split(/\s+/)[0])).toEqual([
      '/app/apps/web/.next/standalone',
      '/app/apps/web/.next/static',
    ]);
    expect(envOf('web').NODE_ENV).toBe('production');
    expect(envOf('worker').NODE_ENV).toBe('production');
  });

  it('builds the web app as Next.js standalone output, with the switch next.config.ts reads', () => {
    const build = steps(stage('build'), 'RUN').at(-1)!;
    expect(build.args).toMatch(/FERRY_NEXT_STANDALONE=1 .*next build/);
    const config = readFileSync(join(repo, 'apps', 'web', 'next.config.ts'), 'utf8');
    expect(config).toMatch(/process\.env\.FERRY_NEXT_STANDALONE === '1'/);
    expect(config).toMatch(/output: 'standalone'/);
    // Traced from the repository root, so the server lands at <standalone>/apps/web/server.js.
    expect(config).toMatch(/outputFileTracingRoot: join\(import\.meta\.dirname, '\.\.', '\.\.'\)/);
    expect(effective('web', 'CMD')!.exec).toEqual(['node', '/app/web/apps/web/server.js']);
    expect(envOf('web')).toMatchObject({ PORT: '3000', HOSTNAME: '0.0.0.0' });
  });

  it('runs as the unprivileged node user in both images', () => {
    for (const target of ['web', 'worker']) expect(effective(target, 'USER')!.args).toBe('node');
  });

  it('starts Node directly in exec form (PID 1 gets SIGTERM; the worker drains on it)', () => {
    for (const target of ['web', 'worker']) {
      expect(effective(target, 'ENTRYPOINT')).toBeUndefined();
      const cmd = effective(target, 'CMD')!;
      expect(cmd.exec, `${target} CMD must be exec form`).not.toBeNull();
      expect(cmd.exec![0]).toBe('node');
      expect(effective(target, 'STOPSIGNAL')!.args).toBe('SIGTERM');
    }
    expect(effective('worker', 'CMD')!.exec).toEqual(['node', 'apps/worker/src/main.ts']);
    expect(existsSync(join(repo, 'apps', 'worker', 'src', 'main.ts'))).toBe(true);
    expect(readFileSync(join(repo, 'apps', 'worker', 'src', 'main.ts'), 'utf8')).toMatch(
      /process\.on\('SIGTERM', \(\) => void shutdown\('SIGTERM'\)\)/,
    );
  });

  it('has a HEALTHCHECK per image on its health endpoint, and the worker listens beyond loopback', () => {
    for (const [target, port] of [
      ['web', '3000'],
      ['worker', '9464'],
    ] as const) {
      const hc = effective(target, 'HEALTHCHECK')!;
      expect(hc.exec).toEqual(['node', '/app/deploy/docker/healthcheck.mjs', target]);
      expect(Object.keys(hc.flags).sort()).toEqual(['interval', 'retries', 'start-period', 'timeout']);
      expect(effective(target, 'EXPOSE')!.args).toBe(port);
    }
    expect(envOf('worker')).toMatchObject({ FERRY_WORKER_HOST: '0.0.0.0', FERRY_WORKER_PORT: '9464' });
  });

  it('puts the ferry CLI on PATH (ferry db migrate, ferry run, ferry offsets)', () => {
    const link = steps(stage('runtime'), 'RUN').find((r) => r.args.includes('/usr/local/bin/ferry'))!;
    expect(link.args).toMatch(/ln -s \/app\/packages\/cli\/bin\/ferry\.js \/usr\/local\/bin\/ferry/);
    const cli = JSON.parse(readFileSync(join(repo, 'packages', 'cli', 'package.json'), 'utf8'));
    expect(cli.bin.ferry).toBe('bin/ferry.js');
    // The link is made as root: no USER before it (the images switch to node after it).
    for (const name of ['base', 'runtime']) expect(steps(stage(name), 'USER'), name).toEqual([]);
    // The CLI's dependencies are in both images' node_modules (the worker's install names @ferry/cli).
    expect(steps(stage('worker-deps'), 'RUN')[0]!.args).toContain('--workspace @ferry/cli');
  });

  it("copies every workspace's package.json before npm ci, so the lock file's workspace tree matches", () => {
    const root = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { workspaces: string[] };
    const workspaces = root.workspaces.flatMap((w) => globSync(`${w}/package.json`, { cwd: repo })).sort();
    const copied = steps(stage('manifests'), 'COPY')
      .flatMap((c) => c.args.split(/\s+/).slice(0, -1))
      .filter((p) => p.endsWith('/package.json'))
      .sort();
    expect(copied).toEqual(workspaces);
  });

  it('copies from the build context only files that exist and that .dockerignore lets through', () => {
    const sources = stages
      .flatMap((s) => steps(s, 'COPY'))
      .filter((c) => !c.flags.from)
      .flatMap((c) => c.args.split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(10);
    for (const src of sources) {
      expect(existsSync(join(repo, src)), src).toBe(true);
      expect(ignored(src), `${src} is excluded by .dockerignore`).toBe(false);
    }
  });
});

describe('.dockerignore', () => {
  it('keeps dependencies, caches, local state, secrets and tests out of the build context', () => {
    for (const path of [
      '.git',
      'node_modules',
      'apps/web/node_modules/x',
      'apps/web/.next',
      '.tools/node/bin/node',
      '.cache/jars',
      '.ferry/stack',
      '.env',
      '.env.local',
      'packages/engine/test/datapath',
      'apps/worker/test/replication',
      'bench/results',
    ])
      expect(ignored(path), path).toBe(true);
    for (const path of [
      '.env.example',
      'packages/engine/src/index.ts',
      'apps/web/app/page.tsx',
      'package-lock.json',
    ])
      expect(ignored(path), path).toBe(false);
  });
});

describe('deploy/docker/healthcheck.mjs (the images’ HEALTHCHECK), run against real HTTP servers', () => {
  let server: Server;
  let port: number;
  let status = 200;
  const asked: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      asked.push(req.url ?? '');
      res.writeHead(status).end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  // Asynchronous (spawn, not spawnSync), so the server in this process can answer while the check runs.
  const check = (role: string, env: Record<string, string>) =>
    new Promise<number>((resolve) => {
      const p = spawn(process.execPath, [join(repo, 'deploy', 'docker', 'healthcheck.mjs'), role], {
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: 'ignore',
      });
      p.on('exit', (code) => resolve(code ?? -1));
    });

  it('worker: 0 on a 2xx from /healthz on $FERRY_WORKER_PORT, 1 on a 503', async () => {
    status = 200;
    asked.length = 0;
    expect(await check('worker', { FERRY_WORKER_PORT: String(port) })).toBe(0);
    expect(asked).toEqual(['/healthz']);
    status = 503;
    expect(await check('worker', { FERRY_WORKER_PORT: String(port) })).toBe(1);
  });

  it('web: 0 on a 2xx from /api/healthz on $PORT, 1 on a 503', async () => {
    status = 200;
    asked.length = 0;
    expect(await check('web', { PORT: String(port) })).toBe(0);
    expect(asked).toEqual(['/api/healthz']);
    status = 503;
    expect(await check('web', { PORT: String(port) })).toBe(1);
  });

  it('1 when nothing listens; 2 for an unknown role', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    expect(await check('worker', { FERRY_WORKER_PORT: String(freePort) })).toBe(1);
    expect(
      spawnSync(process.execPath, [join(repo, 'deploy', 'docker', 'healthcheck.mjs'), 'db']).status,
    ).toBe(2);
  });
});
