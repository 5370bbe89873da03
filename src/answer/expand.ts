/**
 * Query expansion: each question term becomes the index terms that stand for it, each with a
 * weight for how closely: the word itself and its forms (1), a synonym from the knowledge
 * folder's own list, a WordNet synonym or neighbour, a word whose vector is near, a near
 * spelling. Names are matched as written (and through their aliases), never expanded.
 */
import { SKIPPED_IN_INITIALS, spellsOut } from './initialisms.js';
import { CONTENT_STOP_WORDS } from './nlp.js';
import type { PassageIndex } from './passage-index.js';
import type { AnalysedQuestion } from './question.js';
import type { TermVectors } from './vectors.js';
import type { WordNet } from './wordnet.js';

/** How an index term was reached from a question term. */
export type MatchKind = 'exact' | 'thesaurus' | 'synonym' | 'related' | 'vector' | 'spelling';

/** A noun made of a verb and a particle written as one word: "meetup", "crackdown", "walkout". */
const PHRASAL_NOUN = /^(\p{L}{3,}?)(?:back|up|down|off|out|over)$/u;

export interface Alternative {
  id: number;
  weight: number;
  kind: MatchKind;
  /** Only where this term comes right after term `after` ("policy makers" for "policymakers"). */
  after?: number;
}

/** A question term resolved against the index. */
export interface QueryTerm {
  surface: string;
  /** How much the term counts: 1 for the question's own words; lower for a focus word or context. */
  weight: number;
  /** True for the question's own words (false for words carried over from an earlier question). */
  own: boolean;
  name: boolean;
  /** A name asked to have said something ("What did *Japan* say…?"): see QuestionTerm. */
  speaker?: boolean;
  /** A name that is no common word: never expanded; missing from the briefings, it declines the question. */
  proper: boolean;
  /** A name written in capitals ("SAP", "RB"): see QuestionTerm. */
  initials?: true;
  important: boolean;
  /** Index terms that stand for it, the exact one (if known) first. */
  alternatives: Alternative[];
  /** Importance: idf of the term, or of its closest alternative, or the largest idf when none. */
  idf: number;
  covered: boolean;
  /** Cosine of the nearest briefing word by vector (0 when the word has no vector or is a name). */
  nearest: number;
  /** The question word's own vector id, or -1. */
  vector: number;
  /**
   * For the first part of a name the briefings only ever write just before the next word of the
   * question's name ("Brock" of "Brock Osweiler"): that word's term index. News writing gives the
   * full name once, then the surname alone, so a passage with "Osweiler" lacks no name.
   */
  shortens?: number;
}

export interface ExpansionOptions {
  /** Weight of a WordNet synonym, and of a one-step broader/narrower/derived word. */
  synonymWeight: number;
  relatedWeight: number;
  /** Weight of a synonym from the knowledge folder's own `synonyms:` list. */
  thesaurusWeight: number;
  /** Weight of a near spelling of a word the briefings don't contain ("Kritenbrinck"). */
  spellingWeight: number;
  /** Weight of a briefing word whose vector is near the question word's, at cosine 1. */
  vectorWeight: number;
  /** Least cosine for a vector neighbour. */
  vectorMin: number;
  /** A neighbour's weight grows from 0 at cosine `vectorFloor` to `vectorWeight` at 1, to this power. */
  vectorFloor: number;
  vectorPower: number;
  /** Vector neighbours followed per question word. */
  vectorNeighbours: number;
  /** Expansion words found in more than this share of passages are not followed. */
  commonShare: number;
  /** Weight of the noun a "what/which" question asks for an instance of ("what *network*"). */
  focusWeight: number;
  /** Weight of the words naming whom the asker attributes the answer to ("according to …"). */
  attributionWeight: number;
}

/** Most passages a name word is found in for it to be checked as a first name (see `shortens`). */
const MAX_SHORTENED_DF = 500;

/** Shortest part a compound word is split into ("policy|makers", "peace|keeping"). */
const MIN_COMPOUND_PART = 4;

export class QueryExpander {
  /** Passages above which an expansion word is too common to be worth following. */
  private readonly commonDf: number;
  readonly maxIdf: number;
  /** Per index term: its idf, worked out once (every stage asks for it, per posting and per word). */
  private readonly idfs: Float64Array;
  private readonly spellings = new Map<string, string[]>();
  private lengthBuckets?: Array<Array<[string, string]>>;

