/**
 * The search rules (`src/answer/search.ts`), over a small knowledge folder of its own and over the
 * seed briefings: every word, any inflected form, names through their aliases, phrases in quotes,
 * "the most words" when none has all, no synonyms, and a total that is the list's length.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, Engine } from '../../src/answer/engine.js';
import { analyse } from '../../src/answer/nlp.js';
import { inflect, PassageSearch, splitPhrases, type SearchResult } from '../../src/answer/search.js';
import type { Excerpt } from '../../src/answer/types.js';
import { loadKnowledge } from '../../src/knowledge/load.js';

const dir = mkdtempSync(join(tmpdir(), 'search-'));
let engine: Engine;
let seeds: Engine;

const SENTENCES = {
  imposed: 'The council imposed sanctions on three shipping firms.',
  banks: 'Officials sanctioned two banks in Pyongyang last week.',
  phrase: 'The Security Council met on Tuesday to discuss the launch.',
  apart: 'Security officials said the council would meet again in May.',
  dprk: 'The DPRK denied the claims made by the officials.',
  oneWord: 'Policymakers in the region remain cautious about the talks.',
  twoWords: 'Policy makers were not consulted before the vote.',
  warrants: 'The court approved the warrants after a short hearing.',
  sanctioning: 'Sanctioning banks is a common tool of pressure.',
  twice: 'The council said the council alone would decide.',
  penalties: 'Penalties for late filings were raised again.',
};

beforeAll(async () => {
  writeFileSync(
    join(dir, 'aliases.yaml'),
    [
      'entities:',
      '  - name: North Korea',
      '    kind: place',
      '    aliases: [DPRK, Pyongyang]',
      'synonyms:',
      '  - [penalty, sanction]',
      '',
    ].join('\n'),
  );
  const body = Object.values(SENTENCES).join('\n\n');
  writeFileSync(
    join(dir, 'round.md'),
    ['---', 'title: A round of measures', 'source: Desk', 'date: 2024-01-02', '---', '', body, ''].join('\n'),
  );
  writeFileSync(
    join(dir, 'launch.md'),
    [
      '---',
      'title: A launch',
      'source: Desk',
      '---',
      '',
      'North Korea launched a satellite on Monday.',
      '',
      'The launch drew sanctions threats from the council.',
      '',
    ].join('\n'),
  );
  engine = Engine.build(await loadKnowledge(dir), { vectors: null });
  seeds = Engine.build(await loadKnowledge('knowledge'), { vectors: null });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every passage of a search, all pages. */
function all(e: Engine, query: string): SearchResult & { texts: string[] } {
  const result = e.search(query, { top: 50 });
  return { ...result, texts: result.excerpts.map((x) => x.text) };
}

/** The words of an excerpt that are highlighted. */
const bold = (x: Excerpt): string[] => x.highlights.map((h) => x.text.slice(h.start, h.end));

