import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** Runs the pending fidelity files (see the header of fidelity.int.pending.ts); not part of the default run. */
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/fidelity/*.pending.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