  constructor(
    private readonly index: PassageIndex,
    private readonly options: ExpansionOptions,
    private readonly wordnet: WordNet | undefined,
    private readonly vectors: TermVectors | undefined,
  ) {
    const n = index.texts.length;
    this.maxIdf = Math.log(1 + (n + 0.5) / 0.5);
    this.commonDf = Math.max(20, n * options.commonShare);
    this.idfs = new Float64Array(index.df.length);
    for (let id = 0; id < index.df.length; id++) {
      const df = index.df[id]!;
      this.idfs[id] = Math.log(1 + (n - df + 0.5) / (df + 0.5));
    }
  }

  idf(id: number): number {
    return this.idfs[id]!;
  }

  /**
   * Names of several words that the briefings never write together ("World Cup", "Secretary of
   * Defense"), as the question writes them: no passage has all their words within a few words of
   * each other ("Super Bowls XXI and XXIV" still has "Super Bowl XXIV"). Aliases are names the
   * briefings know already; a word the briefings lack alone is judged on its own.
   */
  missingNames(q: AnalysedQuestion, terms: QueryTerm[]): string[] {
    const runs = new Map<number, number[]>();
    q.terms.forEach((t, i) => {
      if (t.nameRun !== undefined && !t.term.startsWith('#'))
        runs.set(t.nameRun, [...(runs.get(t.nameRun) ?? []), i]);
    });
    const missing: string[] = [];
    for (const members of runs.values()) {
      if (members.length < 2) continue;
      // A name's words as written, in either number ("Most Valuable Player" / "…Players").
      const ids = members.map((i) => {
        const set = new Set(terms[i]!.alternatives.filter((a) => a.kind === 'exact').map((a) => a.id));
        const word = q.terms[i]!.surfaceKey;
        for (const form of [`${word}s`, word.replace(/s$/, '')]) {
          const id = this.index.termIds.get(form);
          if (id !== undefined) set.add(id);
        }
        return set;
      });
      // A word of it the briefings never mention by itself is reported already ("Ivan Zorbakov").
      if (members.some((i) => terms[i]!.proper && !terms[i]!.covered)) continue;
      if (ids.some((set) => set.size === 0) || !this.writtenTogether(ids, members.length + 2))
        missing.push(q.nameRuns[q.terms[members[0]!]!.nameRun! - 1]!);
    }
    return missing;
  }

  /**
   * Marks `shortens` on each name word the briefings write only right before the question's
   * next word of the same name, when that next word also stands alone elsewhere: a first name
   * ("Brock Osweiler", later "Osweiler"). A word written more than `MAX_SHORTENED_DF` times is no
   * first name worth checking.
   */
  private markShortenedNames(q: AnalysedQuestion, terms: QueryTerm[]): void {
    const ix = this.index;
    const exact = (t: QueryTerm) => t.alternatives.find((a) => a.kind === 'exact')?.id;
    for (let i = 0; i + 1 < terms.length; i++) {
      const run = q.terms[i]!.nameRun;
      if (run === undefined || q.terms[i + 1]!.nameRun !== run) continue;
      if (!terms[i]!.name || !terms[i + 1]!.name || !terms[i]!.own) continue;
      const first = exact(terms[i]!);
      const next = exact(terms[i + 1]!);
      if (first === undefined || next === undefined || ix.df[next]! <= ix.df[first]!) continue;
      if (ix.df[first]! > MAX_SHORTENED_DF) continue;
      if (this.alwaysBefore(first, next)) terms[i]!.shortens = i + 1;
    }
  }

  /** Whether every occurrence of term `first` is followed right away by term `next`. */
  private alwaysBefore(first: number, next: number): boolean {
    const ix = this.index;
    for (let k = ix.postingStart[first]!, end = ix.postingStart[first + 1]!; k < end; k++) {
      const p = ix.postingPassage[k]!;
      for (let i = ix.sequenceStart[p]!, to = ix.sequenceStart[p + 1]!; i < to; i++)
        if (ix.sequence[i] === first && (i + 1 === to || ix.sequence[i + 1] !== next)) return false;
    }
    return true;
  }

