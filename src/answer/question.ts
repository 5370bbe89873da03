import type { ChatLanguage } from './chat-language.js';
import { analyse, fold, wordKey } from './nlp.js';
import { correctSpelling, type SpellingDictionary } from './spelling.js';
import { Feature, extractTerms, type AliasMatcher } from './terms.js';

/** What kind of answer the question asks for, as sentence features that would satisfy it. */
export type QuestionType =
  'who' | 'person' | 'where' | 'when' | 'year' | 'number' | 'money' | 'percent' | 'other';

export const TYPE_FEATURES: Record<QuestionType, number> = {
  who: Feature.Person | Feature.Organization,
  /** "Which official…?", "What person…?": a person, not a body. */
  person: Feature.Person,
  where: Feature.Place,
  when: Feature.Time,
  /** "What year…?": a year written out, not "in later years". */
  year: Feature.Year,
  number: Feature.Number,
  /** "How much did it cost…?": an amount of money, not any figure. */
  money: Feature.Money,
  /** "What percentage…?": a share written as one. */
  percent: Feature.Percent,
  other: 0,
};

/**
 * Words that frame a question rather than say what it is about ("what did X *say*", "*tell* me
 * about"), and light verbs that carry grammar more than meaning ("what is X *getting*", "*going*
 * to", "*supposed* to"): dropped from the query so that they neither match nor count as missing.
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
  // light verbs
  'get',
  'go',
  'come',
  'make',
  'take',
  'put',
  'let',
  'seem',
  'want',
  'need',
  'try',
  'suppose',
  'become',
  'do',
  'use',
]);

/** The framing words that are verbs: read as a noun ("the talks", "the show"), they are a topic. */
const FRAMING_VERBS = new Set([
  'say',
  'tell',
  'mention',
  'explain',
  'describe',
  'know',
  'happen',
  'mean',
  'talk',
  'ask',
  'give',
  'show',
  'find',
  'look',
  'get',
  'go',
  'come',
  'make',
  'take',
  'put',
  'let',
  'seem',
  'want',
  'need',
  'try',
  'suppose',
  'become',
  'do',
  'use',
]);

/** Words that make the word after them a noun ("*their* talks"). */
const POSSESSIVE_DETERMINERS = new Set(['my', 'your', 'his', 'her', 'its', 'our', 'their']);

/**
 * The asker's words for a stance ("What is the ministry's *view* of…"): matched where a briefing
 * uses them ("The United States views…"), but never required, since briefings seldom do.
 */
const STANCE_WORDS = new Set(['view', 'opinion', 'reaction', 'think', 'feel']);

/**
 * Words for somebody, whoever they are ("who is the *guy* from the NSC?", "the *woman* who
 * spoke"): in a "who" question they say only that the answer is a person, which the type says.
 */
const SOMEBODY = new Set([
  'guy',
  'dude',
  'man',
  'woman',
  'lady',
  'person',
  'fellow',
  'someone',
  'somebody',
  'individual',
]);

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
  /** A name (entity, proper noun, capitalised word): weighed as a name the passage should have. */
  name: boolean;
  /**
   * A name that is no common word ("China", "Kritenbrink"; not "TV" or "Media Day"): matched as
   * written, never expanded, and when the briefings never mention it they don't cover the question.
   */
  proper: boolean;
  /** For a capitalised word, its lemma read in lower case, when that differs ("Media" → "medium"). */
  commonLemma?: string;
  /** A name written in capitals ("SAP", "RB"): initials, which may stand for common words. */
  initials?: true;
  /** The word's part of speech as tagged in the question (NOUN, VERB, ADJ, ADV…). */
  pos: string;
  /**
   * Terms of one name written in capitals over several words ("World Cup", "Secretary of
   * Defense") share a number; undefined for others.
   */
  nameRun?: number;
  /** A verb and its particle written as one word, as the noun they make ("pushing back" → "pushback"). */
  compound?: string;
  /** A noun or name: when missing from the briefings, the question is about something they don't cover. */
  important: boolean;
  /** Folded surface form, tried when the lemma is unknown ("goods" when the lemma says "good"). */
  surfaceKey: string;
  /** 1 for the question's own words; lower for words carried over from earlier questions. */
  weight: number;
  /** True for the question's own words (false for words carried over from an earlier question). */
  own: boolean;
  /**
   * What the term is in the question: what it is about (`topic`); the noun a "what…"/"which…"
   * question asks for an instance of (`focus`: "What *network* aired it?" — the answer names a
   * network, and seldom says the word); or whom the asker attributes it to (`attribution`:
   * "…, according to *the assistant secretary*?" — often named only in a sentence nearby).
   */
  part: 'topic' | 'focus' | 'attribution';
  /** WordNet part of speech of the word as used here, when its form makes it certain. */
  partOfSpeech?: 'noun';
  /**
   * A name the question asks to have said something ("What did *Japan* say…?", "How did *North
   * Korea's* government respond…?"): a passage that names it only as something else does not say
   * what it said.
   */
  speaker?: boolean;
  /** A plain word just before a word for an office, which it qualifies ("*official* title", "*current* job"). */
  qualifiesRole?: boolean;
}

