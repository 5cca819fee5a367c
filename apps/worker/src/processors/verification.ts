import { isHeartbeatsTopic, VERIFICATION_QUEUE } from '@ferry/core';
import type { SecretKey } from '@ferry/core/secret-box';
import {
  type Db,
  endVerificationIfStill,
  finishVerification,
  getFlowPartitions,
  getVerificationOwner,
  listOpenVerifications,
  startVerification,
} from '@ferry/db';
import { type VerificationReport, type VerifyRangeOptions, verifyFlowRange } from '@ferry/engine';
import type pino from 'pino';
import { toEngineFlow } from '../engine-runner.ts';
import { loadFlow, type ResolvedFlow } from '../flows/load-flow.ts';
import { describeError } from '../status/flow-status.ts';
import type { Processor } from './processor.ts';
import { storedRangeReport } from './range-report.ts';

export interface VerificationDeps {
  db: Db;
  keyring: SecretKey[];
  log?: pino.Logger;
  /** The engine's verifyFlowRange, the function `ferry verify` runs (tests may slow it down or count calls). */
  verify?: typeof verifyFlowRange;
}

/** A job naming a run, flow or team that do not belong together (deleted since, or another team's): never run. */
export class VerificationRefused extends Error {
  readonly code = 'VERIFICATION_NOT_IN_TEAM';
  readonly retriable = false;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Why a verification could not run, in words for the run's `error`. */
export function verificationErrorWords(e: unknown, flow?: Pick<ResolvedFlow, 'source' | 'target'>): string {
  return describeError(e, { source: flow?.source.alias ?? 'source', target: flow?.target.alias ?? 'target' });
}

/**
 * The verification queue: compares a flow's source and target over the last N records of every partition with
 * the engine's verifyFlowRange — the function `ferry verify` runs — and
 * stores the report in flow_verifications. The payload carries ids only; the run is loaded by id, flow *and*
 * team, so a job can never verify another team's flow. Cluster problems end the run in state `error` with
 * the reason in words; differences end it in `failed`.
 */
export function verificationProcessor(deps: VerificationDeps): Processor<typeof VERIFICATION_QUEUE> {
  const verify = deps.verify ?? verifyFlowRange;
  return {
    queue: VERIFICATION_QUEUE,
    concurrency: 1,
    async process(data) {
      const refused = new VerificationRefused(
        `verification ${data.verificationId} of flow ${data.flowId} is not a run of team ${data.teamId} (deleted, or another team's); not run`,
      );
      if (![data.teamId, data.flowId, data.verificationId].every((id) => UUID.test(id))) throw refused;
      const run = await getVerificationOwner(deps.db, data.verificationId);
      if (!run || run.teamId !== data.teamId || run.flowTeam !== data.teamId || run.flowId !== data.flowId)
        throw refused;
      const row = await startVerification(deps.db, data.verificationId);
      if (!row) return { skipped: 'already finished' };
      const log = deps.log?.child({ flow: data.flowId, verification: data.verificationId });
      let flow: ResolvedFlow | undefined;
      try {
        flow = await loadFlow(deps.db, data.flowId, deps.keyring);
        // Heartbeats are not the flow's data: every flow from the same source alias to the same target writes
        // into the one remote heartbeats topic (MM2's naming), so its tail holds other flows' copies and a
        // record-by-record comparison of it reports them as duplicates. The button verifies the user's topics.
        const engineFlow = toEngineFlow(flow);
        const all = await getFlowPartitions(deps.db, data.flowId);
        const partitions = all
          ? Object.fromEntries(Object.entries(all).filter(([t]) => !isHeartbeatsTopic(engineFlow.policy, t)))
          : undefined;
        // the last N records before each partition's position, as `ferry verify --last N` compares them
        const opts: VerifyRangeOptions = {
          last: row.recordsPerPartition,
          ...(partitions ? { topics: partitions } : {}),
        };
        log?.info({ last: opts.last }, 'verifying');
        const report: VerificationReport = storedRangeReport(
          await verify(engineFlow, opts),
          row.recordsPerPartition,
        );
        const state = report.ok ? 'passed' : 'failed';
        await finishVerification(deps.db, data.verificationId, { state, report });
        log?.info({ state, ...report.totals, ms: report.durationMs }, 'verification finished');
        return { state, totals: report.totals };
      } catch (e) {
        const error = verificationErrorWords(e, flow);
        log?.warn({ code: (e as { code?: string }).code }, `verification could not run: ${error}`);
        await finishVerification(deps.db, data.verificationId, { state: 'error', error });
        return { state: 'error', error };
      }
    },
  };
}

export interface StuckVerificationOptions {
  /** A run whose job is gone from Redis (restart, cleared queue) is ended once it is this old. */
  lostAfterMs?: number;
  /** A run still running after this long is ended (a cluster or the worker running it stalled). */
  maxRunMs?: number;
  now?: number;
}

/** What the sweep needs of the verification queue: the state of a run's job (its id is the run's id). */
export interface VerificationJobs {
  jobState(id: string): Promise<string | undefined>;
}

/**
 * Ends verification runs that can no longer end by themselves, with the reason in words: their job is
 * gone (Redis lost it), failed outside the processor (the worker died twice during it: BullMQ's stalled
 * limit) or completed without storing a result, or they have been running longer than `maxRunMs`.
 * Any worker may run it; the conditional update makes a race with the run's own ending harmless.
 */
export async function endStuckVerifications(
  db: Db,
  jobs: VerificationJobs,
  o: StuckVerificationOptions = {},
): Promise<Array<{ id: string; error: string }>> {
  const now = o.now ?? Date.now();
  const lostAfterMs = o.lostAfterMs ?? 60_000;
  const maxRunMs = o.maxRunMs ?? 30 * 60_000;
  const open = await listOpenVerifications(db);
  const ended: Array<{ id: string; error: string }> = [];
  for (const run of open) {
    const since = (run.startedAt ?? run.createdAt).getTime();
    let error: string | undefined;
    if (run.state === 'running' && now - since > maxRunMs)
      error = `the verification did not finish within ${Math.round(maxRunMs / 60_000)} minutes and was ended; a cluster or the worker running it stalled. Run it again.`;
    else if (now - since > lostAfterMs) {
      const state = await jobs.jobState(run.id);
      if (state === undefined || state === 'unknown')
        error = `the verification's job was lost (Redis restarted or its queue was cleared) before a worker ${run.state === 'running' ? 'finished' : 'started'} it. Run it again.`;
      else if (state === 'failed' || state === 'completed')
        error = `the worker running the verification stopped before it stored a result (job ${state}). Run it again.`;
    }
    if (!error) continue;
    if (await endVerificationIfStill(db, run.id, run.state, error, new Date(now)))
      ended.push({ id: run.id, error });
  }
  return ended;
}
