/**
 * Quotes an argument list for the remote shell that sshd hands every command
 * to: each argument in single quotes, embedded single quotes closed and
 * escaped. Names, labels and paths can then hold anything without being
 * read as shell syntax.
 */
export function quoteArgv(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('empty command');
  return argv.map(quoteArg).join(' ');
}

export function quoteArg(arg: string): string {
  if (arg.includes('\0')) throw new Error('argument contains a NUL byte');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}
