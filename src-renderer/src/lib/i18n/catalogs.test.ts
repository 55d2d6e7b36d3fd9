import { describe, expect, it } from 'vitest';
import { en } from './en.js';
import { es } from './es.js';
import { placeholdersOf } from './format-message.js';
import type { Message } from './types.js';

function flatten(catalog: unknown, prefix = ''): Map<string, Message> {
  const out = new Map<string, Message>();
  for (const [key, value] of Object.entries(catalog as Record<string, unknown>)) {
    const path = prefix + key;
    if (typeof value === 'string' || (typeof value === 'object' && value !== null && 'other' in value)) out.set(path, value as Message);
    else for (const [k, v] of flatten(value, `${path}.`)) out.set(k, v);
  }
  return out;
}

const catalogs = { en: flatten(en), es: flatten(es) };

describe('message catalogs', () => {
  it('have the same keys in every locale', () => {
    const keys = (name: keyof typeof catalogs) => [...catalogs[name].keys()].sort();
    expect(keys('es')).toEqual(keys('en'));
  });

  it('use the same parameter names for each key in every locale', () => {
    const mismatches: string[] = [];
    for (const [key, message] of catalogs.en) {
      const other = catalogs.es.get(key);
      if (other && placeholdersOf(other).join() !== placeholdersOf(message).join()) mismatches.push(key);
    }
    expect(mismatches).toEqual([]);
  });

  it('have no empty message', () => {
    for (const catalog of Object.values(catalogs)) {
      for (const [key, message] of catalog) {
        const forms = typeof message === 'string' ? [message] : Object.values(message);
        expect(
          forms.every((form) => form.trim() !== ''),
          key,
        ).toBe(true);
      }
    }
  });

  it('the check itself notices a missing key and a renamed parameter', () => {
    const broken = flatten({ a: 'x {count}', b: 'y' });
    const reference = flatten({ a: 'x {n}', b: 'y', c: 'z' });
    expect([...broken.keys()]).not.toEqual([...reference.keys()]);
    expect(placeholdersOf(broken.get('a')!)).not.toEqual(placeholdersOf(reference.get('a')!));
  });
});
