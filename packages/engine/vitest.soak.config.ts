import { defineConfig } from 'vitest/config';

// Long scenarios kept out of the default suite (CI budget): `npm run test:memory`.
export default defineConfig({
  test: {
    include: ['test/**/*.soak.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
