/**
 * Chat intents: messages that are not questions about the briefings' content ("hi", "thanks!",
 * "what can you do", "sources?", "tldr of the tass one") and get a reply of their own instead of
 * "The briefings never mention: tldr".
 *
 * Detection is conservative: the whole message must be made of the phrases listed here (chat
 * language, not tied to any briefing), apart from the words that name a briefing in a request
 * for a summary. Anything else is a question, and goes to retrieval as before. Pure: no I/O.
 */
import { newestFirst } from './lookup.js';
import type { Answer, BriefingSummary, ChatIntent, Excerpt } from './types.js';

/** What {@link detectIntent} found. */
export interface DetectedIntent {
  intent: ChatIntent;
  /**
   * For 'summary': the briefings asked about, or every briefing when none was named, newest
   * first, then by title. For 'sources': every briefing. Empty for the others.
   */
  briefingIds: string[];
}

/** What {@link intentAnswer} reads: the engine, in practice. */
export interface IntentSource {
  briefings(): BriefingSummary[];
  briefing(id: string): BriefingSummary | undefined;
  lead(briefingId: string, maxChars: number): Excerpt | undefined;
}

/** A lead is a briefing's first few sentences: at most this many. */
export const LEAD_SENTENCES = 3;
/**
 * …and at most this long: the longest an answer's excerpt gets (about 400 characters, a quote
 * with its preceding sentence up to 450), so that a summary quotes two or three sentences.
 */
export const LEAD_CHARS = 450;
/** A message with more words than this is a question (or a story), never chat. */
const MAX_CHAT_WORDS = 14;

// ---------------------------------------------------------------------------------------------
// The phrases, as data. A pattern is words separated by spaces; `a|b` is one word of several, and
// `[a|b]` an optional one. Messages are compared lowercased, without apostrophes or punctuation
// ("What's up?!" is "whats up"), so patterns are written that way.

/** Allowed anywhere, with any intent: addressing the bot, politeness, laughter, hesitation. */
const ANYWHERE = [
  'bot',
  'please|pls|plz|plox',
  'lol|lmao|haha|hahaha|hehe|xd|xoxo',
  'um|uh|umm|hmm|erm',
  'ok|okay|k|kk|alright',
  'mate|buddy|dude|bro|man|friend|guys|folks|yall|everyone',
  'can|could|would|will you|u',
  'i would like',
  'id like',
  'i want',
  'just',
];

/** Said on its own, a greeting; said before another intent, part of it ("hi, what can you do?"). */
const GREETINGS = [
  'hi|hii|hiii|hiya|hello|helo|hallo|hullo|hey|heya|heyo|hei|yo|howdy|hola|greetings|sup|wassup|whatsup|gm',
  'hey hey',
  'whats up',
  'good morning|afternoon|evening|day',
  'morning',
  'how are you|u [doing|today]',
  'how r u',
  'hows it going',
  'nice to meet you',
];

const THANKS = [
  'thanks|thank|thankyou|thanx|thnx|thnks|thx|tx|ty|tysm|tyvm|cheers|ta|appreciated',
  'thank you|u',
  'many thanks',
  'much appreciated',
  '[i] appreciate it|that|this',
];

/** What often comes with thanks: praise, a farewell, what the thanks are for. */
const THANKS_EXTRAS = [
  'great|awesome|cool|nice|perfect|good|excellent|brilliant|amazing|wonderful|sweet|super|neat|helpful',
  'so|very much',
  'a lot|ton|bunch',
  'again',
  'got it',
  'gotcha',
  'that helps|helped',
  'very|so|really helpful',
  'for the|your help|answer|answers|info|information|reply',
  'for that|this|everything',
  'good bot',
  'great|good job|work',
  'nice one',
  'well done',
  'bye|goodbye|byebye|cya|later',
  'see you|ya',
];

const HELP = [
  'help [me]',
  '[i] need help',
  'commands',
  'what|which [are] [your|the] commands',
  'what|which commands are there|available',
  'what|which commands do you have|know',
  'list|show [me] [your|the] commands',
  'what can you do',
  'what do you do',
  'what can|should i ask [you]',
  'what are you',
  'who are you',
  'what is|whats this bot|thing',
  'what does this bot|thing do',
  'how do|can i use this|you|it',
  'how to use this|you|it',
  'how does this [bot|thing] work',
  'how do you work',
  'how do|can i ask [you] [questions|something]',
  'how do|can i ask [you] a question',
  'how to ask [questions]',
  'how to ask a question',
  'usage',
  'instructions',
];

