/**
 * `docker-compose config` (Debian's docker-compose 1.29, which parses, interpolates and validates a compose file
 * against the Compose schema without a Docker engine), run with a clean environment so only the given env file
 * feeds the interpolation.
 */
import { spawnSync } from 'node:child_process';
import { parse } from 'yaml';
import { DeployCheckError } from '../errors.ts';
import { dockerComposeBinary } from '../tools.ts';

export interface ComposeService {
  image?: string;
  build?: { context: string; target?: string };
  command?: string[];
  environment?: Record<string, string>;
  profiles?: string[];
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  init?: boolean;
  stop_grace_period?: string;
  restart?: string;
}

export interface ComposeConfig {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export interface ComposeRun {
  status: number;
  stdout: string;
  stderr: string;
}

export function runComposeConfig(
  projectDir: string,
  envFile: string,
  extraEnv: Record<string, string> = {},
): ComposeRun {
  const r = spawnSync(
    dockerComposeBinary(),
    ['--project-directory', projectDir, '--env-file', envFile, 'config'],
    {
      cwd: projectDir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...extraEnv },
    },
  );
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function composeConfig(
  projectDir: string,
  envFile: string,
  extraEnv: Record<string, string> = {},
): ComposeConfig {
  const r = runComposeConfig(projectDir, envFile, extraEnv);
  if (r.status !== 0)
    throw new DeployCheckError('COMPOSE_FAILED', `docker-compose config failed:\n${r.stderr}`);
  return parse(r.stdout) as ComposeConfig;
}

/** The services `docker compose up` starts with these profiles active (Compose spec: no profiles = always). */
export function servicesFor(config: ComposeConfig, profiles: string[]): string[] {
  return Object.entries(config.services)
    .filter(([, s]) => !s.profiles?.length || s.profiles.some((p) => profiles.includes(p)))
    .map(([name]) => name)
    .sort();
}
