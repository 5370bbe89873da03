import type { Knowledge } from '../knowledge/types.js';
import { buildPassageIndex, type BuildOptions, type PassageIndex } from './passage-index.js';
import { detectIntent, intentAnswer, leadExcerpt, LEAD_SENTENCES, looksLikeChat } from './intents.js';
import { analyseQuestion, cleanQuestion, TYPE_FEATURES, type AnalysedQuestion } from './question.js';
import { Feature } from './terms.js';
import type { Answer, AskOptions, BriefingSummary, DeclineReason, Excerpt, Highlight } from './types.js';
import { sharedWordNet, type WordNet } from './wordnet.js';

/** Tuning of the scoring; the defaults were measured on the dev questions (`npm run eval`). */
export interface EngineOptions extends BuildOptions {
  /** BM25 term-frequency saturation. */
  k1: number;
  /** BM25 length normalisation; sentences want less than documents' 0.75. */
  b: number;
  /** Weight of a term found only in a neighbouring sentence. */
  neighbourWeight: number;
  /** Weight of a WordNet synonym, and of a one-step broader/narrower/derived word. */
  synonymWeight: number;
  relatedWeight: number;
  /** Weight of a synonym from the knowledge folder's own `synonyms:` list. */
  thesaurusWeight: number;
  /** Most of the question's important weight (nouns, names) the best passage may miss. */
  maxMissing: number;
  /** Weight of a near spelling of a word the briefings don't contain ("Kritenbrinck"). */
  spellingWeight: number;
  /** Bonus when a sentence holds what the question type asks for (a person for "who"…). */
  typeBonus: number;
  /** Bonus when a sentence writes a multi-word name exactly as the question does. */
  fullNameBonus: number;
  /** Bonus per pair of question terms standing next to each other in a sentence. */
  proximityBonus: number;
  /** Least share of the question's weight the best passage must match to be an answer. */
  minShare: number;
  /** Expansion words found in more than this share of passages are not followed. */
  commonShare: number;
  /** Candidates re-ranked with the finer signals. */
  rerankDepth: number;
  /** Use WordNet expansion. */
  expansion: boolean;
}

export const DEFAULT_OPTIONS: EngineOptions = {
  k1: 1.2,
  b: 0.5,
  neighbourWeight: 0.35,
  synonymWeight: 0.5,
  relatedWeight: 0.3,
  spellingWeight: 0.8,
  thesaurusWeight: 0.8,
  maxMissing: 0.3,
  typeBonus: 0.15,
  proximityBonus: 0.1,
  fullNameBonus: 0.2,
  minShare: 0.5,
  rerankDepth: 40,
  commonShare: 0.01,
  expansion: true,
};

/** Excerpts are about this long at most; a sentence that refers back gets its predecessor within it. */
const EXCERPT_CHARS = 400;
/** A sentence opening like this leans on the one before it ("He is…", "The ministry's stance…"). */
const REFERS_BACK =
  /^(he|she|it|they|this|that|these|those|his|her|its|their|such|the same|the (?:ministry|official|department|agency|government|statement|remarks?)\b)\b/i;

/**
 * What follows a name that is being introduced: an apposition ("X, the Deputy Minister…") or a
 * defining verb ("X is a senior…", "X serves as…"), but not "X is expected to…".
 */
const INTRODUCTION =
  /^(?:,\s+(?:the|a|an)\s|,?\s+(?:is|was|remains|became)\s+(?:the|a|an|one)\s|,?\s+serve[sd]?\s+as\s)/i;

/** How much more a defining sentence counts when a "who" question names nothing else. */
const DEFINITION_BONUS_FACTOR = 3;

interface Alternative {
  id: number;
  weight: number;
  /** Only where this term comes right after term `after` ("policy makers" for "policymakers"). */
  after?: number;
}

/** Numbers of re-ranking scores kept from query to query (1 MB): any /ask, and /search pages. */
const MAX_KEPT_SLAB = 131_072;

/** Shortest part a compound word is split into ("policy|makers", "peace|keeping"). */
const MIN_COMPOUND_PART = 4;

