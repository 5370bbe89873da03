/** Spelling correction against a dictionary of the briefings' words and ranked English words. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { correctSpelling, type SpellingDictionary } from '../../src/answer/spelling.js';

/** A dictionary of a few briefing words and a few English words, ranked by frequency (0 = most frequent). */
function dictionary(briefings: string[], english: string[]): SpellingDictionary {
  const inBriefings = new Set(briefings);
  const rank = new Map(english.map((w, i) => [w, i]));
  return {
    inBriefings: (w) => inBriefings.has(w),
    englishRank: (w) => rank.get(w) ?? -1,
    isWord: (w) => inBriefings.has(w) || rank.has(w),
  };
}

const BRIEFINGS = ['sanctions', 'sanction', 'workers', 'missile', 'meeting', 'kritenbrink', 'cosmodrome'];
const ENGLISH = [
  'the',
  'where',
  'there',
  'what',
  'when',
  'said',
  'meeting',
  'their',
  'workers',
  'sanctions',
  'missile',
];
const dict = dictionary(BRIEFINGS, ENGLISH);

describe('correctSpelling', () => {
  it('puts back a letter left out', () => {
    expect(correctSpelling('wher', dict)).toBe('where');
    expect(correctSpelling('sanctons', dict)).toBe('sanctions');
    expect(correctSpelling('meting', dict)).toBe('meeting');
  });

  it('swaps back two letters typed in the wrong order', () => {
    expect(correctSpelling('wehre', dict)).toBe('where');
    expect(correctSpelling('wrokers', dict)).toBe('workers');
  });

  it('removes a letter typed twice, or one too many', () => {
    expect(correctSpelling('missille', dict)).toBe('missile');
    expect(correctSpelling('sanctionss', dict)).toBe('sanctions');
    expect(correctSpelling('kritenbrinck', dict)).toBe('kritenbrink');
  });

  it('prefers the briefings’ word over an English word equally close', () => {
    // "csting" lacks one letter of either "casting" or "costing"; "costing" is the more frequent
    // English word, "casting" the briefings' word.
    expect(correctSpelling('csting', dictionary(['casting'], ['costing', 'casting']))).toBe('casting');
    expect(correctSpelling('csting', dictionary(['costing'], ['casting', 'costing']))).toBe('costing');
  });

  it('among English words, prefers the more frequent', () => {
    expect(correctSpelling('csting', dictionary([], ['costing', 'casting']))).toBe('costing');
    expect(correctSpelling('csting', dictionary([], ['casting', 'costing']))).toBe('casting');
  });

  it('leaves words shorter than four letters alone', () => {
    expect(correctSpelling('wht', dict)).toBeNull();
    expect(correctSpelling('teh', dict)).toBeNull();
  });

  it('leaves words with digits, capitals or other characters alone', () => {
    expect(correctSpelling('wher3', dict)).toBeNull();
    expect(correctSpelling('2wher', dict)).toBeNull();
    expect(correctSpelling('Wher', dict)).toBeNull();
    expect(correctSpelling("wher's", dict)).toBeNull();
  });

  // A word the dictionary already knows is left alone by normaliseQuestion, which asks isWord
  // before correcting (tests/answer/question.test.ts); correctSpelling itself does not ask it.

  it('returns null when no word is one edit away', () => {
    expect(correctSpelling('xqzvt', dict)).toBeNull();
    expect(correctSpelling('sanctionsxx', dict)).toBeNull();
  });

  it('never offers a word from outside the dictionary, nor a rare English word', () => {
    const rare = dictionary([], []);
    const rank = (w: string) => (w === 'where' ? 70_000 : -1);
    expect(correctSpelling('wher', { ...rare, englishRank: rank })).toBeNull();
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{1,12}$/), (word) => {
        const corrected = correctSpelling(word, dict);
        if (corrected === null) return;
        expect(corrected).not.toBe(word);
        expect(dict.inBriefings(corrected) || dict.englishRank(corrected) >= 0).toBe(true);
      }),
    );
  });

  it('corrects each misspelling of a dictionary word to a dictionary word', () => {
    // Every single omission of a letter from a briefing word is read as a word again.
    fc.assert(
      fc.property(fc.constantFrom(...BRIEFINGS.filter((w) => w.length >= 5)), fc.nat(), (word, n) => {
        const at = 1 + (n % (word.length - 1));
        const typo = word.slice(0, at) + word.slice(at + 1);
        const corrected = correctSpelling(typo, dict);
        if (dict.isWord(typo)) return;
        expect(corrected).not.toBeNull();
        expect(dict.isWord(corrected!)).toBe(true);
      }),
    );
  });
});
