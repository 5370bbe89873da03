/**
 * Questions that say where to look: "what did Coast Radio report about the ferries", "according
 * to the Saltmere Gazette, when do the works start", "what does TASS say about Kim". People ask
 * news by its outlet; the outlet is the briefing's `source`, not a word of its text, so without
 * this the name is a word the briefings "never mention" and the question is declined.
 *
 * A name in a question scopes it to the briefings whose source gives that name when it tells them
 * apart: some briefings have other sources, and the briefings' text writes the name (if at all)
 * only in those briefings. "US", in a source "TASS and official briefings by US government
 * channels", is no scope: every briefing's text names the US. Only the scoped briefings'
 * passages are retrieved; the name's words leave the question when no text writes them, and
 * otherwise (like words for the document itself: "report", "article", "briefing") weigh as the
 * words of an attribution do.
 *
 * Source names are the runs of capitalised words in the `source` fields ("Saltmere Gazette",
 * "U.S. Department of State") and the runs within them ("Department of State"). A single word
 * that is a common English word ("Gazette", "Radio") and that the text writes counts only when the
 * question capitalises it (not as its first word); a name that is part of a longer name the
 * question writes ("Department" of "State Department") is not that name.
 */
import type { QuestionTerm } from './question.js';

/** The words of a name or a question, as matched: folded, acronym stops dropped ("U.S." → "us"). */
export function nameWords(text: string): string[] {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/(?<![\p{L}\p{N}])(?:\p{L}\.){2,}/gu, (initials) => initials.replace(/\./g, ''))
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** Little words that may stand inside a source's name ("Department *of* State", "Voice *of* America"). */
const CONNECTORS = new Set(['of', 'de', 'the', 'for', 'on', '&']);
/** Longest name matched, in words. */
const MAX_NAME_WORDS = 6;
/** A name written in more passages than this is what the briefings are about, not where they come from. */
const MAX_TEXT_MENTIONS = 100;
/** Words for a briefing itself: with a source named, they say where to look, not what to find. */
export const DOCUMENT_WORDS = new Set([
  'news',
  'update',
  'headline',
  'report',
  'reporting',
  'article',
  'briefing',
  'story',
  'piece',
  'coverage',
  'bulletin',
  'write',
  'publish',
]);

/** The source names of each briefing's `source` field: runs of capitalised words, and the runs within them. */
export function sourceNames(source: string): string[] {
  return [...sourceNameForms(source).keys()];
}

