import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { CoreError } from '../errors.js';
import { DATA_FILE_NAME, DataFile, SCHEMA_VERSION } from './data-file.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir()));
afterEach(() => cleanup());

describe('DataFile', () => {
  it('starts empty when no file exists, and creates nothing until the first change', async () => {
    const file = new DataFile(dir);
    await file.load();
    expect(file.read().clusters).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('writes a versioned file that a new instance reads back, leaving no temp files', async () => {
    const file = new DataFile(dir);
    await file.load();
    await file.update((data) => (data.settings.theme = 'dark'));
    const again = new DataFile(dir);
    await again.load();
    expect(again.read().settings.theme).toBe('dark');
    const json = JSON.parse(await readFile(join(dir, DATA_FILE_NAME), 'utf8'));
    expect(json.schemaVersion).toBe(SCHEMA_VERSION);
    expect(await readdir(dir)).toEqual([DATA_FILE_NAME]);
  });

  it('moves a corrupt file aside with a notice instead of overwriting it', async () => {
    await writeFile(join(dir, DATA_FILE_NAME), '{"schemaVersion": 1, "clus');
    const file = new DataFile(dir);
    await file.load();
    expect(file.read().clusters).toEqual([]);
    expect(file.notices).toHaveLength(1);
    const notice = file.notices[0]!;
    expect(notice.code).toBe('STORE_CORRUPT_MOVED');
    expect(await readFile(notice.params.path!, 'utf8')).toBe('{"schemaVersion": 1, "clus');
    await file.update((data) => (data.settings.theme = 'light'));
    expect(await readFile(notice.params.path!, 'utf8')).toBe('{"schemaVersion": 1, "clus');
  });

  it('treats valid JSON of the wrong shape as corrupt too', async () => {
    await writeFile(join(dir, DATA_FILE_NAME), JSON.stringify({ schemaVersion: 1, clusters: 'nope' }));
    const file = new DataFile(dir);
    await file.load();
    expect(file.notices.map((n) => n.code)).toEqual(['STORE_CORRUPT_MOVED']);
  });

  it('keeps a file written by a newer version aside rather than downgrading it', async () => {
    const newer = JSON.stringify({ schemaVersion: SCHEMA_VERSION + 1, clusters: [], settings: {}, future: true });
    await writeFile(join(dir, DATA_FILE_NAME), newer);
    const file = new DataFile(dir);
    await file.load();
    expect(file.notices[0]?.code).toBe('STORE_NEWER_VERSION');
    expect(await readFile(file.notices[0]!.params.path!, 'utf8')).toBe(newer);
  });

  it('reports a failed write with a code and keeps memory as it was', async () => {
    const file = new DataFile(dir);
    await file.load();
    await file.update((data) => (data.settings.theme = 'dark'));
    // A non-empty folder where the file should be makes the final rename fail.
    await rm(join(dir, DATA_FILE_NAME));
    await mkdir(join(dir, DATA_FILE_NAME, 'blocker'), { recursive: true });
    const error = await file.update((data) => (data.settings.theme = 'light')).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(CoreError);
    expect((error as CoreError).code).toBe('STORE_WRITE_FAILED');
    expect(file.read().settings.theme).toBe('dark');
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('applies concurrent updates in order without losing any', async () => {
    const file = new DataFile(dir);
    await file.load();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        file.update((data) =>
          data.clusters.push({ id: `c${i}`, name: `n${i}`, hosts: [], swarmId: null, notes: '', createdAt: '', updatedAt: '' }),
        ),
      ),
    );
    const again = new DataFile(dir);
    await again.load();
    expect(again.read().clusters.map((c) => c.id)).toEqual(Array.from({ length: 20 }, (_, i) => `c${i}`));
  });
});
