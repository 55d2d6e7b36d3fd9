import type { Client } from 'ssh2';
import { CoreError } from '../errors.js';
import { quoteArgv } from './argv.js';

export interface ExecOptions {
  /** Run through `sudo -n`: fail at once, with SUDO_PASSWORD_REQUIRED, instead of waiting for a password. */
  sudo?: boolean;
  stdin?: string | Buffer;
  timeoutMs?: number;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
}

export interface ExecResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const SUDO_NEEDS_PASSWORD = /sudo: (a password is required|a terminal is required)/;

/**
 * Runs a command on the host as an argument list (quoted for the remote
 * shell), streams its output, and always ends: on exit, or with EXEC_TIMEOUT.
 * A link that drops mid-command ends with EXEC_OUTCOME_UNKNOWN: the command may or may not have run.
 */
export function execRemote(client: Client, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const command = quoteArgv(options.sudo ? ['sudo', '-n', '--', ...argv] : argv);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    client.exec(command, (err, channel) => {
      if (err)
        return reject(
          new CoreError('EXEC_FAILED', `Could not start ${argv[0] ?? 'command'}: ${err.message}`, { params: { command: argv[0] ?? '' } }),
        );
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let code: number | null = null;
      let signal: string | null = null;
      let exited = false;
      const timer = setTimeout(() => {
        channel.close();
        reject(
          new CoreError('EXEC_TIMEOUT', `${argv[0] ?? 'command'} did not finish within ${timeoutMs} ms`, {
            params: { command: argv[0] ?? '', timeoutMs: String(timeoutMs) },
          }),
        );
      }, timeoutMs);
      channel.on('data', (chunk: Buffer) => {
        stdout.push(chunk);
        options.onStdout?.(chunk);
      });
      channel.stderr.on('data', (chunk: Buffer) => {
        stderr.push(chunk);
        options.onStderr?.(chunk);
      });
      channel.on('exit', (exitCode: number | null, exitSignal?: string) => {
        exited = true;
        code = exitCode;
        signal = exitSignal ?? null;
      });
      channel.on('close', () => {
        clearTimeout(timer);
        const result = { code, signal, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') };
        if (!exited) {
          return reject(
            new CoreError('EXEC_OUTCOME_UNKNOWN', `The connection closed before ${argv[0] ?? 'command'} reported how it ended`, {
              params: { command: argv[0] ?? '' },
            }),
          );
        }
        if (options.sudo && code !== 0 && SUDO_NEEDS_PASSWORD.test(result.stderr)) {
          return reject(
            new CoreError(
              'SUDO_PASSWORD_REQUIRED',
              'sudo on this host asks for a password; Swarmdeck needs passwordless sudo for this step',
              { params: { command: argv[0] ?? '' } },
            ),
          );
        }
        resolve(result);
      });
      if (options.stdin !== undefined) channel.end(options.stdin);
      else channel.end();
    });
  });
}