const SOURCE_NOUNS = 'sources|briefings|articles|documents|docs|reports';
const SOURCES = [
  `[list|show] [me] [all] [your|the] [news] ${SOURCE_NOUNS}`,
  `what|which [news] ${SOURCE_NOUNS}`,
  `what|which [news] ${SOURCE_NOUNS} do you have|use|know|cover|read|quote|cite`,
  `what|which ${SOURCE_NOUNS} have you got`,
  `what|which ${SOURCE_NOUNS} are there|available|loaded`,
  `what|which are [all] [your|the] ${SOURCE_NOUNS}`,
  'what do you know [about]',
  'what can you tell me about',
  'what do you cover',
  'what [news|topics] do you have|cover',
  'where do you get your info|information|news|facts',
];

const SUMMARY = [
  'tldr|summary|summaries|summarize|summarise|summarized|summarised|gist|recap|rundown|overview',
  'tl dr',
  'sum it|this|them|everything|all up',
  'sum up',
  'in a nutshell',
  'in short',
  'short version',
  'key|main points',
  'brief me',
  `what are [the|your] ${SOURCE_NOUNS} about`,
  // What a news channel asks most: the newest briefings' leads, or a named one's.
  'whats new',
  'what is new',
  'anything|something new',
  'any news|updates',
  'news|updates',
  'latest [news|updates|stories|briefings]',
  'whats happening',
  'what is happening',
  'whats going on',
  'what is going on',
  'catch me up',
  'fill me in',
];

/**
 * Words that may come with a request for a summary ("give me the gist of the tass one"). Any
 * other word must name a briefing (a word of its title, source or id); if it does not,
 * the message asks about something in the briefings and is a question ("summarize what Vaddi
 * said about the threat level").
 */
const SUMMARY_EXTRAS = [
  'give|show|tell me',
  'whats|wheres',
  'what is|are',
  'the|a|an|of|for|on|about|from|in|me|up',
  'it|this|that|them|those|these',
  'each|every|all|both',
  'one|ones|briefing|briefings|article|articles|report|reports|story|stories|piece|news|document',
  'source|sources',
  'quick|brief|short|very|little',
];

/** Abbreviations in a summary's briefing name ("the state dept one"). */
const NAME_ABBREVIATIONS: Record<string, string> = {
  dept: 'department',
  depts: 'department',
  govt: 'government',
  gov: 'government',
  intl: 'international',
  natl: 'national',
  sec: 'secretary',
};

/** Words of titles and sources that name nothing by themselves. */
const NAME_STOP_WORDS = new Set('the a an of and or by to in on for with at as from is its'.split(' '));

// ---------------------------------------------------------------------------------------------
// The grammar built from the phrases: for each intent, the phrases that make it (`core`, at least
// one needed) and those that may come with them (`extra`). Tried in this order; the first whose
// phrases cover the whole message wins.

interface Grammar {
  intent: ChatIntent;
  core: Phrases;
  extra: Phrases;
  /** Words outside the phrases may name briefings (only for summaries). */
  names: boolean;
}

/** Phrases as a tree of words: a path from the root that reaches an `end` node is a phrase. */
interface Phrases {
  next: Map<string, Phrases>;
  end: boolean;
}

/** Expands a pattern into every word sequence it stands for. */
export function expandPattern(pattern: string): string[][] {
  let out: string[][] = [[]];
  for (const slot of pattern.split(' ')) {
    const optional = slot.startsWith('[');
    // One word per slot: "[a b]" would silently mean something else.
    if (optional !== slot.endsWith(']') || slot === '' || /[[\]]/.test(slot.slice(1, -1))) {
      throw new Error(`intent pattern ${JSON.stringify(pattern)}: bad slot ${JSON.stringify(slot)}`);
    }
    const choices = (optional ? slot.slice(1, -1) : slot).split('|');
    const next: string[][] = [];
    for (const words of out) {
      if (optional) next.push(words);
      for (const choice of choices) next.push([...words, choice]);
    }
    out = next;
  }
  return out.filter((words) => words.length > 0);
}

function phrases(...lists: (readonly string[])[]): Phrases {
  const root: Phrases = { next: new Map(), end: false };
  for (const pattern of lists.flat()) {
    for (const words of expandPattern(pattern)) {
      let node = root;
      for (const w of words) {
        let child = node.next.get(w);
        if (!child) node.next.set(w, (child = { next: new Map(), end: false }));
        node = child;
      }
      node.end = true;
    }
  }
  return root;
}