  /** Whether some passage has one of each set of terms within `span` consecutive terms. */
  private writtenTogether(ids: Array<Set<number>>, span: number): boolean {
    const ix = this.index;
    for (const first of ids[0]!) {
      for (let k = ix.postingStart[first]!, end = ix.postingStart[first + 1]!; k < end; k++) {
        const p = ix.postingPassage[k]!;
        const from = ix.sequenceStart[p]!;
        const to = ix.sequenceStart[p + 1]!;
        for (let i = from; i < to; i++) {
          if (ix.sequence[i] !== first) continue;
          const window = ix.sequence.subarray(Math.max(from, i - span + 1), Math.min(to, i + span));
          if (ids.every((set) => window.some((id) => set.has(id)))) return true;
        }
      }
    }
    return false;
  }

  private exactOnly?: Set<number>;
  /** Index term ids of CONTENT_STOP_WORDS, which only an exact match reaches. */
  private onlyExact(): Set<number> {
    return (this.exactOnly ??= new Set(
      [...CONTENT_STOP_WORDS]
        .map((w) => this.index.termIds.get(w))
        .filter((id): id is number => id !== undefined),
    ));
  }

  /** Resolves question terms to index terms: exact, surface form, synonyms, vectors, near spellings. */
  expand(q: AnalysedQuestion): QueryTerm[] {
    const { termIds, nameTerm } = this.index;
    const { options, wordnet, vectors } = this;
    const isName = (w: string): boolean => {
      const id = termIds.get(w);
      return id !== undefined && nameTerm[id] === 1;
    };
    // "Most Valuable Player", where the briefings write it out once and then say "MVP": the
    // initials stand for each word of the name.
    const runInitials = q.nameRuns.map((run) => this.initialsIn(run));
    const terms = q.terms.map((t, i): QueryTerm => {
      const alternatives: Alternative[] = [];
      const pushId = (id: number, weight: number, kind: MatchKind, after?: number) => {
        // Numbers and order words ("eight", "last") are met as themselves, never as near words.
        if (kind !== 'exact' && this.onlyExact().has(id)) return;
        const existing = alternatives.find((a) => a.id === id && a.after === after);
        if (existing) {
          if (existing.weight < weight) Object.assign(existing, { weight, kind });
          return;
        }
        alternatives.push(after === undefined ? { id, weight, kind } : { id, weight, kind, after });
      };
      const push = (term: string, weight: number, kind: MatchKind, after?: number) => {
        const id = termIds.get(term);
        if (id !== undefined) pushId(id, weight, kind, after);
      };
      const plain = !t.term.startsWith('#');
      push(t.term, 1, 'exact');
      if (t.nameRun !== undefined)
        for (const [word, id] of runInitials[t.nameRun - 1] ?? [])
          if (word === t.surfaceKey || word === t.term) pushId(id, 1, 'exact');
      if (plain) {
        push(t.surfaceKey, 1, 'exact');
        if (t.commonLemma) push(t.commonLemma, 1, 'exact');
        if (t.compound) push(t.compound, 1, 'exact');
        // The same word written as one, as two or hyphenated: "policymakers", "policy makers".
        if (t.term.includes('-')) push(t.term.replace(/-/g, ''), 1, 'exact');
        for (const [first, second] of this.compoundSplits(t.surfaceKey)) push(second, 1, 'exact', first);
        for (const other of [q.terms[i - 1], q.terms[i + 1]]) {
          if (!other || other.term.startsWith('#') || other.own !== t.own) continue;
          const [a, b] = other === q.terms[i - 1] ? [other, t] : [t, other];
          push(a.surfaceKey + b.surfaceKey, 1, 'exact');
          push(a.term + b.term, 1, 'exact');
        }
      }
      // A synonym group names words; any form of them will do ("restriction", "restricted").
      for (const w of this.index.thesaurus.get(t.term) ?? []) {
        push(w, options.thesaurusWeight, 'thesaurus');
        for (const form of wordnet?.derivedForms(w) ?? []) push(form, options.thesaurusWeight, 'thesaurus');
      }
      // A noun made of a verb and its particle the briefings don't write ("meetup", "crackdown",
      // "pushback"): the verb and its forms say the same ("meet", "meeting").
      const phrasal = plain && !termIds.has(t.term) ? PHRASAL_NOUN.exec(t.term) : null;
      if (phrasal && wordnet?.knows(phrasal[1]!)) {
        push(phrasal[1]!, options.thesaurusWeight, 'thesaurus');
        for (const form of wordnet.derivedForms(phrasal[1]!))
          push(form, options.thesaurusWeight, 'thesaurus');
      }
      // A name's other forms are the same name: "asian" → "asia", "european" → "europe".
      if (plain && wordnet)
        for (const form of wordnet.derivedForms(t.term, { stem: 4, pertainyms: true }))
          push(form, options.thesaurusWeight, 'thesaurus');
      // Adverbs ("actually", "exactly") qualify a question; their near words would only add noise.
      const expandable = plain && !t.proper && !/\d/.test(t.term) && t.pos !== 'ADV';
      if (expandable && wordnet) {
        for (const word of new Set([t.term, t.surfaceKey])) {
          const related = wordnet.related(word, t.partOfSpeech);
          for (const w of related.synonyms) if (!isName(w)) push(w, options.synonymWeight, 'synonym');
          for (const w of related.neighbours) if (!isName(w)) push(w, options.relatedWeight, 'related');
        }
      }
      let nearest = 0;
      if (expandable && vectors) {
        for (const word of new Set([t.surfaceKey, t.term])) {
          for (const n of vectors.neighbours(word, options.vectorMin, options.vectorNeighbours)) {
            nearest = Math.max(nearest, n.cosine);
            pushId(
              n.term,
              options.vectorWeight *
                Math.max(0, (n.cosine - options.vectorFloor) / (1 - options.vectorFloor)) **
                  options.vectorPower,
              'vector',
            );
          }
        }
      }
      if (alternatives.length === 0 && plain && t.term.length >= 6) {
        for (const term of this.nearSpellings(t.term)) push(term, options.spellingWeight, 'spelling');
      }
      this.prune(alternatives);
      // A term known only through an alternative weighs what its closest alternative weighs.
      const idf = alternatives[0] ? this.idf(alternatives[0].id) : this.maxIdf;
      return {
        surface: t.surface,
        weight:
          t.weight *
          (t.part === 'focus'
            ? options.focusWeight
            : t.part === 'attribution'
              ? options.attributionWeight
              : 1),
        own: t.own,
        name: t.name,
        // (Always the same fields, set or undefined: one shape of term for the hot loops.)
        speaker: t.speaker ? true : undefined,
        proper: t.proper,
        initials: t.initials ? true : undefined,
        // The tagger guesses on short questions ("…North Korea new?" comes out a noun); a word
        // WordNet has no noun for is not a thing the question is about.
        important: t.important && t.part === 'topic' && (t.name || !wordnet?.knowsOnlyAsNonNoun(t.term)),
        alternatives,
        idf,
        covered: alternatives.length > 0,
        nearest,
        vector: vectors && plain ? wordVector(vectors, t.surfaceKey, t.term) : -1,
      };
    });
    this.markShortenedNames(q, terms);
    return terms;
  }

