/**
 * Unknown-field check for rendered manifests (what `kubectl apply --validate=strict` adds to the schemas): each
 * object is written as an object literal typed with the kubernetes-models interface of its kind, and the
 * TypeScript compiler reports any property the Kubernetes API does not define (excess property checks) and any
 * value of the wrong type. One program for all objects; nothing is emitted.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const TYPES: Record<string, { module: string; type: string }> = {
  // One module per kind (not the version's index), so the compiler loads only the types it needs.
  'apps/v1/Deployment': { module: 'kubernetes-models/apps/v1/Deployment', type: 'IDeployment' },
  'batch/v1/Job': { module: 'kubernetes-models/batch/v1/Job', type: 'IJob' },
  'networking.k8s.io/v1/Ingress': {
    module: 'kubernetes-models/networking.k8s.io/v1/Ingress',
    type: 'IIngress',
  },
  'policy/v1/PodDisruptionBudget': {
    module: 'kubernetes-models/policy/v1/PodDisruptionBudget',
    type: 'IPodDisruptionBudget',
  },
  'v1/Secret': { module: 'kubernetes-models/v1/Secret', type: 'ISecret' },
  'v1/Service': { module: 'kubernetes-models/v1/Service', type: 'IService' },
  'v1/ServiceAccount': { module: 'kubernetes-models/v1/ServiceAccount', type: 'IServiceAccount' },
  'monitoring.coreos.com/v1/ServiceMonitor': {
    module: '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor',
    type: 'IServiceMonitor',
  },
};

export interface FieldProblem {
  /** Which object: the caller's label for it. */
  object: string;
  message: string;
}

/** Type-checks every object against its kind's interface; returns the problems (empty when all are clean). */
export function strictFieldProblems(
  objects: Array<{ label: string; doc: Record<string, unknown> }>,
): FieldProblem[] {
  const dir = join(import.meta.dirname, '..', '..', '.cache');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `strict-fields-${randomUUID()}.ts`);
  const imports = new Map<string, Set<string>>();
  const lines: string[] = [];
  const labels: string[] = [];
  objects.forEach(({ label, doc }, i) => {
    const key = `${doc.apiVersion}/${doc.kind}`;
    const t = TYPES[key];
    if (!t) throw new Error(`${label}: no TypeScript interface known for ${key}`);
    if (!imports.has(t.module)) imports.set(t.module, new Set());
    imports.get(t.module)!.add(t.type);
    labels.push(label);
    lines.push(`export const o${i}: ${t.type} = ${JSON.stringify(doc, null, 1)};`);
  });
  const header = [...imports].map(([m, types]) => `import type { ${[...types].join(', ')} } from '${m}';`);
  const text = `${header.join('\n')}\n${lines.join('\n')}\n`;
  writeFileSync(file, text);
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    types: [],
    lib: ['lib.es2022.d.ts'],
  });
  const source = program.getSourceFile(file)!;
  const starts = lines.map((_, i) => text.indexOf(`export const o${i}:`));
  const diagnostics = ts.getPreEmitDiagnostics(program, source);
  rmSync(file, { force: true });
  return diagnostics.map((d) => {
    const at = d.start ?? 0;
    let index = 0;
    for (let i = 0; i < starts.length; i++) if (starts[i]! <= at) index = i;
    return { object: labels[index] ?? '?', message: ts.flattenDiagnosticMessageText(d.messageText, '\n') };
  });
}