interface QueryTerm {
  surface: string;
  weight: number;
  name: boolean;
  important: boolean;
  /** Index terms that stand for it, the exact one (if known) first. */
  alternatives: Alternative[];
  /** Importance: idf of the term, or the largest idf when the briefings lack it. */
  idf: number;
  covered: boolean;
}

interface Candidate {
  passage: number;
  score: number;
  share: number;
  /** Share of the question's weight in important words (nouns, names) that the passage lacks. */
  missing: number;
  /** How many of the question's own important words the passage (and its neighbours) lack. */
  missingCount: number;
  namesMatched: number;
}

/**
 * The answer engine: BM25 over sentence passages with aliases, neighbouring-sentence context,
 * WordNet expansion, question-type and proximity re-ranking, and abstention when the
 * briefings don't cover the question. Pure and synchronous; build once, ask many times.
 *
 * @example
 * const engine = Engine.build(await loadKnowledge('knowledge'));
 * const answer = engine.ask('Where were Putin and Kim supposed to meet?');
 * answer.answered; // true
 * answer.excerpts[0].text; // "…a planned meeting with Kim Jong-un at the Vostochny Cosmodrome…"
 */
export class Engine {
  readonly options: EngineOptions;
  private readonly wordnet: WordNet | undefined;
  private readonly maxIdf: number;
  /** Passages above which an expansion word is too common to be worth following. */
  private readonly commonDf: number;
  // Scratch space reused by every query (the engine is synchronous, so one query at a time).
  private readonly score: Float32Array;
  private readonly termBest: Float32Array;
  private readonly termStamp: Uint32Array;
  private readonly queryStamp: Uint32Array;
  private readonly touched: Uint32Array;
  /** Per passage: where its per-term scores sit in `slab`, valid when `slotStamp` is this query's. */
  private readonly slotOf: Uint32Array;
  private readonly slotStamp: Uint32Array;
  /** Re-ranking's per-passage scores, reused from query to query (see `rank`). */
  private slab = new Float64Array(0);
  private readonly spellings = new Map<string, string[]>();
  private lengthBuckets?: Array<Array<[string, string]>>;
  private stamp = 0;
  private queryGeneration = 0;

  private constructor(
    readonly index: PassageIndex,
    options: Partial<EngineOptions>,
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
    this.wordnet = this.options.expansion ? sharedWordNet() : undefined;
    const n = index.texts.length;
    this.maxIdf = Math.log(1 + (n + 0.5) / 0.5);
    this.commonDf = Math.max(20, n * this.options.commonShare);
    this.score = new Float32Array(n);
    this.termBest = new Float32Array(n);
    this.termStamp = new Uint32Array(n);
    this.queryStamp = new Uint32Array(n);
    this.touched = new Uint32Array(n);
    this.slotOf = new Uint32Array(n);
    this.slotStamp = new Uint32Array(n);
  }

  /** Builds the engine from loaded knowledge (analysis and indexing happen here). */
  static build(knowledge: Knowledge, options: Partial<EngineOptions> = {}): Engine {
    return new Engine(buildPassageIndex(knowledge, options), options);
  }

  /** Builds the engine around an index made elsewhere (a cached one, say). */
  static fromIndex(index: PassageIndex, options: Partial<EngineOptions> = {}): Engine {
    return new Engine(index, options);
  }

  /** Number of passages (sentences) indexed. */
  get passageCount(): number {
    return this.index.texts.length;
  }

  /** Every indexed sentence, verbatim, with a stable id (`briefing#ordinal`). */
  passages(): Array<{ id: string; briefing: string; index: number; text: string }> {
    const { texts, passageBriefing, passageOrdinal, briefings } = this.index;
    return texts.map((text, p) => {
      const briefing = briefings[passageBriefing[p]!]!.id;
      return { id: `${briefing}#${passageOrdinal[p]}`, briefing, index: passageOrdinal[p]!, text };
    });
  }

