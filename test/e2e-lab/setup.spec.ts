import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { hostInput, lab, labSupport } from '../lab/index.js';
import { callContract } from '../e2e/contract-call.js';
import { startWebMode, type RunningWebMode } from '../e2e/web-server.js';

// The guided setup in Chromium, through the web mode, against five real lab hosts:
// the swarm it builds is then checked with the hosts' own Docker CLI.
const support = labSupport();
test.skip(!support.ok && process.env.CI !== 'true', support.ok ? '' : `SKIPPED lab: ${support.reason}`);
test.describe.configure({ mode: 'serial', timeout: 300_000 });

let dataDir: string;
let web: RunningWebMode;
let edgeFile: string;
let poolFile: string;

test.beforeAll(async () => {
  test.setTimeout(900_000);
  await lab.up({ managers: 3, workers: 2, passwordHost: false });
  dataDir = await mkdtemp(join(tmpdir(), 'swarmdeck-e2e-setup-'));
  edgeFile = join(dataDir, 'upstream.conf');
  poolFile = join(dataDir, 'workers.user-data');
  web = await startWebMode(dataDir, { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent', SSH_AUTH_SOCK: '' });
});
test.afterAll(async () => {
  await web?.stop();
  await lab.down();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Trusts each host key the app asks about, checking each against the lab's own record of it. */
async function trustHostKeys(page: Page, count: number): Promise<void> {
  const fingerprints = new Set(lab.hosts.map((h) => h.fingerprint));
  const trusted = new Set<string>();
  const prompt = page.getByRole('dialog', { name: 'Trust this host key?' });
  const shown = prompt.getByTestId('prompt-fingerprint');
  while (trusted.size < count) {
    // The next question, not the one just answered (hosts are read one after another).
    await expect
      .poll(async () => ((await shown.isVisible()) ? ((await shown.textContent())?.trim() ?? '') : ''), { timeout: 30_000 })
      .toMatch(/^SHA256:/);
    const fingerprint = (await shown.textContent())?.trim() ?? '';
    if (trusted.has(fingerprint)) continue;
    expect(fingerprints.has(fingerprint)).toBe(true);
    await prompt.getByRole('button', { name: 'Trust and connect' }).click();
    trusted.add(fingerprint);
  }
}

test('3 managers + 2 workers, an encrypted overlay, dedicated managers: built from the wizard', async ({ page }) => {
  await page.goto(web.url);
  for (const h of lab.hosts) {
    const saved = await callContract(page, 'hosts.save', hostInput(h));
    expect(saved.ok).toBe(true);
  }
  await page.reload();
  await page.getByRole('button', { name: 'Set up a new swarm' }).click();

  // Hosts.
  await page.getByRole('textbox', { name: 'Cluster name' }).fill('lab-prod');
  for (const h of lab.hosts) await page.getByRole('checkbox', { name: h.name, exact: true }).check();
  await page.getByRole('button', { name: 'Next' }).click();

  // Roles: reading the hosts asks once per host key.
  await trustHostKeys(page, lab.hosts.length);
  for (const h of lab.managers) await page.getByRole('combobox', { name: `Role for ${h.name}` }).selectOption({ label: 'Manager' });
  for (const h of lab.workers) await page.getByRole('combobox', { name: `Role for ${h.name}` }).selectOption({ label: 'Worker' });
  await expect(page.getByRole('status', { name: 'Fault tolerance' })).toContainText('3 managers: the swarm keeps working if 1 fails.');
  await page.getByRole('button', { name: 'Next' }).click();

  // Network.
  await page.getByRole('textbox', { name: 'Network name' }).fill('backend');
  await expect(page.getByRole('textbox', { name: 'Subnet' })).toHaveValue('10.0.9.0/24');
  await expect(page.getByRole('checkbox', { name: 'Encrypted' })).toBeChecked();
  await page.getByRole('button', { name: 'Next' }).click();

  // Options.
  await page.getByRole('checkbox', { name: 'Dedicated managers' }).check();
  await page.getByRole('checkbox', { name: 'Autolock' }).check();
  await page.getByRole('button', { name: 'Next' }).click();

  // Production: the edge list to a file, a backup schedule (no first backup), the worker pool's script.
  // (The private registry as a wizard step is run end to end by the core's lab test, with a keychain.)
  await expect(page.getByRole('heading', { name: 'Add production services' })).toBeVisible();
  await page.getByRole('checkbox', { name: 'Edge target list' }).check();
  await page.getByRole('textbox', { name: 'File path' }).fill(edgeFile);
  await page.getByRole('checkbox', { name: 'Routine backups' }).check();
  await page.getByRole('checkbox', { name: 'Take the first backup at the end of the build' }).uncheck();
  await page.getByRole('checkbox', { name: 'Node pool scripts' }).check();
  const workerPool = page.getByRole('group', { name: 'Worker pool' });
  await workerPool.getByRole('textbox', { name: 'Labels (optional)' }).fill('tier=app');
  await workerPool.getByRole('textbox', { name: 'Script file' }).fill(poolFile);
  await page.getByRole('button', { name: 'Next' }).click();

  // Preflight.
  await page.getByRole('button', { name: 'Run preflight' }).click();
  for (const h of lab.hosts) await expect(page.getByRole('region', { name: h.name })).toContainText('Docker', { timeout: 60_000 });
  const next = page.getByRole('button', { name: 'Next' });
  await expect(next).not.toHaveAttribute('aria-disabled', 'true', { timeout: 60_000 });
  await next.click();

  // Review: the exact operations, in order.
  const operations = page.getByRole('list', { name: 'Operations' });
  await expect(operations).toContainText(`docker swarm init --advertise-addr ${lab.managers[0]!.address}`);
  await expect(operations).toContainText(
    'docker network create --driver overlay --subnet 10.0.9.0/24 --opt encrypted --attachable backend',
  );
  await expect(operations).toContainText(`Write the nodes that take traffic on port 80 to ${edgeFile}`);
  await expect(operations).toContainText(`Write the first-boot script of the worker pool workers to ${poolFile}`);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: 'docs/wizard-review.png', fullPage: false });
  await page.getByRole('button', { name: 'Build the swarm' }).click();

  // Run → Done.
  await expect(page.getByRole('heading', { name: 'Swarm ready' })).toBeVisible({ timeout: 240_000 });
  await page.getByRole('button', { name: 'Show unlock key' }).click();
  await expect(page.getByText(/SWMKEY-1-/)).toBeVisible();

  // The production steps, from the files they wrote: the workers take traffic (the managers are drained).
  const targets = (await readFile(edgeFile, 'utf8')).trim().split('\n');
  expect(targets.sort()).toEqual(lab.workers.map((w) => `${w.address}:80`).sort());
  expect((await stat(poolFile)).mode & 0o777).toBe(0o600);
  expect(await readFile(poolFile, 'utf8')).toContain('tier');

  // What Docker itself says.
  const nodes = await lab.swarm.nodes(lab.managers[0]!.name);
  expect(nodes).toHaveLength(5);
  const managers = nodes.filter((n) => n.managerStatus !== '');
  expect(managers).toHaveLength(3);
  expect(managers.every((n) => n.availability === 'Drain')).toBe(true);
  const inspect = await lab.swarm.docker(lab.managers[0]!.name, ['network', 'inspect', 'backend', '--format', '{{json .}}']);
  const network = JSON.parse(inspect.stdout) as { Driver: string; Options: Record<string, string>; IPAM: { Config: { Subnet: string }[] } };
  expect(network.Driver).toBe('overlay');
  expect('encrypted' in network.Options).toBe(true);
  expect(network.IPAM.Config.map((c) => c.Subnet)).toEqual(['10.0.9.0/24']);

  // The cluster is there to open.
  await page.getByRole('button', { name: 'Open cluster' }).click();
  await expect(page.getByRole('article', { name: 'lab-prod' })).toContainText('5 hosts');
});
