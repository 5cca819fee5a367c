import { defineConfig } from 'vitest/config';

/** The fault suite (npm run test:faults): slow, not part of `npm test`; every wait inside is bounded. */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.faults.ts'],
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 900_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
