/**
 * The neighbour search among many briefing terms: the dot-product kernel (WebAssembly SIMD and
 * its JavaScript stand-in), the words' cells (k-means at distil time) and their place in the
 * file, and the search in the nearest cells against the exact one.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DotKernel } from '../../src/answer/vector-kernel.js';
import { DEFAULT_VECTORS_FILE, TermVectors, VECTORS_FORMAT, WordVectors } from '../../src/answer/vectors.js';
import { mulberry32 } from '../../src/answer/random.js';

/** A point of a standard normal distribution (Box–Muller). */
function gaussian(next: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

/** A name for word `i`: letters only. */
function wordName(i: number): string {
  let s = '';
  do {
    s += String.fromCharCode(97 + (i % 26));
    i = Math.floor(i / 26);
  } while (i > 0);
  return `w${s}`;
}

/**
 * A vocabulary with the continuum of word vectors: gaussian, its variance falling as k^-1.3 along
 * the k-th axis. Words have a few neighbours at cosine 0.55, and they straddle the cells' bounds
 * as in the real vectors: the nearest cell alone holds a third of them.
 */
function syntheticVocabulary(seed: number, words: number, dimensions = 100): Array<[string, number[]]> {
  const next = mulberry32(seed);
  return Array.from({ length: words }, (_, i) => [
    wordName(i),
    Array.from({ length: dimensions }, (_, k) => gaussian(next) * (k + 1) ** -0.65),
  ]);
}

/** The exact answer: every term compared, those at least `min` close, closest first, `limit` of them. */
function exactNeighbours(
  vectors: WordVectors,
  termIds: Map<string, number>,
  word: string,
  min: number,
  limit: number,
): number[] {
  const id = vectors.id(word);
  const found: Array<{ term: number; cosine: number }> = [];
  for (const [text, term] of termIds) {
    const v = vectors.id(text);
    if (v < 0 || v === id) continue;
    const cosine = vectors.cosine(id, v);
    if (cosine >= min) found.push({ term, cosine });
  }
  found.sort((a, b) => b.cosine - a.cosine || a.term - b.term);
  return found.slice(0, limit).map((n) => n.term);
}

/** Share of the exact neighbours the search finds, over `words`. */
function recall(
  vectors: WordVectors,
  termIds: Map<string, number>,
  search: TermVectors,
  words: string[],
  min: number,
): { recall: number; neighbours: number } {
  let expected = 0;
  let found = 0;
  for (const word of words) {
    const exact = exactNeighbours(vectors, termIds, word, min, 8);
    const got = new Set(search.neighbours(word, min, 8).map((n) => n.term));
    expected += exact.length;
    found += exact.filter((t) => got.has(t)).length;
  }
  return { recall: found / Math.max(1, expected), neighbours: expected };
}

describe('DotKernel', () => {
  it('runs WebAssembly SIMD on this runtime', () => {
    expect(new DotKernel(100, 1).simd).toBe(true);
    expect(new DotKernel(100, 1, { simd: false }).simd).toBe(false);
  });

  for (const simd of [true, false])
    it(`gives the exact int32 sums of products, for any dimensions and range (${simd ? 'SIMD' : 'JavaScript'})`, () => {
      const next = mulberry32(9);
      for (const dimensions of [1, 7, 8, 50, 100]) {
        const rows = 37;
        const source = Int8Array.from({ length: (rows + 1) * dimensions }, () =>
          Math.round(next() * 254 - 127),
        );
        source[0] = -128; // the extremes of int8
        source[dimensions] = -128;
        const kernel = new DotKernel(dimensions, rows, { simd });
        for (let r = 0; r < rows; r++) kernel.setRow(r, source, (r + 1) * dimensions);
        kernel.setQuery(source, 0);
        const expected = (r: number) => {
          let sum = 0;
          for (let k = 0; k < dimensions; k++) sum += source[k]! * source[(r + 1) * dimensions + k]!;
          return sum;
        };
        kernel.out.fill(12345);
        kernel.dots(5, 30);
        for (let r = 0; r < rows; r++)
          expect(kernel.out[r], `${dimensions}-d row ${r}`).toBe(r >= 5 && r < 30 ? expected(r) : 12345);
        kernel.dots(0, rows);
        for (let r = 0; r < rows; r++) expect(kernel.out[r]).toBe(expected(r));
      }
    });
});

describe('WordVectors: cells', () => {
  const entries = syntheticVocabulary(21, 4000);
  const plain = WordVectors.fromFloats(entries);
  const clustered = plain.withCells({ cells: 64, seed: 3 });

  it('puts every word in the cell of its nearest centroid', () => {
    const cells = clustered.cells!;
    expect(cells.count).toBe(64);
    expect(cells.cellOf).toHaveLength(clustered.size);
    const d = clustered.dimensions;
    const members = new Array<number>(cells.count).fill(0);
    for (let id = 0; id < clustered.size; id += 7) {
      let best = -1;
      let bestScore = -Infinity;
      for (let c = 0; c < cells.count; c++) {
        let dot = 0;
        for (let k = 0; k < d; k++) dot += clustered.components[id * d + k]! * cells.centroids[c * d + k]!;
        if (dot * cells.scales[c]! > bestScore) {
          bestScore = dot * cells.scales[c]!;
          best = c;
        }
      }
      expect(cells.cellOf[id], clustered.words[id]).toBe(best);
    }
    for (const c of cells.cellOf) members[c]!++;
    // k-means leaves no cell empty here, and no cell holds most of the words.
    expect(Math.min(...members)).toBeGreaterThan(0);
    expect(Math.max(...members)).toBeLessThan(clustered.size / 8);
  });

  it('gives centroids of unit length', () => {
    const cells = clustered.cells!;
    const d = clustered.dimensions;
    for (let c = 0; c < cells.count; c++) {
      let norm = 0;
      for (let k = 0; k < d; k++) norm += (cells.centroids[c * d + k]! * cells.scales[c]!) ** 2;
      expect(Math.sqrt(norm)).toBeCloseTo(1, 2);
    }
  });

  it('is deterministic for a seed, and differs with another', () => {
    const again = plain.withCells({ cells: 64, seed: 3 });
    expect(again.cells!.cellOf).toEqual(clustered.cells!.cellOf);
    expect(again.cells!.centroids).toEqual(clustered.cells!.centroids);
    const other = plain.withCells({ cells: 64, seed: 4 });
    expect(other.cells!.cellOf).not.toEqual(clustered.cells!.cellOf);
  });

  it('keeps the words and vectors as they were', () => {
    expect(clustered.words).toEqual(plain.words);
    expect(clustered.vector(123)).toEqual(plain.vector(123));
    expect(clustered.id(entries[42]![0])).toBe(42);
  });

  it('makes at most one cell per 8 words, and none for fewer than 8', () => {
    expect(WordVectors.fromFloats(entries.slice(0, 40)).withCells().cells!.count).toBe(5);
    expect(WordVectors.fromFloats(entries.slice(0, 7)).withCells().cells).toBeUndefined();
    expect(plain.withCells({ cells: 0 }).cells).toBeUndefined();
    expect(plain.cells).toBeUndefined();
  });

  it('round-trips centroids and cells through serialize and parse, at any offset', () => {
    const bytes = clustered.serialize();
    for (const shift of [0, 1, 2, 3]) {
      const shifted = Buffer.concat([Buffer.alloc(shift), bytes]).subarray(shift);
      const parsed = WordVectors.parse(shifted);
      expect(parsed.words).toEqual(clustered.words);
      expect(parsed.cells!.count).toBe(64);
      expect(parsed.cells!.centroids).toEqual(clustered.cells!.centroids);
      expect(parsed.cells!.scales).toEqual(clustered.cells!.scales);
      expect(parsed.cells!.cellOf).toEqual(clustered.cells!.cellOf);
      expect(parsed.vector(77)).toEqual(clustered.vector(77));
      for (const i of [0, 1, 999, 3999]) expect(parsed.id(entries[i]![0])).toBe(i);
      expect(parsed.id('zorbakov')).toBe(-1);
      expect(Buffer.compare(parsed.serialize(), bytes)).toBe(0);
    }
    const withoutCells = WordVectors.parse(plain.serialize());
    expect(withoutCells.cells).toBeUndefined();
    expect(withoutCells.id(entries[5]![0])).toBe(5);
  });

  it('refuses a file cut short in its cells', () => {
    const bytes = clustered.serialize();
    expect(() => WordVectors.parse(bytes.subarray(0, bytes.length - 1))).toThrow(/word-vector file is/);
  });
});

/** A file in format 1: no cells, no word table ("BRVEC" · 1 · words · dimensions · word bytes · …). */
function formatOneFile(words: string[], dimensions: number): Buffer {
  const list = Buffer.from(words.join('\n'), 'utf8');
  const scalesAt = (18 + list.length + 3) & ~3;
  const out = Buffer.alloc(scalesAt + words.length * 4 + words.length * dimensions);
  out.write('BRVEC', 0, 'latin1');
  out[5] = 1;
  out.writeUInt32LE(words.length, 6);
  out.writeUInt32LE(dimensions, 10);
  out.writeUInt32LE(list.length, 14);
  list.copy(out, 18);
  for (let i = 0; i < words.length; i++) out.writeFloatLE(1 / 127, scalesAt + i * 4);
  out.fill(1, scalesAt + words.length * 4);
  return out;
}

describe('the file format', () => {
  it('is format 2', () => {
    expect(VECTORS_FORMAT).toBe(2);
  });

  it('refuses a file of the previous format, saying how to write it anew', () => {
    expect(() => WordVectors.parse(formatOneFile(['oil', 'fuel'], 100))).toThrow(
      /word-vector file of format 1, expected 2: npm run distil-vectors writes it anew/,
    );
  });
});

describe('TermVectors: the search in the nearest cells', () => {
  const entries = syntheticVocabulary(5, 12_000);
  const vectors = WordVectors.fromFloats(entries).withCells({ cells: 256 });
  const termIds = new Map(entries.map(([w], i) => [w, i]));
  const search = new TermVectors(vectors, termIds, () => false);
  const next = mulberry32(17);
  const words = Array.from({ length: 300 }, () => entries[Math.floor(next() * entries.length)]![0]);

  it('finds at least 98 % of the exact neighbours (min 0.55 and 0.6, limit 8)', () => {
    for (const min of [0.55, 0.6]) {
      const { recall: share, neighbours } = recall(vectors, termIds, search, words, min);
      expect(neighbours, 'the vocabulary gives words neighbours').toBeGreaterThan(words.length);
      expect(share, `min ${min}`).toBeGreaterThanOrEqual(0.98);
    }
  });

  it('lists only neighbours at least `min` close, closest first, with their exact cosines', () => {
    for (const word of words.slice(0, 50)) {
      const found = search.neighbours(word, 0.55, 8);
      expect(found.length).toBeLessThanOrEqual(8);
      for (const n of found) {
        expect(n.cosine).toBeGreaterThanOrEqual(0.55);
        expect(n.cosine).toBeCloseTo(vectors.cosine(vectors.id(word), search.vectorId(n.term)), 5);
        expect(n.term).not.toBe(termIds.get(word));
      }
      expect(found.map((n) => n.cosine)).toEqual(found.map((n) => n.cosine).sort((a, b) => b - a));
    }
  });

  it('compares with every term below min 0.5: exact', () => {
    for (const word of words.slice(0, 20))
      expect(search.neighbours(word, 0.3, 20).map((n) => n.term)).toEqual(
        exactNeighbours(vectors, termIds, word, 0.3, 20),
      );
  });

  it('compares with every term among a few thousand: exact', () => {
    const few = new Map([...termIds].slice(0, 3000));
    const small = new TermVectors(vectors, few, () => false);
    for (const word of words.slice(0, 30))
      expect(small.neighbours(word, 0.55, 8).map((n) => n.term)).toEqual(
        exactNeighbours(vectors, few, word, 0.55, 8),
      );
  });

  it('never lists an excluded term', () => {
    const excluded = (term: number) => term % 3 === 0;
    const some = new TermVectors(vectors, termIds, (term) => excluded(term));
    for (const word of words.slice(0, 50))
      for (const n of some.neighbours(word, 0.55, 8)) expect(excluded(n.term)).toBe(false);
  });
});

describe('TermVectors: the distilled lexicon', () => {
  const file = fileURLToPath(DEFAULT_VECTORS_FILE);
  const lexicon = existsSync(file) ? safeLoad(file) : undefined;

  it.skipIf(!lexicon?.cells)(
    'finds at least 98 % of the exact neighbours among the 20,000 most frequent words',
    () => {
      const vectors = lexicon!;
      const termIds = new Map(vectors.words.slice(0, 20_000).map((w, i) => [w, i]));
      const search = new TermVectors(vectors, termIds, () => false);
      const next = mulberry32(23);
      // Common words and rarer ones, as questions have them.
      const words = Array.from({ length: 200 }, (_, i) => {
        const [from, to] = i % 2 === 0 ? [100, 5_000] : [5_000, vectors.size];
        return vectors.words[from + Math.floor(next() * (to - from))]!;
      });
      const { recall: share, neighbours } = recall(vectors, termIds, search, words, 0.55);
      expect(neighbours).toBeGreaterThan(200);
      expect(share).toBeGreaterThanOrEqual(0.98);
    },
  );
});

function safeLoad(file: string): WordVectors | undefined {
  try {
    return WordVectors.load(file);
  } catch {
    return undefined;
  }
}
