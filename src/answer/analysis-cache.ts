import type { AliasEntity } from '../knowledge/types.js';
import { analyse, correctNameTags } from './nlp.js';
import type { PassageIndex } from './passage-index.js';
import { type AliasMatcher, extractTerms, Feature } from './terms.js';

/**
 * A briefing's wink-nlp analysis, reduced to what the index keeps of it: its passages (one per
 * sentence) with their terms in order, where each term's words are in the passage (for
 * highlights), whether it was written as a name, and the passage's answer-type features. Term
 * ids are local to the briefing (`terms[id]`); the index maps them to its own when it lays the
 * briefing out. Computing one is the expensive part of indexing (wink-nlp); everything the index
 * derives across briefings (term ids, document frequencies, postings, names) is cheap from these.
 */
export interface BriefingAnalysis {
  /** Local term id → term, in order of first occurrence. */
  terms: string[];
  /** Per passage: its text, verbatim (trimmed). */
  texts: string[];
  /** Per passage: `Feature` bits. */
  features: Uint16Array;
  /** Passage p's entries are `[sequenceStart[p], sequenceStart[p + 1])` of the arrays below. */
  sequenceStart: Uint32Array;
  /** Per entry: local term id. */
  sequence: Uint32Array;
  /** Per entry: where the term's words start and end in the passage text. */
  sequenceFrom: Uint16Array;
  sequenceTo: Uint16Array;
  /** Per entry: see {@link SequenceKind}. */
  sequenceKind: Uint8Array;
}

/**
 * How a term was written at one occurrence: a term is a name in the index when it occurs as one
 * somewhere and never as a plain word. A capitalised word opening a sentence is tagged a name
 * whatever it is ("Officials said…"): it says nothing either way.
 */
export const SequenceKind = { Neither: 0, Name: 1, Plain: 2 } as const;

/**
 * Runs wink-nlp over a briefing's paragraphs and extracts its passages' terms, aliases applied;
 * the passages of the paragraphs listed in `headings` are marked `Feature.Heading`, those of
 * `items` `Feature.Item`.
 */
export function analyseBriefing(
  paragraphs: readonly string[],
  aliases: AliasMatcher,
  headings: readonly number[] = [],
  items: readonly number[] = [],
): BriefingAnalysis {
  const isHeading = new Set(headings);
  const isItem = new Set(items);
  const localIds = new Map<string, number>();
  const terms: string[] = [];
  const texts: string[] = [];
  const features: number[] = [];
  const sequenceStart: number[] = [];
  const sequence: number[] = [];
  const sequenceFrom: number[] = [];
  const sequenceTo: number[] = [];
  const sequenceKind: number[] = [];
  const analyses = paragraphs.map((paragraph) => analyse(paragraph));
  correctNameTags(analyses);
  paragraphs.forEach((paragraph, at) => {
    const analysis = analyses[at]!;
    let continues = 0;
    for (const sentence of analysis.sentences) {
      const text = paragraph.slice(sentence.start, sentence.end).trim();
      if (!text) continue;
      const found = extractTerms(analysis, sentence.from, sentence.to, aliases, true);
      sequenceStart.push(sequence.length);
      for (const o of found.occurrences) {
        let id = localIds.get(o.term);
        if (id === undefined) {
          id = terms.length;
          localIds.set(o.term, id);
          terms.push(o.term);
        }
        sequence.push(id);
        sequenceKind.push(
          o.from === sentence.from && !o.entity
            ? SequenceKind.Neither
            : o.name
              ? SequenceKind.Name
              : SequenceKind.Plain,
        );
        sequenceFrom.push(Math.min(65535, analysis.tokens[o.from]!.start - sentence.start));
        sequenceTo.push(Math.min(65535, analysis.tokens[o.to - 1]!.end - sentence.start));
      }
      features.push(
        found.features |
          (isHeading.has(at) ? Feature.Heading : 0) |
          (isItem.has(at) ? Feature.Item : 0) |
          continues |
          (continues && !/\s/.test(paragraph[sentence.start - 1] ?? ' ') ? Feature.Attached : 0),
      );
      continues = Feature.Continues;
      texts.push(text);
    }
  });
  sequenceStart.push(sequence.length);
  return {
    terms,
    texts,
    features: Uint16Array.from(features),
    sequenceStart: Uint32Array.from(sequenceStart),
    sequence: Uint32Array.from(sequence),
    sequenceFrom: Uint16Array.from(sequenceFrom),
    sequenceTo: Uint16Array.from(sequenceTo),
    sequenceKind: Uint8Array.from(sequenceKind),
  };
}

/**
 * The analyses an index already holds, found by the content hash of the file each briefing was
 * read from: a reload or a start from a saved index analyses only briefings whose content is new,
 * and copies the others' passages from here. The index's own arrays are the cache, so it costs
 * no memory beyond a map of hashes. Analyses depend on the alias entities (they become terms):
 * they are reused only under the same entities ({@link fits}).
 */
export class AnalysisCache {
  private readonly byHash = new Map<string, number>();

  /**
   * @param index the index holding the analyses
   * @param hashes per briefing of `index`: the content hash of its file
   */
  constructor(
    readonly index: PassageIndex,
    hashes: ReadonlyArray<string | undefined>,
  ) {
    hashes.forEach((hash, b) => {
      if (hash !== undefined && !this.byHash.has(hash)) this.byHash.set(hash, b);
    });
  }

  /** The cache of an index whose briefings' files had these content hashes (file name → hash). */
  static fromFiles(index: PassageIndex, files: Readonly<Record<string, string>>): AnalysisCache {
    return new AnalysisCache(
      index,
      index.briefings.map((b) => files[b.file]),
    );
  }

  /** The briefing of {@link index} analysed from a file with this content hash, if any. */
  find(hash: string): number | undefined {
    return this.byHash.get(hash);
  }

  /** Whether analyses made with the index's entities hold for these. */
  fits(entities: readonly AliasEntity[]): boolean {
    return sameEntities(this.index.entities, entities);
  }
}

/** Whether two entity lists are the same, in the same order (term ids depend on both). */
export function sameEntities(a: readonly AliasEntity[], b: readonly AliasEntity[]): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => {
      const y = b[i]!;
      return (
        x.name === y.name &&
        x.kind === y.kind &&
        x.aliases.length === y.aliases.length &&
        x.aliases.every((alias, k) => alias === y.aliases[k])
      );
    })
  );
}
