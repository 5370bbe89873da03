import type { Briefing, Knowledge } from '../knowledge/types.js';
import {
  type AnalysisCache,
  analyseBriefing,
  type BriefingAnalysis,
  SequenceKind,
} from './analysis-cache.js';
import { analyse } from './nlp.js';
import { AliasMatcher } from './terms.js';

/**
 * The searchable form of the knowledge: one passage per sentence, term ids in order per
 * passage (for proximity), and posting lists in compressed-sparse-row form (term → passages,
 * term frequencies) over typed arrays, so that scoring touches no per-sentence objects.
 */
/** What the index keeps of a briefing: everything but the body, which lives on as passages. */
export type BriefingInfo = Omit<Briefing, 'paragraphs' | 'headings' | 'items'>;

export interface PassageIndex {
  briefings: BriefingInfo[];
  /** The alias entities and synonym groups the index was built with. */
  entities: Knowledge['entities'];
  synonyms: Knowledge['synonyms'];
  /** The knowledge folder's own chat language (added to the defaults). */
  chatWords: Knowledge['chatWords'];
  /**
   * Term string → id. Entity terms start with "#". Ids are in order of first occurrence through
   * the passages, however the index was made (ties in scoring and the spelling and vector lists
   * follow this order), and every term occurs in some passage.
   */
  termIds: Map<string, number>;
  /** Per term: the number of passages that contain it. */
  df: Uint32Array;
  /** Per term: true when it only ever occurs as a name (an entity or proper noun). */
  nameTerm: Uint8Array;
  /** Per passage. */
  passageBriefing: Uint32Array;
  passageOrdinal: Uint32Array;
  passageLength: Uint16Array;
  passageFeatures: Uint16Array;
  /** Passage p's term ids are `sequence[sequenceStart[p] .. sequenceStart[p + 1])`. */
  sequenceStart: Uint32Array;
  sequence: Uint32Array;
  /** Per entry of `sequence`: where the term's words start and end in the passage text (for bold). */
  sequenceFrom: Uint16Array;
  sequenceTo: Uint16Array;
  /** Per entry of `sequence`: whether the term was written as a name there (see {@link SequenceKind}). */
  sequenceKind: Uint8Array;
  texts: string[];
  /** Per briefing: its first passage; passages of briefing b are [first[b], first[b + 1]). */
  briefingFirst: Uint32Array;
  /** Postings of term t: `postingPassage[postingStart[t] .. postingStart[t + 1])` with `postingTf`. */
  postingStart: Uint32Array;
  postingPassage: Uint32Array;
  postingTf: Uint8Array;
  averageLength: number;
  aliases: AliasMatcher;
  /** Word → its synonyms from the knowledge folder's `synonyms:` groups (lemmas). */
  thesaurus: Map<string, string[]>;
}

/** Options for building the index. */
export interface BuildOptions {
  /** Called every few hundred briefings during a long build. */
  onProgress?: (done: number, total: number) => void;
}

/** Analyses already made, to be copied rather than made again (see {@link AnalysisCache}). */
export interface IndexReuse {
  cache: AnalysisCache;
  /** Per briefing of the knowledge: the content hash of its file. */
  hashes: readonly string[];
}

/**
 * Analyses every briefing with wink-nlp and builds the index. With `reuse`, a briefing whose
 * content hash the cache knows is copied from the cache's index instead of analysed (its
 * `paragraphs` are then not read): the result is the same index, array for array, as a build
 * from scratch.
 *
 * @example
 * const index = buildPassageIndex(await loadKnowledge('knowledge'));
 * index.texts.length; // number of sentences
 */
export function buildPassageIndex(
  knowledge: Knowledge,
  options: BuildOptions & { reuse?: IndexReuse } = {},
): PassageIndex {
  const plan = new IndexPlan(knowledge, options.reuse);
  for (let b = 0; b < knowledge.briefings.length; b++) {
    plan.add(b);
    if ((b + 1) % 500 === 0) options.onProgress?.(b + 1, knowledge.briefings.length);
  }
  return plan.finish();
}