/** How many words from `i` on the longest phrase of `tree` covers there (0: none). */
function longestPhrase(tree: Phrases, words: readonly string[], i: number): number {
  let longest = 0;
  let node: Phrases | undefined = tree;
  for (let j = i; j < words.length; j++) {
    node = node.next.get(words[j]!);
    if (!node) break;
    if (node.end) longest = j - i + 1;
  }
  return longest;
}

/** Courtesies that may open any request: "hi, what can you do?", "thanks! tldr?". */
const COURTESY = [...GREETINGS, ...THANKS];

const GRAMMARS: readonly Grammar[] = [
  {
    intent: 'summary',
    core: phrases(SUMMARY),
    extra: phrases(ANYWHERE, COURTESY, SUMMARY_EXTRAS),
    names: true,
  },
  { intent: 'sources', core: phrases(SOURCES), extra: phrases(ANYWHERE, COURTESY), names: false },
  { intent: 'help', core: phrases(HELP), extra: phrases(ANYWHERE, COURTESY), names: false },
  {
    intent: 'thanks',
    core: phrases(THANKS),
    extra: phrases(ANYWHERE, GREETINGS, THANKS_EXTRAS),
    names: false,
  },
  {
    intent: 'greeting',
    core: phrases(GREETINGS),
    extra: phrases(ANYWHERE, ['there|again|all']),
    names: false,
  },
];

// ---------------------------------------------------------------------------------------------

/**
 * The words of a chat message: lowercased, accents and apostrophes dropped ("what's" → "whats"),
 * dotted abbreviations joined ("U.S." → "us"), Discord mentions, punctuation and emoji left out.
 */
