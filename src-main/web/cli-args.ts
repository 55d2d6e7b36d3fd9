export interface WebCliArgs {
  port: number;
  open: boolean;
}

export class CliUsageError extends Error {}

export const WEB_USAGE = 'usage: npm run start:web -- [--port N] [--open]';

export function parseWebArgs(argv: readonly string[]): WebCliArgs {
  const args: WebCliArgs = { port: 0, open: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--open') args.open = true;
    else if (arg === '--port' || arg?.startsWith('--port=')) {
      const value = arg === '--port' ? argv[++i] : arg.slice('--port='.length);
      const port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new CliUsageError(`--port wants a number from 0 to 65535, got ${value ?? 'nothing'}`);
      args.port = port;
    } else throw new CliUsageError(`unknown argument ${arg}`);
  }
  return args;
}
