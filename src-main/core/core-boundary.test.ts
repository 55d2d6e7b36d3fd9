import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CORE = join(import.meta.dirname);

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && /\.(ts|js|mts|cts)$/.test(e.name)).map((e) => join(e.parentPath, e.name));
}

describe('core boundary', () => {
  it('no module under src-main/core imports electron, statically or dynamically', async () => {
    const offenders: string[] = [];
    for (const file of await sourceFiles(CORE)) {
      const text = await readFile(file, 'utf8');
      if (/(from\s+|import\s*\(\s*|require\s*\(\s*)['"]electron(\/[^'"]*)?['"]/.test(text)) offenders.push(file);
    }
    expect(offenders).toEqual([]);
  });
});
