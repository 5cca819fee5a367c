// The Helm chart deploy/helm/ferry, rendered by Go's text/template (deploy/helm-render) with the values an
// operator would use, every manifest validated against the Kubernetes schemas, and the wiring between them
// (selectors, ports, secrets, hooks, probes) checked against the code it points at.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { variablesReadByFerry } from '../src/app-env.ts';
import type { DeployCheckError } from '../src/errors.ts';
import { type RenderedChart, type RenderOptions, renderChart } from '../src/helm/render-chart.ts';
import { strictFieldProblems } from '../src/k8s/strict-fields.ts';
import { validateManifest } from '../src/k8s/validate-manifest.ts';

const repo = join(import.meta.dirname, '..', '..');
const chartDir = join(repo, 'deploy', 'helm', 'ferry');
const testValues = join(chartDir, 'ci', 'test-values.yaml');

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are walked as plain data
type Obj = Record<string, any>;

// Renders are pure: the same options give the same chart, so each distinct one is rendered once.
const rendered = new Map<string, RenderedChart>();
function render(extra: Partial<RenderOptions> = {}): RenderedChart {
  const key = JSON.stringify(extra);
  if (!rendered.has(key)) rendered.set(key, renderChart({ chartDir, valueFiles: [testValues], ...extra }));
  return structuredClone(rendered.get(key)!);
}
const find = (r: RenderedChart, kind: string, nameSuffix = '') =>
  r.documents
    .map((d) => d.doc as Obj)
    .filter((d) => d.kind === kind && String(d.metadata.name).endsWith(nameSuffix));
const one = (r: RenderedChart, kind: string, nameSuffix = ''): Obj => {
  const hits = find(r, kind, nameSuffix);
  expect(hits, `${kind} *${nameSuffix}`).toHaveLength(1);
  return hits[0]!;
};
const matches = (selector: Obj, labels: Obj) => Object.entries(selector).every(([k, v]) => labels[k] === v);
const containerOf = (workload: Obj): Obj => workload.spec.template.spec.containers[0];
const secretRefs = (workload: Obj) =>
  (containerOf(workload).env as Obj[])
    .filter((e) => e.valueFrom?.secretKeyRef)
    .map((e) => e.valueFrom.secretKeyRef as { name: string; key: string; optional?: boolean });

// Values an operator would set, each rendered and validated in full.
const MATRIX: Array<[string, Partial<RenderOptions>]> = [
  ['defaults (ci/test-values.yaml)', {}],
  ['as an upgrade', { upgrade: true }],
  [
    'Ingress with TLS, ServiceMonitor, 6 workers, another release name and namespace',
    {
      releaseName: 'replication',
      namespace: 'kafka',
      values: {
        web: {
          ingress: {
            enabled: true,
            className: 'nginx',
            host: 'ferry.example.com',
            tls: [{ secretName: 'ferry-tls', hosts: ['ferry.example.com'] }],
          },
        },
        worker: { replicas: 6, podDisruptionBudget: { maxUnavailable: '25%' } },
        metrics: { serviceMonitor: { enabled: true, labels: { release: 'prometheus' } } },
        image: {
          registry: 'registry.example.com/platform',
          worker: { repository: 'ferry-worker', tag: '0.2.0' },
        },
        extraEnv: [{ name: 'FERRY_DISCOVERY_INTERVAL_MS', value: '30000' }],
        imagePullSecrets: [{ name: 'regcred' }],
      },
    },
  ],
  [
    'an existing Secret, no PDB, no migrations Job',
    {
      valueFiles: [],
      values: {
        secrets: { existingSecret: 'ferry-prod' },
        worker: { podDisruptionBudget: { enabled: false } },
        migrations: { enabled: false },
      },
    },
  ],
];

