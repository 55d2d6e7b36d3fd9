import type { Page } from '@playwright/test';
import { lab } from '../lab/index.js';

/**
 * Answers every host-key question the app asks, checked against the lab's own keys, until
 * stopped: a failover or a shell reaches hosts the app has not met yet.
 */
export function trustHostKeysWhileRunning(page: Page): () => void {
  let running = true;
  const fingerprints = new Set(lab.hosts.map((h) => h.fingerprint));
  void (async () => {
    while (running) {
      const prompt = page.getByRole('dialog', { name: 'Trust this host key?' });
      if (await prompt.isVisible().catch(() => false)) {
        const shown =
          (
            await prompt
              .getByTestId('prompt-fingerprint')
              .textContent()
              .catch(() => '')
          )?.trim() ?? '';
        if (fingerprints.has(shown))
          await prompt
            .getByRole('button', { name: 'Trust and connect' })
            .click()
            .catch(() => undefined);
      }
      await page.waitForTimeout(250).catch(() => (running = false));
    }
  })();
  return () => (running = false);
}
