/**
 * Spelling correction of question words, against the briefings' own words and a general English
 * word list ranked by frequency. A word that is already a word is never touched; a misspelt one
 * becomes the closest word by a typist's edit (a letter left out, swapped, doubled or mistyped),
 * the briefings' words and frequent English words preferred.
 */

/** What the corrector knows of words. */
export interface SpellingDictionary {
  /** True when the briefings use the word (a term, or a one-word name). */
  inBriefings(word: string): boolean;
  /** Frequency rank of an English word (0 = most frequent), or -1 when it is not on the list. */
  englishRank(word: string): number;
  /** True when the word is English (or a briefing's) as it stands, inflected or not. */
  isWord(word: string): boolean;
}

/** English words rarer than this are not offered as corrections (the list's tail is mostly names and typos). */
const MAX_CORRECTION_RANK = 60_000;
/** Shortest word corrected: shorter ones have too many neighbours to guess from. */
const MIN_LENGTH = 4;

/**
 * Cost of each kind of edit, from what typing in chat gets wrong most: a letter left out ("wher",
 * "sanctons"), two letters swapped, a letter doubled or added, a wrong letter. A different first
 * letter is rarer still.
 */
const COST = { omitted: 0.6, swapped: 0.7, added: 0.8, replaced: 1, firstLetter: 1 } as const;
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** The correction of a lower-case word, or null when it is a word already or none is close enough. */
export function correctSpelling(word: string, dictionary: SpellingDictionary): string | null {
  if (word.length < MIN_LENGTH || !/^[a-z]+$/.test(word) || dictionary.isWord(word)) return null;
  let best: string | null = null;
  let bestScore = Infinity;
  const consider = (candidate: string, cost: number, at: number) => {
    if (candidate === word || candidate.length < 2) return;
    const briefing = dictionary.inBriefings(candidate);
    const rank = dictionary.englishRank(candidate);
    if (!briefing && (rank < 0 || rank > MAX_CORRECTION_RANK)) return;
    // The briefings' words first; among English words, the frequent ones.
    const score =
      cost + (at === 0 ? COST.firstLetter : 0) + (briefing ? 0 : 0.3 + Math.log10(rank + 10) * 0.1);
    if (score < bestScore || (score === bestScore && best !== null && candidate < best)) {
      bestScore = score;
      best = candidate;
    }
  };
  for (let i = 0; i <= word.length; i++) {
    const head = word.slice(0, i);
    const tail = word.slice(i);
    for (const c of LETTERS) consider(head + c + tail, COST.omitted, i);
    if (i < word.length) {
      consider(head + tail.slice(1), COST.added, i);
      for (const c of LETTERS) if (c !== word[i]) consider(head + c + tail.slice(1), COST.replaced, i);
      if (i + 1 < word.length) consider(head + tail[1]! + tail[0]! + tail.slice(2), COST.swapped, i);
    }
  }
  return best;
}
