import type { AliasEntity, EntityKind } from '../knowledge/types.js';
import { analyse, type Analysis, fold, isStopWord, type Token } from './nlp.js';

/** Sentence features matched against the question's type. */
export const Feature = {
  Person: 1,
  Place: 2,
  Organization: 4,
  Time: 8,
  Number: 16,
  /** A name followed by what it is: "X, the Assistant Secretary…", "X is…", "X serves as…". */
  Defines: 32,
  /** A year written out in figures ("2006"). */
  Year: 64,
  /** Part of a heading: the title of a section, not a statement (never quoted as an answer). */
  Heading: 128,
  /** Not the first sentence of its paragraph. */
  Continues: 256,
  /** Part of a list item. */
  Item: 512,
  /** Written right after the sentence before it, with no space between ("…via CBSSports." + "com…"). */
  Attached: 1024,
  /** An amount of money ("$1.2 billion", "5 million dollars", "€30m"). */
  Money: 2048,
  /** A percentage ("12 percent", "45%"). */
  Percent: 4096,
} as const;

/** A role shared ("co-founder", "co-MVP") or held before ("ex-minister"): the role is the part after the hyphen. */
const SHARED_OR_FORMER = /^(?:co|ex)-(\p{L}[\p{L}\p{N}]+)$/u;

/** Two numbers joined by a hyphen: a score or a range ("15-1", "2019-2021"). */
const NUMBER_RANGE = /^(\d+(?:[.,]\d+)?)-(\d+(?:[.,]\d+)?)$/;

/** Currencies written out after an amount ("5 million dollars"). */
const CURRENCY_WORDS =
  /^(dollars?|euros?|yen|yuan|renminbi|rubles?|roubles?|rupees?|francs?|pesos?|sterling)$/;

/** A year written in figures ("2006"), as a token's key. */
export const YEAR = /^(1[89]|20)\d\d$/;
/**
 * A number of three or four figures is a year when a word of time stands before it ("in 911",
 * "since 1066", "by 1204", "between 1000 and 1200"): YEAR alone reads only 1800–2099 as years,
 * and history asked "when…?" was declined for want of a time.
 */
