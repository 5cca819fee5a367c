import { ensureTestStack } from '../src/vitest/test-stack.ts';

export default async function setup(): Promise<void> {
  await ensureTestStack();
}
