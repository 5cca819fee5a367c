import { ApiError, CONNECTION_TESTS_QUEUE, type ConnectionReport } from '@ferry/core';
import type { SecretKey } from '@ferry/core/secret-box';
import { type Db, getClusterOrThrow } from '@ferry/db';
import { testStoredCluster } from '@ferry/engine';
import type { Processor } from './processor.ts';

export interface ConnectionTestDeps {
  db: Db;
  keyring: SecretKey[];
  /** This worker's id, returned as `testedBy` so the person testing sees where the test ran. */
  workerId: string;
}

/** A job naming a cluster that is not one of the team's (deleted since, or another team's): never tested. */
export class ConnectionTestRefused extends Error {
  readonly code = 'CLUSTER_NOT_IN_TEAM';
  readonly retriable = false;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The connection-tests queue: "Test connection" of a stored cluster, run from a worker because workers are
 * the machines that must reach the cluster. The payload carries ids only; the cluster is loaded by id *and*
 * team, its secrets opened with this worker's key in memory. Cluster problems (unreachable, wrong password)
 * are in the returned report; a cluster outside the team is refused by throwing.
 */
export function connectionTestProcessor(deps: ConnectionTestDeps): Processor<typeof CONNECTION_TESTS_QUEUE> {
  return {
    queue: CONNECTION_TESTS_QUEUE,
    concurrency: 4,
    async process(data): Promise<ConnectionReport> {
      const refused = new ConnectionTestRefused(
        `cluster ${data.clusterId} is not a cluster of team ${data.teamId} (deleted, or another team's); not tested`,
      );
      if (!UUID.test(data.teamId)) throw refused;
      const row = await getClusterOrThrow({ db: deps.db, teamId: data.teamId }, data.clusterId).catch((e) => {
        throw e instanceof ApiError && e.code === 'not_found' ? refused : e;
      });
      const report = await testStoredCluster(row, deps.keyring);
      return { ...report, testedBy: deps.workerId };
    },
  };
}