const EARLY_YEAR = /^[1-9]\d{2,3}$/;
const YEAR_PREPOSITIONS = new Set([
  'in',
  'since',
  'until',
  'till',
  'by',
  'from',
  'before',
  'after',
  'around',
  'circa',
  'c.',
  'between',
  'during',
  'year',
]);
/** A decade ("1990s", "880s", "the '60s"). */
const DECADE = /^(?:[1-9]\d{1,2}0s|'\d0s)$/;
const ORDINAL = /^\d{1,2}(?:st|nd|rd|th)$/;
const CENTURY = /^(?:century|centuries)$/;

/** Whether the number at token `i` is a year by the word before it ("in 1066", "and 1100" after one). */
function historicYear(tokens: readonly Token[], i: number, from: number): boolean {
  if (!EARLY_YEAR.test(tokens[i]!.key)) return false;
  // "in 300 towns" counts towns.
  if (tokens[i + 1]?.pos === 'NOUN') return false;
  const before = tokens[i - 1];
  if (i - 1 < from || !before) return false;
  if (YEAR_PREPOSITIONS.has(before.key)) return true;
  // "between 1000 and 1200", "in 1066 and 1071"
  return (
    (before.key === 'and' || before.key === 'to' || before.key === '–' || before.key === '-') &&
    i - 2 >= from &&
    EARLY_YEAR.test(tokens[i - 2]!.key) &&
    historicYear(tokens, i - 2, from)
  );
}

/** A time of day as a clock shows it ("4:51", "13:05"), or time left on a game clock. */
const CLOCK = /^([01]?\d|2[0-3]):[0-5]\d$/;

const DEFINING_VERBS = new Set(['is', 'was', 'serves', 'served', 'remains', 'became']);

const KIND_FEATURE: Record<EntityKind, number> = {
  person: Feature.Person,
  place: Feature.Place,
  organization: Feature.Organization,
  other: 0,
};

/** A search term found in text, with the token range it came from. */
export interface TermOccurrence {
  term: string;
  /** Token range [from, to) in the analysis. */
  from: number;
  to: number;
  /** True for an alias entity ("#north_korea"). */
  entity: boolean;
  /** True for a proper noun or entity: a name, which must be matched as written. */
  name: boolean;
}

const SKIP_TYPES = new Set([
  'punctuation',
  'symbol',
  'emoji',
  'emoticon',
  'tabCRLF',
  'url',
  'email',
  'mention',
  'hashtag',
]);
const CONTENT = /[\p{L}\p{N}]/u;
/** A capital letter that may end a name ("Super Bowl V"): "I" and "A" are mostly words. */
const NAME_LETTER = /^[B-HJ-Z]$/;

/** True for tokens that can carry meaning (not punctuation, not a possessive "'s"). */
function isContent(t: Token): boolean {
  return CONTENT.test(t.key) && !t.key.startsWith("'") && !SKIP_TYPES.has(t.type);
}

/**
 * The term a plain token contributes, or null (stop word, punctuation, too short). An
 * abbreviation's full stop is no part of it: "Dr." and "Dr" meet. A single letter is too short,
 * unless it is a capital the tagger reads as part of a name ("Super Bowl V", "Plan B"; not "I",
 * nor "A").
 */
export function tokenTerm(t: Token): string | null {
  if (t.stop || !isContent(t)) return null;
  const term = t.lemma.replace(/^['-]+|['.-]+$/g, '');
  if (term.length < 2 && !/\d/.test(term) && !(t.pos === 'PROPN' && NAME_LETTER.test(t.value))) return null;
  return term;
}

/** The term an entity's occurrences become: "#" + folded canonical name. */
export function entityTerm(name: string): string {
  return (
    '#' +
    fold(name)
      .replace(/[^\p{L}\p{N}]+/gu, '_')
      .replace(/^_|_$/g, '')
  );
}

interface AliasNode {
  next: Map<string, AliasNode>;
  /** Entity index when a pattern ends here. */
  entity?: number;
  /** Exact written form required (aliases that are also common words, such as "US"). */
  exact?: string[];
}

/**
 * Finds alias entities in token sequences: longest match over content tokens, ignoring case,
 * hyphens and dots, so "Kim Jong-un" and "Kim Jong Un" meet, as do "U.S." and "US".
 */
export class AliasMatcher {
  private readonly root: AliasNode = { next: new Map() };
  /** Every word of every alias name ("pranay", "vaddi", "cosmodrome"), folded. */
  private readonly words = new Set<string>();
  readonly terms: string[];
  readonly features: number[];

  constructor(readonly entities: AliasEntity[]) {
    this.terms = entities.map((e) => entityTerm(e.name));
    this.features = entities.map((e) => KIND_FEATURE[e.kind]);
    entities.forEach((entity, index) => {
      for (const name of [entity.name, ...entity.aliases]) this.add(name, index);
    });
  }

  private add(name: string, entity: number): void {
    const tokens = analyse(name).tokens.filter(isContent);
    if (tokens.length === 0) return;
    let node = this.root;
    for (const t of tokens) this.words.add(t.key);
    for (const t of tokens) {
      let child = node.next.get(t.key);
      if (!child) node.next.set(t.key, (child = { next: new Map() }));
      node = child;
    }
    node.entity = entity;
    // A one-word alias that is also a common word ("US" vs "us") must be written as in the file.
    const only = tokens[0]!;
    if (tokens.length === 1 && (only.stop || isStopWord(only.key))) {
      (node.exact ??= []).push(only.value.replace(/[.\u00b7]/g, ''));
    } else if (node.exact && tokens.length === 1) {
      node.exact = undefined; // another alias allows any case
    }
  }

  /** One-word names and the entity term each stands for ("kritenbrink" → "#daniel_kritenbrink"). */
  singleWordNames(): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (const [key, node] of this.root.next) {
      if (node.entity !== undefined && !node.exact && key.length >= 4)
        out.push([key, this.terms[node.entity]!]);
    }
    return out;
  }

  /** True when `key` (folded, no dots) is a word of some alias name ("pranay" of "Pranay Vaddi"). */
  hasWord(key: string): boolean {
    return this.words.has(key);
  }

  /** True when `key` (folded, no dots) is a one-word name of an entity ("vaddi", "dprk"). */
  isSingleWordName(key: string): boolean {
    return this.root.next.get(key)?.entity !== undefined;
  }

  /**
   * How many words of `keys` (folded, no dots), from `i`, make the longest name of two words or
   * more ("kim jong un"), or 0.
   */
  phraseLength(keys: readonly string[], i: number): number {
    let node: AliasNode | undefined = this.root;
    let best = 0;
    for (let j = i; j < keys.length && node; j++) {
      node = node.next.get(keys[j]!);
      if (node?.entity !== undefined && j > i) best = j - i + 1;
    }
    return best;
  }

  /**
   * Longest alias match starting at content token `i` of `content`; returns the entity index and
   * how many content tokens it spans, or null.
   */
  match(content: Token[], i: number): { entity: number; length: number } | null {
    let node: AliasNode | undefined = this.root;
    let best: { entity: number; length: number } | null = null;
    for (let j = i; j < content.length && node; j++) {
      node = node.next.get(content[j]!.key);
      if (node?.entity !== undefined) {
        const written = content[j]!.value.replace(/[.\u00b7]/g, '');
        if (!node.exact || j > i || node.exact.includes(written))
          best = { entity: node.entity, length: j - i + 1 };
      }
    }
    return best;
  }
}

/** Terms and features of a token range (a sentence, or a whole question). */
export interface RangeTerms {
  occurrences: TermOccurrence[];
  features: number;
}

/** Words after which a capitalised name is usually a place: "in Seoul", "at Levi's Stadium". */
const PLACE_PREPOSITIONS = new Set(['in', 'at', 'near', 'from', 'to', 'across', 'outside', 'inside']);

