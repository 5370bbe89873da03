import type { Knowledge } from '../knowledge/types.js';
import { clampInt } from './best.js';
import { ChatLanguage, defaultChatWords } from './chat-language.js';
import { decide, DEFAULT_MODEL, type Decision, type DecisionModel } from './decide.js';
import { QueryExpander, type ExpansionOptions, type QueryTerm } from './expand.js';
import { buildExcerpts } from './excerpts.js';
import { analyse, fold, isStopWord } from './nlp.js';
import { buildPassageIndex, type BuildOptions, type PassageIndex } from './passage-index.js';
import {
  detectIntent,
  idsNewestFirst,
  intentAnswer,
  leadExcerpt,
  LEAD_SENTENCES,
  looksLikeChat,
} from './intents.js';
import { findInitialisms, initialsOf } from './initialisms.js';
import {
  analyseQuestion,
  cleanQuestion,
  COMMON_WORD_RANK,
  type AnalysedQuestion,
  type QuestionLexicon,
} from './question.js';
import { Reranker, type Candidate, type RerankOptions } from './rerank.js';
import { Retriever, type RetrievalOptions } from './retrieve.js';
import { BriefingLookup, type BriefingList, type BriefingResolution, type LookupMatch } from './lookup.js';
import { findPeriod, periodBriefings, periodTerms, type Period } from './period.js';
import { SourceScopes, type Scope } from './scope.js';
import { PassageSearch, type SearchOptions, type SearchResult } from './search.js';
import type { Answer, AskOptions, BriefingSummary, Excerpt } from './types.js';
import { Feature } from './terms.js';
import { sharedWordVectors, TermVectors, type WordVectors } from './vectors.js';
import { sharedWordNet, type WordNet } from './wordnet.js';

/** Tuning of every stage; the defaults were fitted on the tuning parts of the question sets (`npm run eval`). */
export interface EngineOptions extends BuildOptions, ExpansionOptions, RetrievalOptions, RerankOptions {
  /** Candidates re-ranked with the finer signals. */
  rerankDepth: number;
  /** Use WordNet expansion. */
  expansion: boolean;
  /** Word vectors for soft matching (default: the distilled set in lexicon/, when present); null for none. */
  vectors?: WordVectors | null;
  /** The decision's model. */
  decision: DecisionModel;
}

export const DEFAULT_OPTIONS: EngineOptions = {
  k1: 0.9,
  b: 0.5,
  neighbourWeight: 0.35,
  synonymWeight: 0.5,
  relatedWeight: 0.3,
  spellingWeight: 0.8,
  thesaurusWeight: 0.8,
  vectorWeight: 0.6,
  vectorMin: 0.6,
  vectorNeighbours: 8,
  vectorFloor: 0,
  vectorPower: 1,
  focusWeight: 0.5,
  attributionWeight: 0.3,
  typeBonus: 0.15,
  proximityBonus: 0.1,
  fullNameBonus: 0.2,
  namePenalty: 0.6,
  meaningBonus: 4,
  rerankDepth: 20,
  commonShare: 0.01,
  expansion: true,
  decision: DEFAULT_MODEL,
};

/**
 * A quote after the first is shown only when its passage scores at least this share of the
 * best's. Below it, passages all but never answer (on the tuning parts, no answer ranked second or
 * third scored under a quarter of the first; 88 of the other 1,040 quotes did), and an answer
 * whose last quote is about something else reads worse than a shorter one. "More excerpts" then
 * shows only when there are more that count.
 */
const MIN_QUOTE_SHARE = 0.25;

/** What one question went through: for `explain`, the eval's fitting and tests. */
export interface Trace {
  question: AnalysedQuestion;
  terms: QueryTerm[];
  ranked: Candidate[];
  decision: Decision;
  /** The briefings the question named as where to look ("what did Coast Radio report…"), if any. */
  scope?: Scope;
  /** The period the question (or the one it follows up on) named ("this week"), when the briefings have dates. */
  period?: Period & { fromContext?: boolean };
  /** The briefings searched (1 each) when a source or a period narrowed them; undefined for all. */
  only?: Uint8Array;
  /** The question named a loose period ("today") with no briefing dated then: it asks for the latest. */
  latest?: boolean;
}

