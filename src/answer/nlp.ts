import winkNLP, { type ItsFunction } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

/**
 * The one wink-nlp instance (loading the model takes ~100 ms; share it). Its pipe is what the
 * engine reads: sentences, parts of speech (and with them lemmas) and entities; negation and
 * sentiment, which nothing reads, are left out (a tenth of wink's time on a large folder; every
 * token, lemma, tag, sentence and entity the same: `tests/answer/nlp.test.ts`).
 */
export const nlp = winkNLP(model, ['sbd', 'pos', 'ner']);
export const its = nlp.its;

/** Whether wink-nlp holds a word, read on its own, as a stop word ("us", "the", "alone"). */
export function isStopWord(word: string): boolean {
  return Boolean(nlp.readDoc(word).tokens().out(nlp.its.stopWordFlag)[0]);
}

/** A character beyond printable ASCII: only a string with one has accents, typographic quotes or dashes to fold. */
const NON_ASCII = /[^ -~\t\n\r]/;

/** Folds case, accents and typographic quotes so "Matériel" and "materiel" meet. */
export function fold(s: string): string {
  // Most words are plain ASCII, which NFKD and the replacements below leave as they are: lower
  // case is all there is to do (a fifth of the time to analyse a large folder went here).
  if (!NON_ASCII.test(s)) return s.toLowerCase();
  return s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2010-\u2015]/g, '-');
}

/** One token of analysed text. */
export interface Token {
  /** The text as written. */
  value: string;
  /** Folded lemma: the search term, before aliasing. */
  lemma: string;
  /** Folded surface form with dots removed ("U.S." → "us"): what aliases match. */
  key: string;
  /** Character offset in the analysed text. */
  start: number;
  end: number;
  stop: boolean;
  /** wink token type: word, number, punctuation, … */
  type: string;
  pos: string;
}

export interface AnalysedSentence {
  /** Token range [from, to) in the analysis' tokens. */
  from: number;
  to: number;
  /** Character range in the text. */
  start: number;
  end: number;
}

export interface Analysis {
  text: string;
  tokens: Token[];
  sentences: AnalysedSentence[];
  /** wink's entities (DATE, DURATION, CARDINAL, …) as token ranges. */
  entities: Array<{ type: string; from: number; to: number }>;
}

const KEY_STRIP = /[.\u00b7]/g;

/** A word as names are matched: folded, without dots ("U.S." → "us"). */
export function wordKey(word: string): string {
  return fold(word).replace(KEY_STRIP, '');
}

/** The number words wink-nlp's stop list holds ("one"…"hundred"). */
export const NUMBER_STOP_WORDS: ReadonlySet<string> = new Set([
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'fifteen',
  'twenty',
  'forty',
  'fifty',
  'sixty',
  'hundred',
]);

/**
 * Words wink-nlp's stop list holds that say what a question asks: numbers and order ("How many
 * teams have been in the Super Bowl *eight* times?", "*first* downs", "when did San Francisco
 * *last* host", "the *next* decade"), and the side taken ("who voted *against* the budget": without
 * it, "approved… by a vote of 7 to 2" matched better than "Councillor Whitfield, who voted against
 * it"). They are searched like other words, but only as themselves: no synonym or word vector
 * leads to them (`expand.ts`). After "the", "these", "both"… a number refers back to what the text
 * named before ("the *two* states"): a stop word there, as in wink. Measured on the tuning parts:
 * Super Bowl hit@1 0.587 → 0.595, no set lower ("against", added later, changed no figure of any
 * set or part). A wider list (positions and parts: "top", "back", "side", "part"; "alone",
 * "serious") lowered casual hit@1 0.667 → 0.571: those words met too many questions by synonym
 * and vector.
 */
export const CONTENT_STOP_WORDS: ReadonlySet<string> = new Set([
  ...NUMBER_STOP_WORDS,
  'first',
  'third',
  'last',
  'next',
  'against',
]);

/** Words after which a number refers back to what was named before: "the two states", "their three". */
const REFERRING = /^(?:the|these|those|both|its|their|our)$/i;

/** wink's `its.span` is typed for tokens only; collections of sentences and entities return spans too. */
const span = its.span as unknown as (spanItem: number[]) => [number, number];

