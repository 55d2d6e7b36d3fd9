import { createCore, type Core, type CoreOptions } from '../../src-main/core/create-core.js';
import type { Keychain } from '../../src-main/core/keychain/keychain.js';
import type { Logger } from '../../src-main/core/logger.js';

/** A logger that keeps every line, so tests can check what would have been logged. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    lines.push(JSON.stringify({ level, message, ...fields }));
  return { lines, info: log('info'), warn: log('warn'), error: log('error') };
}

/**
 * For tests that do not exercise the keychain: no keychain at all (the state the
 * app handles when none answers), so a developer's own login keychain is never touched.
 */
export const noKeychain: Keychain = {
  get: () => Promise.reject(new Error('no keychain in this test')),
  set: () => Promise.reject(new Error('no keychain in this test')),
  delete: () => Promise.reject(new Error('no keychain in this test')),
};

export function testCore(dataDir: string, logger: Logger = memoryLogger(), options: Partial<CoreOptions> = {}): Promise<Core> {
  return createCore({
    dataDir,
    version: '0.0.0-test',
    mode: 'web',
    systemLocale: null,
    logger,
    keychain: noKeychain,
    userKnownHosts: [],
    ...options,
  });
}
