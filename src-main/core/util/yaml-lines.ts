import { isMap, isNode, isScalar, isSeq, type Document, type LineCounter } from 'yaml';

/**
 * The line of the deepest node along the path that the file has: a key's own line for a
 * mapping entry (where the operator looks for it), the parent's for a missing field.
 */
export function lineAt(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): number | null {
  let node: unknown = doc.contents;
  let offset = isNode(node) ? node.range?.[0] : undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      offset = isNode(pair.key) ? pair.key.range?.[0] : offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (!isNode(item)) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset === undefined ? null : lines.linePos(offset).line;
}
