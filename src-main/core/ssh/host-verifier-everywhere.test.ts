import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// ssh2 accepts any host key when a connect has no hostVerifier. This proves there
// is exactly one place in the app that opens SSH connections, and that it always passes one.
const SRC = join(import.meta.dirname, '..', '..');

async function sources(): Promise<{ path: string; text: string }[]> {
  const entries = await readdir(SRC, { withFileTypes: true, recursive: true });
  const files = entries.filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'));
  return Promise.all(
    files.map(async (e) => ({
      path: relative(SRC, join(e.parentPath, e.name)),
      // Code only: a comment may name what the code must not do.
      text: (await readFile(join(e.parentPath, e.name), 'utf8')).replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, ''),
    })),
  );
}

describe('every SSH connection checks the host key', () => {
  it('only core/ssh/connect.ts loads ssh2 as a value (others import its types only)', async () => {
    const valueImports = (await sources())
      .filter(({ text }) => /import\s+(?!type\b)[^;]*from\s+['"]ssh2['"]|require\(\s*['"]ssh2['"]\s*\)/.test(text))
      .map((f) => f.path);
    expect(valueImports).toEqual(['core/ssh/connect.ts']);
  });

  it('nothing else uses dockerode’s own ssh protocol, which has no host-key check', async () => {
    const offenders = (await sources()).filter(({ text }) => /protocol:\s*['"]ssh['"]/.test(text)).map((f) => f.path);
    expect(offenders).toEqual([]);
  });

  it('the one client.connect call passes a config with a hostVerifier', async () => {
    const text = await readFile(join(SRC, 'core/ssh/connect.ts'), 'utf8');
    expect(text.match(/\.connect\(/g)).toHaveLength(1);
    expect(text).toMatch(/client\.connect\(config\)/);
    const config = text.slice(text.indexOf('const config: ConnectConfig = {'), text.indexOf('client.connect(config)'));
    expect(config).toMatch(/hostVerifier: \(blob: Buffer, verify/);
  });
});
