/**
 * Initialisms of the names the briefings write: "wh" for the White House, "sb" for the Super
 * Bowl, "nsc" for the National Security Council. People type them in chat ("what did the wh
 * say", "who won sb50"); the briefings spell the name out. Found from the briefings themselves,
 * so they hold for any knowledge folder; the chat-language file still wins (it is read first).
 */

/**
 * A run of capitalised words, joined at most by one lower-case connector ("Secretary of State",
 * "Levi's Stadium", "Kim Jong-un"). "and" joins two names, not one.
 */
const NAME_RUN =
  /\p{Lu}[\p{L}\p{N}'’-]*(?:\s+(?:(?:of|for|the|on|de|del|du|von|van)\s+)?\p{Lu}[\p{L}\p{N}'’-]*)+/gu;

/** Words that open a sentence with a capital without being part of a name after them. */
const OPENERS = new Set([
  'a',
  'an',
  'the',
  'in',
  'on',
  'at',
  'as',
  'by',
  'for',
  'from',
  'to',
  'of',
  'with',
  'after',
  'before',
  'since',
  'during',
  'while',
  'when',
  'where',
  'if',
  'but',
  'and',
  'or',
  'so',
  'yet',
  'although',
  'though',
  'however',
  'meanwhile',
  'this',
  'that',
  'these',
  'those',
  'it',
  'its',
  'his',
  'her',
  'their',
  'our',
  'he',
  'she',
  'they',
  'we',
  'i',
  'according',
  'under',
  'over',
  'between',
  'among',
  'despite',
  'following',
]);

/** Initials this long are read; one letter is too little to say which name. */
const MIN_LETTERS = 2;
const MAX_LETTERS = 5;

/**
 * Of the names sharing one set of initials, the one written most is read only when it is written
 * at least this many times as often as all the others together ("wh": the White House, not Wren
 * Harrowick named once).
 */
const DOMINANCE = 3;

/**
 * Initials → the name they stand for (lower case, as written), for the initials one name clearly
 * owns. Only names whose last word is a common noun (`isCommonWord`) count: a body, a place or an
 * event ("White House", "Super Bowl", "Security Council"), which people shorten; not a person
 * ("Thomas Davis" is no "TD", a touchdown).
 */
export function findInitialisms(
  texts: Iterable<string>,
  isCommonWord: (word: string) => boolean,
): Map<string, string> {
  // Whole names, and the shorter names they end with, counted apart: a whole name wins its
  // initials ("Levi's Stadium" is the "ls", not the end of "Sun Life Stadium").
  const counts = [new Map<string, Map<string, number>>(), new Map<string, Map<string, number>>()];
  const common = new Map<string, boolean>();
  const isCommon = (word: string): boolean => {
    let known = common.get(word);
    if (known === undefined) common.set(word, (known = isCommonWord(word)));
    return known;
  };
  for (const text of texts) {
    for (const m of text.matchAll(NAME_RUN)) {
      const words = m[0].split(/\s+/).map((w) => w.replace(/['’]s$|['’]$/u, ''));
      while (words.length && OPENERS.has(words[0]!.toLowerCase())) words.shift();
      const capitalised = words.filter((w) => /^\p{Lu}/u.test(w));
      if (capitalised.length < MIN_LETTERS || capitalised.length > MAX_LETTERS) continue;
      if (!isCommon(capitalised[capitalised.length - 1]!.toLowerCase())) continue;
      // The name and each shorter name it ends with: "White House National Security Council" is
      // also the "National Security Council".
      for (let from = 0; from < words.length; from++) {
        if (!/^\p{Lu}/u.test(words[from]!)) continue;
        const tail = words.slice(from);
        const initials = tail
          .filter((w) => /^\p{Lu}/u.test(w))
          .map((w) => w[0]!.toLowerCase())
          .join('');
        if (initials.length < MIN_LETTERS || !/^[a-z]+$/.test(initials)) break;
        const name = tail.join(' ').toLowerCase();
        const kind = counts[from === 0 ? 0 : 1]!;
        let names = kind.get(initials);
        if (!names) kind.set(initials, (names = new Map()));
        names.set(name, (names.get(name) ?? 0) + 1);
      }
    }
  }
  const out = new Map<string, string>();
  const [whole, tails] = counts as [Map<string, Map<string, number>>, Map<string, Map<string, number>>];
  for (const [initials, names] of [...whole, ...[...tails].filter(([initials]) => !whole.has(initials))]) {
    let best = '';
    let most = 0;
    let total = 0;
    for (const [name, n] of names) {
      total += n;
      if (n > most || (n === most && name < best)) [best, most] = [name, n];
    }
    if (most >= DOMINANCE * (total - most)) out.set(initials, best);
  }
  return out;
}

/** A typed word that may be initials, alone or run into a number ("sb50"): its letters and number. */
export function initialsOf(word: string): { letters: string; number: string } | undefined {
  const m = /^(\p{L}+)(\d*)$/u.exec(word);
  if (!m || m[1]!.length < MIN_LETTERS || m[1]!.length > MAX_LETTERS) return undefined;
  // Typed in one case throughout: "wh", "WH", "sb50"; not "Wh" or "sB".
  if (m[1] !== m[1]!.toLowerCase() && m[1] !== m[1]!.toUpperCase()) return undefined;
  return { letters: m[1]!.toLowerCase(), number: m[2]! };
}

/** Little words a name written out may hold that its initials skip ("Secretary *of* State"). */
export const SKIPPED_IN_INITIALS = new Set(['of', 'for', 'the', 'and', 'on', 'in', 'de', 'des', 'du', '&']);

/**
 * Whether `text` writes out the name that `letters` (folded initials, "afc") stand for: the name
 * followed by its initials in brackets ("American Football Conference (AFC)"), or the initials
 * followed by the name ("AFC (American Football Conference)").
 */
export function spellsOut(text: string, letters: string): boolean {
  const initialsOf = (words: string[]) =>
    words
      .filter((w) => !SKIPPED_IN_INITIALS.has(w.toLowerCase()))
      .map((w) => w[0]!.toLowerCase())
      .join('');
  const words = (s: string) => s.match(/[\p{L}&][\p{L}\p{N}'’-]*/gu) ?? [];
  const escaped = letters.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const before = new RegExp(`([^()]*)\\(\\s*${escaped}\\s*\\)`, 'giu');
  for (const m of text.matchAll(before)) {
    const named = words(m[1]!).filter((w, i, all) => /^\p{Lu}/u.test(w) || (i > 0 && i < all.length - 1));
    // The last words before the brackets, as many as it takes to spell the initials.
    for (let k = named.length - 1; k >= 0; k--) {
      const initials = initialsOf(named.slice(k));
      if (initials === letters) return true;
      if (initials.length > letters.length) break;
    }
  }
  const after = new RegExp(`\\b${escaped}\\s*\\(([^()]+)\\)`, 'iu').exec(text);
  return after !== null && initialsOf(words(after[1]!)) === letters;
}
