import { defineConfig } from 'vitest/config';
import { unitAndIntProjects } from './src/vitest/projects.ts';

// unit: pure tests; int: *.int.test.ts, whose global setup makes sure the test stack is up
export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // integration files share two cores with the brokers: one file at a time
    fileParallelism: false,
    projects: unitAndIntProjects('./test/global-setup.ts'),
  },
});