  /**
   * Answers a question with the passages that answer it, or declines (`answered: false`) with
   * the question's words the briefings never mention in `notCovered`.
   */
  ask(question: string, options: AskOptions = {}): Answer {
    const top = clampInt(options.top ?? 3, 1, 25);
    const offset = clampInt(options.offset ?? 0, 0, 1000);
    // Chat ("hi", "thanks", "tldr") gets its own reply; a follow-up or a next page is a question.
    const detected =
      !offset && !options.context && looksLikeChat(question)
        ? detectIntent(cleanQuestion(question), this.briefings())
        : null;
    if (detected) return intentAnswer(cleanQuestion(question), detected, this, top);
    const q = analyseQuestion(question, this.index.aliases, options.context);
    const decline = (reason: DeclineReason, notCovered: string[] = [], related: Excerpt[] = []): Answer => ({
      question: q.text,
      answered: false,
      excerpts: [],
      notCovered,
      related,
      reason,
    });
    if (!q.terms.length) return decline('empty');
    const terms = this.queryTerms(q);
    const notCovered = terms.filter((t) => t.weight === 1 && !t.covered && t.important).map((t) => t.surface);
    const ranked = this.rank(q, terms);
    const names = terms.filter((t) => t.name && t.covered && t.weight === 1).length;
    // A short question must be matched in all its important words; a long one may miss one in four.
    const allowedMissing = Math.floor(terms.filter((t) => t.important && t.weight === 1).length / 4);
    // Only passages that match enough of the question answer it; the rest may be "related".
    const answering = ranked.filter(
      (c) =>
        c.share >= this.options.minShare &&
        c.missing <= this.options.maxMissing &&
        c.missingCount <= allowedMissing &&
        c.namesMatched >= names,
    );
    let reason: Answer['reason'];
    if (notCovered.length) reason = 'not_covered';
    else if (answering.length === 0) reason = 'weak_match';
    if (reason) return decline(reason, [...new Set(notCovered)], this.excerpts(ranked, terms, 0, 1));
    return {
      question: q.text,
      answered: true,
      excerpts: this.excerpts(answering, terms, offset, top),
      notCovered: [],
      related: [],
    };
  }

  /** Ranked passages for a query, without abstention: for browsing (`/search`). */
  search(
    query: string,
    options: { top?: number; offset?: number } = {},
  ): { total: number; excerpts: Excerpt[] } {
    const top = clampInt(options.top ?? 10, 1, 50);
    const offset = clampInt(options.offset ?? 0, 0, 10_000);
    const q = analyseQuestion(query, this.index.aliases);
    if (!q.terms.length) return { total: 0, excerpts: [] };
    const terms = this.queryTerms(q);
    const ranked = this.rank(q, terms, offset + top);
    return { total: ranked.total, excerpts: this.excerpts(ranked, terms, offset, top) };
  }

  /** Every briefing, in title order. */
  briefings(): BriefingSummary[] {
    return this.index.briefings.map((_, b) => this.summary(b)).sort((x, y) => x.title.localeCompare(y.title));
  }

  /** One briefing by id. */
  briefing(id: string): BriefingSummary | undefined {
    const b = this.index.briefings.findIndex((x) => x.id === id);
    return b < 0 ? undefined : this.summary(b);
  }

  /**
   * A briefing's lead: its first sentences, whole, as many as fit in `maxChars` (the first alone
   * is cut only when it is longer), quoted as an excerpt of passage 0 with no highlights.
   */
  lead(briefingId: string, maxChars = 400): Excerpt | undefined {
    const b = this.index.briefings.findIndex((x) => x.id === briefingId);
    if (b < 0) return undefined;
    const first = this.index.briefingFirst[b]!;
    const end = Math.min(first + LEAD_SENTENCES, this.index.briefingFirst[b + 1]!);
    return leadExcerpt(this.index.briefings[b]!, this.index.texts.slice(first, end), maxChars);
  }

  private summary(b: number): BriefingSummary {
    const briefing = this.index.briefings[b]!;
    const first = this.index.briefingFirst[b]!;
    return {
      id: briefing.id,
      title: briefing.title,
      source: briefing.source,
      ...(briefing.date ? { date: briefing.date } : {}),
      ...(briefing.url ? { url: briefing.url } : {}),
      passages: this.index.briefingFirst[b + 1]! - first,
      opening: this.index.texts[first] ?? '',
    };
  }

