import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base } from '@playwright/test';
import { startWebMode, type RunningWebMode } from './web-server.js';

/** The web mode on a fresh data folder for each test, restartable to prove what persists. */
export interface WebModeFixture {
  dataDir: string;
  readonly url: string;
  readonly origin: string;
  output(): string;
  restart(): Promise<void>;
}

export const test = base.extend<{ web: WebModeFixture }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form
  web: async ({}, use) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'swarmdeck-e2e-'));
    let running: RunningWebMode = await startWebMode(dataDir);
    await use({
      dataDir,
      get url() {
        return running.url;
      },
      get origin() {
        return running.origin;
      },
      output: () => running.output(),
      async restart() {
        await running.stop();
        running = await startWebMode(dataDir);
      },
    });
    await running.stop();
    await rm(dataDir, { recursive: true, force: true });
  },
});

export { expect } from '@playwright/test';
