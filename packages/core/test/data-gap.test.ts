import { describe, expect, it } from 'vitest';
import { type DataGap, describeGap } from '../src/data-gap.ts';

const base: DataGap = {
  source: 'east',
  topic: 'orders',
  partition: 3,
  from: '88000',
  to: '89204',
  records: '1204',
  reason: 'deleted',
  policy: 'continue',
  resumeAt: '89204',
};

describe('describeGap', () => {
  it.each<[Partial<DataGap>, string]>([
    [
      {},
      'east.orders[3]: 1,204 records (offsets 88,000–89,203) were deleted on east (retention or DeleteRecords) before they were replicated; replication continued at offset 89,204',
    ],
    [
      { policy: 'halt' },
      'east.orders[3]: 1,204 records (offsets 88,000–89,203) were deleted on east (retention or DeleteRecords) before they were replicated; the partition is halted at offset 88,000 (gap policy halt: set it to continue to resume at offset 89,204)',
    ],
    [
      { from: '7', to: '8', records: '1', resumeAt: '8' },
      'east.orders[3]: 1 record (offset 7) was deleted on east (retention or DeleteRecords) before they were replicated; replication continued at offset 8',
    ],
    [
      { reason: 'truncated', from: '500', to: '600', records: '100', resumeAt: '500' },
      'east.orders[3]: 100 records (offsets 500–599) no longer exist on east (the log was truncated, e.g. by an unclean leader election); replication continued at offset 500',
    ],
    [
      { reason: 'topic-recreated', from: '80', to: '80', records: '0', resumeAt: '0' },
      'east.orders[3]: the topic was deleted and re-created on east; records of the old topic from offset 80 on, if any, were not replicated; replication continued at offset 0 of the new topic',
    ],
    [
      { reason: 'topic-recreated', from: '80', to: '100', records: '20', resumeAt: '0' },
      'east.orders[3]: the topic was deleted and re-created on east; 20 records (offsets 80–99) of the old topic were not replicated; replication continued at offset 0 of the new topic',
    ],
    [
      { reason: 'target-recreated', from: '0', to: '40', records: '40', resumeAt: '40' },
      'east.orders[3]: the remote topic was deleted and re-created on the target; 40 records (offsets 0–39) were on the deleted remote topic and are no longer on east (below its log start), so they are lost on both sides; replication continued at offset 40 into the new remote topic',
    ],
  ])('%j', (over, sentence) => {
    expect(describeGap({ ...base, ...over })).toBe(sentence);
  });
});