/** The source names of a `source` field (as matched), each with its words as the field writes them ("Coast Radio"). */
function sourceNameForms(source: string): Map<string, string> {
  const tokens = source.split(/\s+/).filter(Boolean);
  const names = new Map<string, string>();
  let run: string[] = [];
  const flush = () => {
    // Trailing connectors are not part of a name ("…of").
    while (run.length && CONNECTORS.has(run[run.length - 1]!.toLowerCase())) run.pop();
    for (let i = 0; i < run.length; i++) {
      if (CONNECTORS.has(run[i]!.toLowerCase())) continue;
      for (let j = i + 1; j <= run.length && j - i <= MAX_NAME_WORDS; j++) {
        if (CONNECTORS.has(run[j - 1]!.toLowerCase())) continue;
        const written = run.slice(i, j).join(' ');
        const words = nameWords(written);
        const key = words.join(' ');
        if (
          words.length &&
          words.length <= MAX_NAME_WORDS &&
          words.some((w) => /\p{L}/u.test(w)) &&
          !names.has(key)
        )
          names.set(key, written);
      }
    }
    run = [];
  };
  for (const raw of tokens) {
    // An opening bracket or quote starts a new name; a comma, a colon, a closing bracket or a
    // full stop (not that of initials, "U.S.") ends one.
    if (/^[([{"'“‘]/.test(raw)) flush();
    const token = raw.replace(/^[([{"'“‘]+/, '').replace(/[)\]}"'”’,;:!?]+$/, '');
    if (/^[\p{Lu}\p{N}]/u.test(token) || (run.length && CONNECTORS.has(token.toLowerCase()))) run.push(token);
    else flush();
    if (/[,;:)\]}!?]["'”’]*$/.test(raw) || (/\.$/.test(token) && !/(?:\p{L}\.){2,}$/u.test(token))) flush();
  }
  flush();
  return names;
}

/** Where the briefings' text writes a name: how many passages, and which briefings (when few enough to list). */
export interface NameMentions {
  total: number;
  briefings: readonly number[];
}

/** What scoping needs of the engine. */
export interface ScopeSource {
  /** Each briefing's `source` field, by briefing number. */
  sources: readonly string[];
  /** The passages whose text writes these words as a phrase (up to `limit` of them listed). */
  mentions(words: readonly string[], limit: number): NameMentions;
  /** How an English dictionary knows a word: a common word ("gazette") needs a capital to name a source. */
  isCommonWord(word: string): boolean;
}

/** A question's scope: the briefings to look in, and the question's terms without the words that named them. */
export interface Scope {
  /** The source names found, as matched ("coast radio"). */
  names: string[];
  /** The same, as the briefings' source fields write them ("Coast Radio"). */
  shown: string[];
  /** Per briefing number: 1 when the question is to be answered from it. */
  briefings: Uint8Array;
  /** The question's terms: less the name's words when no text writes them, and those and words for the document as attribution. */
  terms: QuestionTerm[];
  /** True when the source was named by the question before, which this one follows up on (`text` was that question). */
  fromContext?: boolean;
}

/** Finds source names in questions. Built once per index; names are checked against the text on first use. */
export class SourceScopes {
  /** Each source name, with the briefings whose source gives it. */
  private readonly byName = new Map<string, number[]>();
  /** Each source name as the first source field giving it writes it ("Coast Radio"). */
  private readonly written = new Map<string, string>();
  /** Whether a name tells its briefings apart (see the module comment), once worked out. */
  private readonly distinct = new Map<string, Apart>();
  /** The first word of each source name: a question word that is none starts no name. */
  private readonly firstWords = new Set<string>();

  constructor(private readonly source: ScopeSource) {
    // Many briefings share a source (an outlet's feed): each distinct field is read once.
    const forms = new Map<string, Map<string, string>>();
    source.sources.forEach((text, b) => {
      let names = forms.get(text);
      if (!names) forms.set(text, (names = sourceNameForms(text)));
      for (const [name, written] of names) {
        if (!this.written.has(name)) this.written.set(name, written);
        const list = this.byName.get(name);
        if (!list) this.byName.set(name, [b]);
        else if (list[list.length - 1] !== b) list.push(b);
      }
    });
    for (const name of this.byName.keys()) this.firstWords.add(name.split(' ')[0]!);
  }

  /**
   * The scope of a question (`text` as analysed, with its `terms`), or undefined when it names no
   * source that tells briefings apart. With `fromContext`, `text` is the question before, which
   * this one follows up on: its source is this one's too.
   */
  find(
    text: string,
    terms: readonly QuestionTerm[],
    nameRuns: readonly string[] = [],
    fromContext = false,
  ): Scope | undefined {
    if (!this.byName.size) return undefined;
    const tokens = text.split(/[^\p{L}\p{N}.&]+/u).filter(Boolean);
    const words: string[] = [];
    const capitalised: boolean[] = [];
    for (const token of tokens)
      for (const w of nameWords(token)) {
        words.push(w);
        // (The first word's capital is the sentence's, not a name's: "News about the ferries?")
        capitalised.push(words.length > 1 && /^[\p{Lu}\p{N}]/u.test(token));
      }
    const used = new Uint8Array(words.length);
    const names: string[] = [];
    let briefings: Uint8Array | undefined;
    for (let n = Math.min(MAX_NAME_WORDS, words.length); n >= 1; n--)
      for (let i = 0; i + n <= words.length; i++) {
        // (Most questions name no source: the first-word test spares building every run.)
        if (!this.firstWords.has(words[i]!)) continue;
        const taken = used.indexOf(1, i);
        if (taken >= 0 && taken < i + n) continue;
        const name = words.slice(i, i + n).join(' ');
        const owners = this.byName.get(name);
        if (!owners) continue;
        // Part of a longer name the question uses is not that name ("Department" of "State Department").
        if (partOfLongerName(words.slice(i, i + n), terms, nameRuns)) continue;
        const apart = this.tellsApart(name, owners);
        // A common word typed in lower case names the source only if the text never writes it:
        // "the gazette" is the paper when no briefing says "gazette", "news" is the word.
        if (
          apart === 'no' ||
          (apart === 'written' && n === 1 && !capitalised[i] && this.source.isCommonWord(name))
        )
          continue;
        used.fill(1, i, i + n);
        names.push(name);
        briefings ??= new Uint8Array(this.source.sources.length);
        for (const b of owners) briefings[b] = 1;
      }
    if (!briefings) return undefined;
    // A name the text never writes has nothing to match: it leaves the question. One the scoped
    // briefings write ("TASS", in "…reported by TASS") and the words for the document stay, as
    // words of an attribution (weighed lower, never "missing"): the scope already says where.
    const unwritten = new Set(
      names.filter((name) => this.distinct.get(name) === 'unwritten').flatMap((n) => n.split(' ')),
    );
    const written = new Set(
      names.filter((name) => this.distinct.get(name) === 'written').flatMap((n) => n.split(' ')),
    );
    const within = (t: QuestionTerm, words: Set<string>) => nameWords(t.surface).every((w) => words.has(w));
    // Nor is the source a speaker to find in a sentence ("what did TASS report about Kim"): every
    // sentence of its briefings is what it reports.
    const kept: QuestionTerm[] = [];
    for (const t of terms) {
      if (t.own && within(t, unwritten)) continue;
      if (t.own && (DOCUMENT_WORDS.has(t.term) || within(t, written))) {
        const { speaker: _speaker, ...rest } = t;
        kept.push({ ...rest, part: 'attribution' });
      } else kept.push(t);
    }
    return {
      names,
      shown: names.map((name) => this.written.get(name) ?? name),
      briefings,
      terms: kept,
      ...(fromContext ? { fromContext } : {}),
    };
  }

  /**
   * Whether a source name tells its briefings from the rest (see the module comment): `no`, or
   * yes and the text never writes it (`unwritten`), or yes and the text writes it, in those
   * briefings only (`written`).
   */
  private tellsApart(name: string, owners: readonly number[]): Apart {
    let known = this.distinct.get(name);
    if (known === undefined) {
      known = 'no';
      if (owners.length < this.source.sources.length) {
        const mentions = this.source.mentions(name.split(' '), MAX_TEXT_MENTIONS);
        const own = new Set(owners);
        if (mentions.total === 0) known = 'unwritten';
        else if (mentions.total <= MAX_TEXT_MENTIONS && mentions.briefings.every((b) => own.has(b)))
          known = 'written';
      }
      this.distinct.set(name, known);
    }
    return known;
  }
}

type Apart = 'no' | 'unwritten' | 'written';

/** Whether these words are some, not all, of the words of one of the question's names (or runs of capitalised words). */
function partOfLongerName(
  words: readonly string[],
  terms: readonly QuestionTerm[],
  nameRuns: readonly string[],
): boolean {
  const longer = (name: string) => {
    const own = nameWords(name);
    return own.length > words.length && words.every((w) => own.includes(w));
  };
  return terms.some((t) => t.name && longer(t.surface)) || nameRuns.some(longer);
}
