import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Excerpt } from '../../src/answer/types.js';
import { payloadViolations } from '../../src/render/limits.js';
import { renderSearch } from '../../src/render/search.js';
import {
  excerpt,
  KRITENBRINK,
  LIVE_MENTION,
  SANCTIONS,
  UNPRECEDENTED,
  visibleStrings,
  VOSTOCHNY,
} from './fixtures.js';

const PAGE = [UNPRECEDENTED, SANCTIONS, KRITENBRINK, VOSTOCHNY, { ...SANCTIONS, passage: 10 }];
const ids = { prev: 'search:7f3a:0', next: 'search:7f3a:10' };

const buttonsOf = (m: ReturnType<typeof renderSearch>) => m.components[0]?.components ?? [];

describe('renderSearch', () => {
  it('lists one numbered line per passage with its briefing title', () => {
    const m = renderSearch(
      'military cooperation',
      { total: 23, excerpts: PAGE },
      { offset: 5, pageSize: 5 },
      ids,
    );
    const lines = (m.embeds[0]?.description ?? '').split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(
      /^\*\*6\.\*\* According to his briefing, .*\*\*military cooperation\*\*.* — \*US Official Highlights Rising Russia–North Korea Military Cooperation\*$/,
    );
    expect(lines[4]).toMatch(/^\*\*10\.\*\* /);
    expect(m.embeds[0]?.title).toBe('Search: military cooperation');
    expect(payloadViolations(m)).toEqual([]);
  });

  it('says which results are shown', () => {
    const m = renderSearch(
      'korea',
      { total: 23, excerpts: PAGE },
      { offset: 0, pageSize: 5 },
      { prev: null, next: ids.next },
    );
    expect(m.embeds[0]?.footer?.text).toBe('Showing 1–5 of 23');
  });

  it('disables ◀ on the first page and ▶ on the last', () => {
    const first = buttonsOf(
      renderSearch(
        'korea',
        { total: 23, excerpts: PAGE },
        { offset: 0, pageSize: 5 },
        { prev: null, next: ids.next },
      ),
    );
    expect(first.map((b) => b.disabled ?? false)).toEqual([true, false]);
    expect(first[1]?.custom_id).toBe(ids.next);
    expect(first[0]?.label).toContain('◀');
    expect(first[1]?.label).toContain('▶');

    const last = buttonsOf(
      renderSearch(
        'korea',
        { total: 23, excerpts: PAGE.slice(0, 3) },
        { offset: 20, pageSize: 5 },
        { prev: ids.prev, next: null },
      ),
    );
    expect(last.map((b) => b.disabled ?? false)).toEqual([false, true]);
    expect(last[0]?.custom_id).toBe(ids.prev);

    // Even with an id, ▶ is disabled when nothing follows.
    const end = buttonsOf(
      renderSearch('korea', { total: 8, excerpts: PAGE.slice(0, 3) }, { offset: 5, pageSize: 5 }, ids),
    );
    expect(end.map((b) => b.disabled ?? false)).toEqual([false, true]);
  });

  it('has no buttons when everything fits on one page', () => {
    expect(
      renderSearch(
        'korea',
        { total: 3, excerpts: PAGE.slice(0, 3) },
        { offset: 0, pageSize: 5 },
        { prev: null, next: null },
      ).components,
    ).toEqual([]);
  });

  it('says so when nothing matches', () => {
    const m = renderSearch(
      'france',
      { total: 0, excerpts: [] },
      { offset: 0, pageSize: 5 },
      { prev: null, next: null },
    );
    expect(m.embeds[0]?.description).toBe('No passage in the briefings matches that.');
    expect(m.components).toEqual([]);
  });

  it('says when no passage has every word, and which words are in none', () => {
    const m = renderSearch(
      'sanctions france',
      {
        total: 2,
        excerpts: [SANCTIONS, { ...SANCTIONS, passage: 10 }],
        match: 'some',
        words: ['sanctions', 'france'],
        notFound: ['france'],
      },
      { offset: 0, pageSize: 8 },
      { prev: null, next: null },
    );
    const lines = (m.embeds[0]?.description ?? '').split('\n');
    expect(lines.slice(0, 2)).toEqual([
      'The briefings never mention: france',
      'No passage has all of: sanctions, france; passages with some of them:',
    ]);
    expect(lines.slice(2).every((l) => /^\*\*\d\.\*\* /.test(l))).toBe(true);
    expect(m.embeds[0]?.footer?.text).toBe('Showing 1–2 of 2');
  });

  it('answers a search with nothing to look for, or nothing found, in one short line', () => {
    const empty = renderSearch(
      'the of',
      { total: 0, excerpts: [], match: 'empty', words: [], notFound: [] },
      { offset: 0, pageSize: 8 },
      { prev: null, next: null },
    );
    expect(empty.embeds[0]?.description).toBe(
      'Nothing to search for: give a word or a name, for example “sanctions”.',
    );
    const none = renderSearch(
      'zebra <@&1>',
      { total: 0, excerpts: [], match: 'none', words: ['zebra', '<@&1>'], notFound: ['zebra', '<@&1>'] },
      { offset: 0, pageSize: 8 },
      { prev: null, next: null },
    );
    expect(none.embeds[0]?.description).toBe(
      'No passage in the briefings matches that.\nThe briefings never mention: zebra, \\<\u200b@&1>',
    );
    expect(none.components).toEqual([]);
  });

  it('starts a long passage near its first matched word', () => {
    const long = excerpt(
      'The situation sits within a broader context of United Nations actions aimed at constraining weapons programs, and observers note a long history of diplomatic efforts before Vostochny became the meeting place.',
      ['Vostochny'],
    );
    const line =
      renderSearch(
        'vostochny',
        { total: 1, excerpts: [long] },
        { offset: 0, pageSize: 5 },
        { prev: null, next: null },
      ).embeds[0]?.description ?? '';
    expect(line).toMatch(/^\*\*1\.\*\* …[a-z]/);
    expect(line).toContain('**Vostochny**');
  });

  it('escapes and neutralises the query', () => {
    const m = renderSearch(
      '@everyone **x** <@1>',
      { total: 1, excerpts: [UNPRECEDENTED] },
      { offset: 0, pageSize: 5 },
      { prev: null, next: null },
    );
    expect(m.embeds[0]?.title).not.toMatch(LIVE_MENTION);
    expect(m.embeds[0]?.title).toContain('\\*\\*x\\*\\*');
  });

  it('property: any page of up to 25 long passages stays within limits and counts what it shows', () => {
    const anyExcerpt: fc.Arbitrary<Excerpt> = fc
      .record({
        text: fc.string({ unit: 'binary', maxLength: 2000 }),
        title: fc.string({ unit: 'binary', maxLength: 400 }),
        highlights: fc.array(
          fc.record({ start: fc.integer({ min: 0, max: 2000 }), end: fc.integer({ min: 0, max: 2000 }) }),
          { maxLength: 5 },
        ),
      })
      .map((r) => ({ ...UNPRECEDENTED, ...r }));
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 3000 }),
        fc.array(anyExcerpt, { maxLength: 25 }),
        fc.nat(100),
        (query, excerpts, offset) => {
          const total = offset + excerpts.length + 3;
          const m = renderSearch(query, { total, excerpts }, { offset, pageSize: 25 }, ids);
          expect(payloadViolations(m)).toEqual([]);
          for (const s of visibleStrings(m)) expect(s).not.toMatch(LIVE_MENTION);
          const shown = (m.embeds[0]?.description ?? '')
            .split('\n')
            .filter((l) => /^\*\*\d+\.\*\* /.test(l)).length;
          if (excerpts.length > 0)
            expect(m.embeds[0]?.footer?.text).toBe(`Showing ${offset + 1}–${offset + shown} of ${total}`);
        },
      ),
      { numRuns: 100, interruptAfterTimeLimit: 20_000 },
    );
  });
});
