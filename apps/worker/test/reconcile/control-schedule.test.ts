import { describe, expect, it } from 'vitest';
import { controlSchedules, schedulesFingerprint } from '../../src/reconcile/control-schedule.ts';

const kinds = (config: Record<string, unknown>) =>
  controlSchedules('f1', 2, config, 10_000).map((s) => [s.kind, s.queue, s.everyMs]);

describe('controlSchedules', () => {
  it.each([
    [
      'MM2 defaults: discovery, checkpoints every 60 s, heartbeats every 1 s, configs and ACLs every 600 s',
      {},
      [
        ['discovery', 'ferry-discovery', 10_000],
        ['checkpoints', 'ferry-checkpoints', 60_000],
        ['heartbeats', 'ferry-heartbeats', 1000],
        ['topic-configs', 'ferry-config-sync', 600_000],
        // sync.topic.acls.enabled defaults to true, as in MM2 and ferry run (one key table)
        ['topic-acls', 'ferry-config-sync', 600_000],
      ],
    ],
    [
      'everything on with own intervals',
      {
        checkpointsIntervalSeconds: 5,
        syncGroupOffsets: true,
        syncGroupOffsetsIntervalSeconds: 7,
        syncTopicAcls: true,
        syncTopicAclsIntervalSeconds: 30,
      },
      [
        ['discovery', 'ferry-discovery', 10_000],
        ['checkpoints', 'ferry-checkpoints', 5000],
        ['group-offsets', 'ferry-checkpoints', 7000],
        ['heartbeats', 'ferry-heartbeats', 1000],
        ['topic-configs', 'ferry-config-sync', 600_000],
        ['topic-acls', 'ferry-config-sync', 30_000],
      ],
    ],
    [
      'everything off: discovery only',
      { checkpoints: false, heartbeats: false, syncTopicConfigs: false, syncTopicAcls: false },
      [['discovery', 'ferry-discovery', 10_000]],
    ],
    ['invalid options: discovery only', { tasksMax: 0 }, [['discovery', 'ferry-discovery', 10_000]]],
  ])('%s', (_l, config, expected) => expect(kinds(config)).toEqual(expected));

  it('carries the generation and the kind of work in each job, ids per flow and kind', () => {
    const s = controlSchedules('f1', 2, { syncGroupOffsets: true, syncTopicAcls: true }, 10_000);
    expect(s.map((x) => x.id)).toEqual([
      'flow.f1.discovery',
      'flow.f1.checkpoints',
      'flow.f1.group-offsets',
      'flow.f1.heartbeats',
      'flow.f1.topic-configs',
      'flow.f1.topic-acls',
    ]);
    expect(s.find((x) => x.kind === 'group-offsets')!.data).toEqual({
      flowId: 'f1',
      generation: 2,
      kind: 'sync-groups',
    });
    expect(s.find((x) => x.kind === 'topic-acls')!.data).toEqual({
      flowId: 'f1',
      generation: 2,
      what: 'topic-acls',
    });
  });

  it('fingerprints change with a generation or an interval', () => {
    const a = schedulesFingerprint(controlSchedules('f1', 2, {}, 10_000));
    expect(schedulesFingerprint(controlSchedules('f1', 2, {}, 10_000))).toBe(a);
    expect(schedulesFingerprint(controlSchedules('f1', 3, {}, 10_000))).not.toBe(a);
    expect(
      schedulesFingerprint(controlSchedules('f1', 2, { heartbeatsIntervalSeconds: 5 }, 10_000)),
    ).not.toBe(a);
  });
});
