import { readFile, rename } from 'node:fs/promises';
import type { z } from 'zod';

/**
 * A data file of its own beside the main one, read through its schema: null when it does not
 * exist yet, and null after moving it aside when it cannot be read, never overwriting it (the
 * operator may want it back).
 */
export async function readJsonFile<T>(path: string, schema: z.ZodType<T>): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    return schema.parse(JSON.parse(text));
  } catch {
    await rename(path, `${path}.corrupt-${Date.now()}`);
    return null;
  }
}
