// Entry of the local web mode (`npm run start:web`): the core plus the web adapter, in plain Node.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore } from '../core/create-core.js';
import { defaultDataDir } from '../core/data-dir.js';
import { createStreamLogger } from '../core/logger.js';
import { CliUsageError, parseWebArgs, WEB_USAGE } from './cli-args.js';
import { startWebServer } from './server.js';

declare const __APP_VERSION__: string;

async function main(): Promise<void> {
  const args = parseWebArgs(process.argv.slice(2));
  const logger = createStreamLogger((line) => process.stderr.write(line));
  const core = await createCore({
    dataDir: defaultDataDir(),
    version: __APP_VERSION__,
    mode: 'web',
    systemLocale: null,
    logger,
  });
  const here = dirname(fileURLToPath(import.meta.url));
  const server = await startWebServer({ core, staticDir: join(here, '..', 'renderer'), port: args.port });
  process.stdout.write(`Swarmdeck web mode is listening on 127.0.0.1 only. Open:\n\n    ${server.url}\n\n`);
  if (args.open) openInBrowser(server.url);

  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function openInBrowser(url: string): void {
  const [command, ...args] =
    process.platform === 'darwin' ? ['open', url] : process.platform === 'win32' ? ['cmd', '/c', 'start', '', url] : ['xdg-open', url];
  spawn(command as string, args, { stdio: 'ignore', detached: true })
    .on('error', () => {
      process.stderr.write('Could not open a browser; open the URL above yourself.\n');
    })
    .unref();
}

main().catch((err: unknown) => {
  if (err instanceof CliUsageError) {
    process.stderr.write(`${err.message}\n${WEB_USAGE}\n`);
    process.exit(2);
  }
  process.stderr.write(`Swarmdeck web mode could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
