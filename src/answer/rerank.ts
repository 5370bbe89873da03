/**
 * Re-ranking: each pooled passage scored exactly, with what BM25 alone doesn't see: terms found
 * only in a neighbouring sentence (weaker), the answer type the question asks for (a person for
 * "who", a date for "when"), the sentence that introduces a person asked about, question terms
 * standing together, a multi-word name written in full, and how many of the names asked about
 * are there; and, asked what someone said, whether they speak in it. Also measures, per passage,
 * the evidence the decision weighs.
 */
import type { QueryTerm } from './expand.js';
import type { PassageIndex } from './passage-index.js';
import { SPEAKING, TYPE_FEATURES, type AnalysedQuestion, type QuestionType } from './question.js';
import { popcount } from './best.js';
import { REFERS_BACK } from './excerpts.js';
import { spellsOut } from './initialisms.js';
import { NUMBER_STOP_WORDS } from './nlp.js';
import type { Pool, Retriever } from './retrieve.js';
import { Feature, YEAR } from './terms.js';
import type { TermVectors } from './vectors.js';

export interface RerankOptions {
  /** Weight of a term found only in a neighbouring sentence. */
  neighbourWeight: number;
  /** Bonus when a sentence holds what the question type asks for (a person for "who"…). */
  typeBonus: number;
  /** Bonus when a sentence writes a multi-word name exactly as the question does. */
  fullNameBonus: number;
  /** Bonus per pair of question terms standing next to each other in a sentence. */
  proximityBonus: number;
  /** How much of its score a passage loses for lacking a name asked about, at the rarest (scaled by rarity²). */
  namePenalty: number;
  /** Bonus for a passage whose meaning (its words' vectors, averaged) is near the question's, per unit of cosine. */
  meaningBonus: number;
}

/** A passage, scored, with the evidence for answering from it. */
export interface Candidate {
  passage: number;
  score: number;
  /** Share of the question's weight the passage matches, each term by how closely (0–1). */
  share: number;
  /** Share of the question's weight the passage matches by the words themselves (no synonym or vector). */
  exactShare: number;
  /** Share of the question's weight in important words (nouns, names) that the passage lacks. */
  missing: number;
  /** How many of the question's own important words the passage (and its neighbours) lack. */
  missingCount: number;
  /** Names asked about, and how many of them the passage (or a neighbour) has. */
  names: number;
  namesMatched: number;
  /**
   * The names the passage lacks, each weighed by its rarity in the briefings ((idf over the
   * largest idf)²: lacking a name every passage has means little). A name in the sentence before
   * counts when the passage refers back to it ("He is…"); one only nearby does not.
   */
  namesMissing: number;
  /** Whether the passage holds what the question type asks for (true when the type asks nothing). */
  typeMatched: boolean;
  /** Cosine of the passage's meaning (its words' vectors) with the question's; 0 without vectors. */
  meaning: number;
  /**
   * True when the question asks what someone said ("What did Japan say…?") and the passage names
   * them, but not as the one speaking: no word of speaking stands by the name, nor a pronoun.
   */
  speakerUnheard: boolean;
  /**
   * True when the question asks for particular things by name ("which specific sanctions…") and
   * the passage names nothing and gives no figure beyond the question's own words.
   */
  unspecific?: boolean;
}

/**
 * What follows a name that is being introduced: an apposition ("X, the Deputy Minister…") or a
 * defining verb ("X is a senior…", "X serves as…"), but not "X is expected to…".
 */
const INTRODUCTION =
  /^(?:,\s+(?:the|a|an)\s|,?\s+(?:is|was|remains|became)\s+(?:the|a|an|one)\s|,?\s+serve[sd]?\s+as\s)/i;

/**
 * Words that report speech, as lemmas: a name standing by one of them ("X warned", "conveyed by
 * X", "according to X", "X's statement") is speaking. The verbs a question asks a speaker about,
 * and the nouns and other verbs that report them.
 */
const REPORTING = [
  ...SPEAKING,
  'statement',
  'announcement',
  'warning',
  'response',
  'reaction',
  'remark',
  'accord',
  'briefing',
  'brief',
  'counter',
  'indicate',
  'confirm',
  'deny',
  'explain',
  'express',
  'convey',
  'signal',
  'urge',
  'accuse',
  'reaffirm',
  'attribute',
  'add',
  'assert',
  'insist',
  'declare',
  'acknowledge',
  'suggest',
  'predict',
  'highlight',
  'underscore',
  'caution',
  'view',
  'stance',
  'agreement',
  'sign',
];

/**
 * A line crediting a briefing's sources ("Source: Reuters", "Attribution: U.S. Department of State
 * statements…"). It names whoever the briefing quotes, so it matches questions about them ("what
 * did the US say") without saying anything they said: unless the question asks where a briefing
 * comes from (`SOURCE_QUESTION`), it ranks at `CREDIT_FACTOR` of its score.
 */
const CREDIT_LINE = /^(?:sources?|source attributions?|attributions?|credits?)\s*:/i;
const SOURCE_QUESTION =
  /\b(?:sources?|attribut\w*|credit\w*|cit(?:e|es|ed|ing)|outlets?|agenc(?:y|ies)|wire|report\w*|published|wrote|written|origin\w*|according)\b/i;
const CREDIT_FACTOR = 0.5;

/**
 * What a passage keeps of its score when a "what year" question finds no year in it, or a
 * question of money ("how much did it cost") or of a percentage no amount or percentage.
 */
