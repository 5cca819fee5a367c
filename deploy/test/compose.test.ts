// docker-compose.yml and .env.example, validated by Debian's docker-compose (`docker-compose config` parses,
// interpolates and checks the file against the Compose schema; no Docker engine is needed or used).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { variablesReadByFerry } from '../src/app-env.ts';
import {
  type ComposeConfig,
  composeConfig,
  runComposeConfig,
  servicesFor,
} from '../src/compose/compose-config.ts';
import { parseDockerfile } from '../src/dockerfile/dockerfile-stages.ts';

const repo = join(import.meta.dirname, '..', '..');
const envExample = join(repo, '.env.example');
const config: ComposeConfig = composeConfig(repo, envExample);
const svc = (name: string) => {
  const s = config.services[name];
  expect(s, `service ${name}`).toBeDefined();
  return s!;
};
const FERRY = ['migrate', 'postgres', 'redis', 'web', 'worker-1', 'worker-2'];
const DEMO = ['demo-producer', 'demo-seed', 'kafka-east', 'kafka-west'];

function envFileWith(changes: Record<string, string | null>): string {
  const lines = readFileSync(envExample, 'utf8')
    .split('\n')
    .filter((l) => {
      const key = l.split('=')[0]!;
      return !(key in changes) || changes[key] !== null;
    })
    .map((l) => {
      const key = l.split('=')[0]!;
      return key in changes && changes[key] !== null ? `${key}=${changes[key]}` : l;
    });
  const file = join(mkdtempSync(join(tmpdir(), 'ferry-compose-')), '.env');
  writeFileSync(file, lines.join('\n'));
  return file;
}

