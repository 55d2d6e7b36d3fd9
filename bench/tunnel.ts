// Docker API latency through Swarmdeck's SSH tunnel, beside the other ways in, all
// in one run against one lab host: a direct call on the host's own socket, the
// tunnel (one SSH connection, a streamlocal channel per request), dockerode's
// `protocol: 'ssh'` and the Docker CLI with an ssh:// host (a new SSH session per
// call; fewer calls for those). Plus 50 concurrent calls, tunnel and direct.
//   npm run bench -- tunnel
import { execFile, execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { dockerOverSsh } from '../src-main/core/docker/docker-client.js';
import { connectSsh } from '../src-main/core/ssh/connect.js';
import { HostKeyStore } from '../src-main/core/ssh/host-key-store.js';
import { createLab, labSupport, type LabHost } from '../test/lab/index.js';
import { DOCKER_HOST } from '../test/lab/paths.js';
import { makeTempDir } from '../test/support/temp-dir.js';
import { formatMs, median } from './stats.js';

const run = promisify(execFile);
const FAST_CALLS = 200;
const SLOW_CALLS = 20;
const CONCURRENT = 50;

function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!;
}

async function timeCalls(count: number, call: () => Promise<unknown>): Promise<number[]> {
  await call(); // warm-up, not counted
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  return times;
}

async function burst(docker: Docker): Promise<{ total: number; each: number[] }> {
  const started = performance.now();
  const each = await Promise.all(
    Array.from({ length: CONCURRENT }, async () => {
      const t0 = performance.now();
      await docker.version();
      return performance.now() - t0;
    }),
  );
  return { total: performance.now() - started, each };
}

/**
 * The Docker CLI runs `ssh`, which reads the passwd user's ~/.ssh whatever HOME says: a
 * wrapper points it at the lab's key and host key instead. Still one ssh process per call.
 */
async function dockerCli(host: LabHost, dir: string): Promise<() => Promise<unknown>> {
  const bin = join(dir, 'bin');
  await mkdir(bin, { recursive: true });
  await writeFile(join(dir, 'cli_known_hosts'), `${host.address} ${host.hostKey}\n`);
  await writeFile(
    join(dir, 'ssh_config'),
    `Host ${host.address}\n  IdentityFile ${host.keyPath}\n  UserKnownHostsFile ${join(dir, 'cli_known_hosts')}\n  StrictHostKeyChecking yes\n`,
  );
  await writeFile(join(bin, 'ssh'), `#!/bin/sh\nexec /usr/bin/ssh -F ${join(dir, 'ssh_config')} "$@"\n`, { mode: 0o755 });
  return () =>
    run('docker', ['-H', `ssh://${host.user}@${host.address}`, 'version', '--format', '{{.Server.APIVersion}}'], {
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
    });
}

export async function tunnelBench(): Promise<string> {
  const support = labSupport();
  if (!support.ok) return `## Docker API over SSH\n\nSKIPPED lab: ${support.reason}\n`;
  const lab = createLab();
  const { dir, cleanup } = await makeTempDir();
  try {
    const [host] = await lab.up({ managers: 1, workers: 0, passwordHost: false });
    if (!host) throw new Error('lab gave no host');
    // The host's own socket, reached from outside through its mount namespace (/run, not the /var/run symlink).
    const pid = execFileSync('docker', ['-H', DOCKER_HOST, 'inspect', '-f', '{{.State.Pid}}', host.container]).toString().trim();
    const direct = new Docker({ socketPath: `/proc/${pid}/root/run/docker.sock` });

    const connection = await connectSsh(
      { host: host.address, port: host.port, user: host.user, auth: ['key'], identityFile: host.keyPath },
      {
        hostKeys: new HostKeyStore({ appFile: join(dir, 'known_hosts'), userFiles: [] }),
        promptUnknownHostKey: async (_endpoint, key) => key.fingerprint === host.fingerprint,
        credentials: { password: async () => null, passphrase: async () => null },
      },
    );
    const { docker: tunnel, agent } = dockerOverSsh(connection.client);
    const perCallSsh = new Docker({
      protocol: 'ssh',
      host: host.address,
      port: host.port,
      username: host.user,
      sshOptions: { privateKey: await readFile(host.keyPath) },
    } as Docker.DockerOptions);
    const cli = await dockerCli(host, dir);

    const results = {
      direct: await timeCalls(FAST_CALLS, () => direct.version()),
      tunnel: await timeCalls(FAST_CALLS, () => tunnel.version()),
      dockerodeSsh: await timeCalls(SLOW_CALLS, () => perCallSsh.version()),
      cli: await timeCalls(SLOW_CALLS, cli),
    };
    const directBurst = await burst(direct);
    const tunnelBurst = await burst(tunnel);
    agent.destroy();
    connection.close();

    const base = median(results.direct);
    const row = (label: string, times: number[]) =>
      `| ${label} | ${times.length} | ${formatMs(median(times))} | ${formatMs(p95(times))} | ${(median(times) / base).toFixed(2)}× |`;
    return [
      '## Docker API over SSH: `GET /version`, one lab host, same run',
      '',
      '| path | calls | median | p95 | vs direct |',
      '| --- | --- | --- | --- | --- |',
      row("direct, on the host's own socket", results.direct),
      row('Swarmdeck tunnel (one SSH connection, streamlocal channels)', results.tunnel),
      row("dockerode `protocol: 'ssh'` (new SSH session per call)", results.dockerodeSsh),
      row('Docker CLI, `-H ssh://` (new ssh process per call)', results.cli),
      '',
      `${CONCURRENT} concurrent calls: through one tunnel ${formatMs(tunnelBurst.total)} for all (median ${formatMs(median(tunnelBurst.each))} each); ` +
        `on the host's own socket ${formatMs(directBurst.total)} (median ${formatMs(median(directBurst.each))}); ` +
        `ratio ${(tunnelBurst.total / directBurst.total).toFixed(2)}×.`,
      '',
    ].join('\n');
  } finally {
    await lab.down();
    await cleanup();
  }
}