/** Runs wink-nlp over a text once and returns plain arrays (cheaper than walking its collections). */
export function analyse(text: string): Analysis {
  const doc = nlp.readDoc(text);
  const tokens = doc.tokens();
  const values = tokens.out() as string[];
  const lemmas = tokens.out(its.lemma as unknown as ItsFunction<string>) as string[];
  const stops = tokens.out(its.stopWordFlag) as boolean[];
  const types = tokens.out(its.type) as string[];
  const pos = tokens.out(its.pos) as string[];
  const out: Token[] = new Array(values.length);
  let cursor = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    let start = text.indexOf(value, cursor);
    if (start < 0) start = cursor; // wink normalises a few characters; keep offsets monotonic
    const end = start + value.length;
    cursor = end;
    out[i] = {
      value,
      lemma: fold(lemmas[i] ?? value),
      key: wordKey(value),
      start,
      end,
      stop:
        Boolean(stops[i]) &&
        !(CONTENT_STOP_WORDS.has(value.toLowerCase()) && !REFERRING.test(values[i - 1] ?? '')),
      type: types[i] ?? 'word',
      pos: pos[i] ?? 'X',
    };
  }
  const sentences = (doc.sentences().out(span) as unknown as Array<[number, number]>).map(([from, last]) => ({
    from,
    to: last + 1,
    start: out[from]?.start ?? 0,
    end: out[last]?.end ?? 0,
  }));
  const entitySpans = doc.entities().out(span) as unknown as Array<[number, number]>;
  const entityTypes = doc.entities().out(its.type) as string[];
  const entities = entitySpans.map(([from, last], i) => ({ type: entityTypes[i] ?? '', from, to: last + 1 }));
  return { text, tokens: out, sentences, entities };
}

/** What may stand before a capitalised word that opens a clause rather than a name: quotes, brackets, colons, dashes. */
const OPENER = /^(?:["“‘'([:;*#>•–—-]|\.\.\.)$/;

/**
 * Corrects wink-nlp's tags for names it reads as verbs, across the analyses of one briefing.
 * The tagger reads "Manning" as the verb "to man", "Associated" (Press) as "associate": the
 * lemma then turns the name into another word ("man"), a question about Peyton Manning lacks
 * its name in every passage that has it, and "Who…?" drops "man" as a word for somebody. A word
 * tagged a verb is a name when the briefing writes it capitalised inside a sentence (where
 * English capitalises only names) and never in lower case; it then keeps its written form as its
 * lemma, bar a plural "s" ("Super Bowls" stays "bowl", as a question says it). A capitalised
 * verb opening a sentence is corrected when the briefing writes the same word so elsewhere.
 * Only verbs: a capitalised noun's lemma is its own form, and the tagger's other mistakes do not
 * change the word. Changes the tokens in place.
 */
export function correctNameTags(analyses: readonly Analysis[]): void {
  // Most briefings have no capitalised verb at all: nothing to look up then.
  if (!analyses.some(({ tokens }) => tokens.some(capitalisedVerb))) return;
  const inside = new Set<string>();
  const lower = new Set<string>();
  for (const { tokens, sentences } of analyses) {
    for (const s of sentences) {
      for (let i = s.from; i < s.to; i++) {
        const t = tokens[i]!;
        if (t.type !== 'word') continue;
        const initial = letterCase(t.value);
        if (initial === 'lower') lower.add(t.key);
        else if (initial === 'upper' && i > s.from && !OPENER.test(tokens[i - 1]!.value)) inside.add(t.value);
      }
    }
  }
  for (const { tokens } of analyses) {
    for (const t of tokens) {
      if (!capitalisedVerb(t) || !inside.has(t.value) || lower.has(t.key)) continue;
      const written = fold(t.value);
      if (t.lemma === written || (written.endsWith('s') && t.lemma === written.slice(0, -1))) continue;
      t.pos = 'PROPN';
      t.lemma = written;
    }
  }
}

/** A token correctNameTags may correct: a capitalised verb that is no stop word. */
function capitalisedVerb(t: Token): boolean {
  return t.pos === 'VERB' && !t.stop && letterCase(t.value) === 'upper';
}

/** The case of a word's first letter; undefined when it starts with no letter. */
function letterCase(word: string): 'upper' | 'lower' | undefined {
  const c = word.charCodeAt(0);
  if (c >= 65 && c <= 90) return 'upper';
  if (c >= 97 && c <= 122) return 'lower';
  if (c < 128) return undefined;
  return /^\p{Lu}/u.test(word) ? 'upper' : /^\p{Ll}/u.test(word) ? 'lower' : undefined;
}
