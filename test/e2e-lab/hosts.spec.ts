import { readdir, readFile, rm } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { lab, labSupport, type LabHost } from '../lab/index.js';
import { startWebMode, type RunningWebMode } from '../e2e/web-server.js';

// The Hosts screen in Chromium, through the web mode, against real lab hosts.
const support = labSupport();
test.skip(!support.ok && process.env.CI !== 'true', support.ok ? '' : `SKIPPED lab: ${support.reason}`);
test.describe.configure({ mode: 'serial', timeout: 240_000 });

let dataDir: string;
let web: RunningWebMode;
let keyHost: LabHost;
let passwordHost: LabHost;

test.beforeAll(async () => {
  test.setTimeout(900_000);
  await lab.up({ managers: 1, workers: 1 });
  keyHost = lab.hosts.find((h) => h.auth === 'key')!;
  passwordHost = lab.hosts.find((h) => h.auth === 'password')!;
  dataDir = await mkdtemp(join(tmpdir(), 'swarmdeck-e2e-lab-'));
  // No keychain in this run: the secret prompt must say it cannot remember.
  web = await startWebMode(dataDir, { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent', SSH_AUTH_SOCK: '' });
});
test.afterAll(async () => {
  await web?.stop();
  await lab.down();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function addHost(page: Page, host: LabHost, auth: 'key' | 'password'): Promise<void> {
  await page.getByRole('button', { name: 'Add host' }).first().click();
  const form = page.getByRole('form', { name: 'Add host' });
  await form.getByRole('textbox', { name: 'Name', exact: true }).fill(host.name);
  await form.getByRole('textbox', { name: 'Address' }).fill(host.address);
  await form.getByRole('textbox', { name: 'User' }).fill(host.user);
  for (const method of ['ssh-agent', 'key file', 'password']) {
    const wanted = (method === 'key file' && auth === 'key') || (method === 'password' && auth === 'password');
    await form.getByRole('checkbox', { name: method, exact: true }).setChecked(wanted);
  }
  if (auth === 'key') await form.getByRole('textbox', { name: 'Key file' }).fill(host.keyPath);
  await form.getByRole('button', { name: 'Save host' }).click();
  await expect(page.getByRole('row', { name: host.name })).toBeVisible();
}

test('add a host, check its fingerprint, trust it, and see it connect', async ({ page }) => {
  await page.goto(web.url);
  await page.getByRole('link', { name: 'Hosts' }).click();
  await addHost(page, keyHost, 'key');
  const row = page.getByRole('row', { name: keyHost.name });
  await expect(row.getByRole('status')).toHaveText('Not tested');

  await row.getByRole('button', { name: 'Test connection' }).click();
  const prompt = page.getByRole('dialog', { name: 'Trust this host key?' });
  await expect(prompt.getByTestId('prompt-fingerprint')).toHaveText(keyHost.fingerprint);
  await expect(prompt).toContainText('ssh-ed25519');
  await prompt.getByRole('button', { name: 'Trust and connect' }).click();
  await expect(row.getByRole('status')).toHaveText('Connected', { timeout: 30_000 });
  await expect(page.getByText(/Docker Engine 2\d\./)).toBeVisible();
  await expect(page.getByText('Swarm: inactive')).toBeVisible();

  // Known now: no question the second time.
  await row.getByRole('button', { name: 'Test connection' }).click();
  await expect(row.getByRole('status')).toHaveText('Connected', { timeout: 30_000 });
  await expect(prompt).toBeHidden();

  // The dot is live: the link drops with sshd, and comes back with it.
  await lab.killSshd(keyHost);
  await expect(row.getByRole('status')).toHaveText('Reconnecting…', { timeout: 60_000 });
  await lab.restartSshd(keyHost);
  await expect(row.getByRole('status')).toHaveText('Connected', { timeout: 90_000 });
});

test('a changed host key is refused until the old one is forgotten on purpose', async ({ page }) => {
  await page.goto(web.url);
  await page.getByRole('link', { name: 'Hosts' }).click();
  const { fingerprint } = await lab.rotateHostKey(keyHost);
  const row = page.getByRole('row', { name: keyHost.name });
  await row.getByRole('button', { name: 'Test connection' }).click();
  await expect(row.getByRole('status')).toHaveText('Failed', { timeout: 30_000 });
  await expect(page.getByRole('alert')).toContainText('is not the one on record');

  await row.getByRole('button', { name: 'Forget host key' }).click();
  const confirm = page.getByRole('dialog', { name: `Forget the host key of ${keyHost.name}?` });
  await expect(confirm).toContainText('someone may be intercepting the connection');
  await confirm.getByRole('button', { name: 'Forget the key' }).click();
  await row.getByRole('button', { name: 'Test connection' }).click();
  const prompt = page.getByRole('dialog', { name: 'Trust this host key?' });
  await expect(prompt.getByTestId('prompt-fingerprint')).toHaveText(fingerprint);
  await prompt.getByRole('button', { name: 'Trust and connect' }).click();
  await expect(row.getByRole('status')).toHaveText('Connected', { timeout: 30_000 });
});

test('a password host asks for the password, which never reaches a file or a log', async ({ page }) => {
  await page.goto(web.url);
  await page.getByRole('link', { name: 'Hosts' }).click();
  await addHost(page, passwordHost, 'password');
  const row = page.getByRole('row', { name: passwordHost.name });
  await row.getByRole('button', { name: 'Test connection' }).click();
  await page.getByRole('dialog', { name: 'Trust this host key?' }).getByRole('button', { name: 'Trust and connect' }).click();
  const ask = page.getByRole('dialog', { name: `Password for ${passwordHost.user}@${passwordHost.address}:22` });
  await expect(ask).toContainText('The keychain is not available');
  await ask.getByLabel('Secret').fill(passwordHost.password!);
  await ask.getByRole('button', { name: 'Continue' }).click();
  await expect(row.getByRole('status')).toHaveText('Connected', { timeout: 30_000 });

  const files = await readdir(dataDir, { recursive: true });
  for (const file of files) {
    const text = await readFile(join(dataDir, file), 'utf8').catch(() => '');
    expect(text, file).not.toContain(passwordHost.password!);
  }
  expect(web.output()).not.toContain(passwordHost.password!);
  expect(await page.content()).not.toContain(passwordHost.password!);
});
