import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BrokerPorts, OAuthListenerSpec, StackSecurity } from './cluster-spec.ts';

export interface ClusterState {
  name: string;
  kafkaVersion: string;
  security: StackSecurity;
  ports: BrokerPorts;
  bootstrap: string;
  /** Bootstrap of the PLAINTEXT back-door listener on secured clusters (for the stack's own admin work). */
  internalBootstrap: string;
  clusterId: string;
  dir: string;
  pid: number | null;
  startedAt: string | null;
  /** PEM of the CA that signed a TLS cluster's certificate. */
  caPem?: string;
  sasl?: { mechanism: 'scram-sha-512'; username: string; password: string };
  /** The extra OAUTHBEARER listener, when the spec asked for one: its bootstrap and how it validates. */
  oauthbearer?: OAuthListenerSpec & { bootstrap: string };
}

export interface StackState {
  version: 1;
  clusters: ClusterState[];
}

export const EMPTY_STATE: StackState = { version: 1, clusters: [] };

export function readState(file: string): StackState {
  if (!existsSync(file)) return { ...EMPTY_STATE, clusters: [] };
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as StackState;
  if (parsed.version !== 1 || !Array.isArray(parsed.clusters)) {
    throw new Error(`${file} is not a ferry stack state file (delete it and run ferry stack up again)`);
  }
  return parsed;
}

/** Writes atomically so a reader never sees half a file. */
export function writeState(file: string, state: StackState): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, file);
}

export function upsertCluster(state: StackState, cluster: ClusterState): StackState {
  const others = state.clusters.filter((c) => c.name !== cluster.name);
  return { ...state, clusters: [...others, cluster].sort((a, b) => a.ports.client - b.ports.client) };
}

/**
 * Ports for a new cluster: the well-known ones for east/west, otherwise the first block of 10 from `base`
 * that no cluster in the state uses. client = block, controller = block+1, internal = block+2.
 */
export function allocatePorts(state: StackState, name: string, base: number): BrokerPorts {
  const existing = state.clusters.find((c) => c.name === name);
  if (existing) return existing.ports;
  const used = new Set(state.clusters.map((c) => c.ports.client));
  const wellKnown: Record<string, number> = { east: 0, west: 10 };
  const preferred = wellKnown[name];
  let block = preferred !== undefined && !used.has(base + preferred) ? base + preferred : base + 20;
  while (used.has(block)) block += 10;
  return { client: block, controller: block + 1, internal: block + 2 };
}
