import { mkdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { readSshConfig } from './ssh-config.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir()));
afterEach(() => cleanup());

describe('~/.ssh/config import', () => {
  it('lists explicit hosts with HostName, User, Port, IdentityFile and ProxyJump, through Includes', async () => {
    await mkdir(join(dir, 'conf.d'));
    await writeFile(
      join(dir, 'config'),
      [
        'Include conf.d/*.conf',
        'Host bastion',
        '  HostName 203.0.113.10',
        '  Port 2200',
        'Host manager-1 manager-2',
        '  User ops',
        '  ProxyJump bastion',
        'Host manager-1',
        '  HostName 10.0.0.11',
        'Host *',
        '  User deploy',
        '  IdentityFile ~/.ssh/id_ed25519',
        '',
      ].join('\n'),
    );
    await writeFile(join(dir, 'conf.d', 'workers.conf'), 'Host worker-1\n  HostName 10.0.1.21\n  ProxyJump ops@bastion:2200,manager-1\n');
    const hosts = await readSshConfig(join(dir, 'config'));
    expect(hosts).toEqual([
      {
        alias: 'worker-1',
        hostName: '10.0.1.21',
        user: 'deploy',
        port: 22,
        identityFile: join(homedir(), '.ssh/id_ed25519'),
        proxyJump: ['ops@bastion:2200', 'manager-1'],
      },
      {
        alias: 'bastion',
        hostName: '203.0.113.10',
        user: 'deploy',
        port: 2200,
        identityFile: join(homedir(), '.ssh/id_ed25519'),
        proxyJump: [],
      },
      {
        alias: 'manager-1',
        hostName: '10.0.0.11',
        user: 'ops',
        port: 22,
        identityFile: join(homedir(), '.ssh/id_ed25519'),
        proxyJump: ['bastion'],
      },
      {
        alias: 'manager-2',
        hostName: 'manager-2',
        user: 'ops',
        port: 22,
        identityFile: join(homedir(), '.ssh/id_ed25519'),
        proxyJump: ['bastion'],
      },
    ]);
  });

  it('stops an Include loop with a clear error instead of hanging', async () => {
    await writeFile(join(dir, 'config'), `Include ${join(dir, 'config')}\n`);
    await expect(readSshConfig(join(dir, 'config'))).rejects.toThrow(/Include nesting/);
  });
});
