import { existsSync, globSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { DeployCheckError } from './errors.ts';

/** The first executable called `name` on PATH, then in `fallbacks` (glob patterns); undefined when none. */
export function findTool(name: string, fallbacks: string[] = []): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, name);
    if (dir && existsSync(p)) return p;
  }
  for (const pattern of fallbacks) {
    const hit = globSync(pattern).sort().reverse()[0];
    if (hit) return hit;
  }
  return undefined;
}

/** Go from Debian (`golang-go` puts it on PATH; `golang-1.NN-go` alone leaves it in /usr/lib/go-1.NN/bin). */
export function goBinary(): string {
  const go = process.env.FERRY_GO ?? findTool('go', ['/usr/lib/go/bin/go', '/usr/lib/go-1.*/bin/go']);
  if (!go)
    throw new DeployCheckError(
      'MISSING_TOOL',
      'Go is needed to render the Helm chart with text/template: apt-get install golang-go (scripts/install.sh installs it)',
    );
  return go;
}

/** Debian's docker-compose (v1.29, Python): parses and validates compose files without a Docker engine. */
export function dockerComposeBinary(): string {
  const bin = process.env.FERRY_DOCKER_COMPOSE ?? findTool('docker-compose');
  if (!bin)
    throw new DeployCheckError(
      'MISSING_TOOL',
      'docker-compose is needed to validate docker-compose.yml: apt-get install docker-compose (scripts/install.sh installs it)',
    );
  return bin;
}