  private idf(id: number): number {
    const n = this.index.texts.length;
    const df = this.index.df[id]!;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** Resolves question terms to index terms: exact, surface form, WordNet, near spellings. */
  private queryTerms(q: AnalysedQuestion): QueryTerm[] {
    const { termIds, nameTerm } = this.index;
    return q.terms.map((t, i) => {
      const alternatives: Alternative[] = [];
      const push = (term: string, weight: number, after?: number) => {
        const id = termIds.get(term);
        if (id === undefined || alternatives.some((a) => a.id === id && a.after === after)) return;
        alternatives.push(after === undefined ? { id, weight } : { id, weight, after });
      };
      push(t.term, 1);
      if (!t.term.startsWith('#')) {
        push(t.surfaceKey, 1);
        // The same word written as one, as two or hyphenated: "policymakers", "policy makers".
        if (t.term.includes('-')) push(t.term.replace(/-/g, ''), 1);
        for (const [first, second] of this.compoundSplits(t.surfaceKey)) push(second, 1, first);
        for (const other of [q.terms[i - 1], q.terms[i + 1]]) {
          if (!other || other.term.startsWith('#') || other.weight !== t.weight) continue;
          const [a, b] = other === q.terms[i - 1] ? [other, t] : [t, other];
          push(a.surfaceKey + b.surfaceKey, 1);
          push(a.term + b.term, 1);
        }
      }
      // A synonym group names words; any form of them will do ("restriction", "restricted").
      for (const w of this.index.thesaurus.get(t.term) ?? []) {
        push(w, this.options.thesaurusWeight);
        for (const form of this.wordnet?.derivedForms(w) ?? []) push(form, this.options.thesaurusWeight);
      }
      if (!t.name && this.wordnet && !t.term.startsWith('#') && !/\d/.test(t.term)) {
        for (const word of new Set([t.term, t.surfaceKey])) {
          const related = this.wordnet.related(word, t.partOfSpeech);
          for (const w of related.synonyms) if (!isName(w)) push(w, this.options.synonymWeight);
          for (const w of related.neighbours) if (!isName(w)) push(w, this.options.relatedWeight);
        }
      }
      if (alternatives.length === 0 && !t.term.startsWith('#') && t.term.length >= 6) {
        for (const term of this.nearSpellings(t.term)) push(term, this.options.spellingWeight);
      }
      pruneAlternatives(alternatives, this.index.df, this.commonDf);
      // A term known only through an alternative weighs what its closest alternative weighs.
      const idf = alternatives[0] ? this.idf(alternatives[0].id) : this.maxIdf;
      return {
        surface: t.surface,
        weight: t.weight,
        name: t.name,
        // The tagger guesses on short questions ("…North Korea new?" comes out a noun); a word
        // WordNet has no noun for is not a thing the question is about.
        important: t.important && (t.name || !this.wordnet?.knowsOnlyAsNonNoun(t.term)),
        alternatives,
        idf,
        covered: alternatives.length > 0,
      };
    });

    function isName(w: string): boolean {
      const id = termIds.get(w);
      return id !== undefined && nameTerm[id] === 1;
    }
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
    const found = this.findNearSpellings(word);
    if (this.spellings.size >= 10_000) this.spellings.clear();
    this.spellings.set(word, found);
    return found;
  }

  private findNearSpellings(word: string): string[] {
    const max = word.length >= 9 ? 2 : 1;
    const out: string[] = [];
    const consider = (spelling: string, term: string) => {
      if (out.length >= 3 || Math.abs(spelling.length - word.length) > max) return;
      if (spelling[0] !== word[0] && spelling[1] !== word[1]) return;
      if (editDistance(word, spelling, max) <= max && !out.includes(term)) out.push(term);
    };
    for (let length = word.length - max; length <= word.length + max; length++) {
      for (const [spelling, term] of this.spellingsByLength()[length] ?? []) consider(spelling, term);
    }
    return out;
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

  /**
   * Scores every passage that shares a term with the query (BM25 over direct postings, each
   * query term counted once, by its best alternative), then takes the best few and their
   * neighbouring sentences and scores those exactly: direct, expanded and neighbour-context
   * matches, coverage and the finer re-ranking signals.
   */
  private rank(
    q: AnalysedQuestion,
    terms: QueryTerm[],
    want = this.options.rerankDepth,
  ): Candidate[] & { total: number } {
    const ix = this.index;
    const { k1, b, neighbourWeight } = this.options;
    const { score, termBest, termStamp, queryStamp, touched } = this;
    const generation = ++this.queryGeneration;
    let touchedCount = 0;
    let totalWeight = 0;
    /** Index term id → the query terms (bit, alternative weight) it stands for. */
    const altOf = new Map<number, Array<{ bit: number; weight: number; after?: number }>>();
    const bm25 = (tf: number, length: number) =>
      (tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * length) / ix.averageLength));

    terms.forEach((term, bit) => {
      // A modifier the briefings never use ("ultimate", "supposed") can't be matched by any passage;
      // an unknown noun or name already declines the question through `notCovered`.
      if (term.covered || term.important) totalWeight += term.weight * term.idf;
      if (!term.covered) return;
      const stamp = ++this.stamp;
      for (const alt of term.alternatives) {
        let list = altOf.get(alt.id);
        if (!list) altOf.set(alt.id, (list = []));
        list.push({ bit, weight: alt.weight, ...(alt.after === undefined ? {} : { after: alt.after }) });
        const idf = this.idf(alt.id) * alt.weight * term.weight;
        for (let k = ix.postingStart[alt.id]!, end = ix.postingStart[alt.id + 1]!; k < end; k++) {
          const p = ix.postingPassage[k]!;
          if (alt.after !== undefined && !this.follows(p, alt.after, alt.id)) continue;
          const s = idf * bm25(ix.postingTf[k]!, ix.passageLength[p]!);
          if (termStamp[p] !== stamp) {
            termStamp[p] = stamp;
            termBest[p] = s;
            if (queryStamp[p] !== generation) {
              queryStamp[p] = generation;
              score[p] = 0;
              touched[touchedCount++] = p;
            }
            score[p]! += s;
          } else if (s > termBest[p]!) {
            score[p]! += s - termBest[p]!;
            termBest[p] = s;
          }
        }
      }
    });

    // The pool: the best passages by direct score, and the sentences beside them, which may
    // answer through their neighbour ("He is the Special Assistant…").
    const depth = Math.max(want, this.options.rerankDepth);
    const direct = selectTop(touched, touchedCount, score, depth * 2);
    const poolSet = new Set<number>();
    for (const p of direct) {
      poolSet.add(p);
      const briefing = ix.passageBriefing[p]!;
      if (p > 0 && ix.passageBriefing[p - 1] === briefing) poolSet.add(p - 1);
      if (p + 1 < ix.texts.length && ix.passageBriefing[p + 1] === briefing) poolSet.add(p + 1);
    }

    const n = terms.length;
    const contextScore = new Float64Array(n);
    const contextCover = new Float64Array(n);
    /*
     * Best score per query term that passage `p`'s own words give, and the weight of the
     * alternative that gave it: 2n numbers at a slot of the slab. Memoised by a stamp (a passage
     * is also its neighbours' context), and kept in one reused array rather than two typed arrays
     * per passage: a query then allocates next to nothing, and the collector pauses less often.
     */
    const width = 2 * n;
    const need = (poolSet.size * 3 + 2) * width;
    // The slab is kept for the next query unless a deep /search page needed an unusually big one.
    if (this.slab.length < need && need <= MAX_KEPT_SLAB) this.slab = new Float64Array(MAX_KEPT_SLAB);
    const slab = this.slab.length >= need ? this.slab : new Float64Array(need);
    const { slotOf, slotStamp } = this;
    let slots = 0;
    const termScores = (p: number): number => {
      if (slotStamp[p] === generation) return slotOf[p]!;
      const at = slots++ * width;
      slotStamp[p] = generation;
      slotOf[p] = at;
      slab.fill(0, at, at + width);
      const from = ix.sequenceStart[p]!;
      const to = ix.sequenceStart[p + 1]!;
      for (let i = from; i < to; i++) {
        const id = ix.sequence[i]!;
        const alts = altOf.get(id);
        if (!alts) continue;
        let tf = 0;
        for (let j = from; j < to; j++) if (ix.sequence[j] === id) tf++;
        const base = this.idf(id) * bm25(tf, ix.passageLength[p]!);
        for (let k = 0; k < alts.length; k++) {
          const { bit, weight, after } = alts[k]!;
          if (after !== undefined && (i === from || ix.sequence[i - 1] !== after)) continue;
          const s = base * weight * terms[bit]!.weight;
          if (s > slab[at + bit]!) {
            slab[at + bit] = s;
            slab[at + n + bit] = weight;
          }
        }
      }
      return at;
    };
    const addContext = (nb: number, briefing: number): void => {
      if (nb < 0 || nb >= ix.texts.length || ix.passageBriefing[nb] !== briefing) return;
      const at = termScores(nb);
      for (let bit = 0; bit < n; bit++) {
        const neighbour = slab[at + bit]! * neighbourWeight;
        if (neighbour > contextScore[bit]!) {
          contextScore[bit] = neighbour;
          contextCover[bit] = slab[at + n + bit]! * neighbourWeight;
        }
      }
    };
    const details = [...poolSet].map((p) => {
      const at = termScores(p);
      contextScore.fill(0);
      contextCover.fill(0);
      const briefing = ix.passageBriefing[p]!;
      addContext(p - 1, briefing);
      addContext(p + 1, briefing);
      let total = 0;
      let cover = 0;
      let directMask = 0;
      let contextMask = 0;
      for (let bit = 0; bit < n; bit++) {
        const weight = terms[bit]!.weight * terms[bit]!.idf;
        const direct = slab[at + bit]!;
        if (direct > 0 && direct >= contextScore[bit]!) {
          total += direct;
          cover += slab[at + n + bit]! * weight;
          directMask |= 1 << bit;
        } else if (contextScore[bit]! > 0) {
          total += contextScore[bit]!;
          cover += contextCover[bit]! * weight;
          contextMask |= 1 << bit;
        }
      }
      return { p, total, cover, directMask, contextMask };
    });

    const wantedFeatures = TYPE_FEATURES[q.type];
    // "Who is Kritenbrink?", "Vaddi's job title?": nothing but names to match, so every sentence
    // naming the person ties, and the one that says what they are is the answer.
    const definitional = q.type === 'who' && terms.every((t) => t.name || t.weight !== 1);
    // The names asked about: a sentence defines one of them, not just anybody ("Washington is…").
    const askedNames = new Set<number>();
    if (q.type === 'who')
      for (const t of terms)
        if (t.name && t.weight === 1) for (const a of t.alternatives) askedNames.add(a.id);
    let nameMask = 0;
    terms.forEach((t, bit) => {
      if (t.name && t.covered && t.weight === 1) nameMask |= 1 << bit;
    });
    const fullNames = terms
      .filter((t) => t.name && t.weight === 1 && t.surface.includes(' '))
      .map(
        (t) =>
          new RegExp(
            `(?<![\\p{L}\\p{N}])${t.surface.split(' ').map(escapeRegExp).join("[^\\p{L}\\p{N}']+")}(?![\\p{L}\\p{N}])`,
            'iu',
          ),
      );
    // Index term id → the query terms (as bits) it stands for, for adjacentPairs.
    const termBits = new Map<number, number>();
    terms.forEach((t, bit) => {
      for (const a of t.alternatives) termBits.set(a.id, (termBits.get(a.id) ?? 0) | (1 << bit));
    });
    const candidates: Candidate[] = details.map(({ p, total, cover, directMask, contextMask }) => {
      const matched = directMask | contextMask;
      let s = total;
      const features = ix.passageFeatures[p]!;
      if (wantedFeatures && features & wantedFeatures) s *= 1 + this.options.typeBonus;
      if (q.type === 'who' && (askedNames.size ? this.introduces(p, askedNames) : features & Feature.Defines))
        s *= 1 + (definitional ? DEFINITION_BONUS_FACTOR : 1) * this.options.typeBonus;
      s *= 1 + this.options.proximityBonus * Math.min(3, this.adjacentPairs(p, termBits, directMask));
      // News writing introduces a person or body by full name; later mentions shorten it.
      if (fullNames.length && matched & nameMask && fullNames.some((n) => n.test(ix.texts[p]!)))
        s *= 1 + this.options.fullNameBonus;
      const namesMatched = popcount(matched & nameMask);
      const names = popcount(nameMask);
      if (names) s *= 0.4 + (0.6 * namesMatched) / names;
      let missingWeight = 0;
      let missingCount = 0;
      for (let bit = 0; bit < n; bit++) {
        const t = terms[bit]!;
        if (!t.important || matched & (1 << bit)) continue;
        missingWeight += t.weight * t.idf;
        if (t.weight === 1) missingCount++;
      }
      return {
        passage: p,
        score: s,
        share: totalWeight ? cover / totalWeight : 0,
        missing: totalWeight ? missingWeight / totalWeight : 1,
        missingCount,
        namesMatched,
      };
    });
    candidates.sort((x, y) => y.score - x.score || x.passage - y.passage);
    return Object.assign(candidates.slice(0, depth), { total: touchedCount });
  }

