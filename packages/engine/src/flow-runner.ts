import type { FlowConfig } from './config/flow-config.ts';
import { type SourceTopic, TopicDiscovery } from './discovery/discovery.ts';
import { FerryError, toFerryError } from './errors.ts';
import type { EngineEvent, EventListener } from './events.ts';
import { connectFlowClients } from './kafka/flow-clients.ts';
import { assignPartitions, type TopicPartition, tpKey } from './tasks/assign.ts';
import { type TaskClients, type TaskPartition, TaskRunner } from './tasks/task-runner.ts';

export interface FlowRunnerOptions {
  onEvent?: EventListener;
  /** How often partition metrics are emitted. Default 5000. */
  metricsIntervalMs?: number;
  /** Delay before a failed task restarts. Default 1000, doubling up to 30000. */
  restartBackoffMs?: number;
  /**
   * Restart a failed task after the back-off (default true, `ferry run`). A control plane that restarts
   * tasks itself (the worker's dispatcher) sets false: a failed task then ends with a `task-error` without
   * `restartInMs`, and only the owner decides whether it runs again, after checking it is still current.
   */
  restartFailedTasks?: boolean;
  /**
   * Asked whether a task may still run, twice per start: just before its producer is created
   * (`before-producer`), and once it is initialised (`after-producer`: its InitProducerId has fenced every
   * older producer of its transactional id) before it reads positions or writes anything. Throwing a
   * FerryError `TASK_SUPERSEDED` ends the task without a restart. The `after-producer` check is what makes
   * a fence final: a control plane that bumps its generation, then fences, can never be followed by a task
   * of the older generation that initialised its producer after the fence and still passed the check.
   */
  guard?: TaskGuard;
}

export type TaskGuardPhase = 'before-producer' | 'after-producer';
export type TaskGuard = (task: number, phase: TaskGuardPhase) => Promise<void>;

/** The error a guard throws for a task whose generation is no longer current. */
export function taskSuperseded(flow: string, task: number, reason: string): FerryError {
  return new FerryError('TASK_SUPERSEDED', `task ${task} of ${flow} no longer runs here: ${reason}`, {
    retriable: false,
    context: { flow, task },
  });
}

export interface FlowRunner {
  readonly flow: FlowConfig;
  /** Discovers topics, creates remote topics, runs every task; keeps refreshing. */
  start(): Promise<void>;
  /** Runs only task `index` of the current assignment (a worker schedules tasks one by one). */
  runTask(index: number): Promise<void>;
  /** Stops every task of this runner after committing what they buffered. */
  stop(): Promise<void>;
  /** The current assignment: partitions per task index. */
  assignment(): TopicPartition[][];
}

/** The engine's facade for one flow `source->target`. */
export function createFlowRunner(flow: FlowConfig, options: FlowRunnerOptions = {}): FlowRunner {
  return new FlowRunnerImpl(flow, options);
}

class FlowRunnerImpl implements FlowRunner {
  readonly flow: FlowConfig;
  private readonly o: FlowRunnerOptions;
  private clients: TaskClients | undefined;
  private discovery: TopicDiscovery | undefined;
  private topics = new Map<string, SourceTopic>();
  private tasks: TaskPartition[][] = [];
  private readonly running = new Map<number, TaskRunner>();
  private readonly backoff = new Map<number, number>();
  /** undefined: all tasks; otherwise only these indexes. */
  private only: Set<number> | undefined = new Set();
  private refreshTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private reconciling: Promise<void> = Promise.resolve();

  constructor(flow: FlowConfig, o: FlowRunnerOptions) {
    this.flow = flow;
    this.o = o;
  }

  private emit(e: EngineEvent): void {
    try {
      this.o.onEvent?.(e);
    } catch {
      // a listener's failure never stops replication
    }
  }

  async start(): Promise<void> {
    this.only = undefined;
    await this.boot();
  }

  async runTask(index: number): Promise<void> {
    if (this.only === undefined) return;
    this.only.add(index);
    if (!this.clients) await this.boot();
    else await this.reconcile();
  }

  assignment(): TopicPartition[][] {
    return this.tasks.map((t) => t.map(({ topic, partition }) => ({ topic, partition })));
  }

  private async boot(): Promise<void> {
    const f = this.flow;
    const clients = await connectFlowClients(f, `ferry-${f.source.alias}-${f.target.alias}`);
    const { sourceAdmin, targetAdmin } = clients;
    this.clients = clients;
    this.discovery = new TopicDiscovery(f, sourceAdmin, targetAdmin, (e) => this.emit(e));
    await this.reconcile();
    const total = this.tasks.reduce((n, t) => n + t.length, 0);
    this.emit({ type: 'flow-started', flow: f.id, tasks: this.tasks.length, partitions: total });
    if (f.refreshTopicsEnabled) this.scheduleRefresh();
  }

  private scheduleRefresh(): void {
    this.refreshTimer = setTimeout(async () => {
      if (this.stopping) return;
      await this.reconcile().catch((e) =>
        this.emit({
          type: 'discovery-error',
          flow: this.flow.id,
          error: toFerryError(e, 'DISCOVERY_FAILED', { flow: this.flow.id }),
        }),
      );
      if (!this.stopping) this.scheduleRefresh();
    }, this.flow.refreshTopicsIntervalMs);
  }

