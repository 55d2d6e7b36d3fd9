import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { electronBinaryStatus } from '../../scripts/test-prerequisites.js';

const binary = electronBinaryStatus();

// Where no Electron binary exists the suite is skipped (and `npm test` prints one
// SKIPPED line); it is never replaced by a fake.
test.skip(!binary.ok, `no Electron binary (${binary.ok ? '' : binary.reason})`);

test('the desktop app opens a hardened window and keeps profiles across a restart', async () => {
  const userData = await mkdtemp(join(tmpdir(), 'swarmdeck-electron-'));
  const launch = () =>
    electron.launch({
      args: ['out/main/index.js'],
      ...(binary.ok && binary.path ? { executablePath: binary.path } : {}),
      env: { ...process.env, SWARMDECK_DATA_DIR: userData } as Record<string, string>,
    });
  try {
    let app = await launch();
    let window = await app.firstWindow();
    await expect(window.getByRole('heading', { name: 'No clusters yet' })).toBeVisible();
    // No Node in the page, and only the contract on the bridge.
    expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    expect(await window.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
    expect(await window.evaluate(() => Object.keys((window as unknown as { swarmdeck: object }).swarmdeck).sort())).toEqual(['api', 'on']);

    // A profile straight through the preload bridge (the wizard that makes one needs real hosts).
    await window.evaluate(() =>
      (
        window as unknown as { swarmdeck: { api: { clusters: { create(i: { name: string }): Promise<unknown> } } } }
      ).swarmdeck.api.clusters.create({
        name: 'production',
      }),
    );
    await expect(window.getByRole('article', { name: 'production' })).toBeVisible();

    // Navigation away from the app is refused.
    await window.evaluate(() => (location.href = 'https://example.com/'));
    await expect(window.getByRole('article', { name: 'production' })).toBeVisible();

    await app.close();
    app = await launch();
    window = await app.firstWindow();
    await expect(window.getByRole('article', { name: 'production' })).toBeVisible();
    await app.close();
  } finally {
    await rm(userData, { recursive: true, force: true });
  }
});
