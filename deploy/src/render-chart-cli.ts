// `npm run render -w @ferry/deploy -- [-f values.yaml]... [--upgrade]`: prints the chart's manifests as
// `helm template` would (rendered by deploy/helm-render), for reading and diffing without a Helm binary.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { renderChart } from './helm/render-chart.ts';

const { values } = parseArgs({
  options: {
    values: { type: 'string', short: 'f', multiple: true },
    upgrade: { type: 'boolean' },
    release: { type: 'string', default: 'ferry' },
    namespace: { type: 'string', short: 'n', default: 'default' },
  },
});
try {
  const r = renderChart({
    chartDir: join(import.meta.dirname, '..', 'helm', 'ferry'),
    valueFiles: values.values ?? [],
    upgrade: values.upgrade ?? false,
    releaseName: values.release,
    namespace: values.namespace,
  });
  for (const d of r.documents) process.stdout.write(`---\n# Source: ${d.source}\n${stringify(d.doc)}`);
} catch (e) {
  console.error(`render: ${(e as Error).message}`);
  process.exit(1);
}
