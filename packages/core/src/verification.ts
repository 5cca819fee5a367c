import { z } from 'zod';

/*
 * Flow verification as the control plane sees it: the stored report (the engine's VerificationReport, offsets
 * as decimal strings), the run's states, and the result in words for the dashboard and the API.
 */

export const VERIFICATION_STATES = ['queued', 'running', 'passed', 'failed', 'error'] as const;
export type VerificationState = (typeof VERIFICATION_STATES)[number];

export const DEFAULT_RECORDS_PER_PARTITION = 1000;
export const MAX_RECORDS_PER_PARTITION = 100_000;

export const verificationRequestSchema = z
  .object({
    recordsPerPartition: z
      .number('a whole number of records')
      .int('a whole number of records')
      .min(1, 'at least 1')
      .max(MAX_RECORDS_PER_PARTITION, `at most ${MAX_RECORDS_PER_PARTITION.toLocaleString('en')}`)
      .default(DEFAULT_RECORDS_PER_PARTITION)
      .describe('Records compared per partition, ending at the replicated position'),
  })
  .strict()
  .meta({ id: 'VerificationRequest' });
export type VerificationRequest = z.input<typeof verificationRequestSchema>;

const offset = z.string().regex(/^\d+$/);

export const verificationDifferenceSchema = z
  .object({
    sourceOffset: offset,
    targetOffset: offset.optional(),
    field: z.enum(['key', 'value', 'headers', 'timestamp', 'missing', 'extra']),
    detail: z.string(),
  })
  .meta({ id: 'VerificationDifference' });

export const partitionVerificationSchema = z
  .object({
    topic: z.string(),
    partition: z.number().int(),
    remoteTopic: z.string(),
    sourceFrom: offset.nullable(),
    sourceTo: offset.nullable(),
    checked: z.number().int(),
    matched: z.number().int(),
    missing: z.number().int(),
    mismatched: z.number().int(),
    extra: z.number().int(),
    sourceGone: z.number().int(),
    firstDifference: verificationDifferenceSchema.optional(),
    note: z.string().optional(),
  })
  .meta({ id: 'PartitionVerification' });

export const verificationReportSchema = z
  .object({
    flow: z.string(),
    source: z.string(),
    target: z.string(),
    recordsPerPartition: z.number().int(),
    startedAt: z.string(),
    durationMs: z.number(),
    partitions: z.array(partitionVerificationSchema),
    totals: z.object({
      partitions: z.number().int(),
      compared: z.number().int(),
      checked: z.number().int(),
      matched: z.number().int(),
      missing: z.number().int(),
      mismatched: z.number().int(),
      extra: z.number().int(),
      sourceGone: z.number().int(),
    }),
    ok: z.boolean(),
    notes: z.array(z.string()),
  })
  .meta({ id: 'VerificationReport' });
export type VerificationReport = z.infer<typeof verificationReportSchema>;

const n = (x: number) => x.toLocaleString('en');
const plural = (x: number, one: string, many = `${one}s`) => `${n(x)} ${x === 1 ? one : many}`;

/** The first difference of a report in words: "east.orders partition 3, source offset 120 (target 131): value differs: …". */
export function firstDifferenceWords(r: VerificationReport): string | undefined {
  const p = r.partitions.find((x) => x.firstDifference);
  if (!p?.firstDifference) return undefined;
  const d = p.firstDifference;
  const at = `source offset ${d.sourceOffset}${d.targetOffset !== undefined ? ` (target offset ${d.targetOffset})` : ''}`;
  return `first difference: ${p.topic} partition ${p.partition}, ${at}: ${d.detail}`;
}

/** One sentence for a run: what state it is in, or what it found. */
export function verificationSummary(run: {
  state: VerificationState;
  report: VerificationReport | null;
  error: string | null;
}): string {
  switch (run.state) {
    case 'queued':
      return 'Queued: it runs as soon as a worker picks it up.';
    case 'running':
      return 'Running: comparing source and target records.';
    case 'error':
      return `Could not verify: ${run.error ?? 'unknown error'}`;
    case 'passed':
    case 'failed': {
      const r = run.report;
      if (!r) return run.state === 'passed' ? 'Passed.' : 'Failed.';
      const t = r.totals;
      const head = `${plural(t.partitions, 'partition')}, ${plural(t.checked, 'record')} compared`;
      if (r.ok) {
        const idle = t.partitions - t.compared;
        const tail = idle > 0 ? ` (${plural(idle, 'partition')} with nothing replicated to compare)` : '';
        return t.checked === 0
          ? `${head}: nothing replicated yet to compare.`
          : `${head}, all identical${tail}.`;
      }
      const parts = [
        t.missing ? `${n(t.missing)} missing` : '',
        t.mismatched ? `${n(t.mismatched)} different` : '',
        t.extra ? `${plural(t.extra, 'extra record')} on the target` : '',
      ].filter(Boolean);
      const first = firstDifferenceWords(r);
      return `${head}: ${parts.join(', ')}.${first ? ` The ${first}` : ''}`;
    }
  }
}

/** A verification run as the API returns it. */
export const verificationRunSchema = z
  .object({
    id: z.uuid(),
    flowId: z.uuid(),
    state: z.enum(VERIFICATION_STATES),
    recordsPerPartition: z.number().int(),
    requestedBy: z.string().describe("The person's email or `token <name>`"),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    summary: z.string().describe('The result (or the state) in one sentence'),
    report: verificationReportSchema.nullable(),
    error: z.string().nullable().describe('Why the verification could not run (state error)'),
  })
  .meta({ id: 'Verification' });

export const verificationQueuedSchema = verificationRunSchema
  .extend({
    notice: z
      .string()
      .optional()
      .describe('Set when no worker is running: the run stays queued until one starts'),
  })
  .meta({ id: 'VerificationQueued' });
