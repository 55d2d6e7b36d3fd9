import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import type { ExecSession } from '../../src-main/contract.js';
import { hostInput, lab, LAB_IMAGES, labSupport } from '../lab/index.js';
import { callContract } from '../e2e/contract-call.js';
import { startWebMode, type RunningWebMode } from '../e2e/web-server.js';
import { trustHostKeysWhileRunning } from './trust-host-keys.js';

// The day-two tools in Chromium, through the web mode, against a real swarm of one manager and two
// workers: a service's logs from both workers, a shell in a task on a worker, and the activity log.
const support = labSupport();
test.skip(!support.ok && process.env.CI !== 'true', support.ok ? '' : `SKIPPED lab: ${support.reason}`);
test.describe.configure({ mode: 'serial', timeout: 180_000 });

let dataDir: string;
let web: RunningWebMode;

test.beforeAll(async () => {
  test.setTimeout(900_000);
  await lab.up({ managers: 1, workers: 2, passwordHost: false });
  await lab.swarm.form();
  const created = await lab.swarm.docker(lab.managers[0]!.name, [
    'service',
    'create',
    '--detach',
    '--name',
    'web',
    '--replicas',
    '2',
    '--replicas-max-per-node',
    '1',
    '--no-resolve-image',
    '--constraint',
    'node.role==worker',
    LAB_IMAGES.service,
    'sh',
    '-c',
    'while true; do echo "hello from $(hostname)"; sleep 0.5; done',
  ]);
  expect(created.code, created.stderr).toBe(0);
  dataDir = await mkdtemp(join(tmpdir(), 'swarmdeck-e2e-tools-'));
  web = await startWebMode(dataDir, { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent', SSH_AUTH_SOCK: '' });
});
test.afterAll(async () => {
  await web?.stop();
  await lab.down();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

let adopted = false;
/** Hosts and the cluster profile once (the core keeps them), then the cluster screen with web's details. */
async function openWeb(page: Page): Promise<Locator> {
  await page.goto(web.url);
  if (!adopted) {
    for (const h of lab.hosts) {
      const saved = await callContract(page, 'hosts.save', hostInput(h));
      expect(saved.ok).toBe(true);
    }
    const result = await callContract(page, 'clusters.adopt', { name: 'lab', via: lab.managers[0]!.name, mapping: {} });
    expect(result.ok).toBe(true);
    adopted = true;
    await page.reload();
  }
  await page.getByRole('button', { name: 'Open lab' }).click();
  const services = page.getByRole('list', { name: 'Services' });
  await expect(services).toContainText('2/2', { timeout: 90_000 });
  await services.getByRole('button', { name: 'web' }).click();
  return page.getByRole('region', { name: 'Details' });
}

/** The container of web's task on a worker, as that worker's Docker names it (its hostname by default). */
async function containerOn(worker: string): Promise<string> {
  const ps = await lab.swarm.docker(worker, ['ps', '--filter', 'label=com.docker.swarm.service.name=web', '--format', '{{.ID}}']);
  const id = ps.stdout.trim().split('\n')[0] ?? '';
  expect(id, ps.stderr).toMatch(/^[0-9a-f]{12}$/);
  return id;
}

/** Shells the exec started in a container: `docker top` lines whose command is just `sh` (the task's own is `sh -c …`). */
async function execShells(worker: string, container: string): Promise<number> {
  const top = await lab.swarm.docker(worker, ['top', container]);
  return top.stdout.split('\n').filter((line) => / sh$/.test(line.trimEnd())).length;
}

/** The terminal's visible lines, as xterm's DOM renderer draws them. */
async function screenLines(dialog: Locator): Promise<string[]> {
  const text = await dialog
    .locator('.xterm-rows')
    .evaluate((rows) => [...rows.children].map((row) => (row.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()));
  return text;
}

test('the logs of a service whose tasks run on two workers show lines from both', async ({ page }) => {
  const stopTrusting = trustHostKeysWhileRunning(page);
  try {
    const details = await openWeb(page);
    await details.getByRole('button', { name: 'Logs', exact: true }).click();
    const logs = page.getByRole('dialog', { name: 'Logs of web' });
    const log = logs.getByRole('log');
    for (const worker of lab.workers) await expect(log).toContainText(`@${worker.name} hello from `, { timeout: 60_000 });
    await logs.getByRole('button', { name: 'Close' }).click();
    await expect(logs).toBeHidden();
  } finally {
    stopTrusting();
  }
});

test('a shell in a task on a worker runs commands, follows the window size and ends on close', async ({ page }) => {
  const stopTrusting = trustHostKeysWhileRunning(page);
  try {
    const worker = lab.workers[0]!.name;
    const container = await containerOn(worker);
    const details = await openWeb(page);
    await details.getByRole('button', { name: new RegExp(`^Open a shell in web\\.\\d on ${worker}$`) }).click();
    const dialog = page.getByRole('dialog', { name: new RegExp(`^Shell in web\\.\\d on ${worker}$`) });
    await expect(dialog.getByRole('status')).toHaveText('Connected.', { timeout: 60_000 });
    await expect(dialog).toContainText(`Container ${container} through host ${worker}`);
    await expect(dialog.getByRole('region', { name: /^Terminal for web\.\d$/ })).toBeVisible();
    await expect.poll(() => execShells(worker, container), { timeout: 20_000 }).toBe(1);
    // xterm's own <style> elements are blocked by the CSP; the dialog mirrors them into adopted sheets.
    expect(await page.evaluate(() => document.adoptedStyleSheets.length)).toBeGreaterThan(0);

    // Typed keys reach the shell and its output comes back (the echoed command says 6*7, only the shell says 42).
    await page.keyboard.type('echo marker-$((6*7))\n');
    await expect.poll(() => screenLines(dialog), { timeout: 20_000 }).toContain('marker-42');
    await page.keyboard.type('hostname\n');
    await expect.poll(() => screenLines(dialog), { timeout: 20_000 }).toContain(container);

    // The TTY follows the dialog's size.
    const sizes = async () => (await screenLines(dialog)).filter((line) => /^size-\d+x\d+$/.test(line));
    await page.keyboard.type('echo size-$(stty size | tr " " x)\n');
    await expect.poll(sizes, { timeout: 20_000 }).toHaveLength(1);
    const [before] = await sizes();
    await page.setViewportSize({ width: 900, height: 560 });
    await page.waitForTimeout(600);
    await page.keyboard.type('echo size-$(stty size | tr " " x)\n');
    await expect.poll(async () => (await sizes()).filter((s) => s !== before).length, { timeout: 20_000 }).toBeGreaterThan(0);
    // Escape goes to the shell, not to the dialog. (Ctrl-C then drops the half-read escape sequence in ash's line editor.)
    await page.keyboard.press('Escape');
    await page.waitForTimeout(300);
    await expect(dialog).toBeVisible();
    await page.keyboard.press('Control+C');
    await page.keyboard.type('echo marker-$((7*8))\n');
    await expect.poll(() => screenLines(dialog), { timeout: 20_000 }).toContain('marker-56');

    // Shift+Tab leaves the terminal for the dialog's controls, where Escape closes it; closing ends the shell.
    await page.keyboard.press('Shift+Tab');
    await expect(dialog.getByRole('checkbox', { name: 'Screen reader mode' })).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect.poll(() => execShells(worker, container), { timeout: 30_000 }).toBe(0);
    expect(await page.evaluate(() => document.adoptedStyleSheets.length)).toBe(0);

    // The shell's own `exit` ends the session too, and the dialog says so.
    await details.getByRole('button', { name: new RegExp(`^Open a shell in web\\.\\d on ${worker}$`) }).click();
    await expect(dialog.getByRole('status')).toHaveText('Connected.', { timeout: 60_000 });
    await page.keyboard.type('exit\n');
    await expect(dialog.getByRole('status')).toHaveText('Session ended.', { timeout: 30_000 });
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toBeHidden();
  } finally {
    stopTrusting();
  }
});

test('the activity tab lists the operations, newest first, and adds new ones live', async ({ page }) => {
  const stopTrusting = trustHostKeysWhileRunning(page);
  try {
    const worker = lab.workers[1]!.name;
    const container = await containerOn(worker);
    await openWeb(page);
    await page.getByRole('tab', { name: 'Activity' }).click();
    const activity = page.getByRole('region', { name: 'Activity' });
    const rows = activity.getByRole('table').getByRole('row');
    await expect(rows.filter({ hasText: 'docker exec -it' }).first()).toContainText('OK');
    await expect(rows.filter({ hasText: 'docker exec -it' })).toHaveCount(2);

    // A shell opened now (through the API, the tab staying open) shows at the top without a reload.
    const tasks = await lab.swarm.docker(lab.managers[0]!.name, [
      'service',
      'ps',
      'web',
      '--no-trunc',
      '-q',
      '--filter',
      'desired-state=running',
      '--filter',
      `node=${worker}`,
    ]);
    const taskId = tasks.stdout.trim().split('\n')[0] ?? '';
    const clusterId = decodeURIComponent(new URL(page.url()).hash.replace(/^#\/cluster\//, ''));
    const opened = await callContract(page, 'exec.open', { clusterId, taskId, cols: 80, rows: 24 });
    expect(opened.ok, JSON.stringify(opened)).toBe(true);
    const session = (opened as { ok: true; value: ExecSession }).value;
    await expect(rows.nth(1)).toContainText(`docker exec -it ${container} sh`);
    await expect(rows.nth(1)).toContainText(worker);
    await expect(rows.filter({ hasText: 'docker exec -it' })).toHaveCount(3);
    await callContract(page, 'exec.close', { sessionId: session.sessionId });

    // The filter narrows the list to what matches.
    await activity.getByRole('searchbox', { name: 'Filter entries' }).fill(container);
    await expect(rows).toHaveCount(2);
    await expect(activity).toContainText('1 of');
    await activity.getByRole('searchbox', { name: 'Filter entries' }).fill('no-such-operation');
    await expect(activity).toContainText('No entry matches the filter.');
  } finally {
    stopTrusting();
  }
});

test('a compose stack is checked, deployed and removed from the Stacks tab', async ({ page }) => {
  const stopTrusting = trustHostKeysWhileRunning(page);
  const manager = lab.managers[0]!.name;
  const inStack = async (kind: 'service' | 'config' | 'network') =>
    (await lab.swarm.docker(manager, [kind, 'ls', '--filter', 'label=com.docker.stack.namespace=shop', '--format', '{{.Name}}'])).stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .sort();
  try {
    await openWeb(page);
    await page.getByRole('tab', { name: 'Stacks' }).click();
    await page.getByRole('textbox', { name: 'Stack name' }).fill('shop');
    await page
      .getByRole('textbox', { name: 'Compose file' })
      .fill(
        [
          'version: "3.8"',
          'services:',
          '  app:',
          `    image: ${LAB_IMAGES.service}`,
          '    command: ["sh", "-c", "while true; do sleep 1; done"]',
          '    container_name: not-in-a-stack',
          '    configs: [greeting]',
          '    deploy:',
          '      replicas: 2',
          '      placement:',
          '        constraints: [node.role==worker]',
          'configs:',
          '  greeting:',
          '    content: hello',
          '',
        ].join('\n'),
      );
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await expect(page.getByText('Not supported by a stack deploy: skipped')).toBeVisible();
    await expect(page.getByText('services.app.container_name')).toBeVisible();
    await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    const confirm = page.getByRole('dialog', { name: 'Deploy stack shop?' });
    await expect(confirm).toContainText('shop_app');
    await confirm.getByRole('button', { name: 'Deploy stack' }).click();
    await expect(page.getByText(/^Stack shop deployed\./)).toBeVisible({ timeout: 60_000 });
    expect(await inStack('service')).toEqual(['shop_app']);
    expect(await inStack('config')).toEqual(['shop_greeting']);
    expect(await inStack('network')).toEqual(['shop_default']);
    await expect
      .poll(
        async () =>
          (await lab.swarm.docker(manager, ['service', 'ls', '--filter', 'name=shop_app', '--format', '{{.Replicas}}'])).stdout.trim(),
        {
          timeout: 60_000,
        },
      )
      .toBe('2/2');

    await page.getByRole('button', { name: 'Remove stack shop' }).click();
    const remove = page.getByRole('dialog', { name: 'Remove stack shop?' });
    await expect(remove).toContainText('shop_app');
    await remove.getByRole('button', { name: 'Remove stack' }).click();
    await expect(page.getByText(/^Stack shop removed/)).toBeVisible({ timeout: 60_000 });
    await expect.poll(() => inStack('service'), { timeout: 30_000 }).toEqual([]);
    await expect.poll(() => inStack('network'), { timeout: 30_000 }).toEqual([]);
    expect(await inStack('config')).toEqual([]);
  } finally {
    stopTrusting();
  }
});

test('a backup of a single-manager swarm from the Backups tab: acknowledged, passphrase-encrypted, and the passphrase nowhere on disk', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const stopTrusting = trustHostKeysWhileRunning(page);
  const manager = lab.managers[0]!.name;
  const passphrase = 'correct horse battery e2e';
  try {
    await openWeb(page);
    await page.getByRole('tab', { name: 'Backups' }).click();
    await expect(page.getByText('No backups of this cluster yet.')).toBeVisible();
    await page.getByRole('button', { name: 'Back up now…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Back up the swarm state' });
    await expect(dialog).toContainText(`This swarm has a single manager, ${manager}`);
    const start = dialog.getByRole('button', { name: 'Back up' });
    await expect(start).toBeDisabled();
    await dialog.getByLabel(/I understand that the swarm cannot be managed/).check();
    await dialog.getByLabel('A passphrase you type now').check();
    await dialog.getByLabel('Passphrase', { exact: true }).fill(passphrase);
    await dialog.getByLabel('Passphrase again').fill(`${passphrase}!`);
    await start.click();
    await expect(dialog).toContainText('The two passphrases differ.');
    await dialog.getByLabel('Passphrase again').fill(passphrase);
    await start.click();
    await expect(dialog.getByText(new RegExp(`^Backup taken from ${manager} in`))).toBeVisible({ timeout: 240_000 });
    await expect(dialog).not.toContainText(passphrase);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(page.getByRole('table')).toContainText(manager);
    await expect(page.getByRole('table')).toContainText('Passphrase');

    // The manager is back and the swarm answers; the archive is on this workstation, the passphrase in no file.
    const state = await lab.swarm.docker(manager, ['info', '--format', '{{.Swarm.LocalNodeState}}']);
    expect(state.stdout.trim()).toBe('active');
    // grep -r exits 1 when nothing matches: what this test wants.
    expect(spawnSync('grep', ['-rqF', passphrase, dataDir]).status).toBe(1);
    const archives = await readdir(join(dataDir, 'backups'), { recursive: true });
    expect(archives.some((name) => name.endsWith('.swarmbak'))).toBe(true);
  } finally {
    stopTrusting();
  }
});
