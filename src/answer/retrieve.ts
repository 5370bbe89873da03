/**
 * Candidate retrieval: BM25 over the posting lists of every index term that stands for a
 * question term (each question term counted once per passage, by its best alternative), then
 * the best passages and the sentences beside them as the pool to re-rank.
 */
import { bestByScore } from './best.js';
import type { QueryExpander, QueryTerm } from './expand.js';
import type { PassageIndex } from './passage-index.js';
import { Feature } from './terms.js';

/** Sentences of a section pooled with its heading when the heading matches. */
const SECTION_POOLED = 5;

export interface RetrievalOptions {
  /** BM25 term-frequency saturation. */
  k1: number;
  /** BM25 length normalisation; sentences want less than documents' 0.75. */
  b: number;
}

/** The pool of passages worth a closer look, and how many passages matched at all. */
export interface Pool {
  passages: number[];
  /** Passages sharing at least one term with the query. */
  total: number;
}

/** Retrieval over one index; its scratch arrays are reused by every query (one query at a time). */
export class Retriever {
  private readonly score: Float32Array;
  private readonly termBest: Float32Array;
  private readonly termStamp: Uint32Array;
  private readonly queryStamp: Uint32Array;
  private readonly touched: Uint32Array;
  /** Per passage: the query whose pool holds it. */
  private readonly pooled: Uint32Array;
  private stamp = 0;
  private generation = 0;

  constructor(
    readonly index: PassageIndex,
    readonly expander: QueryExpander,
    private readonly options: RetrievalOptions,
  ) {
    const n = index.texts.length;
    this.score = new Float32Array(n);
    this.termBest = new Float32Array(n);
    this.termStamp = new Uint32Array(n);
    this.queryStamp = new Uint32Array(n);
    this.touched = new Uint32Array(n);
    this.pooled = new Uint32Array(n);
  }

  /** BM25's term-frequency part for a passage of `length` terms. */
  bm25(tf: number, length: number): number {
    const { k1, b } = this.options;
    return (tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * length) / this.index.averageLength));
  }

  /**
   * The `depth` best passages by BM25 over the alternatives, each with its neighbouring
   * sentences (which may answer through it: "He is the Special Assistant…"); only those of the
   * briefings marked in `only`, when given.
   */
  retrieve(terms: QueryTerm[], depth: number, only?: Uint8Array): Pool {
    const ix = this.index;
    const { score, termBest, termStamp, queryStamp, touched } = this;
    const generation = ++this.generation;
    let touchedCount = 0;
    // BM25 written out in the loop below (the same as `bm25`): this loop visits every posting.
    const { k1, b } = this.options;
    const lengthScale = (k1 * b) / ix.averageLength;
    const lengthBase = k1 * (1 - b);
    const { postingStart, postingPassage, postingTf, passageLength } = ix;
    for (const term of terms) {
      if (!term.covered) continue;
      const stamp = ++this.stamp;
      for (const alt of term.alternatives) {
        const idf = this.expander.idf(alt.id) * alt.weight * term.weight;
        const after = alt.after;
        for (let k = postingStart[alt.id]!, end = postingStart[alt.id + 1]!; k < end; k++) {
          const p = postingPassage[k]!;
          if (after !== undefined && !follows(ix, p, after, alt.id)) continue;
          const tf = postingTf[k]!;
          const s = (idf * tf * (k1 + 1)) / (tf + lengthBase + lengthScale * passageLength[p]!);
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
    }
    // A question scoped to some briefings ("what did Coast Radio report…") looks only in them.
    if (only) {
      let kept = 0;
      for (let i = 0; i < touchedCount; i++)
        if (only[ix.passageBriefing[touched[i]!]!]) touched[kept++] = touched[i]!;
      touchedCount = kept;
    }
    const direct = bestByScore(touched, touchedCount, depth, score);
    // (A stamp per passage rather than a set: retrieval allocates next to nothing.)
    const { pooled } = this;
    const passages: number[] = [];
    const add = (p: number): void => {
      if (pooled[p] === generation) return;
      pooled[p] = generation;
      passages.push(p);
    };
    for (const p of direct) {
      add(p);
      const briefing = ix.passageBriefing[p]!;
      if (p > 0 && ix.passageBriefing[p - 1] === briefing) add(p - 1);
      // A heading brings the first sentences of its section (whose words it adds to theirs).
      const after = ix.passageFeatures[p]! & Feature.Heading ? SECTION_POOLED : 1;
      for (let q = p + 1; q <= p + after && q < ix.texts.length && ix.passageBriefing[q] === briefing; q++) {
        if (q > p + 1 && ix.passageFeatures[q]! & Feature.Heading) break;
        add(q);
      }
    }
    return { passages, total: touchedCount };
  }
}

/** Whether term `second` comes right after term `first` somewhere in passage `p`. */
export function follows(ix: PassageIndex, p: number, first: number, second: number): boolean {
  for (let i = ix.sequenceStart[p]! + 1, end = ix.sequenceStart[p + 1]!; i < end; i++)
    if (ix.sequence[i] === second && ix.sequence[i - 1] === first) return true;
  return false;
}