  /** Whether term `second` comes right after term `first` somewhere in passage `p`. */
  private follows(p: number, first: number, second: number): boolean {
    const ix = this.index;
    for (let i = ix.sequenceStart[p]! + 1, end = ix.sequenceStart[p + 1]!; i < end; i++)
      if (ix.sequence[i] === second && ix.sequence[i - 1] === first) return true;
    return false;
  }

  /**
   * Whether passage `p` says what one of these terms is: the name followed by an apposition or a
   * defining verb ("Daniel Kritenbrink, the Assistant Secretary…", "Pranay Vaddi, serves as…").
   */
  private introduces(p: number, ids: Set<number>): boolean {
    const ix = this.index;
    const text = ix.texts[p]!;
    for (let i = ix.sequenceStart[p]!, end = ix.sequenceStart[p + 1]!; i < end; i++) {
      if (!ids.has(ix.sequence[i]!)) continue;
      const after = ix.sequenceTo[i]!;
      if (INTRODUCTION.test(text.slice(after, after + 16))) return true;
    }
    return false;
  }

  /** How many pairs of matched query terms stand within two words of each other in the passage. */
  private adjacentPairs(p: number, termBits: Map<number, number>, mask: number): number {
    if (popcount(mask) < 2) return 0;
    const ix = this.index;
    let pairs = 0;
    let lastBit = -1;
    let lastPos = -10;
    for (let i = ix.sequenceStart[p]!, end = ix.sequenceStart[p + 1]!; i < end; i++) {
      const bits = (termBits.get(ix.sequence[i]!) ?? 0) & mask;
      if (!bits) continue;
      // A term standing for several query terms counts as the last of them.
      const bit = 31 - Math.clz32(bits);
      if (bit !== lastBit && i - lastPos <= 2) pairs++;
      lastBit = bit;
      lastPos = i;
    }
    return pairs;
  }

