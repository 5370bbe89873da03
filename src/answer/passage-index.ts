import type { Briefing, Knowledge } from '../knowledge/types.js';
import { analyse } from './nlp.js';
import { AliasMatcher, extractTerms } from './terms.js';

/**
 * The searchable form of the knowledge: one passage per sentence, term ids in order per
 * passage (for proximity), and posting lists in compressed-sparse-row form (term → passages,
 * term frequencies) over typed arrays, so that scoring touches no per-sentence objects.
 */
/** What the index keeps of a briefing: everything but the body, which lives on as passages. */
export type BriefingInfo = Omit<Briefing, 'paragraphs'>;

export interface PassageIndex {
  briefings: BriefingInfo[];
  /** The alias entities and synonym groups the index was built with. */
  entities: Knowledge['entities'];
  synonyms: Knowledge['synonyms'];
  /** The knowledge folder's own chat language (added to the defaults). */
  chatWords: Knowledge['chatWords'];
  /** Term string → id. Entity terms start with "#". */
  termIds: Map<string, number>;
  /** Per term: the number of passages that contain it. */
  df: Uint32Array;
  /** Per term: true when it only ever occurs as a name (an entity or proper noun). */
  nameTerm: Uint8Array;
  /** Per passage. */
  passageBriefing: Uint32Array;
  passageOrdinal: Uint32Array;
  passageLength: Uint16Array;
  passageFeatures: Uint8Array;
  /** Passage p's term ids are `sequence[sequenceStart[p] .. sequenceStart[p + 1])`. */
  sequenceStart: Uint32Array;
  sequence: Uint32Array;
  /** Per entry of `sequence`: where the term's words start and end in the passage text (for bold). */
  sequenceFrom: Uint16Array;
  sequenceTo: Uint16Array;
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

/**
 * Analyses every briefing with wink-nlp and builds the index.
 *
 * @example
 * const index = buildPassageIndex(await loadKnowledge('knowledge'));
 * index.texts.length; // number of sentences
 */
export function buildPassageIndex(knowledge: Knowledge, options: BuildOptions = {}): PassageIndex {
  const builder = new IndexBuilder(knowledge);
  knowledge.briefings.forEach((briefing, b) => {
    builder.add(briefing);
    if ((b + 1) % 500 === 0) options.onProgress?.(b + 1, knowledge.briefings.length);
  });
  return builder.finish();
}

/**
 * {@link buildPassageIndex} that hands the event loop back every few briefings, so a bot
 * rebuilding its index in the background keeps answering (and acknowledging within 3 s).
 */
export async function buildPassageIndexInBackground(
  knowledge: Knowledge,
  options: BuildOptions = {},
): Promise<PassageIndex> {
  const builder = new IndexBuilder(knowledge);
  for (let b = 0; b < knowledge.briefings.length; b++) {
    builder.add(knowledge.briefings[b]!);
    if ((b + 1) % 10 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    if ((b + 1) % 500 === 0) options.onProgress?.(b + 1, knowledge.briefings.length);
  }
  return builder.finish();
}

/** Accumulates analysed briefings, one at a time; `finish` lays out the typed arrays. */
class IndexBuilder {
  private readonly aliases: AliasMatcher;
  private readonly termIds = new Map<string, number>();
  private readonly nameCount: number[] = [];
  private readonly plainCount: number[] = [];
  private readonly passageBriefing: number[] = [];
  private readonly passageOrdinal: number[] = [];
  private readonly passageFeatures: number[] = [];
  private readonly sequenceStart: number[] = [];
  private readonly sequence: number[] = [];
  private readonly sequenceFrom: number[] = [];
  private readonly sequenceTo: number[] = [];
  private readonly texts: string[] = [];
  private readonly briefingFirst: number[] = [];

  constructor(private readonly knowledge: Knowledge) {
    this.aliases = new AliasMatcher(knowledge.entities);
  }

  add(briefing: Briefing): void {
    const { aliases, termIds, nameCount, plainCount, sequence, sequenceFrom, sequenceTo, texts } = this;
    const b = this.briefingFirst.length;
    this.briefingFirst.push(texts.length);
    let ordinal = 0;
    for (const paragraph of briefing.paragraphs) {
      const analysis = analyse(paragraph);
      for (const sentence of analysis.sentences) {
        const text = paragraph.slice(sentence.start, sentence.end).trim();
        if (!text) continue;
        const { occurrences, features } = extractTerms(analysis, sentence.from, sentence.to, aliases, true);
        this.sequenceStart.push(sequence.length);
        for (const o of occurrences) {
          let id = termIds.get(o.term);
          if (id === undefined) {
            id = termIds.size;
            termIds.set(o.term, id);
            nameCount.push(0);
            plainCount.push(0);
          }
          // A capitalised word opening a sentence is tagged a name whatever it is ("Officials
          // said…"): it says nothing either way.
          if (o.from === sentence.from && !o.entity) {
            // neither a name nor a plain word
          } else if (o.name) nameCount[id]!++;
          else plainCount[id]!++;
          sequence.push(id);
          sequenceFrom.push(Math.min(65535, analysis.tokens[o.from]!.start - sentence.start));
          sequenceTo.push(Math.min(65535, analysis.tokens[o.to - 1]!.end - sentence.start));
        }
        this.passageBriefing.push(b);
        this.passageOrdinal.push(ordinal++);
        this.passageFeatures.push(features);
        texts.push(text);
      }
    }
  }

  finish(): PassageIndex {
    const {
      knowledge,
      aliases,
      termIds,
      nameCount,
      plainCount,
      passageBriefing,
      passageOrdinal,
      passageFeatures,
    } = this;
    const { sequenceStart, sequence, sequenceFrom, sequenceTo, texts, briefingFirst } = this;
    briefingFirst.push(texts.length);
    sequenceStart.push(sequence.length);

    const passages = texts.length;
    const terms = termIds.size;
    const seq = Uint32Array.from(sequence);
    const starts = Uint32Array.from(sequenceStart);
    const length = new Uint16Array(passages);
    // Count distinct terms per passage (df) and postings per term.
    const df = new Uint32Array(terms);
    const lastSeen = new Int32Array(terms).fill(-1);
    let totalLength = 0;
    for (let p = 0; p < passages; p++) {
      const from = starts[p]!;
      const to = starts[p + 1]!;
      length[p] = Math.min(to - from, 65535);
      totalLength += to - from;
      for (let i = from; i < to; i++) {
        const t = seq[i]!;
        if (lastSeen[t] !== p) {
          lastSeen[t] = p;
          df[t]!++;
        }
      }
    }
    const postingStart = new Uint32Array(terms + 1);
    for (let t = 0; t < terms; t++) postingStart[t + 1] = postingStart[t]! + df[t]!;
    const fill = postingStart.slice(0, terms);
    const postingPassage = new Uint32Array(postingStart[terms]!);
    const postingTf = new Uint8Array(postingStart[terms]!);
    lastSeen.fill(-1);
    for (let p = 0; p < passages; p++) {
      for (let i = starts[p]!; i < starts[p + 1]!; i++) {
        const t = seq[i]!;
        if (lastSeen[t] !== p) {
          lastSeen[t] = p;
          postingPassage[fill[t]!] = p;
          postingTf[fill[t]!] = 1;
          fill[t]!++;
        } else {
          const at = fill[t]! - 1;
          if (postingTf[at]! < 255) postingTf[at]!++;
        }
      }
    }
    const nameTerm = new Uint8Array(terms);
    for (let t = 0; t < terms; t++) nameTerm[t] = nameCount[t]! > 0 && plainCount[t] === 0 ? 1 : 0;

    return {
      briefings: knowledge.briefings.map(({ paragraphs: _body, ...info }) => info),
      entities: knowledge.entities,
      synonyms: knowledge.synonyms,
      chatWords: knowledge.chatWords,
      termIds,
      df,
      nameTerm,
      passageBriefing: Uint32Array.from(passageBriefing),
      passageOrdinal: Uint32Array.from(passageOrdinal),
      passageLength: length,
      passageFeatures: Uint8Array.from(passageFeatures),
      sequenceStart: starts,
      sequence: seq,
      sequenceFrom: Uint16Array.from(sequenceFrom),
      sequenceTo: Uint16Array.from(sequenceTo),
      texts,
      briefingFirst: Uint32Array.from(briefingFirst),
      postingStart,
      postingPassage,
      postingTf,
      averageLength: passages ? totalLength / passages : 1,
      aliases,
      thesaurus: buildThesaurus(knowledge.synonyms),
    };
  }
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
