import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface RunningWebMode {
  url: string;
  origin: string;
  token: string;
  process: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/** Starts `node out/main/web.js` as a user would (through the built entry) and waits for its URL. */
export async function startWebMode(dataDir: string, extraEnv: Record<string, string> = {}): Promise<RunningWebMode> {
  const child = spawn(process.execPath, ['out/main/web.js'], {
    env: { ...process.env, SWARMDECK_DATA_DIR: dataDir, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`web mode printed no URL within 15 s:\n${output}`)), 15_000);
    const check = (): void => {
      const match = /http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => reject(new Error(`web mode exited with ${code}:\n${output}`)));
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
