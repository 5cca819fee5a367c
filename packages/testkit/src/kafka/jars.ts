import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertJavaAndMaven } from './tools.ts';
import type { KafkaVersionSpec } from './versions.ts';

export class JarFetchError extends Error {
  readonly code = 'JAR_FETCH_FAILED';
}

/** A throwaway pom whose runtime dependencies are the artifacts' jars. Pure, for tests. */
export function jarPom(artifacts: string[]): string {
  const deps = artifacts
    .map((a) => {
      const [g, n, v] = a.split(':');
      return `    <dependency><groupId>${g}</groupId><artifactId>${n}</artifactId><version>${v}</version></dependency>`;
    })
    .join('\n');
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.ferry.cache</groupId><artifactId>jars</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
${deps}
  </dependencies>
</project>
`;
}

/**
 * Makes sure the jars for `artifacts` are in `<cacheDir>/<name>/lib` and returns that folder.
 * The first call resolves them from Maven Central with `mvn dependency:copy-dependencies`; later calls
 * find the `.complete` marker and do nothing (offline).
 */
export async function ensureJars(
  cacheDir: string,
  name: string,
  artifacts: string[],
  onProgress: (msg: string) => void = () => {},
): Promise<string> {
  const dir = join(cacheDir, name);
  const lib = join(dir, 'lib');
  const marker = join(dir, '.complete');
  if (existsSync(marker) && existsSync(lib) && readdirSync(lib).length > 0) return lib;
  assertJavaAndMaven();
  rmSync(lib, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'pom.xml'), jarPom(artifacts));
  onProgress(`fetching ${artifacts.join(', ')} from Maven Central (once; later runs are offline)…`);
  const out: string[] = [];
  const code = await new Promise<number>((resolve, reject) => {
    const p = spawn(
      'mvn',
      ['-B', '-q', 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${lib}`],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    p.stdout.on('data', (d) => out.push(String(d)));
    p.stderr.on('data', (d) => out.push(String(d)));
    p.on('error', reject);
    p.on('close', (c) => resolve(c ?? 1));
  });
  if (code !== 0) {
    throw new JarFetchError(
      `Maven could not resolve ${artifacts.join(', ')} (exit ${code}). Is Maven Central reachable?\n${out.join('').slice(-2000)}`,
    );
  }
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  return lib;
}

export function ensureKafkaJars(
  cacheDir: string,
  spec: KafkaVersionSpec,
  onProgress?: (msg: string) => void,
): Promise<string> {
  return ensureJars(cacheDir, `kafka-${spec.version}`, spec.artifacts, onProgress);
}
