/**
 * Briefing lookup (`/briefing name:`, its autocomplete, `/sources query:`): finds briefings by any
 * of their names. People remember a briefing by its source, a person it quotes or a word of its
 * title, seldom by its exact title; so the query is matched against each briefing's id, title,
 * source, the aliases its front matter gives, and the people, places and organisations its text
 * names (the alias entities, with all their aliases, and the words it only ever writes as names),
 * by word prefix ("vad" → Vaddi) and, for a word nothing starts with, by near spelling
 * ("kritenbrnik" → Kritenbrink).
 *
 * Ranked: the exact id, title or alias first; then titles that start with the query; then
 * briefings with every query word in the title (or id); then in the title, source or aliases; then
 * anywhere, names in the text included. Within each of those, words found whole ("state") come
 * before words found by their start ("statements"), and those before words found only by near
 * spelling. Among equals, newest first (undated after dated), then by title.
 *
 * Pure: no Discord, no I/O. Built once per index; a look-up touches typed arrays the size of the
 * briefing list and the words that start with what was typed.
 */
import { editDistance } from './expand.js';
import { fold } from './nlp.js';
import type { PassageIndex } from './passage-index.js';
import type { BriefingSummary } from './types.js';

/** What the lookup knows of a briefing. */
export interface LookupEntry {
  id: string;
  title: string;
  source: string;
  date?: string;
  /** Extra names from the briefing's front matter. */
  aliases: readonly string[];
  /** Names its text uses: alias entities (with their aliases) and words only ever written as names. */
  names: readonly string[];
}

/**
 * Where a query matched a briefing, best first (the rank's order); `all` when nothing was typed
 * and every briefing is listed.
 */
export type LookupTier = 'exact' | 'title-start' | 'title' | 'source' | 'text' | 'all';

/** One briefing found. */
export interface LookupMatch {
  /** Position in the entries the lookup was built from (the index's briefing number). */
  briefing: number;
  id: string;
  title: string;
  date?: string;
  tier: LookupTier;
  /** True when a query word was found only by near spelling. */
  near: boolean;
  /** The rank's position in the order of the module comment: lower is better; equal is alike. */
  rank: number;
}

/** A page of the briefings a query names (`/sources`, `npm run ask -- --sources`). */
export interface BriefingList {
  /** The query as looked up (cleaned); empty for every briefing. */
  query: string;
  /** How many briefings it names in all: a walk through every page returns exactly this many. */
  total: number;
  offset: number;
  /** This page: best first, or newest first (undated after dated, then by title) for every briefing. */
  briefings: BriefingSummary[];
}

/** What a name typed for `/briefing` designates, as summaries. */
export type BriefingResolution =
  | { kind: 'one'; briefing: BriefingSummary }
  | { kind: 'several'; total: number; briefings: BriefingSummary[] }
  | { kind: 'none' };

/** What a name typed for `/briefing` designates. */
export type Resolution =
  | { kind: 'one'; match: LookupMatch }
  | { kind: 'several'; total: number; matches: LookupMatch[] }
  | { kind: 'none' };

/** A page of what a query names: the matches from `offset`, and how many it names in all. */
export interface LookupPage {
  total: number;
  matches: LookupMatch[];
}

const TIERS: readonly LookupTier[] = ['exact', 'title-start', 'title', 'source', 'text'];
const TIER = { exact: 0, titleStart: 1, title: 2, source: 3, text: 4 } as const;
const NONE = 255;
/** Within a tier: every word whole, some only by their start, some only by near spelling. */
const WHOLE = 0;
const PREFIX = 1;
const NEAR = 2;
const KINDS = 3;

/** Words that name nothing by themselves ("the TASS one", "the briefing about Vaddi"). */
const STOP_WORDS = new Set(
  'the a an of and or by to in on for with at as from is its about one ones briefing briefings'.split(' '),
);

