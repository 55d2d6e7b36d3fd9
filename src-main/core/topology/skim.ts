import { isAscii } from 'node:buffer';

// Reads a JSON array of objects (a Docker list: /tasks, /services) as it
// streams in, keeping only the named top-level fields of each object. Docker
// sends every task with its full spec and network attachments; the map needs a
// fifth of those bytes, and parsing the rest was most of the cost of a read at
// scale. The kept fields go to JSON.parse, once per list; the rest is scanned
// for its end and dropped, never decoded. An object whose ID and Version were
// seen before is not kept at all: Docker bumps the Version on every change.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/** One object of the list: its ID and Version (as Docker wrote them), and its kept fields unless it was known already. */
export interface SkimmedEntry<T> {
  id: string;
  /** The `Version` field's JSON text (`{"Index":N}`), '' if the object has none. */
  version: string;
  value: T | null;
}

export interface SkimOptions {
  /** Top-level fields to keep; `ID` and `Version` are read in any case. */
  keep: readonly string[];
  /**
   * Skipped fields whose object values repeat byte for byte from one element
   * to the next (a task's Spec is its service's template): each is compared
   * with the ones seen before, rather than scanned.
   */
  repeated?: readonly string[];
  /** True when an object with this ID and Version was read before: its fields are not parsed again (`value` is null). */
  known?: (id: string, version: string) => boolean;
}

const ID = 0;
const VERSION = 1;
/** Repeated values are looked up by their first bytes, and at most a few candidates compared. */
const PREFIX = 48;
const CANDIDATES = 4;
const MEMO_BYTES = 16 * 1024 * 1024;

export class ListSkimmer<T> {
  /** Kept keys as bytes, ID and Version first, and the `"Key":` each starts its copy with. */
  private readonly keys: Buffer[];
  private readonly heads: Buffer[];
  private readonly keptKeys: number;
  private readonly memo = new Map<string, Buffer[]>();
  private memoBytes = 0;
  private readonly known: ((id: string, version: string) => boolean) | undefined;
  // The kept fields of the objects not known, as one JSON array, parsed once at the end.
  private out = Buffer.allocUnsafe(1 << 18);
  private length = 1;
  private readonly entries: { id: string; version: string; fresh: boolean }[] = [];

  // Where the scan is, carried from one chunk to the next.
  private depth = 0;
  private inString = false;
  private escaped = false;
  private expectKey = false;
  /** An object key cut by a chunk's end: its bytes so far (keys are short). */
  private keyPart: Buffer | null = null;
  private lastKey = -1;
  /** Copying a kept value (its key's index), or -1. */
  private copying = -1;
  private objectStart = 0;
  private keptInObject = 0;
  private ranges = [0, 0, 0, 0];
  private identified = false;
  private skip = false;
  private id = '';
  private version = '';
  private sawList = false;

  constructor(options: SkimOptions) {
    const names = ['ID', 'Version', ...options.keep.filter((k) => k !== 'ID' && k !== 'Version')];
    this.keptKeys = names.length;
    names.push(...(options.repeated ?? []).filter((k) => !names.includes(k)));
    this.keys = names.map((k) => Buffer.from(k, 'latin1'));
    this.heads = names.map((k) => Buffer.from(`${JSON.stringify(k)}:`, 'latin1'));
    this.known = options.known;
    this.out[0] = OPEN_ARRAY;
  }

