// Cold start of the web mode: from process spawn to the first contract answer
// (app.info over the WebSocket), against a bare `node` start measured in the
// same run, so the ratio means something on a shared, noisy machine.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { formatMs, median } from './stats.js';

const RUNS = 7;

async function bareNode(): Promise<number> {
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' })
      .on('exit', () => resolve())
      .on('error', reject);
  });
  return performance.now() - started;
}

async function webModeToFirstAnswer(): Promise<number> {
  const dataDir = await mkdtemp(join(tmpdir(), 'swarmdeck-bench-'));
  const started = performance.now();
  const child = spawn(process.execPath, ['out/main/web.js'], {
    env: { ...process.env, SWARMDECK_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise<URL>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error('no URL within 20 s')), 20_000);
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(new URL(match[0]));
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(`ws://${url.host}/api?token=${url.searchParams.get('token')}`);
      ws.on('open', () => ws.send(JSON.stringify({ id: 1, method: 'app.info' })));
      ws.on('message', () => {
        ws.close();
        resolve();
      });
      ws.on('error', reject);
    });
    return performance.now() - started;
  } finally {
    child.kill('SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
  }
}

export async function coldStartBench(): Promise<string> {
  const node: number[] = [];
  const web: number[] = [];
  // Interleaved, so both see the same background load.
  for (let i = 0; i < RUNS; i++) {
    node.push(await bareNode());
    web.push(await webModeToFirstAnswer());
  }
  const ratio = median(web) / median(node);
  return [
    `## Web mode cold start (${RUNS} runs each, interleaved, median)`,
    '',
    '| what | median | ratio |',
    '| --- | --- | --- |',
    `| bare \`node -e 0\` | ${formatMs(median(node))} | 1.00× |`,
    `| web mode: spawn → first contract answer | ${formatMs(median(web))} | ${ratio.toFixed(2)}× |`,
    '',
  ].join('\n');
}