/** Case, accents, quotes folded; dots in abbreviations dropped ("U.S." → "us"); every other mark a space. */
export function lookupKey(s: string): string {
  return fold(s)
    .replace(/[.\u00b7']/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The words of a name, as the lookup compares them (of its key, when that is at hand). */
function words(s: string, key = lookupKey(s)): string[] {
  return key.split(' ').filter((w) => w !== '' && !STOP_WORDS.has(w));
}

/**
 * Finds briefings by their names; see the module comment for the rules.
 *
 * @example
 * const lookup = BriefingLookup.fromIndex(index);
 * lookup.find('vaddi')[0].id; // 'us-official-russia-north-korea-cooperation' (its text names Pranay Vaddi)
 * lookup.resolve('state'); // { kind: 'one', match: … } (the State Department's briefing, by its source)
 */
export class BriefingLookup {
  /** Briefing numbers newest first (undated after dated), then by title and id. */
  readonly order: Uint32Array;
  /** Each id's briefing number (the first, should two briefings share an id). */
  private readonly numberOf = new Map<string, number>();
  private readonly exact = new Map<string, number[]>();
  /** Folded titles with their briefing, sorted: titles that start with a query are a range. */
  private readonly titles: Array<[string, number]>;
  /** Every distinct word, sorted: words that start with a query word are a range. */
  private readonly sortedWords: string[];
  private readonly sortedWordIds: Uint32Array;
  /** Postings per word id: the briefings that use it, and the best tier they use it in. */
  private readonly postingStart: Uint32Array;
  private readonly postingBriefing: Uint32Array;
  private readonly postingTier: Uint8Array;

  constructor(readonly entries: readonly LookupEntry[]) {
    const n = entries.length;
    const wordIds = new Map<string, number>();
    // Word id, briefing, tier, …, in a typed array (2 million numbers at 20,000 briefings).
    let pairs = new Uint32Array(3 * 1024);
    let pairCount = 0;
    // Sources and the names in the text repeat from briefing to briefing: each is split into word
    // ids once (titles and ids, each a briefing's own, are not kept), and a briefing's best tier
    // per word is kept in arrays stamped per briefing.
    const split = new Map<string, number[]>();
    let stamp = new Int32Array(1024).fill(-1);
    let best = new Uint8Array(1024);
    const touched: number[] = [];
    this.titles = [];
    entries.forEach((e, b) => {
      if (!this.numberOf.has(e.id)) this.numberOf.set(e.id, b);
      const idKey = lookupKey(e.id);
      const titleKey = lookupKey(e.title);
      for (const key of [idKey, titleKey, ...e.aliases.map(lookupKey)]) {
        if (key === '') continue;
        const list = this.exact.get(key);
        if (!list) this.exact.set(key, [b]);
        else if (!list.includes(b)) list.push(b);
      }
      this.titles.push([titleKey, b]);
      touched.length = 0;
      const note = (text: string, tier: number, key?: string): void => {
        let ids = key === undefined ? split.get(text) : undefined;
        if (!ids) {
          ids = words(text, key).map((w) => {
            let id = wordIds.get(w);
            if (id === undefined) wordIds.set(w, (id = wordIds.size));
            return id;
          });
          if (split.size >= 100_000) split.clear();
          if (key === undefined) split.set(text, ids);
          if (wordIds.size > stamp.length) {
            const grown = new Int32Array(wordIds.size * 2).fill(-1);
            grown.set(stamp);
            stamp = grown;
            const grownBest = new Uint8Array(wordIds.size * 2);
            grownBest.set(best);
            best = grownBest;
          }
        }
        for (const id of ids) {
          if (stamp[id] !== b) {
            stamp[id] = b;
            best[id] = tier;
            touched.push(id);
          } else if (tier < best[id]!) best[id] = tier;
        }
      };
      note(e.title, TIER.title, titleKey);
      note(e.id, TIER.title, idKey);
      note(e.source, TIER.source);
      for (const a of e.aliases) note(a, TIER.source);
      for (const name of e.names) note(name, TIER.text);
      if (pairCount + 3 * touched.length > pairs.length) {
        const grown = new Uint32Array(Math.max(pairs.length * 2, pairCount + 3 * touched.length));
        grown.set(pairs.subarray(0, pairCount));
        pairs = grown;
      }
      for (const id of touched) {
        pairs[pairCount++] = id;
        pairs[pairCount++] = b;
        pairs[pairCount++] = best[id]!;
      }
    });
    this.titles.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] - y[1]));
    // Postings in compressed-sparse-row form, by word id.
    const count = wordIds.size;
    this.postingStart = new Uint32Array(count + 1);
    for (let i = 0; i < pairCount; i += 3) this.postingStart[pairs[i]! + 1]!++;
    for (let w = 0; w < count; w++) this.postingStart[w + 1]! += this.postingStart[w]!;
    const fill = this.postingStart.slice(0, count);
    this.postingBriefing = new Uint32Array(pairCount / 3);
    this.postingTier = new Uint8Array(pairCount / 3);
    for (let i = 0; i < pairCount; i += 3) {
      const at = fill[pairs[i]!]!++;
      this.postingBriefing[at] = pairs[i + 1]!;
      this.postingTier[at] = pairs[i + 2]!;
    }
    this.sortedWords = [...wordIds.keys()].sort();
    this.sortedWordIds = Uint32Array.from(this.sortedWords, (w) => wordIds.get(w)!);

    const byDate = Array.from({ length: n }, (_, b) => b);
    byDate.sort((x, y) => newestFirst(entries[x]!, entries[y]!));
    this.order = Uint32Array.from(byDate);
  }

  /** The lookup over an index's briefings, with the names their passages use. */
  static fromIndex(ix: PassageIndex): BriefingLookup {
    // Per term, once: what a briefing using it is named by (-2: nothing, -1: the term, else an
    // entity); then each term and entity is noted once per briefing by stamping it with the
    // briefing, not in a set per briefing (a reload builds this for every briefing at once).
    const entityOf = new Map(ix.aliases.terms.map((term, e) => [term, e]));
    const termText: string[] = new Array(ix.termIds.size);
    const nameOf = new Int32Array(ix.termIds.size).fill(-2);
    for (const [term, id] of ix.termIds) {
      termText[id] = term;
      if (ix.nameTerm[id] !== 1) continue;
      const entity = entityOf.get(term);
      if (entity !== undefined) nameOf[id] = entity;
      else if (!term.startsWith('#')) nameOf[id] = -1;
    }
    const termSeen = new Int32Array(ix.termIds.size).fill(-1);
    const entitySeen = new Int32Array(ix.entities.length).fill(-1);
    const entries = ix.briefings.map((briefing, b): LookupEntry => {
      const names: string[] = [];
      const entities: number[] = [];
      const from = ix.sequenceStart[ix.briefingFirst[b]!]!;
      const to = ix.sequenceStart[ix.briefingFirst[b + 1]!]!;
      for (let i = from; i < to; i++) {
        const id = ix.sequence[i]!;
        const name = nameOf[id]!;
        if (name === -2 || termSeen[id] === b) continue;
        termSeen[id] = b;
        if (name === -1) names.push(termText[id]!);
        else if (entitySeen[name] !== b) {
          entitySeen[name] = b;
          entities.push(name);
        }
      }
      if (entities.length) {
        // Each entity's name and aliases after the other names, once each (as a set lists them).
        const listed = new Set(names);
        for (const e of entities) {
          const entity = ix.entities[e]!;
          for (const name of [entity.name, ...entity.aliases]) {
            if (listed.has(name)) continue;
            listed.add(name);
            names.push(name);
          }
        }
      }
      return {
        id: briefing.id,
        title: briefing.title,
        source: briefing.source,
        ...(briefing.date ? { date: briefing.date } : {}),
        aliases: briefing.aliases ?? [],
        names,
      };
    });
    return new BriefingLookup(entries);
  }

  /**
   * The briefings `query` names, best first (see the module comment); every briefing, newest
   * first, when the query is empty. At most `limit`.
   */
  find(query: string, limit = Infinity): LookupMatch[] {
    const q = lookupKey(query);
    const out: LookupMatch[] = [];
    if (q === '') {
      for (const b of this.order) {
        if (out.length >= limit) break;
        out.push({ ...this.match(b, 0), tier: 'all' });
      }
      return out;
    }
    const rank = this.ranks(query, q);
    // One pass in date order, into a bucket per rank: ranked, and newest first within a rank.
    const buckets: number[][] = Array.from({ length: TIERS.length * KINDS }, () => []);
    for (const b of this.order) if (rank[b]! !== NONE) buckets[rank[b]!]!.push(b);
    for (const [r, bucket] of buckets.entries()) {
      for (const b of bucket) {
        if (out.length >= limit) return out;
        out.push(this.match(b, r));
      }
    }
    return out;
  }

  /**
   * `find(query).slice(offset, offset + top)` and `find(query).length`, without making a match
   * for every briefing the query names: the page of `/sources` (every briefing, for an empty
   * query, is a slice of {@link order}).
   */
  page(query: string, offset = 0, top = Infinity): LookupPage {
    return this.pageOf(query, lookupKey(query), offset, top);
  }

  private pageOf(query: string, q: string, offset: number, top: number): LookupPage {
    const n = this.entries.length;
    const from = Math.max(0, offset);
    const to = from + Math.max(0, top);
    const matches: LookupMatch[] = [];
    if (q === '') {
      for (let i = from; i < n && i < to; i++)
        matches.push({ ...this.match(this.order[i]!, 0), tier: 'all' });
      return { total: n, matches };
    }
    const rank = this.ranks(query, q);
    // How many briefings each rank has: which of them the page takes is known before any is made.
    const ranks = TIERS.length * KINDS;
    const count = new Uint32Array(ranks);
    let total = 0;
    for (let b = 0; b < n; b++) {
      if (rank[b]! === NONE) continue;
      count[rank[b]!]!++;
      total++;
    }
    const skip = new Uint32Array(ranks);
    const take = new Uint32Array(ranks);
    let wanted = 0;
    for (let r = 0, before = 0; r < ranks; before += count[r]!, r++) {
      const start = Math.max(from, before);
      const end = Math.min(to, before + count[r]!);
      if (end <= start) continue;
      skip[r] = start - before;
      take[r] = end - start;
      wanted += end - start;
    }
    // One pass in date order (newest first within a rank), keeping each rank's share of the page.
    const buckets: number[][] = Array.from({ length: ranks }, () => []);
    for (let i = 0; i < n && wanted > 0; i++) {
      const b = this.order[i]!;
      const r = rank[b]!;
      if (r === NONE || take[r] === 0) continue;
      if (skip[r]! > 0) {
        skip[r]!--;
        continue;
      }
      buckets[r]!.push(b);
      take[r]!--;
      wanted--;
    }
    for (const [r, bucket] of buckets.entries()) for (const b of bucket) matches.push(this.match(b, r));
    return { total, matches };
  }

  /** Each briefing's rank for `query` (its key `q`, not empty): {@link NONE} where it is not named. */
  private ranks(query: string, q: string): Uint8Array {
    const n = this.entries.length;
    const rank = new Uint8Array(n).fill(NONE);
    for (const b of this.exact.get(q) ?? []) rank[b] = TIER.exact * KINDS;
    for (let i = lowerBound(this.titles, q); i < this.titles.length; i++) {
      const [title, b] = this.titles[i]!;
      if (!title.startsWith(q)) break;
      rank[b] = Math.min(rank[b]!, TIER.titleStart * KINDS);
    }
    const queryWords = [...new Set(words(query, q))];
    if (queryWords.length > 0) {
      const worst = new Uint8Array(n); // per briefing: its worst word's best rank so far
      const best = new Uint8Array(n);
      for (const w of queryWords) {
        best.fill(NONE);
        if (!this.scanPrefix(w, best)) this.scanNear(w, best);
        for (let b = 0; b < n; b++) if (best[b]! > worst[b]!) worst[b] = best[b]!;
      }
      for (let b = 0; b < n; b++) if (worst[b]! < rank[b]!) rank[b] = worst[b]!;
    }
    return rank;
  }

  /**
   * What a name typed in full designates: a briefing id as is; otherwise the one briefing that
   * ranks above every other, or the several that rank alike at the top (best first: the first
   * `top` of everything the name finds, with how many that is), or none (also for a name with
   * nothing in it to look for).
   */
  resolve(name: string, top = Infinity): Resolution {
    const byId = this.numberOf.get(name);
    if (byId !== undefined) return { kind: 'one', match: this.match(byId, 0) };
    const q = lookupKey(name);
    if (q === '') return { kind: 'none' };
    // The first two tell one from several.
    const { total, matches } = this.pageOf(name, q, 0, Math.max(2, top));
    const first = matches[0];
    if (!first) return { kind: 'none' };
    const second = matches[1];
    if (!second || second.rank !== first.rank) return { kind: 'one', match: first };
    return { kind: 'several', total, matches: matches.slice(0, top) };
  }

  /** Ranks the briefings whose words start with `w` in `best`; false when there are none. */
  private scanPrefix(w: string, best: Uint8Array): boolean {
    let any = false;
    for (let i = lowerBound(this.sortedWords, w); i < this.sortedWords.length; i++) {
      const word = this.sortedWords[i]!;
      if (!word.startsWith(w)) break;
      this.post(this.sortedWordIds[i]!, best, word.length === w.length ? WHOLE : PREFIX);
      any = true;
    }
    return any;
  }

  /**
   * Ranks the briefings with a word near `w` in spelling (one edit; two from eight letters), or
   * whose start is (for a word still being typed): only for words of four letters or more.
   */
  private scanNear(w: string, best: Uint8Array): void {
    if (w.length < 4) return;
    const max = w.length >= 8 ? 2 : 1;
    for (let i = 0; i < this.sortedWords.length; i++) {
      const word = this.sortedWords[i]!;
      if (word.length < w.length - max || (word[0] !== w[0] && word[1] !== w[1])) continue;
      const start = word.length > w.length ? word.slice(0, w.length) : word;
      if (editDistance(w, start, max) <= max || editDistance(w, word, max) <= max)
        this.post(this.sortedWordIds[i]!, best, NEAR);
    }
  }

  private post(wordId: number, best: Uint8Array, kind: number): void {
    for (let p = this.postingStart[wordId]!, end = this.postingStart[wordId + 1]!; p < end; p++) {
      const b = this.postingBriefing[p]!;
      const r = this.postingTier[p]! * KINDS + kind;
      if (r < best[b]!) best[b] = r;
    }
  }

  private match(b: number, rank: number): LookupMatch {
    const e = this.entries[b]!;
    const tier = TIERS[Math.floor(rank / KINDS)]!;
    return {
      briefing: b,
      id: e.id,
      title: e.title,
      ...(e.date ? { date: e.date } : {}),
      tier,
      near: rank % KINDS === NEAR,
      rank,
    };
  }
}

const TITLE_ORDER = new Intl.Collator('en');

/**
 * The order of briefings when nothing ranks them apart, for the lookup and the chat intents
 * alike: newest first (undated after dated; dates compared as written, which sorts ISO dates),
 * then by title (English collation), then by id.
 */
export function newestFirst(
  a: { date?: string; title: string; id: string },
  c: { date?: string; title: string; id: string },
): number {
  if (Boolean(a.date) !== Boolean(c.date)) return a.date ? -1 : 1;
  const da = a.date ?? '';
  const dc = c.date ?? '';
  return (
    (da > dc ? -1 : da < dc ? 1 : 0) ||
    TITLE_ORDER.compare(a.title, c.title) ||
    (a.id < c.id ? -1 : a.id > c.id ? 1 : 0)
  );
}

/** First position in sorted `list` whose key is not below `key`. */
function lowerBound<T extends string | [string, number]>(list: readonly T[], key: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const item = list[mid]!;
    const k = typeof item === 'string' ? item : item[0];
    if (k < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
