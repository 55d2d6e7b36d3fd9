import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { quoteArgv } from './argv.js';

// The quoted line goes through a real POSIX shell (as sshd would run it); what
// arrives as argv must be exactly what was given.
function throughShell(argv: string[]): string[] {
  const line = quoteArgv(['node', '-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))', ...argv]);
  return JSON.parse(execFileSync('sh', ['-c', line]).toString()) as string[];
}

describe('quoteArgv', () => {
  it.each([
    [['docker', 'node', 'update', '--label-add', 'zone=eu west']],
    [["it's", '"double"', '$HOME', '`id`', '$(id)', ';', '&&', '|', '>', '<', '*', '?', '~', '!', '#', '\\']],
    [['', ' ', '\n', '\t', 'ñandú', '-rf', '--', "a'b'c"]],
  ])('passes %j through sh unchanged', (argv) => {
    expect(throughShell(argv)).toEqual(argv);
  });

  it('refuses an empty command and NUL bytes', () => {
    expect(() => quoteArgv([])).toThrow();
    expect(() => quoteArgv(['a\0b'])).toThrow();
  });
});