  /**
   * In a name of several words (folded, as the question wrote it: "most valuable player of super
   * bowl xli"), the words whose initials the briefings use as a name and write out as standing for
   * them ("Most Valuable Player (MVP)"): word → the initials' index term.
   */
  private initialsIn(run: string): Map<string, number> {
    const found = new Map<string, number>();
    const words = run.split(/[^\p{L}\p{N}&]+/u).filter((w) => w && !SKIPPED_IN_INITIALS.has(w));
    for (let from = 0; from < words.length - 1; from++)
      for (let to = from + 2; to <= words.length; to++) {
        const id = this.initialsTerm(
          words
            .slice(from, to)
            .map((w) => w[0])
            .join(''),
        );
        if (id !== undefined) for (const w of words.slice(from, to)) found.set(w, id);
      }
    return found;
  }

  private initialsCache = new Map<string, number | undefined>();
  /** The index term of `letters` when the briefings use them as a name and spell them out somewhere. */
  private initialsTerm(letters: string): number | undefined {
    if (this.initialsCache.has(letters)) return this.initialsCache.get(letters);
    let found: number | undefined;
    const id = this.index.termIds.get(letters);
    if (id !== undefined && this.index.nameTerm[id] === 1) {
      const { postingStart, postingPassage, texts } = this.index;
      // Of the passages that write the initials, one spells them out (the first few hundred will say).
      const end = Math.min(postingStart[id + 1]!, postingStart[id]! + 300);
      for (let k = postingStart[id]!; k < end && found === undefined; k++)
        if (spellsOut(texts[postingPassage[k]!]!, letters)) found = id;
    }
    if (this.initialsCache.size >= 10_000) this.initialsCache.clear();
    this.initialsCache.set(letters, found);
    return found;
  }

