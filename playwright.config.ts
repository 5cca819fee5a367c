import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests of the control plane (e2e/), driving Debian Chromium (never `playwright install`).
 * The web server is a production build (`next start`) on its own port with a freshly migrated database.
 */
const port = Number(process.env.FERRY_E2E_PORT ?? 3210);

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results/e2e',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'e2e/.reports/playwright.json' }]],
  use: {
    baseURL: `http://localhost:${port}`,
    launchOptions: {
      // biome-ignore lint/suspicious/noUndeclaredEnvVars: local override of the browser
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    viewport: { width: 1360, height: 900 },
    trace: 'retain-on-failure',
  },
  webServer: {
    command: `node e2e/serve.ts ${port}`,
    url: `http://localhost:${port}/api/healthz`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
