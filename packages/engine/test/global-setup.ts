import { ensureTestStack } from '@ferry/testkit/vitest';

export default async function setup(): Promise<void> {
  await ensureTestStack();
}
