import { errorSentence } from '@ferry/core';

export { type FlowState, flowState, type TaskState } from '@ferry/core';

/** An error as a sentence a person can act on (core's errorSentence, the one place), naming the flow's clusters. */
export function describeError(e: unknown, context: { source: string; target: string }): string {
  return errorSentence(e, context);
}
