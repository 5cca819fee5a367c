import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (pure tests, nothing started) and `int` (*.int.test.ts, which need brokers: the global
 * setup makes sure the test stack is up). `vitest run test/x.test.ts` of a pure file never touches Kafka.
 */
export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // integration files share two cores with the brokers: one file at a time
    fileParallelism: false,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/**/*.int.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'int', include: ['test/**/*.int.test.ts'], globalSetup: ['./test/global-setup.ts'] },
      },
    ],
  },
});
