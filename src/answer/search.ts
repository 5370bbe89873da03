/**
 * Search (`/search`, `npm run ask -- --search`): the passages that contain every word of a query,
 * best first. A name matches through its aliases ("DPRK" finds "North Korea" and "Pyongyang"), a
 * word in any inflected form ("sanction" finds "sanctions" and "sanctioned"), a word written as one
 * or as two ("policymakers", "policy makers"), and words in quotes only as that phrase. When no
 * passage has every word, the list is of the passages that have the most of them, and the result
 * says so. There are no synonyms, WordNet relations or word vectors here (that is what `/ask` is
 * for): a search lists what the passages say, and its `total` is exactly the length of that list.
 *
 * Pure and synchronous over a {@link PassageIndex}; the query is analysed with the same wink-nlp
 * analysis and term extraction as the briefings were.
 */
import { bestOf, clampInt, popcount } from './best.js';
import { excerptSource, quoteWindow, EXCERPT_CHARS } from './excerpts.js';
import { cleanQuestion } from './question.js';
import { analyse, fold } from './nlp.js';
import type { PassageIndex } from './passage-index.js';
import { extractTerms, type TermOccurrence } from './terms.js';
import type { Excerpt, Highlight } from './types.js';

/**
 * How a search went: every word found together (`all`), no passage with all of them but some with
 * some (`some`: the passages listed have {@link SearchResult.wordsMatched} of the words), none of
 * them anywhere (`none`), or nothing to search for (`empty`: stop words, punctuation, nothing).
 */
export type SearchMatch = 'all' | 'some' | 'none' | 'empty';

/** One page of a search, and what the whole list is. */
export interface SearchResult {
  /** The query as searched (cleaned: invisible characters and mentions removed). */
  query: string;
  /** The query's words as searched, in order: a name or word as written, a phrase in quotes. */
  words: string[];
  match: SearchMatch;
  /** How many of `words` each listed passage has: all of them, or the most any passage has. */
  wordsMatched: number;
  /** Words of the query that no passage contains. */
  notFound: string[];
  /** How many passages the list has: a walk through every page returns exactly this many. */
  total: number;
  /** This page of the list, best first: one excerpt per passage (the sentence), matched words highlighted. */
  excerpts: Excerpt[];
}

/** Paging of a search. */
export interface SearchOptions {
  /** Passages per page (1–50, default 10). */
  top?: number;
  /** Skip this many first (default 0). */
  offset?: number;
}

