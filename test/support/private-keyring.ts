import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PrivateKeyring {
  /** Environment in which keytar reaches this keyring and nothing else. */
  env: { DBUS_SESSION_BUS_ADDRESS: string; XDG_RUNTIME_DIR: string; XDG_DATA_HOME: string };
  stop(): Promise<void>;
}

/**
 * A real Secret Service for tests: a private D-Bus session bus and an unlocked
 * gnome-keyring-daemon on it, in a temp folder, both stopped by pid afterwards.
 */
export async function startPrivateKeyring(password = 'test-keyring-password'): Promise<PrivateKeyring> {
  const root = await mkdtemp(join(tmpdir(), 'swarmdeck-keyring-'));
  const runtime = join(root, 'run');
  await mkdir(runtime, { mode: 0o700 });
  const env = { XDG_RUNTIME_DIR: runtime, XDG_DATA_HOME: join(root, 'data'), DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(root, 'bus')}` };
  const children: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    for (const child of children.reverse()) if (child.exitCode === null) child.kill('SIGTERM');
    await rm(root, { recursive: true, force: true });
  };
  try {
    const bus = spawn('dbus-daemon', ['--session', '--nofork', `--address=${env.DBUS_SESSION_BUS_ADDRESS}`, '--print-address=1'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    children.push(bus);
    await waitForOutput(bus, /unix:path=/, 'dbus-daemon');
    const keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.push(keyring);
    keyring.stdin.end(password);
    await waitForSecretService(env);
    return { env, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function waitForOutput(child: ChildProcess, pattern: RegExp, name: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${timeoutMs} ms`)), timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (pattern.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}`));
    });
  });
}

/** Stores and reads back an entry with secret-tool until the service answers. */
async function waitForSecretService(env: PrivateKeyring['env'], timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const store = spawn('secret-tool', ['store', '--label=ready', 'swarmdeck-test', 'ready'], {
        env: { ...process.env, ...env },
        stdio: ['pipe', 'ignore', 'ignore'],
      });
      const timer = setTimeout(() => store.kill('SIGKILL'), 3000);
      store.stdin.end('ok');
      store.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code === 0);
      });
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the private Secret Service did not answer');
}
