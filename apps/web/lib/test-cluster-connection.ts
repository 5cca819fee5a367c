import {
  ApiError,
  type ClusterCreate,
  CONNECTION_TESTS_QUEUE,
  type ConnectionReport,
  connectionReportSchema,
} from '@ferry/core';
import type { ClusterRow, TeamContext } from '@ferry/db';
import { draftClusterConfig, testConnection, testStoredCluster } from '@ferry/engine/connection-test';
import { ControlJobError, runControlJob } from './control-jobs.ts';

/** Long enough for a test that exhausts its client timeouts; a worker normally answers in well under a second. */
const WORKER_ANSWER_TIMEOUT_MS = 20_000;

const FALLBACK_NOTE = {
  NO_WORKER: 'no worker is running; tested from the web server',
  REDIS_UNAVAILABLE: "the workers' queue (Redis) cannot be reached; tested from the web server",
} as const;

/**
 * "Test connection" of a stored cluster, run by a worker (the machines that must reach the cluster) through
 * the connection-tests queue: the job carries the cluster and team ids only, the worker opens the secrets with
 * its own key. With no worker to ask (none running, Redis down) the web server tests it itself and says so.
 * A worker that does not answer in time is a `timeout` (504), one whose job failed `worker_failed` (502).
 */
export async function testClusterConnection(ctx: TeamContext, row: ClusterRow): Promise<ConnectionReport> {
  let answer: unknown;
  try {
    answer = await runControlJob(
      CONNECTION_TESTS_QUEUE,
      { clusterId: row.id, teamId: ctx.teamId },
      WORKER_ANSWER_TIMEOUT_MS,
    );
  } catch (e) {
    if (!(e instanceof ControlJobError)) throw e;
    switch (e.code) {
      case 'NO_WORKER':
      case 'REDIS_UNAVAILABLE':
        return {
          ...(await testStoredCluster(row, ctx.keyring)),
          testedBy: 'web',
          note: FALLBACK_NOTE[e.code],
        };
      case 'TIMEOUT':
        throw new ApiError(
          'timeout',
          `${e.message}: the workers may be overloaded or unable to reach Postgres; try again, or check the workers' logs`,
        );
      case 'FAILED':
        throw new ApiError('worker_failed', `the worker could not run the test: ${e.message}`);
      default: {
        const unhandled: never = e.code;
        throw new Error(`unhandled control job error ${unhandled}`);
      }
    }
  }
  const report = connectionReportSchema.safeParse(answer);
  if (!report.success)
    throw new ApiError('worker_failed', 'the worker answered with something that is not a connection report');
  return report.data;
}

/**
 * Settings typed into the cluster form, not saved yet. Tested here in the web process, never through the
 * queue: the request carries the password or private key in the clear, and queue payloads sit in Redis
 * (persisted, replicated, readable by anyone with Redis access) — secrets go there never, sealed or not.
 */
export async function testDraftConnection(input: ClusterCreate): Promise<ConnectionReport> {
  return { ...(await testConnection(draftClusterConfig(input))), testedBy: 'web' };
}