/**
 * The answer engine, a pipeline of stages: question analysis (chat language, spelling, aliases,
 * question type: `question.ts`), query expansion (forms, synonyms, word vectors: `expand.ts`),
 * candidate retrieval (BM25 over sentence passages: `retrieve.ts`), re-ranking (neighbouring
 * sentences, answer type, proximity: `rerank.ts`), the decision to answer or decline
 * (`decide.ts`) and excerpt building (`excerpts.ts`). Pure and synchronous; build once, ask many
 * times.
 *
 * @example
 * const engine = Engine.build(await loadKnowledge('knowledge'));
 * const answer = engine.ask('Where were Putin and Kim supposed to meet?');
 * answer.answered; // true
 * answer.excerpts[0].text; // "…a planned meeting with Kim Jong-un at the Vostochny Cosmodrome…"
 */
export class Engine {
  readonly options: EngineOptions;
  private readonly lexicon: QuestionLexicon;
  private readonly expander: QueryExpander;
  private readonly retriever: Retriever;
  private readonly reranker: Reranker;
  private searcher?: PassageSearch;
  private sourceScopes?: SourceScopes;
  /** Each briefing's date, for periods ("this week"): made on first use. */
  private dates?: Array<string | undefined>;
  private briefingLookup?: BriefingLookup;
  /** Every briefing's summary in title order, and each id's briefing number: made once, on first use. */
  private byTitle?: readonly BriefingSummary[];
  private numberOf?: Map<string, number>;

  private constructor(
    readonly index: PassageIndex,
    options: Partial<EngineOptions>,
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
    const wordnet = this.options.expansion ? sharedWordNet() : undefined;
    const vectors = this.options.vectors === undefined ? sharedWordVectors() : this.options.vectors;
    const termVectors = vectors
      ? new TermVectors(
          vectors,
          index.termIds,
          (id, text) => text.startsWith('#') || index.nameTerm[id] === 1,
        )
      : undefined;
    this.lexicon = questionLexicon(index, wordnet, vectors ?? undefined);
    this.expander = new QueryExpander(index, this.options, wordnet, termVectors);
    this.retriever = new Retriever(index, this.expander, this.options);
    this.reranker = new Reranker(this.retriever, this.options, termVectors);
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
        ? detectIntent(cleanQuestion(question), this.briefingsByTitle())
        : null;
    if (detected) return intentAnswer(cleanQuestion(question), detected, this, top);
    const trace = this.trace(question, options.context, offset + top);
    const { question: q, terms, ranked, decision, scope, period, only, latest } = trace;
    const scoped = {
      ...(scope ? { scope: scope.shown } : {}),
      ...(period ? { period: period.phrase } : {}),
      ...(only ? { searched: only.reduce((n, x) => n + x, 0) } : {}),
    };
    // "What did Coast Radio report?", "what happened this week?": nothing asked but where or when,
    // so the leads of those briefings, newest first ("any news today?" with nothing from today:
    // the latest briefings').
    const named = (scope && !scope.fromContext) || (period && !period.fromContext) || latest;
    if (named && !q.terms.some((t) => t.own && t.part !== 'attribution')) {
      const newest = idsNewestFirst(this.briefingsByTitle()).filter(
        (id) => !only || only[this.briefingNumber(id)!],
      );
      if (newest.length)
        return { ...intentAnswer(q.text, { intent: 'summary', briefingIds: newest }, this, top), ...scoped };
    }
    if (!decision.answered) {
      return {
        question: q.text,
        answered: false,
        excerpts: [],
        notCovered: decision.notCovered,
        related: decision.reason === 'empty' ? [] : buildExcerpts(this.index, ranked, terms, 0, 1),
        ...(decision.reason ? { reason: decision.reason } : {}),
        ...scoped,
      };
    }
    const best = ranked[0]!.score;
    const strong = ranked.filter((c) => c.score >= MIN_QUOTE_SHARE * best);
    return {
      question: q.text,
      answered: true,
      excerpts: buildExcerpts(this.index, strong, terms, offset, top),
      notCovered: [],
      related: [],
      ...scoped,
    };
  }