  /** Discovery round + assignment; restarts only the tasks whose partitions changed. Serialised. */
  private reconcile(): Promise<void> {
    this.reconciling = this.reconciling.catch(() => undefined).then(() => this.reconcileNow());
    return this.reconciling;
  }

  private async reconcileNow(): Promise<void> {
    if (this.stopping || !this.discovery) return;
    const topics = await this.discovery.refresh();
    this.topics = new Map(topics.map((t) => [t.topic, t]));
    const counts = this.flow.pinnedTopics ?? Object.fromEntries(topics.map((t) => [t.topic, t.partitions]));
    const all: TopicPartition[] = Object.entries(counts).flatMap(([topic, n]) =>
      Array.from({ length: n }, (_, partition) => ({ topic, partition })),
    );
    // Assign over the pinned set, then drop what does not exist (now): the split never depends on timing.
    const exists = (tp: TopicPartition) => tp.partition < (this.topics.get(tp.topic)?.partitions ?? 0);
    const next: TaskPartition[][] = assignPartitions(all, this.flow.tasksMax).map((tps) =>
      tps.filter(exists).map((tp) => {
        const t = this.topics.get(tp.topic)!;
        return { ...tp, remoteTopic: t.remoteTopic, maxMessageBytes: t.maxMessageBytes };
      }),
    );
    const same = (a: TaskPartition[] | undefined, b: TaskPartition[] | undefined) =>
      (a?.map((x) => `${tpKey(x)}@${x.maxMessageBytes}`).join(',') ?? '') ===
      (b?.map((x) => `${tpKey(x)}@${x.maxMessageBytes}`).join(',') ?? '');
    const changed = next.length !== this.tasks.length || next.some((t, i) => !same(t, this.tasks[i]));
    this.tasks = next;
    if (changed) this.emit({ type: 'assignment', flow: this.flow.id, tasks: this.assignment() });
    const stops: Promise<void>[] = [];
    for (const [i, runner] of this.running) {
      if (!this.wants(i) || !same(runner.partitions, next[i])) {
        this.running.delete(i);
        stops.push(runner.stop());
      }
    }
    await Promise.all(stops);
    const starts: Promise<void>[] = [];
    for (let i = 0; i < next.length; i++)
      if (this.wants(i) && !this.running.has(i)) starts.push(this.startTask(i));
    await Promise.all(starts);
  }

  private wants(i: number): boolean {
    return i < this.tasks.length && (this.only === undefined || this.only.has(i));
  }

  private async startTask(i: number): Promise<void> {
    const partitions = this.tasks[i];
    if (!partitions || partitions.length === 0 || this.stopping) return;
    const guard = this.o.guard;
    if (guard) {
      try {
        await guard(i, 'before-producer');
      } catch (e) {
        this.superseded(i, toFerryError(e, 'TASK_SUPERSEDED', { flow: this.flow.id, task: i }));
        return;
      }
      if (this.stopping) return;
    }
    const runner = new TaskRunner(
      this.flow,
      i,
      partitions,
      this.clients!,
      (e) => this.onTaskEvent(e),
      this.o.metricsIntervalMs,
      guard ? { afterProducerStart: () => guard(i, 'after-producer') } : {},
    );
    this.running.set(i, runner);
    void runner.done.then((err) => this.onTaskDone(i, runner, err));
    await runner.start();
  }

  private superseded(i: number, error: FerryError): void {
    this.emit({ type: 'task-superseded', flow: this.flow.id, task: i, error });
  }

  private onTaskEvent(e: EngineEvent): void {
    if (e.type === 'committed') this.backoff.delete(e.task);
    this.emit(e);
  }

  private onTaskDone(i: number, runner: TaskRunner, err: FerryError | undefined): void {
    if (this.running.get(i) !== runner) return;
    this.running.delete(i);
    if (!err || this.stopping) return;
    if (err.code === 'TASK_FENCED') {
      this.emit({ type: 'task-fenced', flow: this.flow.id, task: i, error: err });
      return;
    }
    if (err.code === 'TASK_SUPERSEDED') {
      this.superseded(i, err);
      return;
    }
    if (this.o.restartFailedTasks === false) {
      this.emit({ type: 'task-error', flow: this.flow.id, task: i, error: err });
      return;
    }
    const base = this.o.restartBackoffMs ?? 1000;
    const delay = Math.min(30000, this.backoff.get(i) ?? base);
    this.backoff.set(i, delay * 2);
    this.emit({ type: 'task-error', flow: this.flow.id, task: i, error: err, restartInMs: delay });
    setTimeout(() => {
      if (this.stopping) return;
      // rediscover first: a deleted topic or new partitions are the usual reasons a task fails
      void this.reconcile().catch((e) =>
        this.emit({
          type: 'discovery-error',
          flow: this.flow.id,
          error: toFerryError(e, 'DISCOVERY_FAILED', { flow: this.flow.id }),
        }),
      );
    }, delay).unref?.();
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    await this.reconciling.catch(() => undefined);
    await Promise.all([...this.running.values()].map((r) => r.stop()));
    this.running.clear();
    if (this.clients) {
      await this.clients.sourceAdmin.disconnect().catch(() => undefined);
      await this.clients.targetAdmin.disconnect().catch(() => undefined);
    }
    this.emit({ type: 'flow-stopped', flow: this.flow.id });
  }
}