  /** Turns ranked passages into verbatim excerpts, skipping passages already shown inside another. */
  private excerpts(ranked: Candidate[], terms: QueryTerm[], offset: number, top: number): Excerpt[] {
    const ix = this.index;
    const shown = new Set<number>();
    const out: Excerpt[] = [];
    const matchIds = new Set<number>();
    for (const t of terms) for (const a of t.alternatives) matchIds.add(a.id);
    let skipped = 0;
    for (const c of ranked) {
      if (out.length >= top) break;
      if (shown.has(c.passage)) continue;
      const p = c.passage;
      const b = ix.passageBriefing[p]!;
      let from = p;
      const text = ix.texts[p]!;
      const prev = p > 0 && ix.passageBriefing[p - 1] === b ? ix.texts[p - 1]! : undefined;
      if (
        prev &&
        (REFERS_BACK.test(text) || text.length < 60) &&
        prev.length + text.length + 1 <= EXCERPT_CHARS
      )
        from = p - 1;
      if (shown.has(from)) continue;
      shown.add(p).add(from);
      if (skipped++ < offset) continue;
      const full = from === p ? text : `${prev} ${text}`;
      const quoted = limitLength(full, EXCERPT_CHARS + 50);
      const highlights: Highlight[] = [];
      const limit = quoted.endsWith('…') ? quoted.length - 1 : quoted.length;
      if (from !== p) this.highlights(from, 0, matchIds, highlights, limit);
      this.highlights(p, from === p ? 0 : prev!.length + 1, matchIds, highlights, limit);
      const briefing = ix.briefings[b]!;
      out.push({
        text: quoted,
        briefing: briefing.id,
        title: briefing.title,
        source: briefing.source,
        ...(briefing.date ? { date: briefing.date } : {}),
        ...(briefing.url ? { url: briefing.url } : {}),
        score: Math.round(c.score * 1000) / 1000,
        passage: ix.passageOrdinal[p]!,
        highlights,
      });
    }
    return out;
  }