export function chatWords(text: string): string[] {
  const words = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/<(?:@[!&]?|#)\d+>/g, ' ')
    .replace(/['\u2018\u2019\u02bc`]/g, '')
    .replace(/(?<![\p{L}\p{N}])(?:\p{L}\.){2,}/gu, (m) => m.replace(/\./g, ''))
    .match(/[\p{L}\p{N}]+/gu);
  return words ?? [];
}

/** Matches the message against one grammar: the words left to name briefings, or null when it does not fit. */
function parse(words: readonly string[], grammar: Grammar): string[] | null {
  const named: string[] = [];
  let cores = 0;
  for (let i = 0; i < words.length;) {
    const core = longestPhrase(grammar.core, words, i);
    const extra = longestPhrase(grammar.extra, words, i);
    // The longer phrase wins ("thank you" over "thank"), a core one on a tie.
    if (core > 0 && core >= extra) {
      cores++;
      i += core;
    } else if (extra > 0) {
      i += extra;
    } else if (grammar.names) {
      named.push(words[i]!);
      i++;
    } else return null;
  }
  return cores > 0 ? named : null;
}

/** The intent a message's words fit, with the words left to name briefings (summary only). */
function parseChat(text: string): { intent: ChatIntent; named: string[] } | null {
  const words = chatWords(text);
  if (words.length === 0 || words.length > MAX_CHAT_WORDS) return null;
  for (const grammar of GRAMMARS) {
    const named = parse(words, grammar);
    if (named) return { intent: grammar.intent, named };
  }
  return null;
}

/**
 * Whether a message may be chat, without looking at the briefings: true for every message
 * {@link detectIntent} detects, and for a request for a summary that names something
 * (which is chat only when that names a briefing). Cheap: for deciding whether to list the briefings.
 */
export function looksLikeChat(text: string): boolean {
  return parseChat(text) !== null;
}

/**
 * Whether a message is chat whatever the briefings are: every message {@link detectIntent}
 * detects except a summary of briefings it names ("tldr of the tass one"). For telling chat from
 * a follow-up question, where the briefings are not at hand.
 */
export function isChat(text: string): boolean {
  const parsed = parseChat(text);
  return parsed !== null && parsed.named.length === 0;
}

/** A word compared with titles and sources: singular-ish ("briefings" → "briefing"), abbreviations spelt out. */
function nameKey(word: string): string {
  const w = NAME_ABBREVIATIONS[word] ?? word;
  return w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w;
}

/** Each summary's name words, and each list's ids newest first, kept while the engine keeps them. */
const NAME_WORDS = new WeakMap<BriefingSummary, Set<string>>();
const NEWEST_FIRST = new WeakMap<readonly BriefingSummary[], string[]>();

/** The words that name a briefing: those of its title, source and id. */
function nameWords(b: BriefingSummary): Set<string> {
  let words = NAME_WORDS.get(b);
  if (!words) {
    const all = chatWords(`${b.title} ${b.source} ${b.id.replace(/[-_.]+/g, ' ')}`);
    words = new Set(all.filter((w) => !NAME_STOP_WORDS.has(w)).map(nameKey));
    NAME_WORDS.set(b, words);
  }
  return words;
}

/** The ids of `briefings`, newest first, then by title. */
export function idsNewestFirst(briefings: readonly BriefingSummary[]): string[] {
  let ids = NEWEST_FIRST.get(briefings);
  if (!ids) {
    ids = [...briefings].sort(newestFirst).map((b) => b.id);
    NEWEST_FIRST.set(briefings, ids);
  }
  return [...ids];
}

/**
 * Detects a chat intent: a greeting, thanks, a request for help, for the list of briefings, or
 * for a summary (of the briefings whose title, source or id words the message names, or of all).
 * Returns null for anything that asks about the briefings' content: that is a question.
 *
 * @example
 * detectIntent('thank you!!', briefings) // { intent: 'thanks', briefingIds: [] }
 * detectIntent('tldr of the tass one', briefings) // { intent: 'summary', briefingIds: ['us-official-…'] }
 * detectIntent('what sources did TASS cite', briefings) // null
 * detectIntent('summarize what Vaddi said about the threat level', briefings) // null
 */
export function detectIntent(text: string, briefings: readonly BriefingSummary[]): DetectedIntent | null {
  const parsed = parseChat(text);
  if (!parsed) return null;
  const { intent, named } = parsed;
  if (intent === 'sources') return { intent, briefingIds: briefings.map((b) => b.id) };
  if (intent !== 'summary') return { intent, briefingIds: [] };
  const keys = named.map(nameKey);
  if (keys.length === 0) return { intent, briefingIds: idsNewestFirst(briefings) };
  const chosen = briefings.filter((b) => {
    const words = nameWords(b);
    return keys.every((k) => words.has(k));
  });
  // Words that name no briefing are what the message asks about: it is a question.
  if (chosen.length === 0) return null;
  return { intent, briefingIds: chosen.sort(newestFirst).map((b) => b.id) };
}

/**
 * The opening of a briefing: its first sentences (at most {@link LEAD_SENTENCES}), whole, as
 * many as fit in `maxChars`; the first alone is cut at a word, with "…", only when it is longer.
 */
export function leadText(sentences: readonly string[], maxChars: number): string {
  const first = sentences[0]?.trim() ?? '';
  if (first.length > maxChars) {
    const cut = first.lastIndexOf(' ', maxChars - 1);
    return `${first.slice(0, cut > maxChars / 2 ? cut : maxChars - 1).replace(/[\s,;:]+$/, '')}…`;
  }
  let text = first;
  for (const sentence of sentences.slice(1, LEAD_SENTENCES)) {
    const next = `${text} ${sentence.trim()}`;
    if (next.length > maxChars) break;
    text = next;
  }
  return text;
}

/** A briefing's lead as an excerpt (passage 0, score 0, no highlights: it answers no words). */
export function leadExcerpt(
  briefing: Pick<BriefingSummary, 'id' | 'title' | 'source' | 'date' | 'url'>,
  sentences: readonly string[],
  maxChars: number,
): Excerpt | undefined {
  const text = leadText(sentences, maxChars);
  if (text === '') return undefined;
  return {
    text,
    briefing: briefing.id,
    title: briefing.title,
    source: briefing.source,
    ...(briefing.date ? { date: briefing.date } : {}),
    ...(briefing.url ? { url: briefing.url } : {}),
    score: 0,
    passage: 0,
    highlights: [],
  };
}

/**
 * The answer to a chat intent. A summary quotes the lead of each briefing asked about (at most
 * `top`) and is `answered`; the others quote nothing, are not `answered` and have no `reason`:
 * the renderers say the greeting, the help or the list of briefings.
 */
export function intentAnswer(
  question: string,
  detected: DetectedIntent,
  source: IntentSource,
  top: number,
): Answer {
  const { intent } = detected;
  const reply: Answer = { question, answered: false, excerpts: [], notCovered: [], related: [], intent };
  if (intent === 'sources') {
    const ids = new Set(detected.briefingIds);
    return { ...reply, briefings: source.briefings().filter((b) => ids.has(b.id)) };
  }
  if (intent !== 'summary') return reply;
  const briefings: BriefingSummary[] = [];
  const excerpts: Excerpt[] = [];
  for (const id of detected.briefingIds) {
    if (excerpts.length >= top) break;
    const briefing = source.briefing(id);
    const lead = briefing && source.lead(id, LEAD_CHARS);
    if (!briefing || !lead) continue;
    briefings.push(briefing);
    excerpts.push(lead);
  }
  return { ...reply, answered: excerpts.length > 0, excerpts, briefings };
}
