import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { hostInput, lab, LAB_IMAGES, labSupport } from '../lab/index.js';
import { callContract } from '../e2e/contract-call.js';
import { startWebMode, type RunningWebMode } from '../e2e/web-server.js';
import { trustHostKeysWhileRunning } from './trust-host-keys.js';

// Day two in Chromium, through the web mode, against a real swarm of five lab hosts.
const support = labSupport();
test.skip(!support.ok && process.env.CI !== 'true', support.ok ? '' : `SKIPPED lab: ${support.reason}`);
test.describe.configure({ mode: 'serial', timeout: 240_000 });

let dataDir: string;
let web: RunningWebMode;

test.beforeAll(async () => {
  test.setTimeout(900_000);
  await lab.up({ managers: 3, workers: 2, passwordHost: false });
  await lab.swarm.form();
  await lab.swarm.docker(lab.managers[0]!.name, [
    'service',
    'create',
    '--detach',
    '--name',
    'web',
    '--replicas',
    '2',
    '--no-resolve-image',
    '--constraint',
    'node.role==worker',
    LAB_IMAGES.service,
    'sh',
    '-c',
    'while true; do sleep 1; done',
  ]);
  dataDir = await mkdtemp(join(tmpdir(), 'swarmdeck-e2e-cluster-'));
  web = await startWebMode(dataDir, { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent', SSH_AUTH_SOCK: '' });
});
test.afterAll(async () => {
  await web?.stop();
  await lab.down();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

test('the map, the health panel and the everyday operations on a live swarm', async ({ page }) => {
  await page.goto(web.url);
  const stopTrusting = trustHostKeysWhileRunning(page);
  try {
    for (const h of lab.hosts) {
      const saved = await callContract(page, 'hosts.save', hostInput(h));
      expect(saved.ok).toBe(true);
    }
    const adopted = await callContract(page, 'clusters.adopt', { name: 'lab', via: lab.managers[0]!.name, mapping: {} });
    expect(adopted.ok).toBe(true);
    await page.reload();
    await page.getByRole('button', { name: 'Open lab' }).click();

    // The map and the health of a healthy swarm.
    const nodes = page.getByRole('feed', { name: 'Nodes' });
    for (const h of lab.hosts) await expect(nodes.getByRole('article', { name: h.name })).toBeVisible({ timeout: 60_000 });
    const health = page.getByRole('region', { name: 'Health' });
    await expect(health).toContainText('Managers reachable 3 of 3');
    await expect(health).toContainText(`Leader: ${lab.managers[0]!.name}`);
    const services = page.getByRole('list', { name: 'Services' });
    await expect(services).toContainText('2/2', { timeout: 60_000 });

    // Scale: the replica count and the chips follow.
    await services.getByRole('button', { name: 'web' }).click();
    const details = page.getByRole('region', { name: 'Details' });
    await details.getByRole('button', { name: 'Scale', exact: true }).click();
    const scale = page.getByRole('dialog', { name: 'Scale web?' });
    await scale.getByRole('spinbutton', { name: 'Replicas for web' }).fill('4');
    await scale.getByRole('button', { name: 'Scale', exact: true }).click();
    await expect(services).toContainText('4/4', { timeout: 60_000 });
    await page.mouse.move(0, 0);
    await page.screenshot({ path: 'docs/cluster-map.png' });
    const chipsOn = (host: string) =>
      page.getByRole('list', { name: `Tasks on ${host}` }).getByRole('img', { name: /^web\.\d+: running$/ });
    await expect.poll(async () => (await chipsOn(lab.workers[0]!.name).count()) + (await chipsOn(lab.workers[1]!.name).count())).toBe(4);

    // Drain a worker: its tasks move to the other one.
    const [drained, other] = lab.workers;
    await nodes.getByRole('article', { name: drained!.name }).click();
    await details.getByRole('button', { name: 'Drain', exact: true }).click();
    const drain = page.getByRole('dialog', { name: `Drain ${drained!.name}?` });
    await drain.getByRole('button', { name: 'Drain', exact: true }).click();
    await expect(chipsOn(drained!.name)).toHaveCount(0, { timeout: 60_000 });
    await expect(chipsOn(other!.name)).toHaveCount(4, { timeout: 60_000 });

    // The leader's host stops: a new leader, no failure to spare, and the demote guard holds.
    const leader = lab.managers[0]!;
    await lab.stop(leader.name);
    await expect(health).toContainText('Managers reachable 2 of 3', { timeout: 90_000 });
    await expect(health).toContainText('Can tolerate 0 more failures now (1 with all managers up)');
    await expect(health).not.toContainText(`Leader: ${leader.name}`);
    await expect(health).toContainText(/Leader: manager[23]/);

    const survivor = lab.managers[1]!;
    await nodes.getByRole('article', { name: survivor.name }).click();
    await details.getByRole('button', { name: 'Demote', exact: true }).click();
    const demote = page.getByRole('dialog', { name: `Demote ${survivor.name}?` });
    await demote.getByRole('button', { name: 'Demote', exact: true }).click();
    await expect(demote.getByRole('checkbox', { name: 'Demote anyway, I accept the risk' })).toBeVisible({ timeout: 30_000 });
    await demote.getByRole('button', { name: 'Cancel' }).click();
    await expect(nodes.getByRole('article', { name: survivor.name })).toContainText('Manager');
  } finally {
    stopTrusting();
  }
});