describe('docker-compose.yml', () => {
  it('is valid for docker-compose with .env.example, and `up` starts the whole demo (profile demo)', () => {
    expect(Object.keys(config.services).sort()).toEqual([...DEMO, ...FERRY].sort());
    const profiles = readFileSync(envExample, 'utf8')
      .match(/^COMPOSE_PROFILES=(.*)$/m)![1]!
      .split(',');
    expect(servicesFor(config, profiles)).toEqual([...DEMO, ...FERRY].sort());
  });

  it('with your own Kafka (no profile) starts only Ferry, and nothing of Ferry waits for a demo service', () => {
    expect(servicesFor(config, [])).toEqual(FERRY);
    for (const name of FERRY)
      for (const dep of Object.keys(svc(name).depends_on ?? {}))
        expect(FERRY, `${name} depends on ${dep}`).toContain(dep);
  });

  it('two single-node KRaft clusters from the official apache/kafka image, each on a named volume', () => {
    const ids = new Set<string>();
    for (const name of ['kafka-east', 'kafka-west']) {
      const k = svc(name);
      expect(k.image).toMatch(/^apache\/kafka:4\.\d+\.\d+$/);
      const env = k.environment!;
      expect(env).toMatchObject({
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_NODE_ID: '1',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      });
      expect(env.KAFKA_ADVERTISED_LISTENERS).toContain(`PLAINTEXT://${name}:9092`);
      // A cluster id is a base64url UUID: 22 characters, 16 bytes.
      expect(env.CLUSTER_ID).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(Buffer.from(env.CLUSTER_ID!, 'base64url')).toHaveLength(16);
      ids.add(env.CLUSTER_ID!);
      expect(k.volumes).toEqual([`${name}-data:/var/lib/kafka/data:rw`]);
      expect(env.KAFKA_LOG_DIRS).toBe('/var/lib/kafka/data');
      expect(k.healthcheck!.test).toContain('/opt/kafka/bin/kafka-broker-api-versions.sh');
    }
    expect(ids.size).toBe(2);
    expect(Object.keys(config.volumes ?? {}).sort()).toEqual([
      'kafka-east-data',
      'kafka-west-data',
      'postgres-data',
    ]);
    expect(svc('postgres').volumes).toEqual(['postgres-data:/var/lib/postgresql/data:rw']);
  });

  it('migrations run once before web and workers start; the demo seed waits for them and both clusters', () => {
    expect(svc('migrate').command).toEqual(['ferry', 'db', 'migrate']);
    expect(svc('migrate').restart).toBe('no');
    expect(svc('migrate').depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    for (const name of ['web', 'worker-1', 'worker-2', 'demo-seed'])
      expect(svc(name).depends_on!.migrate).toEqual({ condition: 'service_completed_successfully' });
    expect(svc('demo-seed').depends_on).toMatchObject({
      'kafka-east': { condition: 'service_healthy' },
      'kafka-west': { condition: 'service_healthy' },
    });
    expect(svc('demo-producer').depends_on).toEqual({
      'demo-seed': { condition: 'service_completed_successfully' },
    });
    // The seed points the stack-based scripts at the compose brokers.
    expect(svc('demo-seed').environment).toMatchObject({
      FERRY_DEMO_EAST_BOOTSTRAP: 'kafka-east:9092',
      FERRY_DEMO_WEST_BOOTSTRAP: 'kafka-west:9092',
    });
    for (const script of ['scripts/seed-demo-flow.ts', 'scripts/demo-producer.ts'])
      expect(readFileSync(join(repo, script), 'utf8')).toContain('FERRY_DEMO_EAST_BOOTSTRAP');
  });

  it('builds the images from the Dockerfile targets that exist, and gives workers time to drain', () => {
    const targets = parseDockerfile(readFileSync(join(repo, 'Dockerfile'), 'utf8')).map((s) => s.name);
    for (const [name, s] of Object.entries(config.services).filter(([, s]) => s.build)) {
      expect(s.build!.context, name).toBe(repo);
      expect(targets, name).toContain(s.build!.target);
    }
    expect(svc('web').build!.target).toBe('web');
    // The demo runs from the web image, which has every workspace's dependencies (the seed uses the web app's auth).
    for (const name of ['demo-seed', 'demo-producer']) expect(svc(name).build!.target).toBe('web');
    expect(svc('migrate').build!.target).toBe('worker');
    for (const name of ['worker-1', 'worker-2']) {
      const w = svc(name);
      expect(w.build!.target).toBe('worker');
      expect(w.command).toBeUndefined(); // the image's CMD: node apps/worker/src/main.ts
      expect(w.init).toBe(true);
      expect(Number.parseInt(w.stop_grace_period!, 10)).toBeGreaterThanOrEqual(30);
    }
  });

  it('gives web and workers the same database, Redis, prefix and keys; the web app its auth settings', () => {
    const shared = [
      'DATABASE_URL',
      'REDIS_URL',
      'FERRY_REDIS_PREFIX',
      'FERRY_SECRET_KEY',
      'FERRY_SECRET_KEY_ID',
    ];
    const web = svc('web').environment!;
    for (const name of ['worker-1', 'worker-2', 'migrate'])
      for (const k of shared) expect(svc(name).environment![k], `${name} ${k}`).toBe(web[k]);
    expect(web.DATABASE_URL).toBe('postgres://ferry:ferry@postgres:5432/ferry');
    expect(web.REDIS_URL).toBe('redis://redis:6379');
    expect(Buffer.from(web.FERRY_SECRET_KEY!, 'base64')).toHaveLength(32);
    expect(web.BETTER_AUTH_SECRET!.length).toBeGreaterThanOrEqual(32);
    expect(web.BETTER_AUTH_URL).toBe('http://localhost:3000');
    expect(web.HOSTNAME).toBe('0.0.0.0');
  });

  it('sets no variable on a Ferry container that Ferry does not read (a typo would be silently ignored)', () => {
    const known = variablesReadByFerry(repo);
    const ferryServices = Object.entries(config.services).filter(([, s]) => s.build);
    expect(ferryServices.length).toBe(6);
    for (const [name, s] of ferryServices)
      for (const key of Object.keys(s.environment ?? {})) expect(known, `${name}: ${key}`).toContain(key);
  });

  it('publishes ports on loopback only', () => {
    const published = Object.values(config.services).flatMap((s) => s.ports ?? []);
    expect(published.length).toBeGreaterThanOrEqual(7);
    for (const p of published) expect(p).toMatch(/^127\.0\.0\.1:\d+:\d+\/tcp$/);
    expect(svc('worker-1').ports).toEqual(['127.0.0.1:9464:9464/tcp']);
    expect(svc('worker-2').ports).toEqual(['127.0.0.1:9465:9464/tcp']);
  });

  it('refuses to start without the secrets, naming the variable', () => {
    for (const key of ['FERRY_SECRET_KEY', 'BETTER_AUTH_SECRET']) {
      const r = runComposeConfig(repo, envFileWith({ [key]: null }));
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain(`set ${key} in .env`);
    }
  });

  it('takes overrides from .env (ports, images, Postgres password)', () => {
    const c = composeConfig(
      repo,
      envFileWith({
        FERRY_WEB_HOST_PORT: '8080',
        FERRY_WORKER_IMAGE: 'registry.example.com/ferry-worker:0.2.0',
        POSTGRES_PASSWORD: 's3cret',
      }),
    );
    expect(c.services.web!.ports).toEqual(['127.0.0.1:8080:3000/tcp']);
    expect(c.services['worker-1']!.image).toBe('registry.example.com/ferry-worker:0.2.0');
    expect(c.services['worker-2']!.environment!.DATABASE_URL).toBe(
      'postgres://ferry:s3cret@postgres:5432/ferry',
    );
  });
});

describe('.env.example', () => {
  const text = readFileSync(envExample, 'utf8');
  const documented = new Set([...text.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
  const compose = readFileSync(join(repo, 'docker-compose.yml'), 'utf8');
  const used = new Set([...compose.matchAll(/(?<!\$)\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!));

  it('documents every variable docker-compose.yml reads', () => {
    expect(used.size).toBeGreaterThan(15);
    for (const v of used) expect(documented, v).toContain(v);
  });

  it('holds nothing docker-compose.yml does not use (besides COMPOSE_PROFILES, read by compose itself)', () => {
    for (const v of documented) if (v !== 'COMPOSE_PROFILES') expect(used, v).toContain(v);
  });
});
