import { createCore, type Core } from '../../src-main/core/create-core.js';
import type { Logger } from '../../src-main/core/logger.js';

/** A logger that keeps every line, so tests can check what would have been logged. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    lines.push(JSON.stringify({ level, message, ...fields }));
  return { lines, info: log('info'), warn: log('warn'), error: log('error') };
}

export function testCore(dataDir: string, logger: Logger = memoryLogger()): Promise<Core> {
  return createCore({ dataDir, version: '0.0.0-test', mode: 'web', systemLocale: null, logger });
}