/** Deepest a search pages (a custom id carries the offset in 7 digits). */
export const MAX_SEARCH_OFFSET = 1_000_000;
/** Words of a query beyond this many are not searched for. */
export const MAX_SEARCH_WORDS = 16;
/** A phrase's words may each be written several ways; past this many combinations, each word's first. */
const MAX_PHRASE_FORMS = 16;
/** Shortest part a word written as one is split into ("policy|makers"). */
const MIN_COMPOUND_PART = 4;
/** Quotation marks that open or close a phrase. */
const QUOTES = /["\u201c\u201d\u201e\u00ab\u00bb]/;

/** What a search takes from the answer engine: its BM25 parameters and its reading of lemmas. */
export interface PassageSearchOptions {
  /** BM25 term-frequency saturation (the engine's `k1`). */
  k1: number;
  /** BM25 length normalisation (the engine's `b`). */
  b: number;
  /** A word's lemma read on its own, lower case ("Sanctions" → "sanction"); the engine caches them. */
  lemma: (word: string) => string;
}

/** Consecutive index terms: each slot lists the term ids that may stand there. */
type Form = number[][];

/** One word (or quoted phrase) of a query, with every way the passages may contain it. */
interface Unit {
  surface: string;
  forms: Form[];
}

/** A word of the query as analysed: its term and the token range it came from. */
interface QueryWord {
  occurrence: TermOccurrence;
  /** For a name of several words: the terms of its words, as the index keeps them beside the name. */
  constituents: TermOccurrence[];
  surface: string;
  key: string;
}

/**
 * Searches the passages of one index. Keeps a few arrays the size of the index between
 * searches, so that a search allocates little; not for use by two searches at once (the engine
 * is synchronous).
 *
 * @example
 * // As the engine makes it (`engine.search` is the usual way in): its k1 and b, its lemmas.
 * const search = new PassageSearch(index, { k1, b, lemma: (w) => lexicon.commonLemma(w) });
 * const page = search.search('sanctions', { top: 8 });
 * page.total; // passages that contain "sanction" in any form
 * page.excerpts[0].text; // the best of them
 */
export class PassageSearch {
  private score?: Float64Array;
  private mask?: Uint32Array;
  private stamp?: Uint32Array;
  private tf?: Uint16Array;
  private round = 0;

  constructor(
    private readonly index: PassageIndex,
    private readonly options: PassageSearchOptions,
  ) {}

  /** One page of the passages matching `query`, with the list's total. */
  search(query: string, options: SearchOptions = {}): SearchResult {
    const top = clampInt(options.top ?? 10, 1, 50);
    const offset = clampInt(options.offset ?? 0, 0, MAX_SEARCH_OFFSET);
    const cleaned = cleanQuestion(query);
    const units = this.units(cleaned);
    const words = units.map((u) => u.surface);
    if (units.length === 0)
      return { query: cleaned, words, match: 'empty', wordsMatched: 0, notFound: [], total: 0, excerpts: [] };

    const { score, mask } = this.arrays();
    const touched: number[] = [];
    const notFound: string[] = [];
    units.forEach((unit, u) => {
      const found = this.scoreUnit(unit, u, touched);
      if (!found) notFound.push(unit.surface);
    });
    let best = 0;
    for (const p of touched) best = Math.max(best, popcount(mask[p]!));
    const listed = touched.filter((p) => popcount(mask[p]!) === best);
    const page = topPassages(listed, score, offset + top).slice(offset);
    const excerpts = page.map((p) => this.excerpt(p, units, score[p]!));
    for (const p of touched) {
      score[p] = 0;
      mask[p] = 0;
    }
    return {
      query: cleaned,
      words,
      match: best === 0 ? 'none' : best === units.length ? 'all' : 'some',
      wordsMatched: best,
      notFound,
      total: listed.length,
      excerpts,
    };
  }

  /** Adds one word's BM25 share to the passages that contain it; false when none does. */
  private scoreUnit(unit: Unit, u: number, touched: number[]): boolean {
    const ix = this.index;
    const { score, mask, stamp, tf } = this.arrays();
    if (++this.round === 0xffffffff) {
      stamp.fill(0);
      this.round = 1;
    }
    const round = this.round;
    const hits: number[] = [];
    const add = (p: number, count: number): void => {
      if (stamp[p] !== round) {
        stamp[p] = round;
        tf[p] = 0;
        hits.push(p);
      }
      tf[p] = Math.min(65535, tf[p]! + count);
    };
    for (const form of unit.forms) {
      if (form.length === 1) {
        for (const id of form[0]!)
          for (let i = ix.postingStart[id]!, end = ix.postingStart[id + 1]!; i < end; i++)
            add(ix.postingPassage[i]!, ix.postingTf[i]!);
      }
    }
    for (const form of unit.forms) {
      if (form.length === 1) continue;
      // Passages with the rarest slot's terms, checked for the whole sequence.
      let rarest = form[0]!;
      let rarestDf = Infinity;
      for (const slot of form) {
        const df = slot.reduce((n, id) => n + ix.df[id]!, 0);
        if (df < rarestDf) [rarest, rarestDf] = [slot, df];
      }
      const spans: number[] = [];
      for (const id of rarest) {
        for (let i = ix.postingStart[id]!, end = ix.postingStart[id + 1]!; i < end; i++) {
          const p = ix.postingPassage[i]!;
          if (stamp[p] === round) continue; // already matched, and counted, by another form
          spans.length = 0;
          formSpans(ix, p, form, spans);
          if (spans.length) add(p, spans.length / 2);
        }
      }
    }
    if (hits.length === 0) return false;
    const n = ix.texts.length;
    const idf = Math.log(1 + (n - hits.length + 0.5) / (hits.length + 0.5));
    const bit = 1 << u;
    const { k1, b } = this.options;
    for (const p of hits) {
      const f = tf[p]!;
      const norm = k1 * (1 - b + (b * ix.passageLength[p]!) / ix.averageLength);
      if (mask[p] === 0) touched.push(p);
      mask[p] = mask[p]! | bit;
      score[p] = score[p]! + (idf * f * (k1 + 1)) / (f + norm);
    }
    return true;
  }

  /** Passage `p` as a search excerpt: the sentence, every matched word highlighted. */
  private excerpt(p: number, units: readonly Unit[], score: number): Excerpt {
    const ix = this.index;
    const spans: number[] = [];
    for (const unit of units) for (const form of unit.forms) formSpans(ix, p, form, spans);
    const ranges: Highlight[] = [];
    for (let i = 0; i < spans.length; i += 2) ranges.push({ start: spans[i]!, end: spans[i + 1]! });
    ranges.sort((a, b) => a.start - b.start || a.end - b.end);
    const merged: Highlight[] = [];
    for (const r of ranges) {
      const last = merged[merged.length - 1];
      if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
      else merged.push({ ...r });
    }
    // A long sentence is shown where the words searched for are.
    const { text, highlights } = quoteWindow(ix.texts[p]!, merged, EXCERPT_CHARS + 50);
    return {
      ...excerptSource(ix, ix.passageBriefing[p]!),
      text,
      score: Math.round(score * 1000) / 1000,
      passage: ix.passageOrdinal[p]!,
      highlights,
    };
  }

  /** The query's words and phrases, each with the ways the index may hold it. */
  private units(query: string): Unit[] {
    const units: Unit[] = [];
    const seen = new Set<string>();
    const push = (unit: Unit | undefined): void => {
      if (!unit || units.length >= MAX_SEARCH_WORDS) return;
      const key = fold(unit.surface);
      if (seen.has(key)) return;
      seen.add(key);
      units.push(unit);
    };
    for (const part of splitPhrases(query)) {
      const words = this.words(part.text);
      if (words.length === 0) continue;
      const wordUnits = words.map((w) => ({ surface: w.surface, forms: this.wordForms(w) }));
      this.joinNeighbours(words, wordUnits);
      if (!part.phrase || words.length === 1) {
        wordUnits.forEach(push);
        continue;
      }
      // A phrase: its words' forms one after another (each word's every way, within reason).
      let forms: Form[] = [[]];
      for (const w of wordUnits) {
        const next: Form[] = [];
        for (const head of forms) for (const tail of w.forms) next.push([...head, ...tail]);
        forms = next.length > MAX_PHRASE_FORMS ? [wordUnits.flatMap((x) => x.forms[0] ?? [])] : next;
      }
      push({ surface: `"${part.text}"`, forms });
    }
    return units;
  }

  /** The words of some query text, as the index would have extracted them. */
  private words(text: string): QueryWord[] {
    const analysis = analyse(text);
    const { occurrences } = extractTerms(analysis, 0, analysis.tokens.length, this.index.aliases, true);
    const words: QueryWord[] = [];
    for (const o of occurrences) {
      const owner = words[words.length - 1];
      // The words of a name of several words come right after it, inside its range.
      if (
        owner?.occurrence.entity &&
        !o.entity &&
        o.from >= owner.occurrence.from &&
        o.to <= owner.occurrence.to
      ) {
        owner.constituents.push(o);
        continue;
      }
      const first = analysis.tokens[o.from]!;
      const last = analysis.tokens[o.to - 1]!;
      words.push({
        occurrence: o,
        constituents: [],
        surface: text.slice(first.start, last.end),
        key: first.key,
      });
    }
    return words;
  }

  /** Every way the index may hold one word of the query. */
  private wordForms(word: QueryWord): Form[] {
    const { termIds } = this.index;
    const { occurrence: o } = word;
    if (o.entity) {
      const id = termIds.get(o.term);
      const forms: Form[] = id === undefined ? [] : [[[id]]];
      // The name's own words in a row: "White House" inside "White House National Security Council".
      const words = word.constituents.map((c) => this.termIds([c.term]));
      if (words.length > 1 && words.every((slot) => slot.length > 0)) forms.push(words);
      return forms;
    }
    const alone = this.options.lemma(word.key);
    const ids = this.termIds([
      o.term,
      word.key,
      alone,
      word.key.replace(/-/g, ''),
      ...this.inflections(o.term, alone),
    ]);
    const forms: Form[] = ids.length ? [[ids]] : [];
    // A word written as one where the briefings write two: "policymakers" → "policy makers".
    for (const [first, second] of this.compoundSplits(word.key)) forms.push([[first], [second]]);
    return forms;
  }

  /**
   * Two neighbouring words that the briefings write as one ("policy makers" → "policymakers"):
   * that one word is a way of writing each of them.
   */
  private joinNeighbours(words: readonly QueryWord[], units: Unit[]): void {
    for (let i = 0; i + 1 < words.length; i++) {
      const a = words[i]!;
      const b = words[i + 1]!;
      if (a.occurrence.entity || b.occurrence.entity) continue;
      const joined = this.termIds([a.key + b.key, a.occurrence.term + b.occurrence.term]);
      if (joined.length === 0) continue;
      units[i]!.forms.push([joined]);
      units[i + 1]!.forms.push([joined]);
    }
  }

  /** Ids of those terms the index has, each once. */
  private termIds(terms: readonly string[]): number[] {
    const ids: number[] = [];
    for (const t of terms) {
      const id = this.index.termIds.get(t);
      if (id !== undefined && !ids.includes(id)) ids.push(id);
    }
    return ids;
  }

  /**
   * Inflected forms of a word that the index kept as terms of their own (the tagger lemmatises by
   * context: "states" can stay "states"), each only when wink-nlp reads it back as the same word.
   */
  private inflections(...bases: string[]): string[] {
    const out: string[] = [];
    for (const base of new Set(bases)) {
      if (!/^\p{L}{3,}$/u.test(base)) continue;
      for (const form of inflect(base)) {
        if (this.index.termIds.has(form) && bases.includes(this.options.lemma(form))) out.push(form);
      }
    }
    return out;
  }

  /** The ways a word splits into two index terms: "policymakers" → policy + maker. */
  private compoundSplits(word: string): Array<[number, number]> {
    const { termIds } = this.index;
    const out: Array<[number, number]> = [];
    if (!/^\p{L}+$/u.test(word)) return out;
    for (let cut = MIN_COMPOUND_PART; cut <= word.length - MIN_COMPOUND_PART; cut++) {
      const first = termIds.get(word.slice(0, cut));
      if (first === undefined) continue;
      const rest = word.slice(cut);
      for (const second of [rest, rest.replace(/e?s$/, '')]) {
        const id = second.length >= MIN_COMPOUND_PART - 1 ? termIds.get(second) : undefined;
        if (id !== undefined) {
          out.push([first, id]);
          break;
        }
      }
    }
    return out;
  }

  private arrays(): { score: Float64Array; mask: Uint32Array; stamp: Uint32Array; tf: Uint16Array } {
    const n = this.index.texts.length;
    if (!this.score) {
      this.score = new Float64Array(n);
      this.mask = new Uint32Array(n);
      this.stamp = new Uint32Array(n);
      this.tf = new Uint16Array(n);
    }
    return { score: this.score, mask: this.mask!, stamp: this.stamp!, tf: this.tf! };
  }
}

/**
 * Where passage `p` holds `form`'s terms one after another, as [start, end) character pairs
 * appended to `out`. "After" means the next word of the text: the words inside a name the index
 * keeps beside the name itself ("North Korea", then "north", "korea") are skipped over, so both
 * "North Korea's weapons" and "Korea's weapons" read as consecutive.
 */
export function formSpans(ix: PassageIndex, p: number, form: Form, out: number[]): void {
  const { sequence: seq, sequenceFrom: from, sequenceTo: to } = ix;
  const start = ix.sequenceStart[p]!;
  const end = ix.sequenceStart[p + 1]!;
  const first = form[0]!;
  for (let i = start; i < end; i++) {
    if (!first.includes(seq[i]!)) continue;
    let cur = i;
    for (let k = 1; k < form.length && cur >= 0; k++) {
      let j = cur + 1;
      while (j < end && from[j]! < to[cur]!) j++;
      const at = from[j] ?? -1;
      let found = -1;
      for (let m = j; m < end && from[m] === at; m++) {
        if (form[k]!.includes(seq[m]!)) {
          found = m;
          break;
        }
      }
      cur = found;
    }
    if (cur >= 0) out.push(from[i]!, to[cur]!);
  }
}

/** Splits a query at quotation marks: the text between a pair is a phrase; an unpaired mark is ignored. */
export function splitPhrases(query: string): Array<{ text: string; phrase: boolean }> {
  const parts = query.split(QUOTES);
  const closed = parts.length % 2 === 1;
  const out: Array<{ text: string; phrase: boolean }> = [];
  parts.forEach((text, i) => {
    const phrase = i % 2 === 1 && (closed || i < parts.length - 1);
    if (text.trim()) out.push({ text: text.trim(), phrase });
  });
  return out;
}

/** Regular English inflections of a lemma: the forms a tagger may have left unlemmatised. */
export function inflect(lemma: string): string[] {
  const forms = [`${lemma}s`, `${lemma}es`, `${lemma}ed`, `${lemma}d`, `${lemma}ing`];
  if (lemma.endsWith('e')) forms.push(`${lemma.slice(0, -1)}ing`);
  if (/[^aeiou]y$/.test(lemma)) forms.push(`${lemma.slice(0, -1)}ies`, `${lemma.slice(0, -1)}ied`);
  if (/[^aeiou][aeiou][bdgklmnprt]$/.test(lemma)) {
    const last = lemma[lemma.length - 1]!;
    forms.push(`${lemma}${last}ed`, `${lemma}${last}ing`);
  }
  return forms;
}

/** The best `want` of `passages` by score (ties: earlier passage first), in order. */
export function topPassages(passages: readonly number[], score: Float64Array, want: number): number[] {
  return bestOf(
    passages,
    passages.length,
    want,
    (a, b) => score[a]! > score[b]! || (score[a] === score[b] && a < b),
  );
}
