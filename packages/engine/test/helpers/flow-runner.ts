import { waitFor } from '@ferry/testkit';
import type { FlowConfig } from '../../src/config/flow-config.ts';
import { createFlowRunner, type EngineEvent, type FlowRunner } from '../../src/index.ts';

/**
 * Starts a runner of `flow` (events into `events`) and waits for its first task to start. A start is tried
 * again until it works: every broker of the source must know a just-created topic before discovery asks one.
 */
export async function startFlowRunner(flow: FlowConfig, events: EngineEvent[]): Promise<FlowRunner> {
  let runner: FlowRunner | undefined;
  await waitFor(
    async () => {
      const r = createFlowRunner(flow, { onEvent: (e) => events.push(e) });
      try {
        await r.start();
        runner = r;
        return true;
      } catch {
        await r.stop();
        return false;
      }
    },
    { timeoutMs: 30_000, what: 'the flow to start' },
  );
  await waitFor(() => events.some((e) => e.type === 'task-started'), {
    timeoutMs: 30_000,
    what: 'the task to start',
  });
  return runner as FlowRunner;
}
