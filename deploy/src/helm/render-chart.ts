/**
 * Renders a Helm chart without a Helm binary: the templates go through Go's own text/template (the engine Helm
 * uses) in deploy/helm-render/main.go; this module does the parts Helm does around it — reads Chart.yaml and
 * values.yaml, merges value overrides, validates the result against values.schema.json, and splits the output
 * into YAML documents. The template functions available are the subset main.go documents.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Ajv } from 'ajv';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { DeployCheckError } from '../errors.ts';
import { goBinary } from '../tools.ts';
import { mergeValues, type Values } from './values.ts';

const deployRoot = join(import.meta.dirname, '..', '..');
const rendererDir = join(deployRoot, 'helm-render');
const cacheDir = join(deployRoot, '.cache');

export interface RenderOptions {
  chartDir: string;
  /** Value files applied in order over values.yaml (like `helm template -f a.yaml -f b.yaml`). */
  valueFiles?: string[];
  /** Applied last (like `--set`). */
  values?: Values;
  releaseName?: string;
  namespace?: string;
  /** Render as `helm upgrade` would (Release.IsUpgrade); default an install. */
  upgrade?: boolean;
  kubeVersion?: string;
}

export interface RenderedDocument {
  /** The template that produced it, e.g. ferry/templates/worker-deployment.yaml. */
  source: string;
  doc: Record<string, unknown>;
}

export interface RenderedChart {
  values: Values;
  documents: RenderedDocument[];
  notes: string;
}

/** The renderer binary, built from deploy/helm-render with the standard library only (no network: GOPROXY=off). */
export function buildRenderer(): string {
  const out = join(cacheDir, 'helm-render');
  const source = join(rendererDir, 'main.go');
  if (existsSync(out) && statSync(out).mtimeMs >= statSync(source).mtimeMs) return out;
  mkdirSync(cacheDir, { recursive: true });
  // Built under a name of its own and renamed into place, so test files building at once never run a half-written
  // binary.
  const tmp = `${out}.${randomUUID()}.tmp`;
  const r = spawnSync(goBinary(), ['build', '-o', tmp, '.'], {
    cwd: rendererDir,
    encoding: 'utf8',
    env: {
      ...process.env,
      GOCACHE: join(cacheDir, 'go-build'),
      GOPATH: join(cacheDir, 'gopath'),
      GOPROXY: 'off',
      GOFLAGS: '-mod=mod',
      GOTOOLCHAIN: 'local',
      CGO_ENABLED: '0',
    },
  });
  if (r.status !== 0)
    throw new DeployCheckError('RENDER_FAILED', `building deploy/helm-render failed:\n${r.stderr}`);
  renameSync(tmp, out);
  return out;
}

function readYamlFile(path: string): Values {
  const parsed = parseYaml(readFileSync(path, 'utf8')) as unknown;
  return (parsed ?? {}) as Values;
}

function templateFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...templateFiles(p));
    else out.push(p);
  }
  return out.sort();
}

/** Helm validates the merged values against values.schema.json before rendering; so does this. */
export function validateValues(chartDir: string, values: Values): void {
  const schemaPath = join(chartDir, 'values.schema.json');
  if (!existsSync(schemaPath)) return;
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
  if (!validate(values)) {
    const lines = (validate.errors ?? []).map(
      (e) =>
        `  ${e.instancePath || '(root)'}: ${e.message}${e.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : ''}`,
    );
    throw new DeployCheckError(
      'INVALID_VALUES',
      `values don't meet values.schema.json:\n${lines.join('\n')}`,
    );
  }
}

export function renderChart(o: RenderOptions): RenderedChart {
  const chartYaml = readYamlFile(join(o.chartDir, 'Chart.yaml'));
  const name = String(chartYaml.name);
  let values = readYamlFile(join(o.chartDir, 'values.yaml'));
  for (const f of o.valueFiles ?? []) values = mergeValues(values, readYamlFile(f));
  if (o.values) values = mergeValues(values, o.values);
  validateValues(o.chartDir, values);

  const templates: Record<string, string> = {};
  const templatesDir = join(o.chartDir, 'templates');
  for (const file of templateFiles(templatesDir))
    templates[`${name}/templates/${relative(templatesDir, file)}`] = readFileSync(file, 'utf8');

  const kubeVersion = o.kubeVersion ?? 'v1.31.0';
  const [major, minor] = kubeVersion.replace(/^v/, '').split('.');
  const input = {
    templates,
    values,
    chart: {
      Name: name,
      Version: String(chartYaml.version),
      AppVersion: String(chartYaml.appVersion ?? ''),
      Description: String(chartYaml.description ?? ''),
      KubeVersion: String(chartYaml.kubeVersion ?? ''),
    },
    release: {
      Name: o.releaseName ?? 'ferry',
      Namespace: o.namespace ?? 'default',
      Service: 'Helm',
      IsInstall: !o.upgrade,
      IsUpgrade: Boolean(o.upgrade),
      Revision: o.upgrade ? 2 : 1,
    },
    capabilities: { KubeVersion: { Version: kubeVersion, Major: major, Minor: minor } },
  };
  let stdout: string;
  try {
    stdout = execFileSync(buildRenderer(), [], { input: JSON.stringify(input), encoding: 'utf8' });
  } catch (e) {
    const out = (e as { stdout?: string }).stdout ?? '';
    const message = out ? (JSON.parse(out) as { error: string }).error : (e as Error).message;
    throw new DeployCheckError('RENDER_FAILED', message);
  }
  const { manifests } = JSON.parse(stdout) as { manifests: Record<string, string> };

  const documents: RenderedDocument[] = [];
  let notes = '';
  for (const [source, text] of Object.entries(manifests).sort(([a], [b]) => a.localeCompare(b))) {
    if (source.endsWith('/NOTES.txt')) {
      notes = text;
      continue;
    }
    for (const d of parseAllDocuments(text)) {
      if (d.errors.length)
        throw new DeployCheckError(
          'INVALID_MANIFEST',
          `${source} renders invalid YAML: ${d.errors.map((e) => e.message).join('; ')}\n${text}`,
        );
      const doc = d.toJS() as unknown;
      if (doc === null || doc === undefined) continue;
      if (typeof doc !== 'object' || Array.isArray(doc))
        throw new DeployCheckError('INVALID_MANIFEST', `${source} renders a document that is not an object`);
      documents.push({ source, doc: doc as Record<string, unknown> });
    }
  }
  return { values, documents, notes };
}
