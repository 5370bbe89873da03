/**
 * Follow-up questions: "and who reported it?", "when?", "what about sanctions?" lean on the
 * question asked just before, and are answered with that question as weaker context (see
 * `AskOptions.context`). Pure word rules, no I/O: whoever remembers the conversation (the
 * bot's store, the local chat) decides what "just before" means.
 */
import { isChat } from './intents.js';

/** A follow-up is short: at most this many content words ("what about the coal ban?" has two). */
export const MAX_FOLLOW_UP_CONTENT_WORDS = 3;

/** Openings that continue the previous question rather than start a new one. */
const CONTINUATIONS: readonly (readonly string[])[] = [
  ['and'],
  ['but'],
  ['also'],
  ['what', 'about'],
  ['how', 'about'],
];

/** Pronouns and adverbs that point back at something said before. */
const BACK_REFERENCES = new Set([
  'it',
  'its',
  'that',
  'this',
  'they',
  'them',
  'their',
  'he',
  'him',
  'she',
  'his',
  'her',
  'there',
  'then',
  'those',
  'these',
]);

/** Forms of "to be": "is there…", "there are…" use an existential "there" that refers to nothing. */
const BE = new Set(['is', 'are', 'was', 'were', 'be', 'been', "isn't", "aren't", "wasn't", "weren't"]);

/**
 * Words that carry no topic of their own: question words, pronouns, determiners, auxiliaries,
 * prepositions, conjunctions, and light verbs ("who said that?" names nothing to look up).
 */
const FUNCTION_WORDS = new Set([
  ...BACK_REFERENCES,
  ...BE,
  // question words
  'who',
  'whom',
  'whose',
  'what',
  'which',
  'when',
  'where',
  'why',
  'how',
  // pronouns and determiners
  'i',
  'me',
  'my',
  'we',
  'us',
  'our',
  'you',
  'your',
  'one',
  'ones',
  'a',
  'an',
  'the',
  'some',
  'any',
  'all',
  'both',
  'each',
  'other',
  'another',
  'such',
  'same',
  'else',
  'much',
  'many',
  'more',
  'most',
  // auxiliaries and modals
  'am',
  'being',
  'do',
  'does',
  'did',
  'done',
  'doing',
  'have',
  'has',
  'had',
  'having',
  'can',
  'could',
  'will',
  'would',
  'shall',
  'should',
  'may',
  'might',
  'must',
  "don't",
  "doesn't",
  "didn't",
  // prepositions, conjunctions, particles
  'and',
  'but',
  'or',
  'nor',
  'so',
  'also',
  'too',
  'about',
  'of',
  'in',
  'on',
  'at',
  'to',
  'for',
  'from',
  'by',
  'with',
  'without',
  'into',
  'onto',
  'over',
  'under',
  'after',
  'before',
  'since',
  'until',
  'during',
  'as',
  'than',
  'if',
  'not',
  'no',
  'yes',
  'just',
  'only',
  'again',
  'still',
  'now',
  'exactly',
  'really',
  'please',
  'ok',
  'okay',
  // light verbs: they ask about what was said, not about a new topic
  'say',
  'says',
  'said',
  'saying',
  'tell',
  'tells',
  'told',
  'mean',
  'means',
  'meant',
  'happen',
  'happens',
  'happened',
  'go',
  'goes',
  'went',
  'get',
  'got',
]);

/** The words of a question: lowercased letters, digits and inner apostrophes, a trailing `'s` dropped. */
export function questionWords(question: string): string[] {
  const words = question
    .normalize('NFKC')
    // "US" the country, not "us" the pronoun.
    .replace(/\bU\.S\.(?!\p{L})|\bUS\b/gu, 'usa')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .match(/[\p{L}\p{N}]+(?:'[\p{L}]+)*/gu);
  return (words ?? []).map((w) => w.replace(/'s$/, ''));
}

/** The words of a question that name something to look up (not in {@link FUNCTION_WORDS}). */
export function contentWords(question: string): string[] {
  return questionWords(question).filter((w) => !FUNCTION_WORDS.has(w));
}

/** Whether word `i` of `words` is a back-reference, not an existential "there" ("is there…", "there were…"). */
function refersBack(words: readonly string[], i: number): boolean {
  const word = words[i]!;
  if (!BACK_REFERENCES.has(word)) return false;
  if (word === 'there' && (BE.has(words[i - 1] ?? '') || BE.has(words[i + 1] ?? ''))) return false;
  return true;
}

/**
 * Whether a question leans on the one asked before it: it is short (at most
 * {@link MAX_FOLLOW_UP_CONTENT_WORDS} content words) and either opens like a continuation ("and…",
 * "but…", "also…", "what about…", "how about…"), uses a word that refers back (it, that, they, he,
 * there, then…), or names nothing at all ("when?", "why?").
 *
 * @example
 * isFollowUp('and who reported it?') // true
 * isFollowUp('when?') // true
 * isFollowUp('what about sanctions?') // true
 * isFollowUp('Who is Pranay Vaddi?') // false: it names its own topic
 * isFollowUp('Is there a ban on coal?') // false: "there" refers to nothing here
 * isFollowUp('thanks for that') // false: chat, answered as such
 */
export function isFollowUp(question: string): boolean {
  const words = questionWords(question);
  // "thanks for that", "what can you do", "sum it up" lean on nothing: they are chat.
  if (words.length === 0 || isChat(question)) return false;
  const content = words.filter((w) => !FUNCTION_WORDS.has(w));
  if (content.length > MAX_FOLLOW_UP_CONTENT_WORDS) return false;
  if (content.length === 0) return true;
  if (CONTINUATIONS.some((opening) => opening.every((w, i) => words[i] === w))) return true;
  return words.some((_, i) => refersBack(words, i));
}

/** How to ask a question in a conversation, and what to remember of it for the next one. */
export interface FollowUpPlan {
  /** The question, unchanged: the answer echoes it as asked. */
  question: string;
  /** The earlier question to pass as `AskOptions.context`, when this one is a follow-up. */
  context?: string;
  /**
   * What the next question may lean on: the question itself, or, for a follow-up, the earlier
   * question it leaned on, so that a chain of follow-ups keeps one short context rather than an
   * ever-growing concatenation. Undefined for chat ("thanks!"): nothing new to remember, and the
   * earlier question stays what the next one may lean on.
   */
  remember?: string;
}

/**
 * Plans a question given the previous one remembered in the same conversation (if any).
 *
 * @example
 * planFollowUp('and who reported it?', 'Where did Putin and Kim meet?')
 * // { question: 'and who reported it?', context: 'Where did Putin and Kim meet?', remember: 'Where did Putin and Kim meet?' }
 * planFollowUp('thanks!', 'Where did Putin and Kim meet?')
 * // { question: 'thanks!' }: chat, and the earlier question is still the one to lean on
 */
export function planFollowUp(question: string, previous: string | undefined): FollowUpPlan {
  if (isChat(question)) return { question };
  const earlier = previous?.trim();
  if (earlier && isFollowUp(question)) return { question, context: earlier, remember: earlier };
  return { question, remember: question };
}
