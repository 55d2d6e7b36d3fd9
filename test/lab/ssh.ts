// The workstation's side of SSH into the lab: a key pair, a known_hosts and an ssh_config
// private to each lab (never ~/.ssh), and a runner for the OpenSSH client. The ssh_config is
// passed with -F, which OpenSSH also hands to the ProxyJump hop, so jumps use the same files.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { must, run } from './exec.js';
import type { RunOptions, RunResult } from './exec.js';
import type { LabHost, LabState } from './types.js';

export async function makeUserKey(dir: string): Promise<{ keyPath: string; publicKey: string }> {
  const keyPath = path.join(dir, 'id_ed25519');
  await must('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'swarmdeck-lab', '-f', keyPath]);
  return { keyPath, publicKey: readFileSync(`${keyPath}.pub`, 'utf8') };
}

/** ssh asks this program for the password host's password (SSH_ASKPASS, no sshpass needed). */
export function writeAskpass(file: string): void {
  writeFileSync(
    file,
    "#!/bin/sh\n# Answers ssh's password prompt for lab tests (SSH_ASKPASS).\nprintf '%s\\n' \"$SWARMDECK_LAB_PASSWORD\"\n",
  );
  chmodSync(file, 0o700);
}

export function writeKnownHosts(state: LabState): void {
  const lines = state.hosts.map((h) => {
    const names = [h.name, h.addresses.main, h.addresses.private].filter((x): x is string => x !== undefined);
    return `${names.join(',')} ${h.hostKey}`;
  });
  writeFileSync(state.knownHosts, `${lines.join('\n')}\n`, { mode: 0o600 });
}

/** Replaces one host's known_hosts entry with its current key (after a rotation, on purpose). */
export function trustHostKey(state: LabState, host: LabHost): void {
  writeKnownHosts({ ...state, hosts: state.hosts.map((h) => (h.name === host.name ? host : h)) });
}

export function writeSshConfig(state: LabState): void {
  const out: string[] = [`# Swarmdeck lab ${state.id}: ssh -F ${state.sshConfig} <host>`, ''];
  // First match wins in ssh_config: per-host blocks before the defaults.
  for (const h of state.hosts) {
    out.push(`Host ${h.name}`, `  HostName ${h.address}`, `  Port ${h.port}`);
    if (h.via) out.push(`  ProxyJump ${h.via}`);
    if (h.auth === 'password') {
      out.push('  BatchMode no', '  PubkeyAuthentication no', '  PasswordAuthentication yes', '  NumberOfPasswordPrompts 1');
    }
    out.push('');
  }
  out.push(
    'Host *',
    '  User ops',
    `  IdentityFile ${state.keyPath}`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${state.knownHosts}`,
    '  GlobalKnownHostsFile /dev/null',
    '  StrictHostKeyChecking yes',
    '  UpdateHostKeys no',
    '  BatchMode yes',
    '  PasswordAuthentication no',
    '  KbdInteractiveAuthentication no',
    '  ConnectTimeout 5',
    '  ServerAliveInterval 5',
    '  ServerAliveCountMax 3',
    '  ControlMaster no',
    '  ControlPath none',
    '  LogLevel ERROR',
    '',
  );
  writeFileSync(state.sshConfig, out.join('\n'), { mode: 0o600 });
}

export interface SshOptions extends RunOptions {
  /** Extra ssh options before the destination, e.g. ['-o', 'ProxyJump=none'] or ['-J', 'bastion']. */
  sshArgs?: string[];
  /** Password to answer with (default: the host's own, on the password host). */
  password?: string;
}

/** The ssh command line (without the remote command) a person would type for this host. */
export function sshCommand(state: LabState, host: LabHost | string): string[] {
  return ['ssh', '-F', state.sshConfig, typeof host === 'string' ? host : host.name];
}

/**
 * Runs `command` on a lab host (or any destination: a name, an address, user@address)
 * with the OpenSSH client and the lab's config. Resolves whatever the exit status.
 */
export function ssh(state: LabState, dest: LabHost | string, command: string, opts: SshOptions = {}): Promise<RunResult> {
  const target = typeof dest === 'string' ? dest : dest.name;
  const host = typeof dest === 'string' ? state.hosts.find((h) => h.name === dest || h.address === dest) : dest;
  const password = opts.password ?? host?.password;
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  if (password !== undefined) {
    // force: use the askpass program even with no terminal and no DISPLAY.
    Object.assign(env, { SSH_ASKPASS: state.askpass, SSH_ASKPASS_REQUIRE: 'force', SWARMDECK_LAB_PASSWORD: password });
  }
  const args = ['-F', state.sshConfig, ...(opts.sshArgs ?? []), target, '--', command];
  return run('ssh', args, { timeoutMs: 60_000, ...opts, env });
}