describe('Helm chart deploy/helm/ferry', () => {
  for (const [name, opts] of MATRIX)
    it(`renders and every manifest meets its Kubernetes schema: ${name}`, () => {
      const r = render(opts);
      expect(
        find(r, 'Deployment')
          .map((d) => d.metadata.labels['app.kubernetes.io/component'])
          .sort(),
      ).toEqual(['web', 'worker']);
      for (const { source, doc } of r.documents) {
        validateManifest(doc, source);
        expect((doc.metadata as Obj).name, source).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
        expect(String((doc.metadata as Obj).name).length, source).toBeLessThanOrEqual(63);
      }
      // Selectors of every Service, PDB and ServiceMonitor pick the pods they are meant for.
      const pods = find(r, 'Deployment').map((d) => ({
        component: d.metadata.labels['app.kubernetes.io/component'],
        labels: d.spec.template.metadata.labels as Obj,
        ports: (containerOf(d).ports as Obj[]).map((p) => p.name),
        selector: d.spec.selector.matchLabels as Obj,
      }));
      for (const p of pods) expect(matches(p.selector, p.labels)).toBe(true);
      for (const svc of find(r, 'Service')) {
        const picked = pods.filter((p) => matches(svc.spec.selector, p.labels));
        expect(picked.map((p) => p.component)).toEqual([svc.metadata.labels['app.kubernetes.io/component']]);
        for (const port of svc.spec.ports) expect(picked[0]!.ports).toContain(port.targetPort);
      }
      for (const pdb of find(r, 'PodDisruptionBudget'))
        expect(
          pods.filter((p) => matches(pdb.spec.selector.matchLabels, p.labels)).map((p) => p.component),
        ).toEqual(['worker']);
      // Every variable the chart sets is one Ferry reads (a misspelt name would be silently ignored).
      const known = variablesReadByFerry(repo);
      for (const w of [...find(r, 'Deployment'), ...find(r, 'Job')])
        for (const e of containerOf(w).env as Obj[])
          expect(known, `${w.metadata.name}: ${e.name}`).toContain(e.name);
      // Every required secret reference resolves to a key of a Secret this chart renders (or the existing one).
      const secrets = new Map(find(r, 'Secret').map((s) => [s.metadata.name, Object.keys(s.stringData)]));
      const existing = (r.values.secrets as Obj).existingSecret as string;
      for (const w of [...find(r, 'Deployment'), ...find(r, 'Job')])
        for (const ref of secretRefs(w)) {
          if (existing) expect(ref.name).toBe(existing);
          else if (!ref.optional) expect(secrets.get(ref.name), `${ref.name}/${ref.key}`).toContain(ref.key);
        }
    });

  it('no manifest of any of those renders has a field the Kubernetes API does not define (strict validation)', () => {
    const objects = MATRIX.flatMap(([name, opts]) =>
      render(opts).documents.map(({ source, doc }) => ({ label: `${name}: ${source}`, doc })),
    );
    // Two broken copies in the same compiler run show the check bites: a misspelt field, a mistyped value.
    const worker = one(render(), 'Deployment', '-worker');
    const typo = structuredClone(worker);
    typo.spec.template.spec.terminationGracePeriod = 60;
    const mistyped = structuredClone(worker);
    mistyped.spec.replicas = 'two';
    const problems = strictFieldProblems([
      ...objects,
      { label: 'typo', doc: typo },
      { label: 'mistyped', doc: mistyped },
    ]);
    expect(problems.map((p) => p.object)).toEqual(['typo', 'mistyped']);
    expect(problems[0]!.message).toMatch(/terminationGracePeriod.* does not exist in type 'IPodSpec'/);
    expect(problems[1]!.message).toMatch(/Type 'string' is not assignable to type 'number'/);
  });

  it('the worker: replicas, drain grace period, probes on the real endpoints, Prometheus annotations', () => {
    const r = render({ values: { worker: { replicas: 5, terminationGracePeriodSeconds: 90 } } });
    const worker = one(r, 'Deployment', '-worker');
    const pod = worker.spec.template;
    const c = containerOf(worker);
    expect(worker.spec.replicas).toBe(5);
    expect(pod.spec.terminationGracePeriodSeconds).toBe(90);
    expect(c.ports).toEqual([{ name: 'metrics', containerPort: 9464, protocol: 'TCP' }]);
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
    const env = Object.fromEntries(
      (c.env as Obj[]).filter((e) => 'value' in e).map((e) => [e.name, e.value]),
    );
    expect(env).toMatchObject({ FERRY_WORKER_HOST: '0.0.0.0', FERRY_WORKER_PORT: '9464' });
    expect(pod.metadata.annotations).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '9464',
      'prometheus.io/path': '/metrics',
    });
    // The paths the probes ask exist in the worker's HTTP server, and its drain is what SIGTERM starts.
    const server = readFileSync(join(repo, 'apps', 'worker', 'src', 'http-server.ts'), 'utf8');
    for (const path of ['/healthz', '/readyz', '/metrics']) expect(server).toContain(`'${path}'`);
    const main = readFileSync(join(repo, 'apps', 'worker', 'src', 'main.ts'), 'utf8');
    expect(main).toMatch(/process\.on\('SIGTERM'/);
    // Non-root as the image's `node` user (uid 1000), read-only root filesystem.
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(c.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
  });

  it('the web app: Service, readiness on /api/healthz (a real route), liveness that survives a database outage', () => {
    const r = render();
    const web = one(r, 'Deployment', '-web');
    const c = containerOf(web);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/api/healthz', port: 'http' });
    expect(c.livenessProbe.tcpSocket).toEqual({ port: 'http' });
    expect(existsSync(join(repo, 'apps', 'web', 'app', 'api', 'healthz', 'route.ts'))).toBe(true);
    const env = Object.fromEntries((c.env as Obj[]).map((e) => [e.name, e.value ?? e.valueFrom]));
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining([
        'DATABASE_URL',
        'REDIS_URL',
        'FERRY_SECRET_KEY',
        'BETTER_AUTH_SECRET',
        'BETTER_AUTH_URL',
      ]),
    );
    expect(env.HOSTNAME).toBe('0.0.0.0');
    expect(env.PORT).toBe('3000');
    expect(one(r, 'Service', '-web').spec.ports[0]).toMatchObject({ port: 80, targetPort: 'http' });
    expect(find(r, 'Ingress')).toHaveLength(0);
  });

  it('migrations: a pre-install/pre-upgrade hook Job running `ferry db migrate`, its Secret created before it', () => {
    const r = render();
    const job = one(r, 'Job', '-migrate');
    expect(job.metadata.annotations['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(containerOf(job).command).toEqual(['ferry', 'db', 'migrate']);
    const [ref] = secretRefs(job);
    const hookSecret = one(r, 'Secret', '-migrations');
    expect(ref!.name).toBe(hookSecret.metadata.name);
    expect(hookSecret.metadata.annotations['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(Number(hookSecret.metadata.annotations['helm.sh/hook-weight'])).toBeLessThan(
      Number(job.metadata.annotations['helm.sh/hook-weight']),
    );
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    // The CLI the Job calls has that command.
    expect(readFileSync(join(repo, 'packages', 'cli', 'src', 'commands', 'db.ts'), 'utf8')).toContain(
      ".command('migrate')",
    );
  });

  it('an existing Secret replaces the chart-managed ones everywhere', () => {
    const r = render({ valueFiles: [], values: { secrets: { existingSecret: 'ferry-prod' } } });
    expect(find(r, 'Secret')).toHaveLength(0);
    for (const w of [...find(r, 'Deployment'), ...find(r, 'Job')])
      for (const ref of secretRefs(w)) expect(ref.name).toBe('ferry-prod');
  });

  it('secret values change the pods (checksum annotation), so a new key rolls web and workers', () => {
    const a = one(render(), 'Deployment', '-worker').spec.template.metadata.annotations['checksum/secret'];
    const b = one(
      render({ values: { secrets: { secretKeyPrevious: `k0:${'A'.repeat(43)}=` } } }),
      'Deployment',
      '-worker',
    ).spec.template.metadata.annotations['checksum/secret'];
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(b).not.toBe(a);
  });

  it('Ingress and ServiceMonitor when enabled', () => {
    const r = render(MATRIX[2]![1]);
    const ing = one(r, 'Ingress');
    expect(ing.spec.rules[0].host).toBe('ferry.example.com');
    expect(ing.spec.rules[0].http.paths[0].backend.service).toEqual({
      name: 'replication-ferry-web',
      port: { name: 'http' },
    });
    const sm = one(r, 'ServiceMonitor');
    expect(sm.metadata.labels.release).toBe('prometheus');
    expect(sm.spec.endpoints[0]).toMatchObject({ port: 'metrics', path: '/metrics' });
    expect(matches(sm.spec.selector.matchLabels, one(r, 'Service', '-worker-metrics').metadata.labels)).toBe(
      true,
    );
    expect(containerOf(one(r, 'Deployment', '-worker')).image).toBe(
      'registry.example.com/platform/ferry-worker:0.2.0',
    );
  });

  it('NOTES.txt renders', () => {
    expect(render().notes).toMatch(/Ferry 0\.1\.0 is installed as ferry in default/);
  });

  describe('refuses values an operator could get wrong', () => {
    const bad: Array<[string, Partial<RenderOptions>, RegExp]> = [
      ['no secrets at all', { valueFiles: [] }, /secrets\.databaseUrl is required/],
      [
        'a drain grace period Kubernetes would cut short',
        { values: { worker: { terminationGracePeriodSeconds: 5 } } },
        /terminationGracePeriodSeconds: must be >= 30/,
      ],
      [
        'a key that is not 32 bytes of base64',
        { values: { secrets: { secretKey: 'c2hvcnQ=' } } },
        /secrets\/secretKey: must match/,
      ],
      [
        'a misspelt key',
        { values: { worker: { replica: 3 } } },
        /\/worker: must NOT have additional properties \(replica\)/,
      ],
      [
        'an unknown log level',
        { values: { config: { logLevel: 'verbose' } } },
        /\/config\/logLevel: must be equal to one of the allowed values/,
      ],
      [
        'an Ingress without a host',
        { values: { web: { ingress: { enabled: true, host: '' } } } },
        /web\.ingress\.host is required/,
      ],
    ];
    for (const [name, opts, message] of bad)
      it(name, () => {
        try {
          render(opts);
          expect.unreachable(`${name} was accepted`);
        } catch (e) {
          expect(['INVALID_VALUES', 'RENDER_FAILED']).toContain((e as DeployCheckError).code);
          expect((e as Error).message).toMatch(message);
        }
      });
  });
});