  /** Every stage's result for one question (what `ask` answers from). */
  trace(question: string, context?: string, want = this.options.rerankDepth): Trace {
    let q = analyseQuestion(question, this.lexicon, context);
    // A follow-up ("and the town hall?") keeps the source the question before it named.
    const scope =
      this.scopes.find(q.normalised, q.terms, q.nameRuns) ??
      (context ? this.scopes.find(cleanQuestion(context), q.terms, q.nameRuns, true) : undefined);
    if (scope) q = { ...q, terms: scope.terms };
    // "…this week", "…yesterday": only briefings dated then (a follow-up keeps the period too).
    const today = new Date();
    const own = findPeriod(q.normalised, today);
    const named = own ?? (context ? findPeriod(cleanQuestion(context), today) : undefined);
    this.dates ??= this.index.briefings.map((b) => b.date);
    const dated = named && periodBriefings(this.dates, named);
    const period = dated ? { ...named!, ...(own ? {} : { fromContext: true }) } : undefined;
    // "any news today?" with nothing dated today asks for the latest: its words still say when.
    const latest = !dated && own?.loose === true && this.dates.some(Boolean);
    if (period || latest) q = { ...q, terms: periodTerms(q.terms) };
    const only = dated && scope ? dated.map((x, b) => x & scope.briefings[b]!) : (dated ?? scope?.briefings);
    const terms = this.expander.expand(q);
    const ranked = this.rank(q, terms, want, only);
    const decision = decide(
      q,
      terms,
      ranked,
      this.options.decision,
      this.expander.missingNames(q, terms),
      ranked[0] ? inWords(this.index, ranked[0].passage, terms) : false,
    );
    return {
      question: q,
      terms,
      ranked,
      decision,
      ...(scope ? { scope } : {}),
      ...(period ? { period } : {}),
      ...(only ? { only } : {}),
      ...(latest ? { latest } : {}),
    };
  }

  /** The sources questions may name as where to look (made on first use). See `scope.ts`. */
  private get scopes(): SourceScopes {
    return (this.sourceScopes ??= new SourceScopes({
      sources: this.index.briefings.map((b) => b.source),
      mentions: (words, limit) => {
        const phrase = `"${words.join(' ')}"`;
        const briefings = new Set<number>();
        let total = 0;
        for (let offset = 0; offset <= limit; offset += 50) {
          const page = this.search(phrase, { top: 50, offset });
          // Nothing searchable ("us" is a stop word to search): no telling where it is written.
          if (page.match === 'empty') return { total: Infinity, briefings: [] };
          total = page.match === 'all' ? page.total : 0;
          if (total > limit) break;
          for (const e of page.excerpts) briefings.add(this.briefingNumber(e.briefing)!);
          if (offset + 50 >= total) break;
        }
        return { total, briefings: [...briefings] };
      },
      isCommonWord: (word) => this.lexicon.nameKind(word) === 'common' || isStopWord(word),
    }));
  }

  /**
   * The passages that contain every word of `query` (or, when none does, the most of them), best
   * first, a page at a time: for browsing (`/search`). No expansion: see `search.ts`.
   */
  search(query: string, options: SearchOptions = {}): SearchResult {
    // The engine's BM25 parameters, and its lemmas (read once for questions and searches alike).
    this.searcher ??= new PassageSearch(this.index, {
      k1: this.options.k1,
      b: this.options.b,
      lemma: (word) => this.lexicon.commonLemma(word),
    });
    return this.searcher.search(query, options);
  }

  /** Every briefing, in title order. */
  briefings(): BriefingSummary[] {
    return [...this.briefingsByTitle()];
  }

  /** One briefing by id. */
  briefing(id: string): BriefingSummary | undefined {
    const b = this.briefingNumber(id);
    return b === undefined ? undefined : this.summary(b);
  }

  /**
   * The summaries in title order, the same array each time (the index never changes): a chat
   * message is matched against every briefing's names, which at thousands of briefings must not
   * mean thousands of summaries sorted per message.
   */
  private briefingsByTitle(): readonly BriefingSummary[] {
    return (this.byTitle ??= this.index.briefings
      .map((_, b) => Object.freeze(this.summary(b)))
      .sort((x, y) => x.title.localeCompare(y.title)));
  }

  private briefingNumber(id: string): number | undefined {
    this.numberOf ??= new Map(this.index.briefings.map((x, b) => [x.id, b]));
    return this.numberOf.get(id);
  }