  /** Character ranges of passage `p`'s words that match the query, shifted by `shift` characters. */
  private highlights(p: number, shift: number, matchIds: Set<number>, out: Highlight[], limit: number): void {
    const ix = this.index;
    for (let i = ix.sequenceStart[p]!, end = ix.sequenceStart[p + 1]!; i < end; i++) {
      if (!matchIds.has(ix.sequence[i]!)) continue;
      const start = ix.sequenceFrom[i]! + shift;
      const stop = ix.sequenceTo[i]! + shift;
      if (stop > limit) break;
      const last = out[out.length - 1];
      if (last && start <= last.end) last.end = Math.max(last.end, stop);
      else out.push({ start, end: stop });
    }
  }
}

/**
 * Keeps expansions that are worth their cost: when the word itself occurs, looser words that
 * most passages use add noise and long posting lists, so they go; when nothing else is left,
 * the four closest stay, however common, so the word still counts as covered.
 */
function pruneAlternatives(alternatives: Alternative[], df: Uint32Array, commonDf: number): void {
  const exact = alternatives[0]?.weight === 1;
  // Stable: within a weight, WordNet's order (most frequent senses first) is kept.
  const loose = alternatives.filter((a) => a.weight < 1).sort((x, y) => y.weight - x.weight);
  const rare = loose.filter((a) => df[a.id]! <= commonDf);
  const kept = exact || rare.length ? rare : loose.slice(0, 4);
  alternatives.splice(0, alternatives.length, ...alternatives.filter((a) => a.weight === 1), ...kept);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function clampInt(n: number, min: number, max: number): number {
  return Number.isFinite(n) ? Math.min(max, Math.max(min, Math.trunc(n))) : min;
}

function popcount(x: number): number {
  let n = 0;
  for (let v = x >>> 0; v; v &= v - 1) n++;
  return n;
}

/** Cuts an over-long quote at a word boundary, marking the cut. */
function limitLength(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf(' ', max - 1);
  return `${text.slice(0, cut > max / 2 ? cut : max - 1).replace(/[\s,;:]+$/, '')}…`;
}

/** The `k` passages with the highest scores, best first. */
function selectTop(items: Uint32Array, count: number, score: Float32Array, k: number): number[] {
  if (count <= k * 4) {
    return Array.from(items.subarray(0, count))
      .sort((x, y) => score[y]! - score[x]! || x - y)
      .slice(0, k);
  }
  // Threshold from a sample-free pass: keep a small min-heap of size k.
  const heap: number[] = [];
  const less = (a: number, b: number) => score[a]! < score[b]! || (score[a] === score[b] && a > b);
  for (let i = 0; i < count; i++) {
    const p = items[i]!;
    if (heap.length < k) {
      heap.push(p);
      for (let j = heap.length - 1; j > 0;) {
        const parent = (j - 1) >> 1;
        if (!less(heap[j]!, heap[parent]!)) break;
        const swap = heap[j]!;
        heap[j] = heap[parent]!;
        heap[parent] = swap;
        j = parent;
      }
    } else if (less(heap[0]!, p)) {
      heap[0] = p;
      for (let j = 0; ;) {
        const l = 2 * j + 1;
        const r = l + 1;
        let m = j;
        if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
        if (m === j) break;
        const swap = heap[j]!;
        heap[j] = heap[m]!;
        heap[m] = swap;
        j = m;
      }
    }
  }
  return heap.sort((x, y) => score[y]! - score[x]! || x - y);
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