  write(chunk: Uint8Array): void {
    const n = chunk.length;
    let depth = this.depth;
    let p = 0;
    let copyFrom = this.copying >= 0 ? 0 : -1;
    const keyStart = this.keyPart ? 0 : -1;
    // A repeated value being scanned, to be remembered if it ends within this chunk.
    let memoFrom = -1;
    if (this.inString) {
      if (this.escaped) {
        this.escaped = false;
        p = 1;
      }
      p = this.stringEnd(chunk, p);
      if (p >= n) return this.suspend(chunk, depth, copyFrom, keyStart, p > n);
      this.inString = false;
      if (keyStart >= 0) this.lastKey = this.keyIndex(chunk, 0, p);
      p++;
    }
    while (p < n) {
      const c = chunk[p]!;
      if (c === QUOTE) {
        if (depth < 2) this.notObjects(depth);
        const start = p + 1;
        // Most bytes are in strings: a tight loop to the closing quote.
        p = this.stringEnd(chunk, start);
        const isKey = depth === 2 && this.expectKey;
        if (p >= n) {
          this.inString = true;
          return this.suspend(chunk, depth, copyFrom, isKey ? start : -1, p > n);
        }
        if (isKey) this.lastKey = this.keyIndex(chunk, start, p);
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        depth++;
        if (depth <= 2) this.open(c, depth);
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        if (depth === 2) {
          if (copyFrom >= 0) copyFrom = this.endValue(chunk, copyFrom, p);
          if (memoFrom >= 0) memoFrom = this.remember(chunk, memoFrom, p);
          this.endObject();
        }
        depth--;
      } else if (depth === 2) {
        if (c === COMMA) {
          if (copyFrom >= 0) copyFrom = this.endValue(chunk, copyFrom, p);
          if (memoFrom >= 0) memoFrom = this.remember(chunk, memoFrom, p);
          this.expectKey = true;
        } else if (c === COLON) {
          this.expectKey = false;
          if (this.lastKey >= this.keptKeys) {
            const end = this.seen(chunk, p + 1);
            if (end >= 0) p = end - 1;
            else memoFrom = p + 1;
          } else if (this.lastKey >= 0 && !this.skip) copyFrom = this.startValue(p + 1);
        }
      } else if (depth < 2 && c > 0x20 && !(depth === 1 && c === COMMA)) this.notObjects(depth);
      p++;
    }
    this.suspend(chunk, depth, copyFrom, -1, false);
  }

  /** The list in Docker's order; throws if the body ended early. */
  end(): SkimmedEntry<T>[] {
    if (this.depth !== 0 || this.inString || !this.sawList) throw new Error('Docker’s answer ended before the list did');
    this.put(Buffer.from(']'));
    // Docker's JSON is nearly always ASCII, which decodes as a plain copy.
    const text = this.out.subarray(0, this.length);
    const fresh = JSON.parse(isAscii(text) ? text.toString('latin1') : text.toString('utf8')) as T[];
    let next = 0;
    return this.entries.map((e) => ({ id: e.id, version: e.version, value: e.fresh ? fresh[next++]! : null }));
  }

  /**
   * The end of the repeated value at `from` if it is one seen before, or -1.
   * A JSON object ends where its braces balance, so bytes equal to a whole
   * object seen before are that object: nothing in them needs reading.
   */
  private seen(chunk: Uint8Array, from: number): number {
    if (chunk[from] !== OPEN_OBJECT || from + PREFIX > chunk.length) return -1;
    const list = this.memo.get(Buffer.from(chunk.buffer, chunk.byteOffset + from, PREFIX).toString('latin1'));
    if (!list) return -1;
    const at = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    for (let i = 0; i < list.length; i++) {
      const value = list[i]!;
      if (from + value.length > chunk.length || at.compare(value, 0, value.length, from, from + value.length) !== 0) continue;
      if (i > 0) list.unshift(...list.splice(i, 1));
      return from + value.length;
    }
    return -1;
  }

  private remember(chunk: Uint8Array, from: number, to: number): number {
    if (chunk[from] !== OPEN_OBJECT || to - from < PREFIX || this.memoBytes + to - from > MEMO_BYTES) return -1;
    const value = Buffer.from(chunk.subarray(from, to));
    const key = value.toString('latin1', 0, PREFIX);
    const list = this.memo.get(key) ?? [];
    if (list.length === 0) this.memo.set(key, list);
    list.unshift(value);
    this.memoBytes += value.length;
    if (list.length > CANDIDATES) this.memoBytes -= list.pop()!.length;
    return -1;
  }

  /** Index of the closing quote at or after `p`; n if the chunk ends inside the string, n + 1 if it ends on a backslash. */
  private stringEnd(chunk: Uint8Array, p: number): number {
    const n = chunk.length;
    while (p < n) {
      const c = chunk[p]!;
      if (c === QUOTE) return p;
      p += c === BACKSLASH ? 2 : 1;
    }
    return p;
  }

  private suspend(chunk: Uint8Array, depth: number, copyFrom: number, keyStart: number, escaped: boolean): void {
    const n = chunk.length;
    this.depth = depth;
    this.escaped = escaped;
    if (copyFrom >= 0) this.copy(chunk, copyFrom, n);
    if (keyStart >= 0) {
      const part = Buffer.from(chunk.subarray(keyStart, n));
      this.keyPart = this.keyPart ? Buffer.concat([this.keyPart, part]) : part;
    } else this.keyPart = null;
  }

