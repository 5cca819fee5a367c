import { unitAndIntProjects } from '@ferry/testkit/vitest-projects';
import { defineConfig } from 'vitest/config';

// unit: pure tests; int: *.int.test.ts, whose global setup makes sure the test stack is up
export default defineConfig({
  test: {
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // integration files share two cores with the brokers: one file at a time
    fileParallelism: false,
    projects: unitAndIntProjects('./test/global-setup.ts'),
  },
});
