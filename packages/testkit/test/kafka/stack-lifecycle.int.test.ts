import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseClusterSpecs } from '../../src/kafka/cluster-spec.ts';
import { defaultStackOptions, repoRoot, stackDown } from '../../src/kafka/stack.ts';

/** Drives the real CLI (`ferry stack …`) on a private state dir and port range. */
const stateDir = mkdtempSync(join(tmpdir(), 'ferry-lifecycle-'));
const portBase = 25092; // below the ephemeral port range (32768+), where outgoing connections could hold a port
const bin = join(repoRoot(), 'packages', 'cli', 'bin', 'ferry.js');

function ferry(...args: string[]) {
  return ferryWith({}, ...args);
}

function ferryWith(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(
    process.execPath,
    [bin, 'stack', '--state-dir', stateDir, '--port-base', String(portBase), ...args],
    {
      encoding: 'utf8',
      timeout: 180_000,
      env: { ...process.env, ...env },
    },
  );
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Alive and not a zombie (an orphaned broker may wait for a PID 1 that does not reap). */
function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

const status = () =>
  JSON.parse(ferry('status', '--json').out) as {
    clusters: Array<{
      name: string;
      pid: number | null;
      running: boolean;
      bootstrap: string;
      kafkaVersion: string;
      security: string;
    }>;
  };

describe('ferry stack up → status → restart → down', () => {
  afterAll(async () => {
    await stackDown(defaultStackOptions({ stateDir, portBase }), [], true).catch(() => {});
  });

  it('leaves no process behind and is idempotent', async () => {
    const up = ferry('up', '--clusters', 'solo');
    expect(up.code, up.err).toBe(0);
    expect(up.out).toContain(`solo\t127.0.0.1:${portBase + 20}\tKafka`);

    const s1 = status();
    expect(s1.clusters).toMatchObject([
      { name: 'solo', running: true, bootstrap: `127.0.0.1:${portBase + 20}`, security: 'PLAINTEXT' },
    ]);
    const pid1 = s1.clusters[0]!.pid!;
    expect(alive(pid1)).toBe(true);

    const again = ferry('up', '--clusters', 'solo');
    expect(again.code).toBe(0);
    expect(again.err).toContain('already running');
    expect(status().clusters[0]!.pid).toBe(pid1);

    const restart = ferry('restart', 'solo');
    expect(restart.code, restart.err).toBe(0);
    const pid2 = status().clusters[0]!.pid!;
    expect(pid2).not.toBe(pid1);
    expect(alive(pid1)).toBe(false);

    const logs = ferry('logs', 'solo', '-n', '5000');
    expect(logs.out).toMatch(/Kafka Server started|KafkaRaftServer|started/);

    const down = ferry('down');
    expect(down.code).toBe(0);
    expect(alive(pid2)).toBe(false);
    expect(status().clusters[0]).toMatchObject({ running: false, pid: null });
  });

  it('explains a taken port and a bad cluster spec', async () => {
    const blocker = createServer();
    await stackDown(defaultStackOptions({ stateDir, portBase }), [], true);
    await new Promise<void>((r) => blocker.listen(portBase + 20, '127.0.0.1', () => r()));
    try {
      const r = ferry('up', '--clusters', 'east,blocked');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(
        new RegExp(`port ${portBase + 20} \\(client listener of cluster blocked\\) is taken`),
      );
      // Ports are checked before anything starts: east was not started either.
      expect(status().clusters.filter((c) => c.running)).toEqual([]);
    } finally {
      blocker.close();
      await stackDown(defaultStackOptions({ stateDir, portBase }), [], true);
    }
    const bad = ferry('up', '--clusters', 'East');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('is not a cluster spec');
    expect(() => parseClusterSpecs('x@1.0')).toThrow(/not supported/);
  });

  it('starts a broker whose JVM dies during start-up again, then says how it ended', async () => {
    await stackDown(defaultStackOptions({ stateDir, portBase }), [], true);
    // a heap the JVM refuses: it exits at once with code 1 and a sentence on stderr (the broker's log)
    const r = ferryWith({ FERRY_BROKER_HEAP: '1k' }, 'up', '--clusters', 'dies');
    expect(r.code).toBe(1);
    expect(r.err).toContain('dies: exited during start-up (exit code 1); starting it again (attempt 2 of 3)');
    expect(r.err).toContain('(attempt 3 of 3)');
    expect(r.err).toMatch(
      /broker dies exited during start-up \(exit code 1\)\. Last lines of .*server\.log:\n(.*\n)*.*heap size/,
    );
    expect(status().clusters.filter((c) => c.running)).toEqual([]);
    await stackDown(defaultStackOptions({ stateDir, portBase }), [], true);
  });
});