  /** Finds briefings by any of their names (built on first use). See `lookup.ts`. */
  get lookup(): BriefingLookup {
    return (this.briefingLookup ??= BriefingLookup.fromIndex(this.index));
  }

  /**
   * The briefings `query` names, best first, or every briefing, newest first, when it is empty; a
   * page at a time: for `/sources`.
   */
  findBriefings(query = '', options: { offset?: number; top?: number } = {}): BriefingList {
    const offset = clampInt(options.offset ?? 0, 0, 1_000_000);
    const top = clampInt(options.top ?? 20, 1, 1_000_000);
    // Only this page's matches are made: at 20,000 briefings, /sources ◀ ▶ lists every one.
    const { total, matches } = this.lookup.page(query, offset, top);
    return {
      query: cleanQuestion(query),
      total,
      offset,
      briefings: matches.map((m) => this.summary(m.briefing)),
    };
  }

  /**
   * What a name typed for `/briefing` designates: one briefing, several that rank alike (the best
   * `top` of them, with how many), or none.
   */
  resolveBriefing(name: string, top = 10): BriefingResolution {
    const resolved = this.lookup.resolve(name, top >= 0 ? top : Infinity);
    if (resolved.kind === 'one') return { kind: 'one', briefing: this.summary(resolved.match.briefing) };
    if (resolved.kind === 'none') return resolved;
    return {
      kind: 'several',
      total: resolved.total,
      briefings: resolved.matches.slice(0, top).map((m) => this.summary(m.briefing)),
    };
  }

  /** Briefings for autocomplete: the best `limit` for what has been typed so far. */
  suggestBriefings(typed: string, limit = 25): LookupMatch[] {
    return this.lookup.find(typed, limit);
  }

