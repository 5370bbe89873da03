/** The WordNet reader: other forms of a word, and words it has only as adjectives or adverbs. */
import { describe, expect, it } from 'vitest';
import { WordNet } from '../../src/answer/wordnet.js';

const wordnet = new WordNet();

describe('WordNet', () => {
  it('gives other forms of the same word, not the other words of its senses', () => {
    expect(wordnet.derivedForms('restriction')).toContain('restrict');
    expect(wordnet.derivedForms('prohibition')).toContain('prohibit');
    // "restrict" shares its sense with "curtail", and "sanction" (approval) with "approve":
    // other words, not other forms.
    expect(wordnet.derivedForms('restriction')).not.toContain('curtail');
    expect(wordnet.derivedForms('sanction')).not.toContain('approve');
    expect(wordnet.derivedForms('kritenbrink')).toEqual([]);
  });

  it('tells words it has never as a noun', () => {
    expect(wordnet.knowsOnlyAsNonNoun('new')).toBe(true);
    expect(wordnet.knowsOnlyAsNonNoun('unfounded')).toBe(true);
    expect(wordnet.knowsOnlyAsNonNoun('treaty')).toBe(false);
    // Unknown words are not claimed either way.
    expect(wordnet.knowsOnlyAsNonNoun('kritenbrink')).toBe(false);
  });
});
