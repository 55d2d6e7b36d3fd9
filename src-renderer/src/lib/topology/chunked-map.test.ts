import { describe, expect, it } from 'vitest';
import { ChunkedMap } from './chunked-map.js';

describe('ChunkedMap', () => {
  const entries = Array.from({ length: 5000 }, (_, i) => [`id${i}`, i] as const);
  const map = ChunkedMap.from(entries);

  it('reads like a Map', () => {
    expect(map.size).toBe(5000);
    expect(map.get('id42')).toBe(42);
    expect(map.has('nope')).toBe(false);
    expect([...map.values()].sort((a, b) => a - b)).toEqual(entries.map(([, v]) => v));
    expect(new Map(map)).toEqual(new Map(entries));
  });

  it('makes changed copies that leave the original alone', () => {
    const next = map.with(
      [
        ['id1', -1],
        ['new', 7],
      ],
      ['id2', 'missing'],
    );
    expect(next.size).toBe(5000);
    expect(next.get('id1')).toBe(-1);
    expect(next.get('new')).toBe(7);
    expect(next.has('id2')).toBe(false);
    expect(map.get('id1')).toBe(1);
    expect(map.has('id2')).toBe(true);
    expect(map.with([], [])).toBe(map);
  });

  it('stays whole when it grows far past its first size', () => {
    let grown = ChunkedMap.from<number>([]);
    for (let i = 0; i < 2000; i += 100) grown = grown.with(Array.from({ length: 100 }, (_, j) => [`k${i + j}`, i + j] as const));
    expect(grown.size).toBe(2000);
    expect(grown.get('k1999')).toBe(1999);
  });
});