describe('search', () => {
  it('lists the passages with a word in any inflected form, and only those', () => {
    const r = all(engine, 'sanction');
    expect(r.match).toBe('all');
    expect(r.texts.sort()).toEqual(
      [
        SENTENCES.imposed,
        SENTENCES.banks,
        SENTENCES.sanctioning,
        'The launch drew sanctions threats from the council.',
      ].sort(),
    );
    expect(r.total).toBe(4);
    for (const form of ['sanctions', 'sanctioned', 'Sanctions', 'SANCTIONING'])
      expect(all(engine, form).texts.sort(), form).toEqual(r.texts.sort());
    // The matched word is what is bold, in the form the passage has it.
    const banks = r.excerpts.find((x) => x.text === SENTENCES.banks)!;
    expect(bold(banks)).toEqual(['sanctioned']);
  });

  it('expands nothing: no synonyms (not even the folder’s own), no WordNet senses', () => {
    // "warrant" is a WordNet sense of "sanction"; "penalty" is the folder's synonym of it.
    expect(all(engine, 'sanctions').texts).not.toContain(SENTENCES.warrants);
    expect(all(engine, 'sanctions').texts).not.toContain(SENTENCES.penalties);
    expect(all(engine, 'penalty').texts).toEqual([SENTENCES.penalties]);
  });

  it('needs every word, and counts exactly the passages listed', () => {
    const r = all(engine, 'sanctions banks');
    expect(r.match).toBe('all');
    expect(r.words).toEqual(['sanctions', 'banks']);
    expect(r.texts.sort()).toEqual([SENTENCES.banks, SENTENCES.sanctioning].sort());
    expect(r.total).toBe(r.excerpts.length);
  });

  it('finds a name through its aliases, and the aliases through the name', () => {
    const byName = all(engine, 'North Korea').texts;
    expect(byName.sort()).toEqual(
      [SENTENCES.banks, SENTENCES.dprk, 'North Korea launched a satellite on Monday.'].sort(),
    );
    expect(all(engine, 'dprk').texts.sort()).toEqual(byName.sort());
    expect(all(engine, 'Pyongyang sanctions').texts).toEqual([SENTENCES.banks]);
  });

  it('matches words in quotes only as that phrase', () => {
    expect(all(engine, '"security council"').texts).toEqual([SENTENCES.phrase]);
    expect(all(engine, '“Security Council”').words).toEqual(['"Security Council"']);
    expect(all(engine, 'security council').texts.sort()).toEqual([SENTENCES.phrase, SENTENCES.apart].sort());
    expect(all(engine, '"council security"')).toMatchObject({ match: 'none', total: 0 });
    // A phrase and a word: both needed.
    expect(all(engine, '"security council" launch').texts).toEqual([SENTENCES.phrase]);
  });

  it('finds a word written as one where the briefing writes two, and the other way round', () => {
    const expected = [SENTENCES.oneWord, SENTENCES.twoWords].sort();
    expect(all(engine, 'policymakers').texts.sort()).toEqual(expected);
    expect(all(engine, 'policy makers').texts.sort()).toEqual(expected);
  });

  it('when no passage has every word, lists those with the most, and says which words are nowhere', () => {
    const r = all(engine, 'sanctions banks france');
    expect(r).toMatchObject({ match: 'some', wordsMatched: 2, notFound: ['france'] });
    expect(r.texts.sort()).toEqual([SENTENCES.banks, SENTENCES.sanctioning].sort());
    expect(r.total).toBe(2);
    const one = all(engine, 'satellite warrants');
    expect(one).toMatchObject({ match: 'some', wordsMatched: 1, notFound: [] });
    expect(one.texts.sort()).toEqual(
      ['North Korea launched a satellite on Monday.', SENTENCES.warrants].sort(),
    );
  });

  it('says when nothing matches, and when there is nothing to search for', () => {
    expect(all(engine, 'zebra')).toMatchObject({
      match: 'none',
      total: 0,
      excerpts: [],
      notFound: ['zebra'],
    });
    for (const q of ['', '   ', 'the of', '?!', '""', '<@123456789012345678>'])
      expect(all(engine, q), JSON.stringify(q)).toMatchObject({ match: 'empty', total: 0, words: [] });
  });

  it('ranks best first: the word twice before once, a rarer word before a common one', () => {
    const council = all(engine, 'council');
    expect(council.texts[0]).toBe(SENTENCES.twice);
    const scores = council.excerpts.map((x) => x.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    // "firms" is in one passage, "council" in several: a passage with only "firms" outranks one with only "council".
    const some = all(engine, 'firms council zebra');
    expect(some.texts[0]).toBe(SENTENCES.imposed);
  });

  it('pages without repeating, and the total holds on every page', () => {
    const whole = engine.search('council', { top: 50 });
    const seen: string[] = [];
    for (let offset = 0; offset < whole.total + 3; offset += 2) {
      const page = engine.search('council', { offset, top: 2 });
      expect(page.total).toBe(whole.total);
      seen.push(...page.excerpts.map((x) => `${x.briefing}#${x.passage}`));
    }
    expect(seen).toEqual(whole.excerpts.map((x) => `${x.briefing}#${x.passage}`));
  });
});

describe('search over the seed briefings', () => {
  it('"sanctions" lists only passages with a form of "sanction" (not "warrants", not the meeting)', () => {
    const r = all(seeds, 'sanctions');
    expect(r.total).toBe(r.excerpts.length);
    expect(r.total).toBeGreaterThan(0);
    for (const x of r.excerpts) {
      expect(x.text).toMatch(/sanction/i);
      expect(bold(x).join(' ')).toMatch(/sanction/i);
    }
    expect(r.texts.join(' ')).not.toContain('Vostochny');
  });

  it('"White House" finds it inside "White House National Security Council" too', () => {
    const texts = all(seeds, 'White House').texts;
    expect(texts.some((t) => t.includes('White House National Security Council'))).toBe(true);
    expect(texts.every((t) => t.includes('White House'))).toBe(true);
  });

  it('the count always equals what a walk through every page returns (property)', () => {
    const vocabulary = [
      ...new Set(
        seeds
          .passages()
          .flatMap((p) => p.text.split(/[^\p{L}\p{N}'’-]+/u))
          .filter((w) => w.length > 1),
      ),
    ];
    const word = fc.oneof(
      fc.constantFrom(...vocabulary),
      fc.constantFrom('france', 'zebra', 'the', '"', '?'),
    );
    const query = fc
      .tuple(fc.array(word, { minLength: 1, maxLength: 4 }), fc.boolean())
      .map(([words, quoted]) => (quoted ? `"${words.join(' ')}"` : words.join(' ')));
    fc.assert(
      fc.property(query, fc.integer({ min: 1, max: 50 }), (q, top) => {
        const first = seeds.search(q, { top });
        const walked: string[] = [];
        for (let offset = 0; ; offset += top) {
          const page = seeds.search(q, { offset, top });
          expect(page.total).toBe(first.total);
          if (page.excerpts.length === 0) break;
          walked.push(...page.excerpts.map((x) => `${x.briefing}#${x.passage}`));
          for (const x of page.excerpts) expect(x.highlights.length).toBeGreaterThan(0);
        }
        expect(walked).toHaveLength(first.total);
        expect(new Set(walked).size).toBe(walked.length);
        expect(first.match === 'all' || first.match === 'some').toBe(first.total > 0);
      }),
      { numRuns: 150 },
    );
  });
});

describe('a search made on its own', () => {
  it('searches as the engine does, given the engine’s BM25 parameters and lemmas read the same way', () => {
    const search = new PassageSearch(seeds.index, {
      k1: DEFAULT_OPTIONS.k1,
      b: DEFAULT_OPTIONS.b,
      lemma: (word) => analyse(word).tokens[0]?.lemma ?? word,
    });
    for (const q of [
      'sanctions',
      'White House',
      '"security council"',
      'policy makers',
      'states weapons',
      'the',
    ])
      for (const offset of [0, 3])
        expect(search.search(q, { offset, top: 5 })).toEqual(seeds.search(q, { offset, top: 5 }));
  });
});

describe('query parsing', () => {
  it('splits phrases at pairs of quotation marks; an unpaired mark is ignored', () => {
    expect(splitPhrases('a "b c" d')).toEqual([
      { text: 'a', phrase: false },
      { text: 'b c', phrase: true },
      { text: 'd', phrase: false },
    ]);
    expect(splitPhrases('“b c” «d e»')).toEqual([
      { text: 'b c', phrase: true },
      { text: 'd e', phrase: true },
    ]);
    expect(splitPhrases('a "b c')).toEqual([
      { text: 'a', phrase: false },
      { text: 'b c', phrase: false },
    ]);
  });

  it('knows the regular inflections', () => {
    expect(inflect('state')).toEqual(expect.arrayContaining(['states', 'stated', 'stating']));
    expect(inflect('ally')).toEqual(expect.arrayContaining(['allies', 'allied']));
    expect(inflect('ban')).toEqual(expect.arrayContaining(['banned', 'banning']));
  });
});