  /**
   * A briefing's lead: its first sentences, whole, as many as fit in `maxChars` (the first alone
   * is cut only when it is longer), quoted as an excerpt of passage 0 with no highlights.
   */
  lead(briefingId: string, maxChars = 400): Excerpt | undefined {
    const b = this.briefingNumber(briefingId);
    if (b === undefined) return undefined;
    // Its first sentences that are not headings.
    const sentences: string[] = [];
    for (let p = this.index.briefingFirst[b]!; p < this.index.briefingFirst[b + 1]!; p++) {
      if (sentences.length >= LEAD_SENTENCES) break;
      if (!(this.index.passageFeatures[p]! & Feature.Heading)) sentences.push(this.index.texts[p]!);
    }
    return leadExcerpt(this.index.briefings[b]!, sentences, maxChars);
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

  /** Retrieval, then re-ranking of the pool; `total` is how many passages matched at all. */
  private rank(
    q: AnalysedQuestion,
    terms: QueryTerm[],
    want: number,
    only?: Uint8Array,
  ): Candidate[] & { total: number } {
    const depth = Math.max(want, this.options.rerankDepth);
    const pool = this.retriever.retrieve(terms, depth * 2, only);
    const ranked = this.reranker.rerank(q, terms, pool, depth).slice(0, depth);
    return Object.assign(ranked, { total: pool.total });
  }
}

/** What question analysis knows of words: the briefings' own, English (WordNet, vectors), chat language. */
function questionLexicon(
  index: PassageIndex,
  wordnet: WordNet | undefined,
  vectors: WordVectors | undefined,
): QuestionLexicon {
  const { termIds, nameTerm, aliases } = index;
  const inBriefings = (word: string): boolean => termIds.has(word) || aliases.hasWord(word);
  const englishRank = (word: string): number => vectors?.id(word) ?? -1;
  const commonLemmas = new Map<string, string>();
  const commonLemma = (word: string): string => {
    let lemma = commonLemmas.get(word);
    if (lemma === undefined) {
      lemma = analyse(word).tokens[0]?.lemma ?? word;
      if (commonLemmas.size >= 10_000) commonLemmas.clear();
      commonLemmas.set(word, lemma);
    }
    return lemma;
  };
  let initialisms: Map<string, string> | undefined;
  let apostrophed: Map<string, string> | undefined;
  // Found on the first typed word that may be initials (most questions have none): 0.1 s once
  // at 2,000 briefings, 0.65 s at 20,000.
  const names = (): Map<string, string> =>
    (initialisms ??= findInitialisms(index.texts, (w) => wordnet?.nameKind(commonLemma(w)) === 'common'));
  return {
    aliases,
    chat: new ChatLanguage(defaultChatWords(), index.chatWords ?? {}),
    inBriefings,
    englishRank,
    isWord: (word) =>
      inBriefings(word) || englishRank(word) >= 0 || (wordnet?.knows(word) ?? false) || isStopWord(word),
    isBriefingName: (word) => {
      if (aliases.isSingleWordName(word)) return true;
      const id = termIds.get(word);
      if (id === undefined || nameTerm[id] !== 1) return false;
      // A form met only inside a name ("Most Valuable Players") whose lemma the briefings use as
      // a common word ("ten players" is indexed as "player") is that word, typed in lower case.
      const lemma = commonLemma(word);
      const lemmaId = lemma === word ? undefined : termIds.get(lemma);
      return lemmaId === undefined || nameTerm[lemmaId] === 1;
    },
    nameKind: (word, only) => wordnet?.nameKind(word, only),
    withApostrophe: (word) => (apostrophed ??= wordsWithApostrophes(index.texts)).get(word),
    initialism: (word) => {
      const typed = initialsOf(word);
      if (!typed) return undefined;
      const whole = word.toLowerCase();
      // A word the briefings use, or a common English one ("go", "ok", "pm"), is read as itself.
      if (inBriefings(whole) || inBriefings(typed.letters)) return undefined;
      const rank = englishRank(typed.letters);
      if (rank >= 0 && rank < COMMON_WORD_RANK) return undefined;
      const name = names().get(typed.letters);
      return name?.replace(
        /(^|\s)(\p{Ll})/gu,
        (_, space: string, letter: string) => space + letter.toUpperCase(),
      );
    },
    commonLemma,
  };
}

/** Kinds of match that say a passage uses the question's words: as written, in another form, corrected, or a synonym. */
const IN_WORDS = new Set(['exact', 'thesaurus', 'synonym', 'spelling']);

/**
 * Whether passage `p`, or a sentence beside it in its briefing, holds a word of the question in
 * one of those kinds (not only a word near in meaning, by vector, or a broader or narrower one).
 */
function inWords(ix: PassageIndex, p: number, terms: QueryTerm[]): boolean {
  const ids = new Set<number>();
  for (const t of terms) if (t.own) for (const a of t.alternatives) if (IN_WORDS.has(a.kind)) ids.add(a.id);
  if (!ids.size) return false;
  const b = ix.passageBriefing[p];
  for (let q = Math.max(0, p - 1); q <= p + 1 && q < ix.texts.length; q++) {
    if (ix.passageBriefing[q] !== b) continue;
    for (let i = ix.sequenceStart[q]!, end = ix.sequenceStart[q + 1]!; i < end; i++)
      if (ids.has(ix.sequence[i]!)) return true;
  }
  return false;
}

/** A word with an apostrophe or hyphen inside: "O'Brien", "co-founder", "Ji-ho", "Jean-Pierre". */
const JOINED_WORD = /\p{L}+(?:['’-]\p{L}+)+/gu;

/**
 * The briefings' words with an apostrophe or a hyphen inside ("o'brien", "co-founder", "ji-ho"),
 * lower case, by how they are typed without it ("obrien", "cofounder", "jiho"). A possessive
 * ("Levi's") is no such word: it is typed without its apostrophe as a plural is, and read so (see
 * normaliseQuestion); nor is a contraction ("we'll" is not "well", nor "he'll" "hell"). Found by
 * one scan of the passages, on the first question with a word the briefings don't use (about
 * 11 ms at 2,000 briefings).
 */
function wordsWithApostrophes(texts: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const text of texts) {
    if (!/['’-]/.test(text)) continue;
    for (const [word] of text.matchAll(JOINED_WORD)) {
      const lower = fold(word);
      // "Levi's", "we'll", "don't": a possessive or a contraction, not one word.
      if (/'(?:s|ll|re|ve|d|t|m)$/.test(lower)) continue;
      out.set(lower.replace(/['-]/g, ''), lower);
    }
  }
  return out;
}
