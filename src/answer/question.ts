import { analyse, fold } from './nlp.js';
import { Feature, extractTerms, type AliasMatcher } from './terms.js';

/** What kind of answer the question asks for, as sentence features that would satisfy it. */
export type QuestionType = 'who' | 'where' | 'when' | 'number' | 'other';

export const TYPE_FEATURES: Record<QuestionType, number> = {
  who: Feature.Person | Feature.Organization,
  where: Feature.Place,
  when: Feature.Time,
  number: Feature.Number,
  other: 0,
};

/**
 * Words that frame a question rather than say what it is about ("what did X *say*", "*tell*
 * me about"): dropped from the query so that they neither match nor count as missing.
 */
const FRAMING = new Set([
  'say',
  'tell',
  'mention',
  'explain',
  'describe',
  'know',
  'please',
  'happen',
  'mean',
  'talk',
  'ask',
  'question',
  'answer',
  'anything',
  'something',
  'thing',
  'give',
  'show',
  'find',
  'look',
  'detail',
  'info',
  'information',
  'summary',
  'summarize',
  'summarise',
  'kind',
  'sort',
  'like',
]);

/**
 * The asker's words for a stance ("What is the ministry's *view* of…"): matched where a briefing
 * uses them ("The United States views…"), but never required, since briefings seldom do.
 */
const STANCE_WORDS = new Set(['view', 'opinion', 'reaction', 'think', 'feel']);

/**
 * Words that ask for someone's office ("What is Kritenbrink's *position*?", "Vaddi's job
 * title"): when they are all a question has besides names, it asks who the person is, and is
 * answered as "Who is …?" would be, by the sentence that introduces them.
 */
const ROLE_WORDS = new Set(['job', 'title', 'position', 'role', 'post', 'occupation', 'profession']);

/** One term of a question. */
export interface QuestionTerm {
  term: string;
  /** The words as the asker wrote them (for `notCovered`). */
  surface: string;
  /** A name (entity or proper noun): matched as written, never expanded. */
  name: boolean;
  /** A noun or name: when missing from the briefings, the question is about something they don't cover. */
  important: boolean;
  /** Folded surface form, tried when the lemma is unknown ("goods" when the lemma says "good"). */
  surfaceKey: string;
  /** 1 for the question's own words; lower for words carried over from earlier questions. */
  weight: number;
  /** WordNet part of speech of the word as used here, when its form makes it certain. */
  partOfSpeech?: 'noun';
}

export interface AnalysedQuestion {
  text: string;
  type: QuestionType;
  terms: QuestionTerm[];
}

/** Most terms a question can have (bit masks hold 32); the longest questions keep their first 32. */
export const MAX_QUESTION_TERMS = 32;
/** Longest question text analysed; beyond it, text is ignored (Discord allows 6,000 characters). */
export const MAX_QUESTION_CHARS = 2_000;

/** Control characters (→ space), and zero-width, direction and other format marks (→ nothing). */
const CONTROL = /\p{Cc}/gu;
const FORMAT = /\p{Cf}/gu;
/** Runs of combining marks beyond two (zalgo text). */
const ZALGO = /(\p{M}{2})\p{M}+/gu;

/** Cleans a question for analysis: invisible characters out, Discord mentions out, length bounded. */
export function cleanQuestion(raw: string): string {
  return raw
    .replace(CONTROL, ' ')
    .replace(FORMAT, '')
    .replace(ZALGO, '$1')
    .replace(/<(?:@[!&]?|#)\d+>/g, ' ')
    .replace(/@(everyone|here)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_QUESTION_CHARS);
}

function questionType(words: string[]): QuestionType {
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const next = words[i + 1] ?? '';
    if (w === 'who' || w === 'whom' || w === 'whose') return 'who';
    if (w === 'where') return 'where';
    if (w === 'when') return 'when';
    if (w === 'how' && (next === 'many' || next === 'much')) return 'number';
    if (w === 'how' && next === 'long') return 'when';
    if ((w === 'what' || w === 'which') && /^(year|date|month|day|time)s?$/.test(next)) return 'when';
    if (
      (w === 'what' || w === 'which') &&
      /^(country|countries|city|cities|place|places|site|location)$/.test(next)
    )
      return 'where';
    if ((w === 'what' || w === 'which') && /^(person|people|official|officials)$/.test(next)) return 'who';
  }
  return 'other';
}

/** Analyses a question (and, weaker, an earlier question it follows up on) into query terms. */
export function analyseQuestion(question: string, aliases: AliasMatcher, context?: string): AnalysedQuestion {
  const text = cleanQuestion(question);
  const terms: QuestionTerm[] = [];
  const seen = new Set<string>();
  let type: QuestionType = 'other';
  const add = (source: string, weight: number) => {
    if (!source) return;
    const analysis = analyse(source);
    if (weight === 1) type = questionType(analysis.tokens.map((t) => t.key));
    const { occurrences } = extractTerms(analysis, 0, analysis.tokens.length, aliases);
    for (const o of occurrences) {
      if (seen.has(o.term) || FRAMING.has(o.term)) continue;
      seen.add(o.term);
      const tokens = analysis.tokens.slice(o.from, o.to);
      const surface = source.slice(tokens[0]!.start, tokens[tokens.length - 1]!.end);
      const first = tokens[0]!;
      // A name: an alias entity, or a capitalised word (the tagger alone also calls a lowercase
      // "new" at the end of a question a proper noun).
      const capitalised = /^\p{Lu}/u.test(first.value);
      const name = o.entity || (capitalised && (o.name || (o.from > 0 && first.pos !== 'VERB')));
      terms.push({
        term: o.term,
        surface: fold(surface)
          .replace(/[^\p{L}\p{N}']+/gu, ' ')
          .trim(),
        name,
        important:
          name ||
          (!STANCE_WORDS.has(o.term) && (first.pos === 'NOUN' || first.pos === 'PROPN' || first.pos === 'X')),
        surfaceKey: first.key,
        weight,
        // Question tags are unreliable ("will travel" comes out a noun); an inflected noun is not:
        // "sanctions" are penalties, while to sanction is to approve.
        ...(o.to - o.from === 1 && first.pos === 'NOUN' && first.key !== o.term
          ? { partOfSpeech: 'noun' as const }
          : {}),
      });
    }
  };
  add(text, 1);
  if (type === 'other' && asksForRole(terms)) {
    type = 'who';
    terms.splice(0, terms.length, ...terms.filter((t) => !ROLE_WORDS.has(t.term)));
  }
  if (context) add(cleanQuestion(context), 0.5);
  return { text, type, terms: terms.slice(0, MAX_QUESTION_TERMS) };
}

/**
 * Whether a question asks for someone's office: one name, a word for an office, and no other
 * noun ("What position does Vaddi hold?", but neither "What role does the UN play in sanctions?"
 * nor "What role does Vaddi have on the Security Council?", which asks about the two together).
 */
function asksForRole(terms: QuestionTerm[]): boolean {
  return (
    terms.some((t) => ROLE_WORDS.has(t.term)) &&
    terms.filter((t) => t.name).length === 1 &&
    terms.every((t) => t.name || ROLE_WORDS.has(t.term) || !t.important)
  );
}
