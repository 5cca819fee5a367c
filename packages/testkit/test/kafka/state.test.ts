import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jarPom } from '../../src/kafka/jars.ts';
import {
  allocatePorts,
  type ClusterState,
  EMPTY_STATE,
  readState,
  upsertCluster,
  writeState,
} from '../../src/kafka/state.ts';

const cluster = (name: string, client: number): ClusterState => ({
  name,
  kafkaVersion: '4.3.1',
  security: 'PLAINTEXT',
  ports: { client, controller: client + 1, internal: client + 2 },
  bootstrap: `127.0.0.1:${client}`,
  internalBootstrap: `127.0.0.1:${client}`,
  clusterId: 'x',
  dir: `/tmp/${name}`,
  pid: null,
  startedAt: null,
});

describe('allocatePorts', () => {
  it.each([
    ['east on an empty stack', [], 'east', 19092],
    ['west on an empty stack', [], 'west', 19102],
    ['another name goes after the well-known blocks', [], 'auth', 19112],
    ['skips used blocks', [cluster('auth', 19112)], 'secure', 19122],
    ['keeps an existing cluster its ports', [cluster('east', 19092)], 'east', 19092],
    ['west when its block is taken', [cluster('x', 19102)], 'west', 19112],
  ])('%s', (_label, clusters, name, client) => {
    const ports = allocatePorts({ ...EMPTY_STATE, clusters }, name, 19092);
    expect(ports).toEqual({ client, controller: client + 1, internal: client + 2 });
  });
});

describe('state file', () => {
  it('round-trips and replaces clusters by name, ordered by port', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ferry-state-')), 'state.json');
    expect(readState(file)).toEqual(EMPTY_STATE);
    let s = upsertCluster(EMPTY_STATE, cluster('west', 19102));
    s = upsertCluster(s, cluster('east', 19092));
    s = upsertCluster(s, { ...cluster('east', 19092), pid: 42 });
    writeState(file, s);
    expect(readState(file).clusters.map((c) => [c.name, c.pid])).toEqual([
      ['east', 42],
      ['west', null],
    ]);
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(1);
  });
});

describe('jarPom', () => {
  it('lists each artifact as a dependency', () => {
    const pom = jarPom(['org.apache.kafka:kafka_2.13:4.3.1', 'org.slf4j:slf4j-reload4j:1.7.36']);
    expect(pom).toContain(
      '<groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>4.3.1</version>',
    );
    expect(pom).toContain('<artifactId>slf4j-reload4j</artifactId><version>1.7.36</version>');
  });
});
