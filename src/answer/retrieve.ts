/**
 * Candidate retrieval: BM25 over the posting lists of every index term that stands for a
 * question term (each question term counted once per passage, by its best alternative), then
 * the best passages and the sentences beside them as the pool to re-rank.
 */
import type { QueryExpander, QueryTerm } from './expand.js';
import type { PassageIndex } from './passage-index.js';

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
  }

  /** BM25's term-frequency part for a passage of `length` terms. */
  bm25(tf: number, length: number): number {
    const { k1, b } = this.options;
    return (tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * length) / this.index.averageLength));
  }

  /**
   * The `depth` best passages by BM25 over the alternatives, each with its neighbouring
   * sentences (which may answer through it: "He is the Special Assistant…").
   */
  retrieve(terms: QueryTerm[], depth: number): Pool {
    const ix = this.index;
    const { score, termBest, termStamp, queryStamp, touched } = this;
    const generation = ++this.generation;
    let touchedCount = 0;
    for (const term of terms) {
      if (!term.covered) continue;
      const stamp = ++this.stamp;
      for (const alt of term.alternatives) {
        const idf = this.expander.idf(alt.id) * alt.weight * term.weight;
        for (let k = ix.postingStart[alt.id]!, end = ix.postingStart[alt.id + 1]!; k < end; k++) {
          const p = ix.postingPassage[k]!;
          if (alt.after !== undefined && !follows(ix, p, alt.after, alt.id)) continue;
          const s = idf * this.bm25(ix.postingTf[k]!, ix.passageLength[p]!);
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
    const direct = selectTop(touched, touchedCount, score, depth);
    const pool = new Set<number>();
    for (const p of direct) {
      pool.add(p);
      const briefing = ix.passageBriefing[p]!;
      if (p > 0 && ix.passageBriefing[p - 1] === briefing) pool.add(p - 1);
      if (p + 1 < ix.texts.length && ix.passageBriefing[p + 1] === briefing) pool.add(p + 1);
    }
    return { passages: [...pool], total: touchedCount };
  }
}

/** Whether term `second` comes right after term `first` somewhere in passage `p`. */
export function follows(ix: PassageIndex, p: number, first: number, second: number): boolean {
  for (let i = ix.sequenceStart[p]! + 1, end = ix.sequenceStart[p + 1]!; i < end; i++)
    if (ix.sequence[i] === second && ix.sequence[i - 1] === first) return true;
  return false;
}

/** The `k` passages with the highest scores, best first. */
function selectTop(items: Uint32Array, count: number, score: Float32Array, k: number): number[] {
  if (count <= k * 4) {
    return Array.from(items.subarray(0, count))
      .sort((x, y) => score[y]! - score[x]! || x - y)
      .slice(0, k);
  }
  // One pass with a min-heap of size k.
  const heap: number[] = [];
  const less = (a: number, b: number) => score[a]! < score[b]! || (score[a] === score[b] && a > b);
  for (let i = 0; i < count; i++) {
    const p = items[i]!;
    if (heap.length < k) {
      heap.push(p);
      for (let j = heap.length - 1; j > 0;) {
        const parent = (j - 1) >> 1;
        if (!less(heap[j]!, heap[parent]!)) break;
        [heap[j], heap[parent]] = [heap[parent]!, heap[j]!];
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
        [heap[j], heap[m]] = [heap[m]!, heap[j]!];
        j = m;
      }
    }
  }
  return heap.sort((x, y) => score[y]! - score[x]! || x - y);
}