/**
 * Extracts the search terms of tokens [from, to) of an analysis, with alias entities applied.
 * With `constituents` (for briefing text), the words of a multi-word name are terms too, after
 * it: "National Security Council" is the entity and also "national", "security", "council", so a
 * question that says "the council" still meets it.
 */
export function extractTerms(
  analysis: Analysis,
  from: number,
  to: number,
  aliases: AliasMatcher,
  constituents = false,
): RangeTerms {
  const { tokens } = analysis;
  const contentIdx: number[] = [];
  for (let i = from; i < to; i++) if (isContent(tokens[i]!)) contentIdx.push(i);
  const content = contentIdx.map((i) => tokens[i]!);
  const occurrences: TermOccurrence[] = [];
  let features = 0;
  let propnRun = 0;
  for (let c = 0; c < content.length; c++) {
    const m = aliases.match(content, c);
    if (m) {
      occurrences.push({
        term: aliases.terms[m.entity]!,
        from: contentIdx[c]!,
        to: contentIdx[c + m.length - 1]! + 1,
        entity: true,
        name: true,
      });
      features |= aliases.features[m.entity]!;
      if (constituents && m.length > 1) {
        for (let k = c; k < c + m.length; k++) {
          const term = tokenTerm(content[k]!);
          if (term !== null)
            occurrences.push({
              term,
              from: contentIdx[k]!,
              to: contentIdx[k]! + 1,
              entity: false,
              name: true,
            });
        }
      }
      const after = contentIdx[c + m.length - 1]! + 1;
      const next = tokens[after];
      if (
        next &&
        ((next.value === ',' && /^(the|a|an)$/.test(tokens[after + 1]?.key ?? '')) ||
          DEFINING_VERBS.has(next.key))
      )
        features |= Feature.Defines;
      c += m.length - 1;
      propnRun = 0;
      continue;
    }
    const t = content[c]!;
    propnRun = t.pos === 'PROPN' ? propnRun + 1 : 0;
    if (propnRun >= 2) features |= Feature.Person;
    if (propnRun === 1 && /^\p{Lu}/u.test(t.value)) {
      // "in Seoul", "at Levi's Stadium", "in the San Francisco Bay Area"
      let k = contentIdx[c]! - 1;
      if (tokens[k]?.key === 'the') k--;
      if (k >= from && PLACE_PREPOSITIONS.has(tokens[k]!.key)) features |= Feature.Place;
    }
    if (t.type === 'number' || t.pos === 'NUM')
      features |=
        YEAR.test(t.key) || historicYear(tokens, contentIdx[c]!, from)
          ? Feature.Time | Feature.Year
          : CLOCK.test(t.key)
            ? Feature.Time | Feature.Number
            : Feature.Number;
    // "the 10th century", "the 880s": a time, if no year.
    if (DECADE.test(t.key) || (ORDINAL.test(t.key) && CENTURY.test(tokens[contentIdx[c]! + 1]?.key ?? '')))
      features |= Feature.Time;
    const term = tokenTerm(t);
    if (term === null) continue;
    // A score or a range, "15-1" or "2019-2021", is its numbers, as "15–1" (with a dash the
    // tokenizer splits on) is: either way of writing it meets the other.
    const range = NUMBER_RANGE.exec(term);
    if (range) {
      for (const part of [range[1]!, range[2]!])
        occurrences.push({
          term: part,
          from: contentIdx[c]!,
          to: contentIdx[c]! + 1,
          entity: false,
          name: false,
        });
      continue;
    }
    occurrences.push({
      term,
      from: contentIdx[c]!,
      to: contentIdx[c]! + 1,
      entity: false,
      name: t.pos === 'PROPN',
    });
    // A "co-founder" is a founder, an "ex-minister" a minister (then): in briefing text, the role
    // is a term too, so "who was the MVP" meets "co-MVP".
    const role = constituents ? SHARED_OR_FORMER.exec(term) : null;
    if (role)
      occurrences.push({
        term: role[1]!,
        from: contentIdx[c]!,
        to: contentIdx[c]! + 1,
        entity: false,
        name: t.pos === 'PROPN',
      });
  }
  for (let i = from; i < to; i++) {
    const t = tokens[i]!;
    if (t.type === 'currency' || CURRENCY_WORDS.test(t.key)) features |= Feature.Money;
    else if (t.key === '%' || t.key === 'percent') features |= Feature.Percent;
  }
  for (const e of analysis.entities) {
    if (e.from < from || e.to > to) continue;
    if (e.type === 'DATE' || e.type === 'DURATION' || e.type === 'TIME') features |= Feature.Time;
    else if (e.type === 'CARDINAL' || e.type === 'MONEY' || e.type === 'PERCENT' || e.type === 'ORDINAL')
      features |=
        Feature.Number | (e.type === 'MONEY' ? Feature.Money : e.type === 'PERCENT' ? Feature.Percent : 0);
  }
  return { occurrences, features };
}
