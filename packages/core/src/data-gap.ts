/**
 * A data gap: source records deleted before a flow replicated them (retention or DeleteRecords below the
 * position, a truncated log, a topic deleted and re-created), or records the target lost with its remote topic
 * (deleted and re-created there) that the source no longer holds (`target-recreated`). Shared by the worker (stored, logged), `ferry run`
 * (printed) and the dashboard (shown in words).
 */
export type GapReason = 'deleted' | 'truncated' | 'topic-recreated' | 'target-recreated';
export type GapPolicyName = 'continue' | 'halt';

export interface DataGap {
  /** Source cluster alias or name. */
  source: string;
  topic: string;
  partition: number;
  /** First lost offset and the exclusive end (decimal strings: offsets are 64-bit). */
  from: string;
  to: string;
  /** Lost offsets (to − from; transaction markers included). */
  records: string;
  reason: GapReason;
  policy: GapPolicyName;
  /** Where replication continued (policy continue). */
  resumeAt: string;
}

const n = (v: string | bigint) => BigInt(v).toLocaleString('en-US');

/**
 * The gap in one sentence, e.g. "east.orders[3]: 1,204 records (offsets 88,000–89,203) were deleted on east
 * (retention or DeleteRecords) before they were replicated; replication continued at offset 89,204".
 */
export function describeGap(g: DataGap): string {
  const where = `${g.source}.${g.topic}[${g.partition}]`;
  const count = BigInt(g.records);
  const range =
    count === 0n
      ? ''
      : `${n(count)} record${count === 1n ? '' : 's'} (${count === 1n ? `offset ${n(g.from)}` : `offsets ${n(g.from)}–${n(BigInt(g.to) - 1n)}`})`;
  const one = count === 1n;
  let what: string;
  if (g.reason === 'deleted')
    what = `${range} ${one ? 'was' : 'were'} deleted on ${g.source} (retention or DeleteRecords) before they were replicated`;
  else if (g.reason === 'truncated')
    what = `${range} no longer ${one ? 'exists' : 'exist'} on ${g.source} (the log was truncated, e.g. by an unclean leader election)`;
  else if (g.reason === 'target-recreated')
    what = `the remote topic was deleted and re-created on the target; ${range} ${one ? 'was' : 'were'} on the deleted remote topic and ${one ? 'is' : 'are'} no longer on ${g.source} (below its log start), so ${one ? 'it is' : 'they are'} lost on both sides`;
  else
    what =
      count === 0n
        ? `the topic was deleted and re-created on ${g.source}; records of the old topic from offset ${n(g.from)} on, if any, were not replicated`
        : `the topic was deleted and re-created on ${g.source}; ${range} of the old topic ${one ? 'was' : 'were'} not replicated`;
  const then =
    g.policy === 'halt'
      ? `; the partition is halted at offset ${n(g.reason === 'truncated' ? g.to : g.from)} (gap policy halt: set it to continue to resume at offset ${n(g.resumeAt)})`
      : `; replication continued at offset ${n(g.resumeAt)}${g.reason === 'topic-recreated' ? ' of the new topic' : g.reason === 'target-recreated' ? ' into the new remote topic' : ''}`;
  return `${where}: ${what}${then}`;
}