export interface AnalysedQuestion {
  /** The question as asked, cleaned (what an answer echoes). */
  text: string;
  /** What was analysed: chat language rewritten, spelling corrected. */
  normalised: string;
  type: QuestionType;
  terms: QuestionTerm[];
  /** Words nothing could read (slang, typos nothing corrects): left out, never a reason to decline. */
  ignored: string[];
  /** The names written in capitals over several words, as written (folded): `nameRun` n is `nameRuns[n - 1]`. */
  nameRuns: string[];
  /** The question asks for the newest news ("what's the latest on…", "…now?", "…rn"): see `RECENCY`. */
  recent?: boolean;
  /** The question asks for particular things by name ("which specific sanctions…"): see `SPECIFICS`. */
  specific?: boolean;
  /** The initials the question asks the full name of ("what does AFC stand for?"), folded: see `SPELLED_OUT`. */
  spelledOut?: string;
}

/**
 * Words asking for the newest news: "what's the latest on…", "what is the US doing now", "rn".
 * Among passages that answer about as well, the one from the newer briefing is then the better
 * answer. They stay words of the question ("the most recent Super Bowl" is matched as written).
 */
const RECENCY =
  /\b(latest|newest|recent(?:ly)?|lately|current(?:ly)?|now|nowadays|today|these days|rn|atm)\b/i;

/**
 * Words asking for particular things by name: "which specific sanctions…", "the names of the
 * analysts…", "what is the name of the stadium". A passage that names nothing and gives no figure
 * beyond the question's own words doesn't answer such a question, however well it matches. Not
 * "specific" describing something else ("the analysis of a specific algorithm", "what does the
 * theory most specifically seek"): that asks for no name.
 */
const SPECIFICS =
  /\b(?:(?:which|what)\s+specific|specifically,?\s+(?:who|what|which|where|when)|(?:who|what|which)\s+(?:\w+\s+)?specifically|names? of)\b/i;

/**
 * A question asking what initials stand for: "what does AFC stand for", "what is the NSC short
 * for", "what's the full name of the IAEA". Its other words frame the question: the answer is
 * where the briefings write the name out.
 */