  /** Which kept key `chunk[from, to)` (after any part from the previous chunk) is, or -1. */
  private keyIndex(chunk: Uint8Array, from: number, to: number): number {
    const bytes = this.keyPart ? Buffer.concat([this.keyPart, chunk.subarray(from, to)]) : chunk;
    if (this.keyPart) [from, to] = [0, bytes.length];
    this.keyPart = null;
    const length = to - from;
    for (let k = 0; k < this.keys.length; k++) {
      const key = this.keys[k]!;
      if (key.length !== length) continue;
      let i = 0;
      while (i < length && key[i] === bytes[from + i]) i++;
      if (i === length) return k;
    }
    return -1;
  }

  private notObjects(depth: number): never {
    throw new Error(
      depth === 0 ? 'Docker answered with something other than a list' : 'Docker answered with a list of something other than objects',
    );
  }

  private open(c: number, depth: number): void {
    if (depth === 1) {
      if (c !== OPEN_ARRAY) this.notObjects(0);
      this.sawList = true;
      return;
    }
    if (c !== OPEN_OBJECT) this.notObjects(1);
    this.expectKey = true;
    this.keptInObject = 0;
    this.ranges.fill(0);
    this.identified = this.skip = false;
    this.objectStart = this.length;
    if (this.length > 1) this.out[this.reserve(1)] = COMMA;
    this.out[this.reserve(1)] = OPEN_OBJECT;
  }

  private startValue(from: number): number {
    if (this.keptInObject++ > 0) this.out[this.reserve(1)] = COMMA;
    this.put(this.heads[this.lastKey]!);
    this.copying = this.lastKey;
    if (this.lastKey <= VERSION) this.ranges[this.lastKey * 2] = this.length;
    return from;
  }

  private endValue(chunk: Uint8Array, from: number, to: number): number {
    this.copy(chunk, from, to);
    if (this.copying <= VERSION) {
      this.ranges[this.copying * 2 + 1] = this.length;
      // Docker writes ID and Version first: a known object need not have the rest copied.
      if (this.ranges[1]! > 0 && this.ranges[3]! > 0) this.identify();
    }
    this.copying = -1;
    return -1;
  }

  private identify(): void {
    this.id = this.text(ID, true);
    this.version = this.text(VERSION, false);
    this.skip = this.version !== '' && this.known?.(this.id, this.version) === true;
    this.identified = true;
  }

  private endObject(): void {
    if (!this.identified) this.identify();
    this.entries.push({ id: this.id, version: this.version, fresh: !this.skip });
    if (this.skip) this.length = this.objectStart;
    else this.out[this.reserve(1)] = CLOSE_OBJECT;
  }

  private text(field: number, string: boolean): string {
    const [from, to] = [this.ranges[field * 2]!, this.ranges[field * 2 + 1]!];
    if (to <= from) return '';
    const out = this.out;
    let plain = true;
    for (let i = from; i < to && plain; i++) plain = out[i]! > 0x20 && out[i]! < 0x7f && out[i] !== BACKSLASH;
    // Docker's IDs are plain ASCII and its JSON has no spaces; anything else is decoded properly.
    if (plain && !string) return out.toString('latin1', from, to);
    if (plain && out[from] === QUOTE && out[to - 1] === QUOTE && to - from > 1) return out.toString('latin1', from + 1, to - 1);
    const exact = out.toString('utf8', from, to).trim();
    return string ? String(JSON.parse(exact)) : exact;
  }

  private copy(chunk: Uint8Array, from: number, to: number): void {
    const at = this.reserve(to - from);
    if (to - from > 32) this.out.set(chunk.subarray(from, to), at);
    else for (let i = from; i < to; i++) this.out[at + i - from] = chunk[i]!;
  }

  private put(bytes: Buffer): void {
    const at = this.reserve(bytes.length);
    for (let i = 0; i < bytes.length; i++) this.out[at + i] = bytes[i]!;
  }

  /** Makes room for `bytes` more and returns where they go. */
  private reserve(bytes: number): number {
    const at = this.length;
    if (at + bytes > this.out.length) {
      // Growing by four: a big list is copied fewer times on its way up.
      let size = this.out.length * 4;
      while (size < at + bytes) size *= 4;
      const grown = Buffer.allocUnsafe(size);
      this.out.copy(grown, 0, 0, at);
      this.out = grown;
    }
    this.length = at + bytes;
    return at;
  }
}
