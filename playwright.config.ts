import { defineConfig } from '@playwright/test';

// Debian's Chromium, not a Playwright download (which cannot be fetched here).
const CHROMIUM = process.env.SWARMDECK_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'test',
  outputDir: 'test-results',
  timeout: 30_000,
  expect: { timeout: 5_000 },
  fullyParallel: false,
  workers: 1,
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [['list'], ['json']] : [['list']],
  globalSetup: './test/e2e/global-setup.ts',
  use: {
    launchOptions: {
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
    viewport: { width: 1280, height: 800 },
    trace: 'off',
  },
  projects: [
    { name: 'web', testMatch: 'e2e/**/*.spec.ts' },
    { name: 'electron', testMatch: 'e2e-electron/**/*.spec.ts' },
    // Against real lab hosts: run with the lab suites (Linux, root).
    { name: 'web-lab', testMatch: 'e2e-lab/**/*.spec.ts' },
  ],
});