/**
 * {@link buildPassageIndex} that hands the event loop back every few briefings analysed, so a bot
 * rebuilding its index in the background keeps answering (and acknowledging within 3 s).
 */
export async function buildPassageIndexInBackground(
  knowledge: Knowledge,
  options: BuildOptions & { reuse?: IndexReuse } = {},
): Promise<PassageIndex> {
  const plan = new IndexPlan(knowledge, options.reuse);
  let analysed = 0;
  for (let b = 0; b < knowledge.briefings.length; b++) {
    if (plan.add(b) && ++analysed % 10 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    if ((b + 1) % 500 === 0) options.onProgress?.(b + 1, knowledge.briefings.length);
  }
  return plan.finish();
}

/** Where a briefing's passages come from: a fresh analysis, or briefing `briefing` of `from`. */
type Part = { analysis: BriefingAnalysis } | { from: PassageIndex; briefing: number };

/**
 * Collects each briefing's analysis (made now, or found in the cache), then lays them out in
 * the index's arrays. Term ids are assigned in order of first occurrence through the passages,
 * whatever the analyses' origin, so that an index updated from a cache and one built from
 * scratch are the same.
 */
class IndexPlan {
  private readonly aliases: AliasMatcher;
  private readonly reuse: IndexReuse | undefined;
  private readonly parts: Part[] = [];

  constructor(
    private readonly knowledge: Knowledge,
    reuse: IndexReuse | undefined,
  ) {
    const cached = reuse?.cache.index;
    // Same entities: the cached index's analyses hold, and so does its alias matcher.
    this.reuse = reuse && reuse.cache.fits(knowledge.entities) ? reuse : undefined;
    this.aliases = this.reuse ? cached!.aliases : new AliasMatcher(knowledge.entities);
  }

  /** Plans briefing `b`; true when it had to be analysed. */
  add(b: number): boolean {
    const hash = this.reuse?.hashes[b];
    const found = hash === undefined ? undefined : this.reuse!.cache.find(hash);
    if (found !== undefined) {
      this.parts.push({ from: this.reuse!.cache.index, briefing: found });
      return false;
    }
    const briefing = this.knowledge.briefings[b]!;
    if (briefing.paragraphs.length === 0)
      throw new Error(`briefing ${briefing.file} has no paragraphs and no cached analysis`);
    this.parts.push({
      analysis: analyseBriefing(briefing.paragraphs, this.aliases, briefing.headings, briefing.items),
    });
    return true;
  }

  finish(): PassageIndex {
    const { knowledge, parts } = this;
    const cached = this.reuse?.cache.index;
    const synonyms = knowledge.synonyms;
    const layout = layOut(parts, cached);
    return {
      briefings: knowledge.briefings.map((briefing, b) => {
        // A briefing copied from the cached index, from the same file: its info as it was.
        const part = parts[b]!;
        const kept = 'from' in part ? part.from.briefings[part.briefing]! : undefined;
        if (kept?.file === briefing.file) return kept;
        const { paragraphs: _body, headings: _headings, items: _items, ...info } = briefing;
        return info;
      }),
      entities: knowledge.entities,
      synonyms,
      chatWords: knowledge.chatWords,
      ...layout,
      aliases: this.aliases,
      thesaurus:
        cached && sameSynonyms(cached.synonyms, synonyms) ? cached.thesaurus : buildThesaurus(synonyms),
    };
  }
}

type Layout = Omit<
  PassageIndex,
  'briefings' | 'entities' | 'synonyms' | 'chatWords' | 'aliases' | 'thesaurus'
>;

/** The per-passage and per-entry arrays, filled from the parts; term ids are still source ids. */
type Passages = Pick<
  PassageIndex,
  | 'passageBriefing'
  | 'passageOrdinal'
  | 'passageFeatures'
  | 'sequenceStart'
  | 'sequence'
  | 'sequenceFrom'
  | 'sequenceTo'
  | 'sequenceKind'
  | 'texts'
  | 'briefingFirst'
>;

/**
 * Source term ids while laying out: the cached index's own, then terms new to it as the analyses
 * bring them (in a build from scratch, that is already the order of first occurrence).
 */
class SourceTerms {
  readonly terms: string[];
  readonly ids: Map<string, number>;
  constructor(cached: PassageIndex | undefined) {
    this.terms = cached ? [...cached.termIds.keys()] : [];
    this.ids = cached ? new Map(cached.termIds) : new Map();
  }
  /** A fresh analysis' local term ids as source ids. */
  of(analysis: BriefingAnalysis): Uint32Array {
    const out = new Uint32Array(analysis.terms.length);
    analysis.terms.forEach((term, local) => {
      let id = this.ids.get(term);
      if (id === undefined) {
        id = this.terms.length;
        this.ids.set(term, id);
        this.terms.push(term);
      }
      out[local] = id;
    });
    return out;
  }
}

/** The index's arrays, laid out from its briefings' parts (in briefing order). */
function layOut(parts: readonly Part[], cached: PassageIndex | undefined): Layout {
  const source = new SourceTerms(cached);
  const laid = copyParts(parts, source);
  const { termIds, terms, renumbered } = canonicalTerms(laid.sequence, source);
  return { ...laid, termIds, ...corpusArrays(laid, terms, renumbered) };
}

/** Allocates the passages' arrays and copies every part in. */
function copyParts(parts: readonly Part[], source: SourceTerms): Passages {
  let passages = 0;
  let entries = 0;
  for (const part of parts) {
    if ('analysis' in part) {
      passages += part.analysis.texts.length;
      entries += part.analysis.sequence.length;
    } else {
      const { from, briefing } = part;
      const first = from.briefingFirst[briefing]!;
      const last = from.briefingFirst[briefing + 1]!;
      passages += last - first;
      entries += from.sequenceStart[last]! - from.sequenceStart[first]!;
    }
  }
  const out: Passages = {
    passageBriefing: new Uint32Array(passages),
    passageOrdinal: new Uint32Array(passages),
    passageFeatures: new Uint16Array(passages),
    sequenceStart: new Uint32Array(passages + 1),
    sequence: new Uint32Array(entries),
    sequenceFrom: new Uint16Array(entries),
    sequenceTo: new Uint16Array(entries),
    sequenceKind: new Uint8Array(entries),
    texts: new Array<string>(passages),
    briefingFirst: new Uint32Array(parts.length + 1),
  };
  const at = { passage: 0, entry: 0 };
  for (let b = 0; b < parts.length; b++) {
    const part = parts[b]!;
    if ('analysis' in part) {
      copyAnalysis(out, at, b, part.analysis, source.of(part.analysis));
      continue;
    }
    // A run of consecutive briefings of the cached index is copied in one go.
    let end = b + 1;
    while (end < parts.length) {
      const next = parts[end]!;
      if ('analysis' in next || next.from !== part.from || next.briefing !== part.briefing + (end - b)) break;
      end++;
    }
    copyRun(out, at, b, end, part.from, part.briefing);
    b = end - 1;
  }
  out.briefingFirst[parts.length] = at.passage;
  out.sequenceStart[passages] = at.entry;
  return out;
}

/** Copies a fresh analysis in as briefing `b`. */
function copyAnalysis(
  out: Passages,
  at: { passage: number; entry: number },
  b: number,
  a: BriefingAnalysis,
  toSource: Uint32Array,
): void {
  const p = at.passage;
  const e = at.entry;
  out.briefingFirst[b] = p;
  for (let k = 0; k < a.texts.length; k++) {
    out.passageBriefing[p + k] = b;
    out.passageOrdinal[p + k] = k;
    out.sequenceStart[p + k] = e + a.sequenceStart[k]!;
    out.texts[p + k] = a.texts[k]!;
  }
  out.passageFeatures.set(a.features, p);
  const { sequence } = out;
  const local = a.sequence;
  for (let k = 0; k < local.length; k++) sequence[e + k] = toSource[local[k]!]!;
  out.sequenceFrom.set(a.sequenceFrom, e);
  out.sequenceTo.set(a.sequenceTo, e);
  out.sequenceKind.set(a.sequenceKind, e);
  at.passage += a.texts.length;
  at.entry += local.length;
}

/** Copies briefings `first…first + (end - b) - 1` of `from` in as briefings `b…end - 1`. */
function copyRun(
  out: Passages,
  at: { passage: number; entry: number },
  b: number,
  end: number,
  from: PassageIndex,
  first: number,
): void {
  const p = at.passage;
  const e = at.entry;
  const p0 = from.briefingFirst[first]!;
  const p1 = from.briefingFirst[first + (end - b)]!;
  const s0 = from.sequenceStart[p0]!;
  const s1 = from.sequenceStart[p1]!;
  // Copied with native fills and copies where the values stay as they were: this runs once per
  // reload, too seldom for the optimising compiler to have made a loop fast.
  const { briefingFirst, passageBriefing, sequenceStart, texts } = out;
  for (let k = b; k < end; k++) {
    const q0 = from.briefingFirst[first + k - b]!;
    briefingFirst[k] = p + q0 - p0;
    passageBriefing.fill(k, p + q0 - p0, p + from.briefingFirst[first + k - b + 1]! - p0);
  }
  sequenceStart.set(from.sequenceStart.subarray(p0, p1), p);
  const delta = e - s0;
  if (delta !== 0) for (let q = p; q < p + p1 - p0; q++) sequenceStart[q]! += delta;
  const fromTexts = from.texts;
  for (let q = p0; q < p1; q++) texts[p + q - p0] = fromTexts[q]!;
  out.passageOrdinal.set(from.passageOrdinal.subarray(p0, p1), p);
  out.passageFeatures.set(from.passageFeatures.subarray(p0, p1), p);
  out.sequence.set(from.sequence.subarray(s0, s1), e);
  out.sequenceFrom.set(from.sequenceFrom.subarray(s0, s1), e);
  out.sequenceTo.set(from.sequenceTo.subarray(s0, s1), e);
  out.sequenceKind.set(from.sequenceKind.subarray(s0, s1), e);
  at.passage += p1 - p0;
  at.entry += s1 - s0;
}

/**
 * The terms in order of first occurrence through the passages, what a build from scratch
 * assigns; terms no passage uses any more are dropped. `renumbered` maps source ids to these
 * (null when they are the same): the sequence is renumbered in {@link corpusArrays}.
 */
function canonicalTerms(
  sequence: Uint32Array,
  source: SourceTerms,
): { termIds: Map<string, number>; terms: number; renumbered: Int32Array | null } {
  const count = source.terms.length;
  const canonical = new Int32Array(count).fill(-1);
  const order = firstOccurrences(sequence, canonical);
  let identity = order.length === count;
  for (let c = 0; identity && c < order.length; c++) identity = order[c] === c;
  if (identity) return { termIds: source.ids, terms: count, renumbered: null };
  return {
    termIds: new Map(order.map((s, c) => [source.terms[s]!, c])),
    terms: order.length,
    renumbered: canonical,
  };
}

/** Fills `canonical` (source id → new id, -1 for unused) and returns the source ids in new order. */
function firstOccurrences(sequence: Uint32Array, canonical: Int32Array): number[] {
  const order: number[] = [];
  for (let i = 0; i < sequence.length; i++) {
    const s = sequence[i]!;
    if (canonical[s] === -1) {
      canonical[s] = order.length;
      order.push(s);
    }
  }
  return order;
}

/** Lengths, document frequencies, names and postings: everything derived across briefings. */
function corpusArrays(
  laid: Passages,
  terms: number,
  renumbered: Int32Array | null,
): Pick<
  Layout,
  'df' | 'nameTerm' | 'passageLength' | 'postingStart' | 'postingPassage' | 'postingTf' | 'averageLength'
> {
  const { sequence, sequenceStart, sequenceKind } = laid;
  const passages = sequenceStart.length - 1;
  const passageLength = new Uint16Array(passages);
  let totalLength = 0;
  for (let q = 0; q < passages; q++) {
    const length = sequenceStart[q + 1]! - sequenceStart[q]!;
    passageLength[q] = Math.min(length, 65535);
    totalLength += length;
  }
  const { df, nameTerm } = countTerms(sequence, sequenceStart, sequenceKind, terms, renumbered);
  const postingStart = new Uint32Array(terms + 1);
  for (let t = 0; t < terms; t++) postingStart[t + 1] = postingStart[t]! + df[t]!;
  const postingPassage = new Uint32Array(postingStart[terms]!);
  const postingTf = new Uint8Array(postingStart[terms]!);
  fillPostings(sequence, sequenceStart, postingStart, postingPassage, postingTf);
  return {
    df,
    nameTerm,
    passageLength,
    postingStart,
    postingPassage,
    postingTf,
    averageLength: passages ? totalLength / passages : 1,
  };
}

/**
 * Per term: the number of passages that contain it, and 1 when it occurs as a name somewhere and
 * never as a plain word; the sequence is renumbered on the way when `renumbered` is given. One
 * pass: this runs once per reload, too seldom for the optimising compiler to make passes cheap.
 */
function countTerms(
  sequence: Uint32Array,
  sequenceStart: Uint32Array,
  sequenceKind: Uint8Array,
  terms: number,
  renumbered: Int32Array | null,
): { df: Uint32Array; nameTerm: Uint8Array } {
  const df = new Uint32Array(terms);
  const asName = new Uint8Array(terms);
  const asPlain = new Uint8Array(terms);
  const lastSeen = new Int32Array(terms).fill(-1);
  const passages = sequenceStart.length - 1;
  for (let q = 0; q < passages; q++) {
    for (let i = sequenceStart[q]!, to = sequenceStart[q + 1]!; i < to; i++) {
      let t = sequence[i]!;
      if (renumbered) sequence[i] = t = renumbered[t]!;
      if (lastSeen[t] !== q) {
        lastSeen[t] = q;
        df[t]!++;
      }
      const kind = sequenceKind[i]!;
      if (kind === SequenceKind.Name) asName[t] = 1;
      else if (kind === SequenceKind.Plain) asPlain[t] = 1;
    }
  }
  for (let t = 0; t < terms; t++) asName[t] = asName[t]! & (asPlain[t]! ^ 1);
  return { df, nameTerm: asName };
}

/** Postings in passage order, with term frequencies (capped at 255). */
function fillPostings(
  sequence: Uint32Array,
  sequenceStart: Uint32Array,
  postingStart: Uint32Array,
  postingPassage: Uint32Array,
  postingTf: Uint8Array,
): void {
  const terms = postingStart.length - 1;
  const fill = postingStart.slice(0, terms);
  const lastSeen = new Int32Array(terms).fill(-1);
  const passages = sequenceStart.length - 1;
  for (let q = 0; q < passages; q++) {
    for (let i = sequenceStart[q]!, to = sequenceStart[q + 1]!; i < to; i++) {
      const t = sequence[i]!;
      if (lastSeen[t] !== q) {
        lastSeen[t] = q;
        postingPassage[fill[t]!] = q;
        postingTf[fill[t]!] = 1;
        fill[t]!++;
      } else {
        const at = fill[t]! - 1;
        if (postingTf[at]! < 255) postingTf[at]!++;
      }
    }
  }
}

function sameSynonyms(a: readonly string[][], b: readonly string[][]): boolean {
  return (
    a.length === b.length && a.every((g, i) => g.length === b[i]!.length && g.every((w, k) => w === b[i]![k]))
  );
}

/** Synonym groups as lemma → the group's other lemmas. */
export function buildThesaurus(groups: string[][]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const group of groups) {
    const lemmas = group.map((w) =>
      analyse(w)
        .tokens.map((t) => t.lemma)
        .join(' '),
    );
    for (const lemma of lemmas) {
      const others = lemmas.filter((l) => l !== lemma);
      out.set(lemma, [...new Set([...(out.get(lemma) ?? []), ...others])]);
    }
  }
  return out;
}