const YEARLESS_FACTOR = 0.5;

/**
 * What a passage keeps of its score when the question asks for a name, a number or a date and it
 * holds none beyond the question's own. Chosen on the tuning parts: Super Bowl hit@1 0.616, 0.618,
 * 0.620, 0.618, 0.618 for 0.9 down to 0.5 (the seed sets the same at each), 0.612 without.
 */
const ANSWERLESS_FACTOR = 0.7;

/** The number words wink does not hold as stop words, and the words of a date. */
const NUMBER_WORDS =
  /^(?:thirty|thousand|million|billion|january|february|march|april|may|june|july|august|september|october|november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday)$/;

/** Whether a term writes a number or a date: digits, number words, months and weekdays. */
const isNumberTerm = (term: string): boolean =>
  /\d/.test(term) || NUMBER_STOP_WORDS.has(term) || NUMBER_WORDS.test(term);

/**
 * Most pairs of question words written close together that count for a passage. Counting each pair
 * once (a name written three times was three pairs): Super Bowl hit@1 tuning 311 → 314 of 479,
 * held back 202 → 204 of 320, adversarial held back one question more answered (7 → 8 of 12), one
 * more Super Bowl tuning question declined (11 → 12). With each pair once, a cap of 2, 3, 4: 405,
 * 406, 407 tuning hits for 15, 16, 17 declined; 3 kept.
 */
const MAX_PAIRS = 3;

/**
 * Bonus for a passage writing a figure of the question with the word it measures: asked about "a
 * 45-yard pass", the sentence with "a 45-yard pass" states that very play, where one with "45
 * touchdowns" and "passes" does not. Chosen on the tuning parts: Super Bowl hit@1 308 → 311 of 479
 * from 0.5 up to 2 (0.25: 310), no other answer or decline changed.
 */
const FIGURE_BONUS = 0.5;

/** What a passage keeps of its score when it names a speaker asked about without letting them speak. */
const UNHEARD_FACTOR = 0.5;

/**
 * A pronoun speaking, for a speaker named in an earlier sentence: "According to *his* briefing",
 * "*She* said", "*their* statement".
 */
const SPEAKER_PRONOUN =
  /\b(?:(?:according to|by) (?:him|her|them|his|her|their)\b|(?:he|she|they) (?:\w+ ){0,2}?(?:said|says|stated|states|warned|warns|noted|added|argued|emphasi[sz]ed|stressed|told|explained|described|claimed|insisted)\b|(?:his|her|their) (?:remarks?|statements?|comments?|briefing|warnings?|views?|words|assessment|stance)\b)/i;

/** How a sentence introduces a person asked about: not at all, by a description, or by a formal title. */
const Introduction = { None: 0, Plain: 1, Title: 2 } as const;
type Introduction = (typeof Introduction)[keyof typeof Introduction];

/** A sentence opening with a personal pronoun, which stands for a person named just before. */
const PERSONAL_PRONOUN = /^(?:he|she)\b/i;
/** "The game…", "The stadium…": a sentence opening on a definite noun. */
const DEFINITE_OPENING = /^the\s+\p{L}/iu;

/** How much more a defining sentence counts when a "who" question names nothing else. */
const DEFINITION_BONUS_FACTOR = 3;

/** Candidates whose meaning is compared with the question's, best by the other signals first. */
const MEANING_DEPTH = 30;

/**
 * Asked for the latest news, the passage of the newest dated briefing among the candidates weighs
 * this much more than that of the oldest (in proportion between): it decides between passages that
 * answer about as well, never for a much weaker one.
 */
const RECENCY_BONUS = 0.3;

/**
 * A name asked about that a passage lacks, found only in a sentence beside it which the passage
 * doesn't refer back to, costs this share of what lacking it altogether costs.
 */
const CONTEXT_NAME_SHARE = 0.3;

/**
 * A name asked about that a sentence lacks but the first sentence of its paragraph gives counts
 * for the sentence at this share of its score there, and as the sentence's own when weighing the
 * names it lacks: news writing names its subject once at the head of a paragraph and goes on
 * with "the team", "officials" ("The Broncos' defense… Linebacker Brandon Marshall led the team
 * in tackles"). Tuning parts: 0.05–0.2 all alike (+2 first, one fewer wrongly declined, one more
 * trap answered); 0.35 and over answered more traps.
 */
const LEAD_NAME_WEIGHT = 0.2;

/** Whether any of `patterns` matches `text` (a loop, not a closure per passage). */
function anyMatch(patterns: readonly RegExp[], text: string): boolean {
  for (let i = 0; i < patterns.length; i++) if (patterns[i]!.test(text)) return true;
  return false;
}

/** Best first, ties to the earlier passage (a comparison returning a small integer, never a float to box). */
function byScore(x: Candidate, y: Candidate): number {
  return y.score > x.score ? 1 : y.score < x.score ? -1 : x.passage - y.passage;
}

const TYPE_MATCHED = 1;
const SPEAKER_UNHEARD = 2;

/** A candidate's figures per pooled passage, in columns that grow as pools do. */
class CandidateTable {
  passage = new Int32Array(0);
  score = new Float64Array(0);
  share = new Float64Array(0);
  exactShare = new Float64Array(0);
  missing = new Float64Array(0);
  namesMissing = new Float64Array(0);
  missingCount = new Int32Array(0);
  namesMatched = new Int32Array(0);
  /** `TYPE_MATCHED`, `SPEAKER_UNHEARD`. */
  flags = new Uint8Array(0);
  private rows = new Int32Array(0);

