import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '@': import.meta.dirname } },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/global-setup.ts'],
    setupFiles: ['./test/setup-db.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: {
      NODE_ENV: 'test',
      BETTER_AUTH_URL: 'http://localhost:3000',
      FERRY_MIGRATIONS_DIR: join(import.meta.dirname, '..', '..', 'packages', 'db', 'drizzle'),
    },
  },
});