  /**
   * Keeps expansions that are worth their cost: when the word itself occurs, looser words that
   * most passages use add noise and long posting lists, so they go; when nothing else is left,
   * the four closest stay, however common, so the word still counts as covered.
   */
  private prune(alternatives: Alternative[]): void {
    const { df } = this.index;
    const exact = alternatives.some((a) => a.weight === 1);
    // Stable: within a weight, the order found (WordNet's most frequent senses first) is kept.
    const loose = alternatives.filter((a) => a.weight < 1).sort((x, y) => y.weight - x.weight);
    const rare = loose.filter((a) => df[a.id]! <= this.commonDf);
    const kept = exact || rare.length ? rare : loose.slice(0, 4);
    alternatives.splice(0, alternatives.length, ...alternatives.filter((a) => a.weight === 1), ...kept);
  }

  /**
   * The ways a word splits into two index terms, as [first term id, second term]: "policymakers"
   * → policy + makers (or maker). The second is pushed as an alternative that counts only right
   * after the first.
   */
  private compoundSplits(word: string): Array<[number, string]> {
    const { termIds } = this.index;
    const out: Array<[number, string]> = [];
    if (/[^\p{L}]/u.test(word)) return out;
    for (let cut = MIN_COMPOUND_PART; cut <= word.length - MIN_COMPOUND_PART; cut++) {
      const first = termIds.get(word.slice(0, cut));
      if (first === undefined) continue;
      const rest = word.slice(cut);
      for (const second of [rest, rest.replace(/e?s$/, '')]) {
        if (second.length >= MIN_COMPOUND_PART - 1 && termIds.has(second)) {
          out.push([first, second]);
          break;
        }
      }
    }
    return out;
  }

  /** Index terms within one edit (two for long words) of a word the briefings lack. */
  private nearSpellings(word: string): string[] {
    const cached = this.spellings.get(word);
    if (cached) return cached;
    const max = word.length >= 9 ? 2 : 1;
    const found: string[] = [];
    for (let length = word.length - max; length <= word.length + max && found.length < 3; length++) {
      for (const [spelling, term] of this.spellingsByLength()[length] ?? []) {
        if (found.length >= 3) break;
        if (spelling[0] !== word[0] && spelling[1] !== word[1]) continue;
        if (editDistance(word, spelling, max) <= max && !found.includes(term)) found.push(term);
      }
    }
    if (this.spellings.size >= 10_000) this.spellings.clear();
    this.spellings.set(word, found);
    return found;
  }

  /**
   * Every plain term and one-word alias name ("kritenbrink" → its entity), bucketed by length:
   * built on the first misspelt question, so that start-up doesn't pay for it.
   */
  private spellingsByLength(): Array<Array<[string, string]>> {
    if (!this.lengthBuckets) {
      const buckets: Array<Array<[string, string]>> = [];
      const add = (spelling: string, term: string) =>
        (buckets[spelling.length] ??= []).push([spelling, term]);
      for (const term of this.index.termIds.keys()) if (!term.startsWith('#')) add(term, term);
      for (const [spelling, term] of this.index.aliases.singleWordNames()) add(spelling, term);
      this.lengthBuckets = buckets;
    }
    return this.lengthBuckets;
  }
}

/** The vector id of a question word: as written, else its lemma; -1 when it has none. */
function wordVector(vectors: TermVectors, surface: string, lemma: string): number {
  const id = vectors.vectors.id(surface);
  return id >= 0 ? id : vectors.vectors.id(lemma);
}

/** Levenshtein distance, giving up (returning max + 1) once it must exceed `max`. */
export function editDistance(a: string, b: string, max: number): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
      rowMin = Math.min(rowMin, prev[j]!);
    }
    if (rowMin > max) return max + 1;
  }
  return prev[b.length]!;
}