  reserve(n: number): void {
    if (this.score.length >= n) return;
    const size = Math.max(n, 2 * this.score.length, 256);
    this.passage = new Int32Array(size);
    this.score = new Float64Array(size);
    this.share = new Float64Array(size);
    this.exactShare = new Float64Array(size);
    this.missing = new Float64Array(size);
    this.namesMissing = new Float64Array(size);
    this.missingCount = new Int32Array(size);
    this.namesMatched = new Int32Array(size);
    this.flags = new Uint8Array(size);
    this.rows = new Int32Array(size);
  }

  /** The first `n` rows, best score first, ties to the earlier passage. */
  order(n: number): Int32Array {
    const rows = this.rows.subarray(0, n);
    for (let i = 0; i < n; i++) rows[i] = i;
    const { score, passage } = this;
    return rows.sort((a, b) =>
      score[b]! > score[a]! ? 1 : score[b]! < score[a]! ? -1 : passage[a]! - passage[b]!,
    );
  }
}

/** Numbers of re-ranking scores kept from query to query (1 MB): any /ask, and /search pages. */
const MAX_KEPT_SLAB = 131_072;

export class Reranker {
  /** Per passage: where its per-term scores sit in `slab`, valid when `slotStamp` is this query's. */
  private readonly slotOf: Uint32Array;
  private readonly slotStamp: Uint32Array;
  /**
   * Per index term: `generation` when this query has alternatives for it, which then start at
   * `termFirst` in the query's alternative lists (typed arrays rather than a Map: the hot loops
   * look up every word of every pooled passage).
   */
  private readonly termStamp: Uint32Array;
  private readonly termFirst: Uint32Array;
  /** Per index term stamped for this query: the query terms it stands for, as bits, and its last alternative. */
  private readonly termMask: Uint32Array;
  private readonly termLast: Uint32Array;
  /** Per-passage scores, reused from query to query. */
  private slab = new Float64Array(0);
  /** The pooled passages' candidate figures, reused from query to query. */
  private readonly table = new CandidateTable();
  /** The pairs `adjacentPairs` has counted in the passage at hand. */
  private readonly pairsSeen = new Int32Array(MAX_PAIRS);
  private generation = 0;
  private readonly index: PassageIndex;
  /** Index term ids of the words in REPORTING. */
  private readonly reporting: Set<number>;
  /** Per index term, for `meaning`: its word's product with the question's meaning, valid when `dotStamp` is this query's. */
  private readonly dots: Float32Array;
  private readonly dotStamp: Uint32Array;
  /** Per passage: the heading of the section it is in (the nearest one before it in its briefing), or -1. */
  private readonly sectionHeading: Int32Array;
  /** Per passage: the first sentence of its paragraph when that is neither it nor the one before it, or -1. */
  private readonly paragraphLead: Int32Array;
  /** Per passage, for `meaning`: the length of its words' summed vectors, -1 until measured. */
  private readonly norms: Float32Array;
  private readonly scratch: Float32Array;
  /** Per briefing: its date as a time (ms), NaN when it has none; made on the first question asking for the latest. */
  private briefingTimes?: Float64Array;

  constructor(
    private readonly retriever: Retriever,
    private readonly options: RerankOptions,
    private readonly vectors?: TermVectors,
  ) {
    this.index = retriever.index;
    const n = this.index.texts.length;
    this.slotOf = new Uint32Array(n);
    this.slotStamp = new Uint32Array(n);
    this.termStamp = new Uint32Array(this.index.df.length);
    this.termFirst = new Uint32Array(this.index.df.length);
    this.termMask = new Uint32Array(this.index.df.length);
    this.termLast = new Uint32Array(this.index.df.length);
    this.dots = new Float32Array(vectors ? this.index.df.length : 0);
    this.dotStamp = new Uint32Array(vectors ? this.index.df.length : 0);
    this.norms = new Float32Array(vectors ? n : 0).fill(-1);
    this.sectionHeading = new Int32Array(n).fill(-1);
    for (let p = 1; p < n; p++) {
      if (this.index.passageBriefing[p - 1] !== this.index.passageBriefing[p]) continue;
      this.sectionHeading[p] =
        this.index.passageFeatures[p - 1]! & Feature.Heading ? p - 1 : this.sectionHeading[p - 1]!;
    }
    this.paragraphLead = new Int32Array(n).fill(-1);
    let lead = 0;
    for (let p = 0; p < n; p++) {
      if (!(this.index.passageFeatures[p]! & Feature.Continues)) lead = p;
      else if (lead < p - 1) this.paragraphLead[p] = lead;
    }
    this.scratch = new Float32Array(vectors?.vectors.dimensions ?? 0);
    this.reporting = new Set(
      REPORTING.map((w) => this.index.termIds.get(w)).filter((id): id is number => id !== undefined),
    );
  }

  /**
   * Whether passage `p` opens with a definite description of what the sentence before it named
   * ("Super Bowl 50 was an American football *game*… *The game* was played…"): its subject is
   * that sentence's, as after "He…".
   */
  private namesAgain(p: number): boolean {
    const ix = this.index;
    if (!DEFINITE_OPENING.test(ix.texts[p]!)) return false;
    const from = ix.sequenceStart[p]!;
    if (from === ix.sequenceStart[p + 1]) return false;
    const head = ix.sequence[from]!;
    for (let i = ix.sequenceStart[p - 1]!, end = from; i < end; i++) if (ix.sequence[i] === head) return true;
    return false;
  }

