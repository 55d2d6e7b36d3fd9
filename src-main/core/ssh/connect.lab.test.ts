import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { lab, type LabHost } from '../../../test/lab/index.js';
import { describeLab } from '../../../test/lab/suite.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { dockerOverSsh } from '../docker/docker-client.js';
import { connectSsh, type ConnectOptions, type Credentials } from './connect.js';
import { DEFAULT_AUTH_ORDER, type SshEndpoint } from './endpoint.js';
import type { HostKey } from './host-key.js';
import { HostKeyStore } from './host-key-store.js';
import { execRemote } from './remote-exec.js';

// Real sshd and dockerd on lab hosts; every connect goes through the app's own code.
describeLab('SSH connection layer against lab hosts', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let keyHost: LabHost;
  let passwordHost: LabHost;
  let behindBastion: LabHost;
  let bastion: LabHost;
  const prompts: HostKey[] = [];

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
    await lab.up({ managers: 1, workers: 1, bastion: true });
    passwordHost = lab.hosts.find((h) => h.auth === 'password')!;
    bastion = lab.hosts.find((h) => h.role === 'bastion')!;
    behindBastion = lab.hosts.find((h) => h.via === 'bastion' && h.auth === 'key')!;
    keyHost = bastion;
  });
  afterAll(async () => {
    await lab.down();
    await cleanup();
  });

  function endpoint(host: LabHost, overrides: Partial<SshEndpoint> = {}): SshEndpoint {
    return { host: host.address, port: host.port, user: host.user, auth: ['key'], identityFile: host.keyPath, ...overrides };
  }

  function options(overrides: Partial<ConnectOptions> = {}, credentials: Partial<Credentials> = {}): ConnectOptions {
    return {
      hostKeys: new HostKeyStore({ appFile: join(dir, 'known_hosts'), userFiles: [] }),
      promptUnknownHostKey: async (_endpoint, key) => {
        prompts.push(key);
        return true;
      },
      credentials: { passphrase: async () => null, password: async () => null, ...credentials },
      agent: undefined,
      ...overrides,
    };
  }

  it('asks for a password only after the host key is checked', async () => {
    const order: string[] = [];
    const hostKeys = new HostKeyStore({ appFile: join(dir, 'order_known_hosts'), userFiles: [] });
    const ep = endpoint(passwordHost, { auth: ['password'], identityFile: undefined, jump: passwordHost.via ? [endpoint(bastion)] : [] });
    const connection = await connectSsh(
      ep,
      options(
        {
          hostKeys,
          promptUnknownHostKey: async (target) => {
            order.push(`hostKey ${target.host}`);
            return true;
          },
        },
        {
          password: async () => {
            order.push('password');
            return passwordHost.password!;
          },
        },
      ),
    );
    connection.close();
    expect(order.at(-1)).toBe('password');
    expect(order.at(-2)).toBe(`hostKey ${passwordHost.address}`);
  });

  it('does not time out while the operator takes longer than the handshake timeout to answer', async () => {
    const hostKeys = new HostKeyStore({ appFile: join(dir, 'slow_known_hosts'), userFiles: [] });
    const slowAnswer = options({
      hostKeys,
      readyTimeoutMs: 1000,
      promptUnknownHostKey: () => new Promise((resolve) => setTimeout(() => resolve(true), 2500)),
    });
    const connection = await connectSsh(endpoint(keyHost), slowAnswer);
    connection.close();
  });

  it('shows an unknown host key with the fingerprint ssh-keygen gives, remembers it once accepted, and runs a command', async () => {
    prompts.length = 0;
    const connection = await connectSsh(endpoint(keyHost), options());
    expect(prompts.map((k) => k.fingerprint)).toEqual([keyHost.fingerprint]);
    expect(connection.authMethod).toBe('publickey');
    const result = await execRemote(connection.client, ['hostname']);
    expect(result).toMatchObject({ code: 0, stdout: `${keyHost.name}\n` });
    connection.close();

    prompts.length = 0;
    const again = await connectSsh(endpoint(keyHost), options());
    expect(prompts).toEqual([]);
    again.close();
  });

  it('refuses to continue when the operator rejects an unknown key, and stores nothing', async () => {
    const appFile = join(dir, 'rejected_known_hosts');
    const hostKeys = new HostKeyStore({ appFile, userFiles: [] });
    await expect(connectSsh(endpoint(keyHost), options({ hostKeys, promptUnknownHostKey: async () => false }))).rejects.toMatchObject({
      code: 'HOST_KEY_REJECTED',
    });
    await expect(readFile(appFile, 'utf8')).rejects.toThrow();
  });

  it('logs in with a password on the password host, and says so when the password is wrong', async () => {
    const ep = endpoint(passwordHost, { auth: ['password'], identityFile: undefined, jump: passwordHost.via ? [endpoint(bastion)] : [] });
    const connection = await connectSsh(ep, options({}, { password: async () => passwordHost.password! }));
    expect(connection.authMethod).toBe('password');
    connection.close();
    await expect(connectSsh(ep, options({}, { password: async () => 'wrong-password' }))).rejects.toMatchObject({
      code: 'SSH_AUTH_FAILED',
    });
  });

  it('uses a passphrase-protected key, and tells a wrong passphrase from a rejected login', async () => {
    const encrypted = join(dir, 'id_encrypted');
    await copyFile(keyHost.keyPath, encrypted);
    execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'open sesame', '-f', encrypted]);
    const ep = endpoint(keyHost, { identityFile: encrypted });
    const connection = await connectSsh(ep, options({}, { passphrase: async () => 'open sesame' }));
    connection.close();
    await expect(connectSsh(ep, options({}, { passphrase: async () => 'not it' }))).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
    await expect(connectSsh(ep, options())).rejects.toMatchObject({ code: 'PASSPHRASE_REQUIRED' });
  });

  it.each([
    ['RSA in PEM format', ['-t', 'rsa', '-b', '3072', '-m', 'PEM']],
    ['ECDSA in OpenSSH format', ['-t', 'ecdsa', '-b', '256']],
  ])('logs in with an %s key, passphrase-protected', async (_label, args) => {
    const keyFile = join(dir, `id_${args[1]}`);
    execFileSync('ssh-keygen', ['-q', ...args, '-N', 'pem passphrase', '-f', keyFile]);
    const publicKey = (await readFile(`${keyFile}.pub`, 'utf8')).trim();
    await lab.exec(keyHost, ['sh', '-c', 'printf "%s\\n" "$1" >> /home/ops/.ssh/authorized_keys', 'sh', publicKey]);
    const connection = await connectSsh(
      endpoint(keyHost, { identityFile: keyFile }),
      options({}, { passphrase: async () => 'pem passphrase' }),
    );
    expect(connection.authMethod).toBe('publickey');
    connection.close();
  });

  it('authenticates through a real ssh-agent', async () => {
    const socket = join(dir, 'agent.sock');
    const agent: ChildProcess = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    try {
      await expect
        .poll(
          () =>
            execFileSync('sh', ['-c', `test -S ${socket} && echo yes || echo no`])
              .toString()
              .trim(),
          { timeout: 5000 },
        )
        .toBe('yes');
      execFileSync('ssh-add', [keyHost.keyPath], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'ignore' });
      const connection = await connectSsh(
        endpoint(keyHost, { auth: DEFAULT_AUTH_ORDER, identityFile: undefined }),
        options({ agent: socket }),
      );
      expect(connection.authMethod).toBe('agent');
      connection.close();
    } finally {
      agent.kill();
    }
  });

  it('reaches a host behind the bastion through ProxyJump, checking both host keys', async () => {
    prompts.length = 0;
    const hostKeys = new HostKeyStore({ appFile: join(dir, 'jump_known_hosts'), userFiles: [] });
    const connection = await connectSsh(endpoint(behindBastion, { jump: [endpoint(bastion)] }), options({ hostKeys }));
    expect(prompts.map((k) => k.fingerprint)).toEqual([bastion.fingerprint, behindBastion.fingerprint]);
    expect((await execRemote(connection.client, ['hostname'])).stdout.trim()).toBe(behindBastion.name);
    connection.close();
  });

  it('talks to the Docker API through the tunnel, and streams events', async () => {
    // The bastion is a plain jump box without Docker; the manager behind it has one.
    const connection = await connectSsh(endpoint(behindBastion, { jump: [endpoint(bastion)] }), options());
    const { docker, agent } = dockerOverSsh(connection.client);
    try {
      const version = await docker.version();
      expect(version.ApiVersion).toMatch(/^1\.\d+$/);
      const info = await docker.info();
      expect(info.Name).toBe(behindBastion.name);

      const events = await docker.getEvents({ filters: { type: ['network'] } });
      const seen = new Promise<string>((resolve) =>
        events.on('data', (chunk: Buffer) => resolve(String(JSON.parse(chunk.toString()).Action))),
      );
      const network = await docker.createNetwork({ Name: `swarmdeck-test-${Date.now()}` });
      expect(await seen).toBe('create');
      await network.remove();
      (events as unknown as { destroy(): void }).destroy();
    } finally {
      agent.destroy();
      connection.close();
    }
  });

  it('runs a container and streams its logs and an exec through the same tunnel', async () => {
    const connection = await connectSsh(endpoint(behindBastion, { jump: [endpoint(bastion)] }), options());
    const { docker, agent } = dockerOverSsh(connection.client);
    try {
      // The lab preloads a busybox image: nothing is pulled.
      const container = await docker.createContainer({
        Image: 'lab/busybox:latest',
        Cmd: ['sh', '-c', 'echo hello from the task; sleep 30'],
        Tty: true,
      });
      await container.start();
      try {
        const logs = (await container.logs({ follow: true, stdout: true })) as NodeJS.ReadableStream;
        const firstLine = await new Promise<string>((resolve) => logs.once('data', (chunk: Buffer) => resolve(chunk.toString())));
        expect(firstLine).toContain('hello from the task');
        (logs as unknown as { destroy(): void }).destroy();

        const exec = await container.exec({ Cmd: ['sh', '-c', 'echo "$((6 * 7))"'], AttachStdout: true, Tty: true });
        const stream = await exec.start({ hijack: true, stdin: false, Tty: true });
        let output = '';
        stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
        await new Promise((resolve) => stream.once('end', resolve));
        expect(output.trim()).toBe('42');
      } finally {
        await container.remove({ force: true });
      }
    } finally {
      agent.destroy();
      connection.close();
    }
  });

  it('quotes every argument, runs sudo -n, and times out a command that does not end', async () => {
    const connection = await connectSsh(endpoint(keyHost), options());
    try {
      const weird = ["it's a label", '$(touch /tmp/pwned)', '; rm -rf /'];
      expect((await execRemote(connection.client, ['printf', '%s\\n', ...weird])).stdout).toBe(`${weird.join('\n')}\n`);
      expect((await execRemote(connection.client, ['test', '-e', '/tmp/pwned'])).code).toBe(1);
      expect((await execRemote(connection.client, ['id', '-u'], { sudo: true })).stdout).toBe('0\n');
      expect((await execRemote(connection.client, ['cat'], { stdin: 'through stdin' })).stdout).toBe('through stdin');
      await expect(execRemote(connection.client, ['sleep', '30'], { timeoutMs: 500 })).rejects.toMatchObject({ code: 'EXEC_TIMEOUT' });
    } finally {
      connection.close();
    }
  });

  it('refuses a changed host key, naming the old and the new fingerprints', async () => {
    const { previous, fingerprint } = await lab.rotateHostKey(keyHost);
    const error = await connectSsh(endpoint(keyHost), options()).catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'HOST_KEY_CHANGED', params: { fingerprint, knownFingerprints: previous } });
  });

  it('reports a refused connection and a missing key file with their own codes, without hanging', async () => {
    await expect(connectSsh(endpoint(keyHost, { port: 2222 }), options())).rejects.toMatchObject({ code: 'SSH_CONNECTION_REFUSED' });
    // Key files are read only after the host key is checked; this store has not seen the rotated key yet.
    const hostKeys = new HostKeyStore({ appFile: join(dir, 'fresh_known_hosts'), userFiles: [] });
    await expect(connectSsh(endpoint(keyHost, { identityFile: join(dir, 'no-such-key') }), options({ hostKeys }))).rejects.toMatchObject({
      code: 'KEY_FILE_UNREADABLE',
    });
  });

  it('says when sudo would need a password instead of waiting for one', async () => {
    const original = (await lab.exec(keyHost, ['cat', '/etc/sudoers.d/ops'])).stdout;
    await lab.exec(keyHost, ['sh', '-c', "echo 'ops ALL=(ALL) ALL' > /etc/sudoers.d/ops"]);
    const connection = await connectSsh(
      endpoint(keyHost),
      options({ hostKeys: new HostKeyStore({ appFile: join(dir, 'sudo_known_hosts'), userFiles: [] }) }),
    );
    try {
      await expect(execRemote(connection.client, ['true'], { sudo: true, timeoutMs: 10_000 })).rejects.toMatchObject({
        code: 'SUDO_PASSWORD_REQUIRED',
      });
    } finally {
      connection.close();
      await lab.exec(keyHost, ['sh', '-c', `printf '%s' "$1" > /etc/sudoers.d/ops`, 'sh', original]);
    }
  });

  it('reports a host it cannot route to, and one that never answers, without hanging', async () => {
    // The private network is reachable only through the bastion.
    await expect(connectSsh(endpoint(behindBastion), options())).rejects.toMatchObject({ code: 'SSH_HOST_UNREACHABLE' });
    await lab.disconnect(keyHost);
    try {
      await expect(connectSsh(endpoint(keyHost), options({ readyTimeoutMs: 2000 }))).rejects.toMatchObject({ code: 'SSH_TIMEOUT' });
    } finally {
      await lab.reconnect(keyHost);
    }
  });
});
