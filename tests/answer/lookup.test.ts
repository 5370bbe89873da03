/**
 * Briefing lookup (`src/answer/lookup.ts`): which briefings a name finds, and in what order.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/answer/engine.js';
import { BriefingLookup, lookupKey, newestFirst, type LookupEntry } from '../../src/answer/lookup.js';
import { loadKnowledge } from '../../src/knowledge/load.js';

const entry = (e: Partial<LookupEntry> & { id: string }): LookupEntry => ({
  title: e.id,
  source: 'Desk',
  aliases: [],
  names: [],
  ...e,
});

const ENTRIES: LookupEntry[] = [
  entry({ id: 'grid', title: 'Portugal sets new grid rules', source: 'Energy desk', date: '2024-03-01' }),
  entry({
    id: 'storage',
    title: 'Spain bets on storage',
    source: 'Reuters',
    date: '2024-05-01',
    aliases: ['the battery one'],
    names: ['Maria Lopez', 'Lopez', 'Madrid'],
  }),
  entry({ id: 'portugal-storage', title: 'Storage in Portugal', source: 'Energy desk', date: '2023-01-01' }),
  entry({ id: 'undated', title: 'Portugal and the grid', source: 'State Department' }),
  entry({ id: 'notes', title: 'Grid notes', source: 'Official statements', date: '2022-01-01' }),
  entry({ id: 'newer-grid', title: 'Portugal grid outlook', source: 'Energy desk', date: '2024-06-01' }),
];

const ids = (lookup: BriefingLookup, q: string): string[] => lookup.find(q).map((m) => m.id);

describe('briefing lookup', () => {
  const lookup = new BriefingLookup(ENTRIES);

  it('lists every briefing newest first, undated after dated, when nothing is typed', () => {
    expect(ids(lookup, '')).toEqual([
      'newer-grid',
      'storage',
      'grid',
      'portugal-storage',
      'notes',
      'undated',
    ]);
    expect(lookup.find('   ', 2).map((m) => m.tier)).toEqual(['all', 'all']);
  });

  it('orders briefings by its exported comparator: newest first, undated last, then title, then id', () => {
    expect([...lookup.order]).toEqual(
      ENTRIES.map((e, b) => ({ e, b }))
        .sort((x, y) => newestFirst(x.e, y.e))
        .map(({ b }) => b),
    );
    const same = { title: 'Grid', date: '2024-01-01' };
    expect(newestFirst({ ...same, id: 'a' }, { ...same, id: 'b' })).toBeLessThan(0);
    expect(newestFirst({ id: 'x', title: 'A' }, { id: 'y', title: 'B', date: '2020-01-01' })).toBeGreaterThan(
      0,
    );
  });

  it('ranks the exact id or title first, then titles that start with it, then title words', () => {
    const found = lookup.find('storage');
    expect(found.map((m) => [m.id, m.tier])).toEqual([
      ['storage', 'exact'],
      ['portugal-storage', 'title-start'],
    ]);
    expect(lookup.find('Spain bets on storage')[0]).toMatchObject({ id: 'storage', tier: 'exact' });
    // Titles that start with "portugal" first, newest first; then the one with the word later on.
    expect(lookup.find('portugal').map((m) => [m.id, m.tier])).toEqual([
      ['newer-grid', 'title-start'],
      ['grid', 'title-start'],
      ['undated', 'title-start'],
      ['portugal-storage', 'title'],
    ]);
  });

  it('then the source and the front matter’s aliases, then the names in the text', () => {
    expect(lookup.find('reuters')[0]).toMatchObject({ id: 'storage', tier: 'source' });
    expect(lookup.find('battery')[0]).toMatchObject({ id: 'storage', tier: 'source' });
    expect(lookup.find('lopez').map((m) => [m.id, m.tier])).toEqual([['storage', 'text']]);
    expect(lookup.find('madrid')[0]?.id).toBe('storage');
  });

  it('needs every word, each anywhere; the weakest place a word is found sets the rank', () => {
    expect(ids(lookup, 'grid energy')).toEqual(['newer-grid', 'grid']);
    expect(lookup.find('spain lopez')[0]).toMatchObject({ id: 'storage', tier: 'text' });
    expect(ids(lookup, 'spain reuters madrid lisbon')).toEqual([]);
  });

  it('finds words by their start, whole words first', () => {
    expect(lookup.find('stor').map((m) => [m.id, m.tier])).toEqual([
      ['portugal-storage', 'title-start'],
      ['storage', 'title'],
    ]);
    // "state" is a whole word of one source and the start of a word of another: the whole word
    // first, though its briefing is undated and the other is not.
    expect(lookup.find('state').map((m) => [m.id, m.tier])).toEqual([
      ['undated', 'source'],
      ['notes', 'source'],
    ]);
    expect(lookup.find('state department')[0]).toMatchObject({ id: 'undated', tier: 'source' });
  });

  it('finds a misspelt word by near spelling, below the same place spelt right', () => {
    expect(lookup.find('portgual').map((m) => [m.id, m.near])).toEqual([
      ['newer-grid', true],
      ['grid', true],
      ['portugal-storage', true],
      ['undated', true],
    ]);
    expect(lookup.find('lopes')[0]).toMatchObject({ id: 'storage', tier: 'text', near: true });
    // Three letters are too few to guess from.
    expect(ids(lookup, 'lpz')).toEqual([]);
  });

  it('ignores words that name nothing ("the", "one", "briefing"), case, accents and dashes', () => {
    expect(ids(lookup, 'the Reuters briefing')).toEqual(['storage']);
    expect(ids(lookup, 'SPÁIN')).toEqual(['storage']);
    expect(lookupKey('Russia–North Korea, U.S.')).toBe('russia north korea us');
  });

  it('resolves a typed name to one briefing when one ranks above the rest, else to the tied ones', () => {
    expect(lookup.resolve('storage')).toMatchObject({ kind: 'one', match: { id: 'storage' } });
    expect(lookup.resolve('grid')).toMatchObject({ kind: 'one', match: { id: 'grid' } });
    expect(lookup.resolve('newer-grid')).toMatchObject({ kind: 'one', match: { id: 'newer-grid' } });
    const several = lookup.resolve('portugal');
    expect(several.kind).toBe('several');
    expect(several.kind === 'several' && several.matches.map((m) => m.id)).toEqual([
      'newer-grid',
      'grid',
      'undated',
      'portugal-storage',
    ]);
    expect(lookup.resolve('nothing like it')).toEqual({ kind: 'none' });
    expect(lookup.resolve('  –  ')).toEqual({ kind: 'none' });
  });

  it('resolves an id to its briefing, the first of two that share it', () => {
    const twice = new BriefingLookup([
      ...ENTRIES,
      entry({ id: 'grid', title: 'Another grid', date: '2025-01-01' }),
    ]);
    expect(twice.resolve('grid')).toMatchObject({
      kind: 'one',
      match: { briefing: 0, title: 'Portugal sets new grid rules' },
    });
    expect(twice.resolve('undated')).toMatchObject({ kind: 'one', match: { briefing: 3, tier: 'exact' } });
  });

  it('returns at most `limit`', () => {
    expect(lookup.find('', 3)).toHaveLength(3);
    expect(lookup.find('portugal', 1).map((m) => m.id)).toEqual(['newer-grid']);
  });
});

describe('a page of the lookup', () => {
  const WORDS = ['portugal', 'grid', 'storage', 'state', 'statements', 'energy', 'lopez', 'madrid', 'spain'];
  const SOURCES = ['Energy desk', 'Reuters', 'State Department', 'Official statements'];
  const entryArb = fc.record({
    title: fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 4 }).map((w) => w.join(' ')),
    source: fc.constantFrom(...SOURCES),
    date: fc.option(fc.constantFrom('2023-01-01', '2024-03-01', '2024-05-01'), { nil: undefined }),
    names: fc.array(fc.constantFrom('Maria Lopez', 'Madrid', 'Kim'), { maxLength: 2 }),
  });
  const queryArb = fc.oneof(
    fc.constant(''),
    fc.constantFrom(
      ...WORDS,
      ...SOURCES,
      'stat',
      'portgual',
      'lopes',
      'grid energy',
      'the briefing',
      'nothing',
    ),
    fc
      .array(fc.constantFrom(...WORDS, 'por', 'sta', 'x'), { minLength: 1, maxLength: 3 })
      .map((w) => w.join(' ')),
  );

  it('is the slice of everything `find` returns, with its length as the total', () => {
    fc.assert(
      fc.property(
        fc.array(entryArb, { minLength: 0, maxLength: 30 }),
        queryArb,
        fc.nat(35),
        fc.oneof(fc.integer({ min: 1, max: 35 }), fc.constant(Infinity)),
        (raw, query, offset, top) => {
          const lookup = new BriefingLookup(raw.map((e, i) => entry({ id: `b${i}`, ...e })));
          const all = lookup.find(query);
          const page = lookup.page(query, offset, top);
          expect(page.total).toBe(all.length);
          expect(page.matches).toEqual(all.slice(offset, offset + top));
          // `resolve` as it was when it took everything `find` returns.
          const [first, second] = all;
          const resolved = lookup.resolve(query, top);
          if (lookupKey(query) === '' || !first) expect(resolved).toEqual({ kind: 'none' });
          else if (!second || second.rank !== first.rank)
            expect(resolved).toEqual({ kind: 'one', match: first });
          else expect(resolved).toEqual({ kind: 'several', total: all.length, matches: all.slice(0, top) });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('resolves to the same briefings, the first `top` of them, with the total', () => {
    const lookup = new BriefingLookup(ENTRIES);
    const several = lookup.resolve('portugal', 2);
    expect(several).toMatchObject({ kind: 'several', total: 4 });
    expect(several.kind === 'several' && several.matches.map((m) => m.id)).toEqual(['newer-grid', 'grid']);
    expect(lookup.resolve('grid', 1)).toEqual(lookup.resolve('grid'));
  });
});

describe('briefing lookup over the seed briefings', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = Engine.build(await loadKnowledge('knowledge'), { vectors: null });
  });
  const OFFICIAL = 'us-official-russia-north-korea-cooperation';
  const MEASURES = 'us-measures-against-russia-north-korea-defense-ties';

  it('finds a briefing by a person its text names', () => {
    expect(engine.suggestBriefings('vaddi').map((m) => m.id)).toEqual([OFFICIAL]);
    expect(engine.suggestBriefings('kritenbrink').map((m) => m.id)).toEqual([MEASURES]);
    // …through the names' aliases too: "Kim" is Kim Jong-un, whom only one of them names.
    expect(engine.suggestBriefings('kim jong').map((m) => m.id)).toEqual([OFFICIAL]);
  });

  it('"state" names the State Department’s briefing (by its source) above the one that names the United States', () => {
    expect(engine.suggestBriefings('state').map((m) => [m.id, m.tier])).toEqual([
      [MEASURES, 'source'],
      [OFFICIAL, 'text'],
    ]);
    expect(engine.resolveBriefing('state')).toMatchObject({ kind: 'one', briefing: { id: MEASURES } });
    expect(engine.resolveBriefing('tass')).toMatchObject({ kind: 'one', briefing: { id: OFFICIAL } });
    expect(engine.resolveBriefing('us')).toMatchObject({ kind: 'several', total: 2 });
  });

  it('pages through every briefing with the right total', () => {
    const first = engine.findBriefings('', { top: 1 });
    const second = engine.findBriefings('', { top: 1, offset: 1 });
    expect(first.total).toBe(2);
    expect([...first.briefings, ...second.briefings].map((b) => b.id).sort()).toEqual(
      [OFFICIAL, MEASURES].sort(),
    );
    expect(engine.findBriefings('tass')).toMatchObject({ total: 1, briefings: [{ id: OFFICIAL }] });
  });
});