  /**
   * Scores the pool's passages and returns them best first: the `depth` best at least (all of
   * them when the question asks for the latest, which may lift any of them).
   */
  rerank(q: AnalysedQuestion, terms: QueryTerm[], pool: Pool, depth = Infinity): Candidate[] {
    const ix = this.index;
    const { neighbourWeight } = this.options;
    const expander = this.retriever.expander;
    const generation = ++this.generation;
    const n = terms.length;
    let totalWeight = 0;
    // A modifier the briefings never use ("ultimate", "supposed") can't be matched by any
    // passage; an unknown noun or name is weighed where the decision looks at coverage.
    for (const term of terms) if (term.covered || term.important) totalWeight += term.weight * term.idf;
    /*
     * Index term id → the query terms (bit, alternative weight, the term that must stand just
     * before) it stands for: the alternatives of a term id are `altBit[k]…` for k from
     * `termFirst[id]` along `altNext` (-1 ends), valid when `termStamp[id]` is this query's.
     */
    const { termStamp, termFirst, termMask, termLast } = this;
    const altBit: number[] = [];
    const altWeight: number[] = [];
    const altAfter: number[] = [];
    const altNext: number[] = [];
    terms.forEach((term, bit) => {
      for (const alt of term.alternatives) {
        const k = altBit.length;
        altBit.push(bit);
        altWeight.push(alt.weight);
        altAfter.push(alt.after ?? -1);
        altNext.push(-1);
        if (termStamp[alt.id] !== generation) {
          termStamp[alt.id] = generation;
          termFirst[alt.id] = k;
          termMask[alt.id] = 0;
        } else altNext[termLast[alt.id]!] = k;
        termMask[alt.id]! |= 1 << bit;
        termLast[alt.id] = k;
      }
    });

    const contextScore = new Float64Array(n);
    const contextCover = new Float64Array(n);
    /*
     * Best score per query term that passage `p`'s own words give, and the weight of the
     * alternative that gave it: 2n numbers at a slot of the slab. Memoised by a stamp (a passage
     * is also its neighbours' context), and kept in one reused array rather than two typed arrays
     * per passage: a query then allocates next to nothing, and the collector pauses less often.
     */
    const width = 2 * n;
    // At most five slots per candidate: itself, the sentences before and after it, its section's
    // heading and its paragraph's first sentence (a slot past the end would be silently lost).
    const need = (pool.passages.length * 5 + 2) * width;
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
        if (termStamp[id] !== generation) continue;
        let tf = 0;
        for (let j = from; j < to; j++) if (ix.sequence[j] === id) tf++;
        const base = expander.idf(id) * this.retriever.bm25(tf, ix.passageLength[p]!);
        for (let k = termFirst[id]!; k >= 0; k = altNext[k]!) {
          const bit = altBit[k]!;
          const weight = altWeight[k]!;
          const after = altAfter[k]!;
          if (after >= 0 && (i === from || ix.sequence[i - 1] !== after)) continue;
          const s = base * weight * terms[bit]!.weight;
          if (s > slab[at + bit]!) {
            slab[at + bit] = s;
            slab[at + n + bit] = weight;
          }
        }
      }
      return at;
    };
    let previousMask = 0;
    let previousAt = -1;
    const addContext = (nb: number, briefing: number, previous: boolean): void => {
      if (nb < 0 || nb >= ix.texts.length || ix.passageBriefing[nb] !== briefing) return;
      const at = termScores(nb);
      if (previous) previousAt = at;
      for (let bit = 0; bit < n; bit++) {
        if (previous && slab[at + bit]! > 0) previousMask |= 1 << bit;
        const neighbour = slab[at + bit]! * neighbourWeight;
        if (neighbour > contextScore[bit]!) {
          contextScore[bit] = neighbour;
          contextCover[bit] = slab[at + n + bit]! * neighbourWeight;
        }
      }
    };

    const wantedFeatures = TYPE_FEATURES[q.type];
    const asksSource = SOURCE_QUESTION.test(q.normalised);
    // "Who is Kritenbrink?", "Vaddi's job title?": nothing but names to match, so every sentence
    // naming the person ties, and the one that says what they are is the answer.
    const definitional = q.type === 'who' && terms.every((t) => t.name || !t.own);
    // The names asked about: a sentence defines one of them, not just anybody ("Washington is…").
    const askedNames = new Set<number>();
    if (q.type === 'who')
      for (const t of terms) if (t.name && t.own) for (const a of t.alternatives) askedNames.add(a.id);
    let nameMask = 0;
    terms.forEach((t, bit) => {
      if (t.name && t.covered && t.own && t.important) nameMask |= 1 << bit;
    });
    const names = popcount(nameMask);
    /** Whether term `bit` is a first name whose surname is among the terms in `mask`. */
    const shortened = (bit: number, mask: number): boolean => {
      const next = terms[bit]!.shortens;
      return next !== undefined && (mask & (1 << next)) !== 0;
    };
    const fullNames = terms
      .filter((t) => t.name && t.own && t.surface.includes(' '))
      .map(
        (t) =>
          new RegExp(
            `(?<![\\p{L}\\p{N}])${t.surface.split(' ').map(escapeRegExp).join("[^\\p{L}\\p{N}']+")}(?![\\p{L}\\p{N}])`,
            'iu',
          ),
      );

    const figures = this.figurePairs(q, terms);
    const speakerIds = new Set<number>();
    for (const t of terms) if (t.speaker) for (const a of t.alternatives) speakerIds.add(a.id);
    const questionMeaning = this.questionMeaning(terms);
    // A heading is the title of its section, not an answer; its words count for every sentence
    // of the section (below).
    const isHeading = (p: number): boolean =>
      p >= 0 && p < ix.texts.length && (ix.passageFeatures[p]! & Feature.Heading) !== 0;
    const answerable = pool.passages.filter((p) => !isHeading(p));
    // Every pooled passage is scored into the table; objects are made for the best only (a
    // query then leaves little for the collector, whose pauses are the slowest answers).
    const table = this.table;
    table.reserve(answerable.length);
    answerable.forEach((p, row) => {
      const at = termScores(p);
      contextScore.fill(0);
      contextCover.fill(0);
      const briefing = ix.passageBriefing[p]!;
      previousMask = 0;
      previousAt = -1;
      // A heading is no sentence before or after: it counts below, for its whole section.
      if (!isHeading(p - 1)) addContext(p - 1, briefing, true);
      // "He is the Special Assistant…": a sentence opening with a personal pronoun is about the
      // name the sentence before it gives, as much as if it said the name itself; so is one
      // opening on a noun that sentence used ("…an American football game. The game was played…").
      let resolvedMask = 0;
      if (previousAt >= 0 && (PERSONAL_PRONOUN.test(ix.texts[p]!) || this.namesAgain(p)))
        for (let bit = 0; bit < n; bit++)
          if (nameMask & (1 << bit) && slab[previousAt + bit]! > contextScore[bit]!) {
            contextScore[bit] = slab[previousAt + bit]!;
            contextCover[bit] = slab[previousAt + n + bit]!;
            resolvedMask |= 1 << bit;
          }
      if (!isHeading(p + 1)) addContext(p + 1, briefing, false);
      // The title of its section ("## Reaction in Beijing") says what every sentence under it is
      // about: its words count as the sentence's own ("Officials welcomed…" under "Reaction in
      // Manila" is Manila's reaction).
      const heading = this.sectionHeading[p]!;
      let headingMask = 0;
      if (heading >= 0) {
        const h = termScores(heading);
        // Only for words the sentence lacks: its own stay its own (for proximity and the rest).
        for (let bit = 0; bit < n; bit++)
          if (slab[at + bit] === 0 && slab[h + bit]! > contextScore[bit]!) {
            contextScore[bit] = slab[h + bit]!;
            contextCover[bit] = slab[h + n + bit]!;
            headingMask |= 1 << bit;
          }
        resolvedMask |= headingMask;
      }
      // The names of the paragraph's first sentence, for a sentence further on that lacks them.
      let leadMask = 0;
      const lead = this.paragraphLead[p]!;
      if (lead >= 0 && nameMask) {
        const h = termScores(lead);
        for (let bit = 0; bit < n; bit++) {
          if (!(nameMask & (1 << bit)) || slab[at + bit] !== 0 || slab[h + bit] === 0) continue;
          leadMask |= 1 << bit;
          const score = slab[h + bit]! * LEAD_NAME_WEIGHT;
          if (score > contextScore[bit]!) {
            contextScore[bit] = score;
            contextCover[bit] = slab[h + n + bit]! * LEAD_NAME_WEIGHT;
          }
        }
      }
      let total = 0;
      let cover = 0;
      let exactCover = 0;
      let directMask = 0;
      let contextMask = 0;
      for (let bit = 0; bit < n; bit++) {
        const weight = terms[bit]!.weight * terms[bit]!.idf;
        const direct = slab[at + bit]!;
        if (direct > 0 && direct >= contextScore[bit]!) {
          total += direct;
          cover += slab[at + n + bit]! * weight;
          if (slab[at + n + bit] === 1) exactCover += weight;
          directMask |= 1 << bit;
        } else if (contextScore[bit]! > 0) {
          total += contextScore[bit]!;
          cover += contextCover[bit]! * weight;
          if (resolvedMask & (1 << bit)) {
            if (contextCover[bit] === 1) exactCover += weight;
          } else if (contextCover[bit] === neighbourWeight) exactCover += neighbourWeight * weight;
          contextMask |= 1 << bit;
        }
      }
      const matched = directMask | contextMask;
      let s = total;
      const features = ix.passageFeatures[p]!;
      const typeMatched = !wantedFeatures || (features & wantedFeatures) !== 0;
      if (!asksSource && CREDIT_LINE.test(ix.texts[p]!)) s *= CREDIT_FACTOR;
      if (wantedFeatures && typeMatched) s *= 1 + this.options.typeBonus;
      // "What year…?" is answered by a year: a passage that writes none can't say it.
      if ((q.type === 'year' || q.type === 'money' || q.type === 'percent') && !typeMatched)
        s *= YEARLESS_FACTOR;
      // "Who recovered Ward's fumble?": a sentence whose only name is Ward's can't say who did.
      else if (wantedFeatures && !definitional && !this.saysMore(p, q.type, generation))
        s *= ANSWERLESS_FACTOR;
      let introduced: Introduction = Introduction.None;
      if (q.type === 'who')
        introduced = askedNames.size
          ? this.introduces(p, askedNames)
          : features & Feature.Defines
            ? Introduction.Plain
            : Introduction.None;
      if (introduced) s *= 1 + (definitional ? DEFINITION_BONUS_FACTOR : 1) * this.options.typeBonus;
      // "What does AFC stand for?": the sentence that writes the name out says it.
      if (q.spelledOut && spellsOut(ix.texts[p]!, q.spelledOut))
        s *= 1 + DEFINITION_BONUS_FACTOR * this.options.typeBonus;
      // Asked only what someone is, the sentence giving their formal title says it best.
      if (introduced === Introduction.Title && definitional) s *= 1 + this.options.typeBonus;
      s *= 1 + this.options.proximityBonus * this.adjacentPairs(p, generation, directMask);
      // "a 45-yard pass": the figure with the word it measures, as the question writes them.
      if (figures.length && this.writesFigure(p, figures)) s *= 1 + FIGURE_BONUS;
      // News writing introduces a person or body by full name; later mentions shorten it.
      if (fullNames.length && matched & nameMask && anyMatch(fullNames, ix.texts[p]!))
        s *= 1 + this.options.fullNameBonus;
      // Asked what someone said, a passage where they speak is the better answer.
      const speakerUnheard = speakerIds.size > 0 && this.unheard(p, speakerIds);
      if (speakerUnheard) s *= UNHEARD_FACTOR;
      const namesMatched = popcount(matched & nameMask);
      let namesMissing = 0;
      if (names) {
        const own = directMask | headingMask | leadMask | (REFERS_BACK.test(ix.texts[p]!) ? previousMask : 0);
        for (let bit = 0; bit < n; bit++) {
          if (!(nameMask & (1 << bit))) continue;
          // "Osweiler" alone, after "Brock Osweiler" was given in full: no name is lacking.
          if (!(own & (1 << bit)) && shortened(bit, own)) continue;
          // Lacking a rare name counts against a passage; lacking one that most passages have
          // ("Super Bowl" in an article about it) hardly does.
          const rarity = (terms[bit]!.idf / expander.maxIdf) ** 2;
          if (!(own & (1 << bit))) namesMissing += rarity;
          if (!(matched & (1 << bit))) s *= 1 - this.options.namePenalty * rarity;
          // Found only in a sentence beside it that it doesn't refer back to: a weaker match.
          else if (!(own & (1 << bit))) s *= 1 - CONTEXT_NAME_SHARE * this.options.namePenalty * rarity;
        }
      }
      let missingWeight = 0;
      let missingCount = 0;
      for (let bit = 0; bit < n; bit++) {
        const t = terms[bit]!;
        if (!t.important || matched & (1 << bit) || shortened(bit, matched)) continue;
        missingWeight += t.weight * t.idf;
        if (t.own) missingCount++;
      }
      table.passage[row] = p;
      table.score[row] = s;
      table.share[row] = totalWeight ? cover / totalWeight : 0;
      table.exactShare[row] = totalWeight ? exactCover / totalWeight : 0;
      table.missing[row] = totalWeight ? missingWeight / totalWeight : 1;
      table.missingCount[row] = missingCount;
      table.namesMatched[row] = namesMatched;
      table.namesMissing[row] = namesMissing;
      table.flags[row] = (typeMatched ? TYPE_MATCHED : 0) | (speakerUnheard ? SPEAKER_UNHEARD : 0);
    });
    // The best first; meaning (below) only raises the best few, so the rest can't overtake them.
    const order = table.order(answerable.length);
    const kept = q.recent ? order.length : Math.min(order.length, Math.max(depth, MEANING_DEPTH));
    const candidates: Candidate[] = [];
    for (let k = 0; k < kept; k++) {
      const row = order[k]!;
      const p = table.passage[row]!;
      const candidate: Candidate = {
        passage: p,
        score: table.score[row]!,
        share: table.share[row]!,
        exactShare: table.exactShare[row]!,
        missing: table.missing[row]!,
        missingCount: table.missingCount[row]!,
        names,
        namesMatched: table.namesMatched[row]!,
        namesMissing: table.namesMissing[row]!,
        typeMatched: (table.flags[row]! & TYPE_MATCHED) !== 0,
        meaning: 0,
        speakerUnheard: (table.flags[row]! & SPEAKER_UNHEARD) !== 0,
      };
      if (q.specific && !this.holdsOther(p, generation, true, true)) candidate.unspecific = true;
      candidates.push(candidate);
    }
    // Meaning weighs in among the best few only: averaging vectors is the costliest signal.
    if (questionMeaning) {
      for (const c of candidates.slice(0, MEANING_DEPTH)) {
        c.meaning = this.meaning(c.passage, questionMeaning, generation);
        c.score *= 1 + this.options.meaningBonus * Math.max(0, c.meaning);
      }
      candidates.sort(byScore);
    }
    if (q.recent) this.preferRecent(candidates);
    return candidates;
  }

  /** Weighs each candidate by how recent its briefing's date is among theirs (`RECENCY_BONUS`), and re-sorts. */
  private preferRecent(candidates: Candidate[]): void {
    const ix = this.index;
    const times = (this.briefingTimes ??= Float64Array.from(ix.briefings, (b) =>
      b.date ? Date.parse(b.date) : NaN,
    ));
    let oldest = Infinity;
    let newest = -Infinity;
    for (const c of candidates) {
      const t = times[ix.passageBriefing[c.passage]!]!;
      // (NaN, no date, compares false both ways.)
      if (t < oldest) oldest = t;
      if (t > newest) newest = t;
    }
    if (!(newest > oldest)) return;
    for (const c of candidates) {
      const t = times[ix.passageBriefing[c.passage]!]!;
      if (t >= oldest) c.score *= 1 + (RECENCY_BONUS * (t - oldest)) / (newest - oldest);
    }
    candidates.sort(byScore);
  }

  /** The question's meaning: its words' vectors, weighted by idf, summed and scaled to unit length. */
  private questionMeaning(terms: QueryTerm[]): Float32Array | undefined {
    const tv = this.vectors;
    if (!tv) return undefined;
    const v = new Float32Array(tv.vectors.dimensions);
    let any = false;
    for (const t of terms) {
      if (t.proper || t.vector < 0) continue;
      tv.addTo(v, t.vector, t.weight * t.idf);
      any = true;
    }
    return any ? normalise(v) : undefined;
  }

  /**
   * Cosine of passage `p`'s meaning with the question's: Σ idf·(word · question) over its words,
   * over the length of Σ idf·word (the passage's own, measured once: `passageNorm`). A word's
   * product with the question is worked out once per question (`dots`, valid when `dotStamp` is
   * this query's generation), however many passages hold it.
   */
  private meaning(p: number, question: Float32Array, generation: number): number {
    const tv = this.vectors!;
    const ix = this.index;
    const norm = this.passageNorm(p);
    if (!norm) return 0;
    const { dots, dotStamp } = this;
    let dot = 0;
    for (let i = ix.sequenceStart[p]!, end = ix.sequenceStart[p + 1]!; i < end; i++) {
      const term = ix.sequence[i]!;
      const id = tv.vectorId(term);
      if (id < 0) continue;
      if (dotStamp[term] !== generation) {
        dotStamp[term] = generation;
        dots[term] = tv.vectors.cosineTo(question, id);
      }
      dot += this.retriever.expander.idf(term) * dots[term]!;
    }
    return dot / norm;
  }

  /**
   * The length of Σ idf·word over passage `p`'s words with vectors (0 for none): measured the first
   * time the passage is among the best few, then kept (`norms`, -1 until measured; the index never
   * changes under a reranker). Measuring every passage up front would cost ~0.1 s per 45,000.
   */
  private passageNorm(p: number): number {
    const known = this.norms[p]!;
    if (known >= 0) return known;
    const tv = this.vectors!;
    const ix = this.index;
    const v = this.scratch;
    v.fill(0);
    for (let i = ix.sequenceStart[p]!, end = ix.sequenceStart[p + 1]!; i < end; i++) {
      const id = tv.vectorId(ix.sequence[i]!);
      if (id >= 0) tv.addTo(v, id, this.retriever.expander.idf(ix.sequence[i]!));
    }
    let sum = 0;
    for (let k = 0; k < v.length; k++) sum += v[k]! * v[k]!;
    return (this.norms[p] = Math.sqrt(sum));
  }

  /**
   * Whether passage `p` says what one of these terms is: the name followed by an apposition or a
   * defining verb ("Daniel Kritenbrink, the Assistant Secretary…", "Pranay Vaddi, serves as…"),
   * or, after a sentence giving the name, a personal pronoun followed by one ("He is the…"); and
   * whether what it says is a formal title, written in capitals ("the Special Assistant to…").
   */
  private introduces(p: number, ids: Set<number>): Introduction {
    const ix = this.index;
    const text = ix.texts[p]!;
    const how = (at: number): Introduction => {
      const m = INTRODUCTION.exec(text.slice(at, at + 24));
      if (!m) return Introduction.None;
      const next = at + m[0].length;
      return /^\p{Lu}/u.test(text.slice(next, next + 1)) ? Introduction.Title : Introduction.Plain;
    };
    // "He is the Special Assistant…", after a sentence naming him.
    const pronoun = PERSONAL_PRONOUN.exec(text);
    if (pronoun && p > 0 && ix.passageBriefing[p - 1] === ix.passageBriefing[p]) {
      const h = how(pronoun[0].length);
      if (h)
        for (let i = ix.sequenceStart[p - 1]!, end = ix.sequenceStart[p]!; i < end; i++)
          if (ids.has(ix.sequence[i]!)) return h;
    }
    let best: Introduction = Introduction.None;
    for (let i = ix.sequenceStart[p]!, end = ix.sequenceStart[p + 1]!; i < end; i++)
      if (ids.has(ix.sequence[i]!)) best = Math.max(best, how(ix.sequenceTo[i]!)) as Introduction;
    return best;
  }

  /**
   * Whether passage `p` names a speaker asked about (`ids`) without letting them speak: no
   * reporting word within two words before the name ("conveyed by X", "according to X") or five
   * after it ("X's Ministry of Foreign Affairs countered"), and no pronoun speaking. True too when
   * neither the passage nor the sentence before it names them: "How did North Korea's government
   * respond to Vaddi's remarks?" is not answered by a sentence about Vaddi alone.
   */
  private unheard(p: number, ids: Set<number>): boolean {
    const ix = this.index;
    const from = ix.sequenceStart[p]!;
    const to = ix.sequenceStart[p + 1]!;
    let named = false;
    for (let i = from; i < to; i++) {
      if (!ids.has(ix.sequence[i]!)) continue;
      named = true;
      for (let j = Math.max(from, i - 2); j < Math.min(to, i + 6); j++)
        if (this.reporting.has(ix.sequence[j]!)) return false;
    }
    if (!named) {
      // Named in the sentence before, they may speak here as "he", "officials", "the ministry".
      if (p > 0 && ix.passageBriefing[p - 1] === ix.passageBriefing[p])
        for (let i = ix.sequenceStart[p - 1]!; i < from; i++) if (ids.has(ix.sequence[i]!)) return false;
      return true;
    }
    return !SPEAKER_PRONOUN.test(ix.texts[p]!);
  }

  /**
   * Whether passage `p` holds something of the kind the question asks for beyond the question's
   * own words: a name it doesn't give, for "who" and "where"; a number or date it doesn't give,
   * for "when", "what year" and "how many".
   */
  private saysMore(p: number, type: QuestionType, generation: number): boolean {
    const numeric =
      type === 'when' || type === 'year' || type === 'number' || type === 'money' || type === 'percent';
    return this.holdsOther(p, generation, !numeric, numeric);
  }

  /**
   * Whether passage `p` holds a term that is none of this query's: a name (with `names`), or a
   * number or a date's word (with `numbers`).
   */
  private holdsOther(p: number, generation: number, names: boolean, numbers: boolean): boolean {
    const ix = this.index;
    const numberTerm = numbers ? this.numberTerms() : undefined;
    for (let i = ix.sequenceStart[p]!, end = ix.sequenceStart[p + 1]!; i < end; i++) {
      const id = ix.sequence[i]!;
      if (this.termStamp[id] === generation) continue;
      if ((names && ix.nameTerm[id] === 1) || numberTerm?.[id] === 1) return true;
    }
    return false;
  }

  private numbers?: Uint8Array;
  /** Per index term: 1 for a number or a date's word ("76", "seven", "february"); made on first use. */
  private numberTerms(): Uint8Array {
    if (!this.numbers) {
      this.numbers = new Uint8Array(this.index.df.length);
      for (const [term, id] of this.index.termIds) if (isNumberTerm(term)) this.numbers[id] = 1;
    }
    return this.numbers;
  }

  /**
   * The figures the question writes with the word they measure ("a *45-yard* pass", "their
   * *24-yard* line", "a *30-second* ad"): per pair, the index terms of the number and those of the
   * word (its own forms only).
   */
  private figurePairs(q: AnalysedQuestion, terms: QueryTerm[]): Array<[Set<number>, Set<number>]> {
    const pairs: Array<[Set<number>, Set<number>]> = [];
    for (let bit = 0; bit + 1 < terms.length; bit++) {
      const figure = terms[bit]!;
      const unit = terms[bit + 1]!;
      if (!figure.own || !unit.own || !/^\d[\d,.]*$/.test(figure.surface) || unit.name) continue;
      // A year ("the 2015 season") dates rather than measures.
      if (YEAR.test(figure.surface)) continue;
      // Not a number ending a name ("Super Bowl 50 halftime show"): one after a lower-case word.
      const together = new RegExp(
        `(?:^|[^\\p{L}\\p{N}][\\p{Ll}\\p{N}'’]*\\s+)${escapeRegExp(figure.surface)}[\\s-]+${escapeRegExp(unit.surface)}`,
        'u',
      );
      if (!together.test(q.normalised)) continue;
      const exact = (t: QueryTerm) => new Set(t.alternatives.filter((a) => a.weight === 1).map((a) => a.id));
      const units = exact(unit);
      if (units.size) pairs.push([exact(figure), units]);
    }
    return pairs;
  }

  /** Whether passage `p` writes one of these figures just before the word it measures. */
  private writesFigure(p: number, figures: Array<[Set<number>, Set<number>]>): boolean {
    const ix = this.index;
    for (let i = ix.sequenceStart[p]! + 1, end = ix.sequenceStart[p + 1]!; i < end; i++)
      for (let f = 0; f < figures.length; f++)
        if (figures[f]![1].has(ix.sequence[i]!) && figures[f]![0].has(ix.sequence[i - 1]!)) return true;
    return false;
  }

  /**
   * How many different pairs of matched query terms stand within two words of each other in the
   * passage, up to MAX_PAIRS: a pair written again counts once ("Super Bowl" three times in a
   * sentence is one pair, not three).
   */
  private adjacentPairs(p: number, generation: number, mask: number): number {
    if (popcount(mask) < 2) return 0;
    const ix = this.index;
    const { termStamp, termMask, pairsSeen } = this;
    let pairs = 0;
    let lastBit = -1;
    let lastPos = -10;
    for (let i = ix.sequenceStart[p]!, end = ix.sequenceStart[p + 1]!; i < end; i++) {
      const id = ix.sequence[i]!;
      const bits = termStamp[id] === generation ? termMask[id]! & mask : 0;
      if (!bits) continue;
      // A term standing for several query terms counts as the last of them.
      const bit = 31 - Math.clz32(bits);
      if (bit !== lastBit && i - lastPos <= 2) {
        const pair = Math.min(bit, lastBit) * 32 + Math.max(bit, lastBit);
        let k = 0;
        while (k < pairs && pairsSeen[k] !== pair) k++;
        if (k === pairs) {
          pairsSeen[pairs++] = pair;
          if (pairs === MAX_PAIRS) return pairs;
        }
      }
      lastBit = bit;
      lastPos = i;
    }
    return pairs;
  }
}

function normalise(v: Float32Array): Float32Array {
  let norm = 0;
  for (let k = 0; k < v.length; k++) norm += v[k]! * v[k]!;
  norm = Math.sqrt(norm) || 1;
  for (let k = 0; k < v.length; k++) v[k]! /= norm;
  return v;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