const SPELLED_OUT = new RegExp(
  [
    /\bwhat (?:does|do|did) (?:the )?([\p{L}.]{2,10}) stands? for\b/u.source,
    /\bwhat(?: is| was|'s) (?:the )?([\p{L}.]{2,10}) (?:short|an abbreviation|an acronym) (?:for|of)\b/u
      .source,
    /\bwhat(?: is| was|'s) (?:the )?(?:full name|full form|abbreviation|acronym) (?:of|for) (?:the )?([\p{L}.]{2,10})\b/u
      .source,
  ].join('|'),
  'iu',
);
/** The framing words of a question asking what initials stand for. */
const SPELLED_OUT_FRAME = new Set(['stand', 'short', 'abbreviation', 'acronym', 'full', 'name', 'form']);

/** What question analysis needs to know of the language and of the briefings. */
export interface QuestionLexicon extends SpellingDictionary {
  aliases: AliasMatcher;
  chat: ChatLanguage;
  /** True when the word is a name the briefings use (a one-word alias, or a word only ever written as a name). */
  isBriefingName(word: string): boolean;
  /** How an English dictionary knows the word: as a name ("china", "nato"), a common word ("tv", "day"), or not at all. */
  nameKind(word: string, only?: 'noun'): 'proper' | 'common' | undefined;
  /** The lemma of a word read in lower case ("Media" → "medium"): a capitalised common word meets its lower-case self. */
  commonLemma(word: string): string;
  /** The name a typed word's initials stand for in the briefings ("wh" → "White House"), if it is no word of its own. */
  initialism(word: string): string | undefined;
  /** The briefings' word that is this one with an apostrophe or hyphen ("obrien" → "o'brien", "cofounder" → "co-founder"), if any. */
  withApostrophe(word: string): string | undefined;
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

/** Particles that make a phrasal verb, and with it a noun ("push back" → "pushback", "crack down"). */
const PARTICLES = new Set(['back', 'up', 'down', 'off', 'out', 'over']);

/** Words that open what a question asks: its type is decided by the first of them. */
const WH_WORDS = new Set(['who', 'whom', 'whose', 'where', 'when', 'what', 'which', 'how', 'why']);

/** What follows "how" in a question a figure answers: a count, an amount, an age, a size, a price, a rate. */
const MEASURES =
  /^(many|much|old|far|high|low|big|large|small|tall|deep|wide|heavy|expensive|cheap|costly|fast|steep)$/;

/** Nouns that make "what/which …?" ask for a place ("which city", "what venue"). */
const PLACE_NOUNS =
  /^(country|countries|city|cities|town|towns|village|villages|place|places|site|sites|location|locations|venue|venues|region|regions|province|provinces|stadium|stadiums|arena|arenas|hotel|hotels|airport|airports|port|ports)$/;

/** Words that make "how much…" ask for an amount of money ("how much did it *cost*"). */
const MONEY_WORDS =
  /^(cost|costs|costing|pay|pays|paid|paying|spend|spends|spent|spending|price|prices|priced|money|worth|fee|fees|charge|charges|charged|budget|salary|salaries|fund|funds|funded|funding|earn|earns|earned|invest|invested|investment)$/;
/** Nouns that make "what is the …?" ask for an amount of money. */
const MONEY_NOUNS = /^(cost|costs|price|prices|fee|fees|budget|salary|salaries|fare|fares|wage|wages)$/;

/** The question type, from its first question word (a later "when…" clause does not count). */
function questionType(words: string[]): QuestionType {
  const i = words.findIndex((w) => WH_WORDS.has(w));
  if (i < 0) return 'other';
  const w = words[i]!;
  const next = words[i + 1] ?? '';
  if (w === 'who' || w === 'whom' || w === 'whose') return 'who';
  if (w === 'where') return 'where';
  if (w === 'when') return 'when';
  // "how many", "how old", and the measures a figure answers: "how high is inflation?"
  if (w === 'how') {
    if (/^(expensive|cheap|costly)$/.test(next)) return 'money';
    if (next === 'much' && words.slice(i + 2).some((x) => MONEY_WORDS.test(x))) return 'money';
    return MEASURES.test(next) ? 'number' : next === 'long' ? 'when' : 'other';
  }
  if (w === 'what' || w === 'which') {
    // "what year…", and "what are the dates of…"
    let k = i + 1;
    if (/^(is|are|was|were)$/.test(words[k] ?? '') && /^(the|a|an)$/.test(words[k + 1] ?? '')) k += 2;
    const noun = words[k] ?? '';
    if (/^years?$/.test(noun)) return 'year';
    if (/^(date|month|day|time)s?$/.test(noun)) return 'when';
    if (PLACE_NOUNS.test(noun)) return 'where';
    if (/^(person|people|official|officials|individual|individuals)$/.test(noun)) return 'person';
    if (/^(number|amount|total|count)$/.test(noun)) return 'number';
    if (/^(percentage|percent|proportion)$/.test(noun)) return 'percent';
    // "what was the cost…", "what was the average cost…"
    if (MONEY_NOUNS.test(noun) || MONEY_NOUNS.test(words[k + 1] ?? '')) return 'money';
  }
  return 'other';
}

/** A word that may be initials: two to five letters, perhaps run into a number ("sb50"). */
const INITIALS = /(?<![\p{L}\p{N}'’])(\p{L}{2,5})(\d*)(?![\p{L}\p{N}])/gu;

/** The possessive ending, as the tokenizer splits it off ("Vaddi" + "'s"). */
const POSSESSIVE = /^['’]s$/;

/** A word as spelling correction sees it: letters, possibly with an apostrophe ("vaddi's"). */
const SPELT_WORD = /\p{L}+(?:['’]\p{L}+)*/gu;

/**
 * Rewrites a question as it was meant: chat language ("nk", "whats", "gonna"), possessives typed
 * without their apostrophe ("moscows"), misspelt words ("wher", "sanctons", "Kritenbrinck").
 * A word nothing can read is left out and listed in `ignored`, unless it is capitalised: an
 * unknown name is still what the question is about.
 */
export function normaliseQuestion(
  text: string,
  lexicon: QuestionLexicon,
): { text: string; ignored: string[]; corrected: string[] } {
  const ignored: string[] = [];
  const corrected: string[] = [];
  // "russia/nk": two words joined by a slash are read apart ("w/o", "b/c" stay chat words).
  const parted = text.replace(/(\p{L}{2,})\/(?=\p{L}{2,})/gu, '$1 / ');
  // "what did the wh say", "who won sb50": initials of a name the briefings write, in full.
  // A name of several words the briefings know is kept whole: "kim jong un" is not "kim jong UN".
  let keys: string[] | undefined;
  const names = (words: readonly string[], i: number) =>
    lexicon.aliases.phraseLength?.((keys ??= words.map(wordKey)), i) ?? 0;
  const spelt = lexicon.chat
    .normalise(parted, names)
    .replace(INITIALS, (word, letters: string, number: string) => {
      const name = lexicon.initialism(word);
      return name === undefined ? word : number ? `${name} ${number}` : name;
    });
  const rewritten = spelt.replace(SPELT_WORD, (word) => {
    const lower = fold(word);
    // A word the briefings write with an apostrophe or a hyphen, typed without it ("obrien", "cofounder").
    const written =
      lower.includes("'") || lexicon.inBriefings(lower) ? undefined : lexicon.withApostrophe(lower);
    if (written) return /^\p{Lu}/u.test(word) ? written[0]!.toUpperCase() + written.slice(1) : written;
    // A possessive of a word nothing knows: misspelt ("kritenbrnik's", "comittee's"), or else a
    // name the briefings may not use ("vaddi's" asked of other briefings), kept as written.
    const possessive = /^(\p{L}{3,})['’]s$/u.exec(word);
    if (possessive && !lexicon.isWord(fold(possessive[1]!))) {
      const correction = correctSpelling(fold(possessive[1]!), lexicon);
      if (!correction) return word;
      corrected.push(correction);
      return (/^\p{Lu}/u.test(word) ? correction[0]!.toUpperCase() + correction.slice(1) : correction) + "'s";
    }
    if (lower.includes("'") || lexicon.isWord(lower)) return word;
    // A name the briefings use with its possessive typed without the apostrophe ("dprks", "vaddis").
    if (lower.endsWith('s') && lexicon.isBriefingName(lower.slice(0, -1))) return `${word.slice(0, -1)}'s`;
    // A word in its base form ("xylophones": WordNet knows "xylophone").
    if (lexicon.isWord(lexicon.commonLemma(lower))) return word;
    // A capitalised word is a name: only a name the briefings use is a likely correction of it.
    const capitalised = /^\p{Lu}/u.test(word);
    const correction = correctSpelling(lower, capitalised ? { ...lexicon, englishRank: () => -1 } : lexicon);
    if (correction) {
      corrected.push(correction);
      return capitalised ? correction[0]!.toUpperCase() + correction.slice(1) : correction;
    }
    if (capitalised) return word;
    ignored.push(word);
    return '';
  });
  return { text: rewritten.replace(/\s{2,}/g, ' ').trim(), ignored, corrected };
}

/** A word written all in capitals, of two letters or more, or such a word in the plural ("TDs"). */
const CAPITALS = /^\p{Lu}{2,}s?$/u;

/** Analyses a question (and, weaker, an earlier question it follows up on) into query terms. */
export function analyseQuestion(
  question: string,
  lexicon: QuestionLexicon,
  context?: string,
): AnalysedQuestion {
  const text = cleanQuestion(question);
  const terms: QuestionTerm[] = [];
  const seen = new Set<string>();
  let type: QuestionType = 'other';
  const normalised = normaliseQuestion(text, lexicon);
  const correctedWords = new Set(normalised.corrected);
  const nameRuns: string[] = [];
  const add = (source: string, weight: number) => {
    if (!source) return;
    const analysis = analyse(source);
    const own = weight === 1;
    if (own) type = questionType(analysis.tokens.map((t) => t.key));
    const focus = own ? focusToken(analysis.tokens) : -1;
    const attribution = own ? attributionStart(analysis.tokens) : -1;
    const speakers = own ? speakerSpan(analysis.tokens) : undefined;
    const { occurrences } = extractTerms(analysis, 0, analysis.tokens.length, lexicon.aliases);
    const runs = own ? capitalisedRuns(analysis.tokens) : new Map<number, number>();
    // Written in capitals inside a question in ordinary case, a word is initials ("SAP Center",
    // which the tagger reads as the verb "to sap"); not in a question typed all in capitals.
    const words = analysis.tokens.filter((t) => t.type === 'word' && /\p{L}/u.test(t.value));
    const shoutless = words.filter((t) => CAPITALS.test(t.value)).length * 2 < words.length;
    if (own) {
      const spans = new Map<number, [number, number]>();
      for (const [i, run] of runs) {
        const t = analysis.tokens[i]!;
        const span = spans.get(run);
        spans.set(run, span ? [span[0], t.end] : [t.start, t.end]);
      }
      for (const [run, [start, end]] of spans) nameRuns[run - 1] = fold(source.slice(start, end));
    }
    for (const o of occurrences) {
      // A name the briefings write that the tagger read as a verb of another word ("Manning" as
      // "to man"): the briefings index it as written (see correctNameTags). Typed in lower case,
      // it is that name unless the briefings use the other word ("associated" → "associate").
      const word = analysis.tokens[o.from]!;
      if (
        !o.entity &&
        o.to - o.from === 1 &&
        word.pos === 'VERB' &&
        word.key !== o.term &&
        lexicon.isBriefingName(word.key) &&
        (/^\p{Lu}/u.test(word.value) || !(lexicon.inBriefings(o.term) || isCommonVerbForm(word, lexicon)))
      ) {
        o.term = word.key;
        o.name = true;
      }
      // "according to" introduces whom the asker attributes the answer to; it is no topic.
      const tokens = analysis.tokens.slice(o.from, o.to);
      const first = tokens[0]!;
      // A framing verb read as a noun ("the Halvenport *talks*", "the halftime *show*", "the *use*
      // of force") is what the question is about; it stays, though never as a word the answer
      // must have (a noun of it may be only the asker's: "take a *look*").
      // The tagger takes a verb after a noun for part of it ("what did the council *talk* about"):
      // only a plural or one after a determiner is read as a noun.
      const before = analysis.tokens[o.from - 1];
      const framingNoun =
        FRAMING_VERBS.has(o.term) &&
        o.to - o.from === 1 &&
        first.pos === 'NOUN' &&
        (first.key !== o.term || before?.pos === 'DET' || POSSESSIVE_DETERMINERS.has(before?.key ?? ''));
      if (seen.has(o.term) || (FRAMING.has(o.term) && !framingNoun) || first.key === 'according') continue;
      if (own && type === 'who' && SOMEBODY.has(o.term) && !o.name) continue;
      seen.add(o.term);
      const surface = source.slice(tokens[0]!.start, tokens[tokens.length - 1]!.end);
      // A name: an alias entity, or a capitalised word (the tagger alone also calls a lowercase
      // "new" at the end of a question a proper noun), or a lower-case word that names something
      // ("vaddi", "china", "nba"): one the tagger calls a proper noun only when it is no common
      // word ("…between Russia and North Korea new?" asks whether it is new, of no name "new").
      const capitalised = /^\p{Lu}/u.test(first.value);
      const single = o.to - o.from === 1;
      const initials = single && shoutless && CAPITALS.test(first.value);
      // The first word's capital says nothing: a common noun there the tagger calls a proper one
      // ("Difficulty in establishing a framework…", "Time and space are…") is no name, unless
      // the briefings use it as one.
      const openingNoun =
        o.from === 0 &&
        single &&
        !o.entity &&
        !initials &&
        !lexicon.isBriefingName(first.key) &&
        lexicon.nameKind(o.term, 'noun') === 'common';
      const name =
        o.entity ||
        (capitalised && !openingNoun && (o.name || initials || (o.from > 0 && first.pos !== 'VERB'))) ||
        (single &&
          !capitalised &&
          // A common verb's inflected form ("associated") is that verb, whatever name the
          // briefings make of it (the Associated Press).
          ((lexicon.isBriefingName(first.key) && !isCommonVerbForm(first, lexicon)) ||
            // Typed in lower case, one or two letters are a fragment or a typo ("th elast"),
            // not a name (chat language spells out those that are: "nk", "un").
            (first.value.length > 2 &&
              ((first.pos === 'PROPN' && lexicon.nameKind(o.term) !== 'common') ||
                lexicon.nameKind(o.term) === 'proper' ||
                // "whats vaddi's title": what has something ('s) and is no word is a name.
                (POSSESSIVE.test(analysis.tokens[o.to]?.value ?? '') && !lexicon.isWord(first.key))))));
      const commonLemma = capitalised && !o.entity && single ? lexicon.commonLemma(first.key) : undefined;
      // A word spelling correction made is no evidence of a name the briefings lack ("smth" →
      // "smith"): only one they use is.
      const guessed = correctedWords.has(first.key) && !lexicon.isBriefingName(first.key);
      // Capitalised inside the question, a word is judged as a noun ("Japan", not "to japan").
      const asNoun = capitalised && o.from > 0 ? ('noun' as const) : undefined;
      const proper =
        name &&
        !guessed &&
        // "TDs", "ICBMs": an acronym in the plural counts things, it doesn't name one.
        !(single && !o.entity && /^\p{Lu}{2,}s$/u.test(first.value)) &&
        (o.entity ||
          lexicon.isBriefingName(first.key) ||
          (lexicon.nameKind(o.term, asNoun) !== 'common' &&
            lexicon.nameKind(first.key, asNoun) !== 'common' &&
            (commonLemma === undefined || lexicon.nameKind(commonLemma, asNoun) !== 'common')));
      terms.push({
        term: o.term,
        surface: fold(surface)
          .replace(/[^\p{L}\p{N}']+/gu, ' ')
          .trim(),
        name,
        proper,
        ...(initials && !o.entity ? { initials: true as const } : {}),
        ...(commonLemma && commonLemma !== o.term ? { commonLemma } : {}),
        ...(single && first.pos === 'VERB' && PARTICLES.has(analysis.tokens[o.to]?.key ?? '')
          ? { compound: o.term + analysis.tokens[o.to]!.key }
          : {}),
        important:
          name ||
          (!STANCE_WORDS.has(o.term) &&
            !framingNoun &&
            (first.pos === 'NOUN' || first.pos === 'PROPN' || first.pos === 'X')),
        surfaceKey: first.key,
        pos: first.pos,
        ...(single && runs.has(o.from) ? { nameRun: runs.get(o.from)! } : {}),
        ...(name && speakers && o.from >= speakers[0] && o.to <= speakers[1] ? { speaker: true } : {}),
        ...(single && !name && ROLE_WORDS.has(analysis.tokens[o.to]?.lemma ?? '')
          ? { qualifiesRole: true }
          : {}),
        weight,
        own,
        part:
          o.from === focus && single
            ? 'focus'
            : attribution >= 0 &&
                o.from >= attribution &&
                !clauseBetween(analysis.tokens, attribution, o.from)
              ? 'attribution'
              : 'topic',
        // Question tags are unreliable ("will travel" comes out a noun); an inflected noun is not:
        // "sanctions" are penalties, while to sanction is to approve.
        ...(single && first.pos === 'NOUN' && first.key !== o.term ? { partOfSpeech: 'noun' as const } : {}),
      });
    }
  };
  add(normalised.text, 1);
  if (type === 'other' && asksForRole(terms)) {
    // "What is Vaddi's official title?" asks who Vaddi is: the office words are not to be matched.
    type = 'who';
    terms.splice(0, terms.length, ...terms.filter((t) => !ROLE_WORDS.has(t.term) && !t.qualifiesRole));
  }
  const spelled = SPELLED_OUT.exec(normalised.text);
  const spelledOut = spelled ? fold(spelled[1] ?? spelled[2] ?? spelled[3] ?? '').replace(/\./g, '') : '';
  if (spelledOut)
    terms.splice(0, terms.length, ...terms.filter((t) => !(t.own && SPELLED_OUT_FRAME.has(t.term))));
  if (context) add(normaliseQuestion(cleanQuestion(context), lexicon).text, 0.5);
  return {
    text,
    normalised: normalised.text,
    type,
    terms: terms.slice(0, MAX_QUESTION_TERMS),
    ignored: normalised.ignored,
    nameRuns,
    ...(RECENCY.test(text) ? { recent: true } : {}),
    ...(SPECIFICS.test(text) ? { specific: true } : {}),
    ...(spelledOut ? { spelledOut } : {}),
  };
}

/**
 * Whether a token is an inflected form of a verb ("associated", "manning") that is among the most
 * frequent English words ({@link COMMON_WORD_RANK}): typed in lower case, it is that verb.
 */
function isCommonVerbForm(t: { pos: string; key: string; lemma: string }, lexicon: QuestionLexicon): boolean {
  if (t.pos !== 'VERB' || t.key === t.lemma) return false;
  const rank = lexicon.englishRank(t.key);
  return rank >= 0 && rank < COMMON_WORD_RANK;
}

/**
 * The most frequent English words (by their rank in the word vectors' vocabulary) are read as
 * themselves when typed in lower case: never as initials ("go", "no", "ok", "pm"), nor as a
 * name the briefings write the same way ("associated", not the Associated Press).
 */
export const COMMON_WORD_RANK = 5_000;

/** Little words that may stand inside a name written in capitals ("Secretary *of* Defense"); "and" joins two names. */
const NAME_CONNECTORS = new Set(['of', 'de']);

/**
 * Token index → run number, for the capitalised words that make names of two or more words
 * ("the World Cup", "Secretary of Defense"), not counting a question's capitalised first word.
 */
function capitalisedRuns(
  tokens: ReadonlyArray<{ value: string; key: string; type: string }>,
): Map<number, number> {
  const runs = new Map<number, number>();
  let run: number[] = [];
  let pending = 0;
  let number = 0;
  const close = () => {
    if (run.length >= 2) {
      number++;
      for (const i of run) runs.set(i, number);
    }
    run = [];
    pending = 0;
  };
  for (let i = 1; i < tokens.length; i++) {
    const t = tokens[i]!;
    // An acronym or a numeral ("NFL", "XXIV") is a name of its own, not a word of a longer one.
    const acronym = /^\p{Lu}[\p{Lu}\d.]+$/u.test(t.value);
    if (/^\p{Lu}/u.test(t.value) && t.type === 'word' && !acronym) {
      run.push(i);
      pending = 0;
    } else if (run.length && NAME_CONNECTORS.has(t.key) && pending < 1) pending++;
    else close();
  }
  close();
  return runs;
}

/** Verbs of speaking, of responding and of agreeing, as lemmas: what a speaker does in a question. */
export const SPEAKING: ReadonlySet<string> = new Set([
  'say',
  'state',
  'tell',
  'claim',
  'announce',
  'warn',
  'argue',
  'report',
  'respond',
  'react',
  'reply',
  'mention',
  'emphasize',
  'emphasise',
  'stress',
  'note',
  'describe',
  'label',
  'comment',
  'think',
  'feel',
  'believe',
  'agree',
  'pledge',
  'promise',
  'vow',
]);

/**
 * The tokens naming who is asked to have spoken in "What did X say…?", "How did X respond…?"
 * (a question word, an auxiliary, then X up to a verb of speaking), as a token range; undefined
 * when the question is not of that shape ("What is X prepared to respond with?": a participle
 * and an infinitive are no speaking by X).
 */
function speakerSpan(
  tokens: ReadonlyArray<{ key: string; lemma: string; pos: string }>,
): [number, number] | undefined {
  const wh = tokens.findIndex((t) => t.key === 'what' || t.key === 'how');
  // "What did X say", "How has X responded"; not "What is X called", which asks for a name.
  if (wh < 0 || !/^(do|have|will|would)$/.test(tokens[wh + 1]?.lemma ?? '')) return undefined;
  for (let k = wh + 2; k < tokens.length && k <= wh + 10; k++) {
    const t = tokens[k]!;
    if (SPEAKING.has(t.lemma) && k > wh + 2) return tokens[k - 1]!.key === 'to' ? undefined : [wh + 2, k];
    // The tagger calls a lower-case name a verb now and then ("what did japan say"); a
    // participle it calls a verb is one.
    const participle = t.pos === 'VERB' && /(?:ed|ing)$/.test(t.key);
    const punctuation = t.pos === 'PUNCT' && !/^[-'’]$/.test(t.key);
    if (participle || punctuation || t.pos === 'AUX') return undefined;
  }
  return undefined;
}

/** Index of the first token after "according to", or -1. */
function attributionStart(tokens: ReadonlyArray<{ key: string }>): number {
  for (let i = 0; i + 2 < tokens.length; i++)
    if (tokens[i]!.key === 'according' && tokens[i + 1]!.key === 'to') return i + 2;
  return -1;
}

/** True when a clause boundary (",", "?", ";"…) stands between tokens `from` and `to`. */
function clauseBetween(
  tokens: ReadonlyArray<{ type: string; key: string }>,
  from: number,
  to: number,
): boolean {
  for (let i = from; i < to; i++)
    if (tokens[i]!.type === 'punctuation' && tokens[i]!.key !== '-') return true;
  return false;
}

/** Index of the token a "what/which <noun>" question asks for ("what *network*"), or -1. */
function focusToken(tokens: ReadonlyArray<{ key: string; pos: string }>): number {
  for (let i = 0; i + 1 < tokens.length; i++) {
    // "how *high* is inflation": the measure asked for, which the answer gives as a figure.
    if (tokens[i]!.key === 'how' && (tokens[i + 1]!.pos === 'ADJ' || tokens[i + 1]!.pos === 'ADV'))
      return i + 1;
    if (tokens[i]!.key !== 'what' && tokens[i]!.key !== 'which') continue;
    let k = i + 1;
    // "what kind of policy", "which type of goods"
    if (/^(kind|kinds|type|types|sort|sorts)$/.test(tokens[k]!.key) && tokens[k + 1]?.key === 'of') k += 2;
    return tokens[k]?.pos === 'NOUN' ? k : -1;
  }
  return -1;
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
    terms.every((t) => t.name || ROLE_WORDS.has(t.term) || t.qualifiesRole || !t.important)
  );
}
