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

  it('tells a name from a common word by the first sense of each part of speech, or of the noun alone', () => {
    expect(wordnet.nameKind('china')).toBe('proper');
    expect(wordnet.nameKind('day')).toBe('common');
    // "to japan" is to lacquer: as any word, "japan" is common; as a noun, the country comes first.
    expect(wordnet.nameKind('japan')).toBe('common');
    expect(wordnet.nameKind('japan', 'noun')).toBe('proper');
    expect(wordnet.nameKind('day', 'noun')).toBe('common');
    expect(wordnet.nameKind('kritenbrink', 'noun')).toBeUndefined();
  });
});
