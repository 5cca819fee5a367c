// deploy/grafana/ferry-replication.json: a Grafana dashboard whose every query names series a Ferry worker
// exports — MirrorMaker 2's names as apps/worker/src/metrics/prometheus.ts defines them, Ferry's lag, and the
// process metrics prom-client collects under the worker's prefix.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';

// Grafana's variable syntax, not a JavaScript template.
const DATASOURCE_VARIABLE = ['$', '{datasource}'].join('');
const repo = join(import.meta.dirname, '..', '..');
const dashboard = JSON.parse(readFileSync(join(repo, 'deploy', 'grafana', 'ferry-replication.json'), 'utf8'));

/** The series the worker registers, read from its source (`${SRC}_…`, `${CKP}_…`, 'ferry_…'). */
function workerSeries(): Set<string> {
  const src = readFileSync(join(repo, 'apps', 'worker', 'src', 'metrics', 'prometheus.ts'), 'utf8');
  const constant = (name: string) => src.match(new RegExp(`const ${name} = '([a-z_]+)'`))![1]!;
  const prefixes: Record<string, string> = { SRC: constant('SRC'), CKP: constant('CKP') };
  const names = new Set<string>();
  for (const m of src.matchAll(/`\$\{(SRC|CKP)\}(_[a-z_]+)`/g)) names.add(`${prefixes[m[1]!]}${m[2]}`);
  for (const m of src.matchAll(/'(ferry_[a-z_]+)'/g)) names.add(m[1]!);
  return names;
}

async function defaultSeries(): Promise<Set<string>> {
  const main = readFileSync(join(repo, 'apps', 'worker', 'src', 'main.ts'), 'utf8');
  const prefix = main.match(/collectDefaultMetrics\(\{ register: registry, prefix: '([a-z_]+)' \}\)/)![1]!;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix });
  return new Set((await registry.getMetricsAsJSON()).map((m) => m.name));
}

const panels = (
  dashboard.panels as Array<{ type: string; title: string; targets?: Array<{ expr: string }> }>
).filter((p) => p.type !== 'row');
const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));

describe('Grafana dashboard deploy/grafana/ferry-replication.json', () => {
  it('queries only series a worker exports', async () => {
    const known = new Set([...workerSeries(), ...(await defaultSeries())]);
    expect(known).toContain('kafka_connect_mirror_source_connector_replication_latency_ms_max');
    expect(known).toContain('ferry_worker_process_cpu_seconds_total');
    const used = new Set(
      exprs.flatMap((e) =>
        [...e.matchAll(/\b((?:kafka_connect_mirror|ferry)_[a-z0-9_]+)/g)].map((m) => m[1]!),
      ),
    );
    expect(used.size).toBeGreaterThanOrEqual(10);
    for (const name of used) expect(known, name).toContain(name);
  });

  it('charts every MM2-named series and both lag series', () => {
    const used = exprs.join('\n');
    for (const name of workerSeries()) {
      if (
        name.endsWith('_min') ||
        name.endsWith('_byte_count') ||
        name.endsWith('_checkpoint_latency_ms_avg')
      )
        continue;
      expect(used, name).toContain(name);
    }
  });

  it('is a dashboard Grafana imports: uid, schema version, a Prometheus data source variable on every query', () => {
    expect(dashboard.uid).toBe('ferry-replication');
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    const vars = (dashboard.templating.list as Array<{ name: string; type: string }>).map(
      (v) => `${v.name}:${v.type}`,
    );
    expect(vars).toEqual(['datasource:datasource', 'source:query', 'target:query', 'topic:query']);
    const ids = (dashboard.panels as Array<{ id: number }>).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of panels) {
      expect((p as unknown as { datasource: { uid: string } }).datasource.uid, p.title).toBe(
        DATASOURCE_VARIABLE,
      );
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
    }
  });
});
