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
      // The tests play the reverse proxy: each request's X-Forwarded-For is the client address they choose.
      FERRY_TRUSTED_PROXIES: '127.0.0.1/32',
      FERRY_MIGRATIONS_DIR: join(import.meta.dirname, '..', '..', 'packages', 'db', 'drizzle'),
    },
  },
});
