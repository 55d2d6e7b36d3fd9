import { describe, expect, it } from 'vitest';
import { ListSkimmer, type SkimOptions } from './skim.js';

/** Feeds `text` in pieces of `size` bytes (1 cuts every key, string and escape in two). */
function skim<T>(text: string, options: SkimOptions, size = 1 << 16) {
  const bytes = Buffer.from(text);
  const skimmer = new ListSkimmer<T>(options);
  for (let i = 0; i < bytes.length; i += size) skimmer.write(bytes.subarray(i, i + size));
  return skimmer.end();
}

const pick = (o: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));

// Strings that look like structure, escapes, multi-byte characters to be cut between chunks, nesting, null and numbers.
const LIST = [
  {
    ID: 'a1',
    Version: { Index: 12 },
    Spec: { Labels: { 'x}"]{[': 'a,b:"c"\\', emoji: '🚀 ünï' }, Args: [[1, 2], { '"': [] }] },
    Status: { State: 'running', Message: 'quote " and brace }', Err: '' },
    Slot: 3,
    NodeID: null,
  },
  { ID: 'b2', Version: { Index: 40 }, Spec: { Labels: { 'x}"]{[': 'a,b:"c"\\', emoji: '🚀 ünï' }, Args: [[1, 2], { '"': [] }] }, Slot: 0 },
  { Version: { Index: 7 }, ID: 'c\u00e9', Status: { State: 'failed', Err: 'non-zero exit (137)\n\ttrace' }, DesiredState: 'shutdown' },
  { ID: 'd4', Status: null, Slot: -1.5e3 },
];
const KEEP = ['Status', 'Slot', 'NodeID', 'DesiredState'];

describe('ListSkimmer', () => {
  for (const size of [1, 2, 3, 5, 17, 64, 1 << 16]) {
    it(`keeps the named fields exactly as JSON.parse reads them, in chunks of ${size} bytes`, () => {
      for (const text of [JSON.stringify(LIST), JSON.stringify(LIST, null, 2)]) {
        const entries = skim<Record<string, unknown>>(text, { keep: KEEP, repeated: ['Spec'] }, size);
        expect(entries.map((e) => e.value)).toEqual(LIST.map((o) => pick(o, ['ID', 'Version', ...KEEP])));
        expect(entries.map((e) => e.id)).toEqual(['a1', 'b2', 'c\u00e9', 'd4']);
        expect(entries.map((e) => e.version.replace(/\s/g, ''))).toEqual(['{"Index":12}', '{"Index":40}', '{"Index":7}', '']);
      }
    });
  }

  it('hands back only the ID and Version of an object known at that Version', () => {
    const entries = skim<Record<string, unknown>>(JSON.stringify(LIST), {
      keep: KEEP,
      known: (id, version) => (id === 'a1' && version === '{"Index":12}') || id === 'd4',
    });
    expect(entries.map((e) => e.value && e.value.ID)).toEqual([null, 'b2', 'c\u00e9', 'd4']);
    expect(entries[0]).toEqual({ id: 'a1', version: '{"Index":12}', value: null });
  });

  it('reads repeated values the same whether or not they repeat, across chunk borders', () => {
    const spec = (n: number) => ({
      ContainerSpec: { Image: `registry.example.com/team/app:${n}`, Env: ['A=1', `N=${n}`] },
      Pad: 'p'.repeat(n),
    });
    const list = Array.from({ length: 60 }, (_, i) => ({
      ID: `t${i}`,
      Spec: spec(i % 3),
      Status: { State: String(i) },
      Tail: spec(i % 3),
    }));
    const text = JSON.stringify(list);
    const plain = skim(text, { keep: ['Status', 'Tail'] });
    for (const size of [7, 100, 1000, 1 << 16]) expect(skim(text, { keep: ['Status', 'Tail'], repeated: ['Spec'] }, size)).toEqual(plain);
    // A value that shares its first bytes with one seen but differs later, or is longer, is read in full.
    const longer = [
      { ID: 'x', Spec: spec(1), Status: 1 },
      { ID: 'y', Spec: { ...spec(1), Extra: true }, Status: 2 },
      { ID: 'z', Spec: spec(1), Status: 3 },
    ];
    expect(skim(JSON.stringify(longer), { keep: ['Status'], repeated: ['Spec'] }).map((e) => e.value)).toEqual([
      { ID: 'x', Status: 1 },
      { ID: 'y', Status: 2 },
      { ID: 'z', Status: 3 },
    ]);
  });

  it('reads an empty list, and refuses a cut or a non-list answer', () => {
    expect(skim('[]\n', { keep: KEEP })).toEqual([]);
    expect(skim(' [ ] ', { keep: KEEP })).toEqual([]);
    expect(() => skim(JSON.stringify(LIST).slice(0, -1), { keep: KEEP })).toThrow(/ended/);
    expect(() => skim(JSON.stringify(LIST).slice(0, 40), { keep: KEEP })).toThrow(/ended/);
    expect(() => skim('', { keep: KEEP })).toThrow(/ended/);
    expect(() => skim('{"message":"no"}', { keep: KEEP })).toThrow(/other than a list/);
    expect(() => skim('["a"]', { keep: KEEP })).toThrow(/other than objects/);
  });
});
