// Fails when a component renders user-visible text that does not come from the
// message catalog: text nodes, and the title/aria-label/placeholder/alt attributes.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parse } from 'svelte/compiler';
import { describe, expect, it } from 'vitest';

/** Words that are the same in every language: product and tool names, units. */
const ALLOWED = new Set(['Swarmdeck', 'Docker', 'Swarm', 'SSH', 'ms', 's', 'MB', 'GB']);
const VISIBLE_ATTRIBUTES = new Set(['title', 'aria-label', 'placeholder', 'alt', 'aria-placeholder', 'aria-description']);

interface Node {
  type: string;
  name?: string;
  data?: string;
  value?: true | Node | Node[];
  start: number;
  [key: string]: unknown;
}

export function hardCodedText(source: string): string[] {
  const ast = parse(source, { modern: true }) as unknown as { fragment: Node };
  const found: string[] = [];
  const isVisibleText = (text: string) => {
    const words = text.match(/\p{L}[\p{L}'’-]*/gu) ?? [];
    return words.some((word) => !ALLOWED.has(word));
  };
  const visit = (node: unknown, parentTag?: string): void => {
    if (Array.isArray(node)) return node.forEach((child) => visit(child, parentTag));
    if (typeof node !== 'object' || node === null) return;
    const n = node as Node;
    if (n.type === 'Text' && parentTag !== 'style' && parentTag !== 'script' && isVisibleText(n.data ?? ''))
      found.push((n.data ?? '').trim());
    if (n.type === 'Attribute' && n.name && VISIBLE_ATTRIBUTES.has(n.name) && Array.isArray(n.value)) {
      for (const part of n.value)
        if (part.type === 'Text' && isVisibleText(part.data ?? '')) found.push(`${n.name}="${(part.data ?? '').trim()}"`);
    }
    const tag = n.type === 'RegularElement' || n.type === 'SvelteElement' ? n.name : parentTag;
    for (const [key, value] of Object.entries(n)) {
      if (key === 'type' || key === 'data') continue;
      // Scripts and styles are not rendered; their own ASTs hold code strings, not text.
      if (key === 'instance' || key === 'module' || key === 'css') continue;
      if (n.type === 'Attribute' && key === 'value') continue;
      if (typeof value === 'object') visit(value, tag);
    }
    if (n.type === 'Attribute' && n.value && typeof n.value === 'object' && !Array.isArray(n.value)) visit(n.value, tag);
  };
  visit(ast.fragment);
  return found;
}

async function svelteFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.svelte')).map((e) => join(e.parentPath, e.name));
}

describe('no hard-coded user-visible text in components', () => {
  it('every text node and visible attribute comes from the catalog', async () => {
    const root = join(import.meta.dirname);
    const offenders: string[] = [];
    for (const file of await svelteFiles(root)) {
      for (const text of hardCodedText(await readFile(file, 'utf8'))) offenders.push(`${relative(root, file)}: ${text}`);
    }
    expect(offenders).toEqual([]);
  });

  it('the check finds text nodes and attributes, and lets catalog calls and allowed words through', () => {
    expect(hardCodedText('<h1>Clusters</h1>')).toEqual(['Clusters']);
    expect(hardCodedText('<button aria-label="Close">x</button>')).toEqual(['aria-label="Close"', 'x']);
    expect(hardCodedText('<input placeholder="production" />')).toEqual(['placeholder="production"']);
    expect(hardCodedText('{#if a}<p>Loading</p>{/if}')).toEqual(['Loading']);
    expect(hardCodedText('<h1>{t("clusters.title")}</h1><span>Swarmdeck</span><i> · </i>')).toEqual([]);
    expect(hardCodedText('<script>const x = "Hello";</script><style>p { color: red; }</style>')).toEqual([]);
  });
});
