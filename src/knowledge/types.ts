/** A briefing as loaded from `knowledge/<id>.md`. */
export interface Briefing {
  /** The file name without `.md`: a stable id. */
  id: string;
  /**
   * Path of the file, relative to the knowledge folder, or `<importDir>/<file>` for an imported
   * one (for error messages).
   */
  file: string;
  title: string;
  /** The attribution the article gives. */
  source: string;
  /** ISO date `YYYY-MM-DD`, when known. */
  date?: string;
  url?: string;
  /** Extra names for this briefing, matched by `/briefing` look-ups. */
  aliases: string[];
  /** Plain-text paragraphs of the body, Markdown removed. */
  paragraphs: string[];
  /** Which of `paragraphs` are headings (ascending indices); none when absent. */
  headings?: number[];
  /** Which of `paragraphs` are list items (ascending indices); none when absent. */
  items?: number[];
}

/** What an entity is; matched against the question's type ("who" → person, "where" → place). */
export type EntityKind = 'person' | 'place' | 'organization' | 'other';

/** One entry of `knowledge/aliases.yaml`: a canonical name and the other names people use for it. */
export interface AliasEntity {
  name: string;
  kind: EntityKind;
  aliases: string[];
}

/** Everything the engine is built from. */
export interface Knowledge {
  dir: string;
  briefings: Briefing[];
  entities: AliasEntity[];
  /** Groups of words that mean the same in these briefings (from `synonyms:` in the alias file). */
  synonyms: string[][];
  /** Chat language of this folder (`chat-language.yaml`): added to the defaults in `lexicon/`. */
  chatWords: Record<string, string>;
}
