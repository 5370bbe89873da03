import { describe, expect, it } from 'vitest';
import type { BriefingSummary } from '../../src/answer/types.js';
import fc from 'fast-check';
import {
  renderBriefing,
  renderBriefingChoices,
  renderHelp,
  renderNotice,
  renderSources,
  renderSourcesPage,
} from '../../src/render/briefings.js';
import { payloadViolations } from '../../src/render/limits.js';
import { LIVE_MENTION, SUMMARIES, visibleStrings } from './fixtures.js';

describe('renderSources', () => {
  it('lists every briefing with source, date when known, and passage count', () => {
    const m = renderSources(SUMMARIES);
    const lines = (m.embeds[0]?.description ?? '').split('\n');
    expect(lines).toEqual([
      '- **US Plans Measures to Counter Russia–North Korea Defense Cooperation** · U.S. Department of State statements and subsequent analyses by regional observers · 24 passages',
      '- [**US Official Highlights Rising Russia–North Korea Military Cooperation**](https://tass.com/world/1760001) · TASS and official briefings by US government channels · 2024-03-05 · 27 passages',
    ]);
    expect(m.embeds[0]?.title).toBe('Briefings (2)');
    expect(m.embeds[0]?.footer?.text).toBe('2 briefings · 51 passages');
    expect(m.allowed_mentions.parse).toEqual([]);
  });

  it('shows as many of hundreds as fit and says how many are not shown', () => {
    const many: BriefingSummary[] = Array.from({ length: 400 }, (_, i) => ({
      ...SUMMARIES[1]!,
      id: `briefing-${i}`,
      title: `Briefing number ${i} on Russia–North Korea military cooperation and its consequences for the region`,
    }));
    const m = renderSources(many);
    expect(payloadViolations(m)).toEqual([]);
    const shown = (m.embeds[0]?.description ?? '').split('\n').length;
    expect(shown).toBeGreaterThan(5);
    expect(shown).toBeLessThan(400);
    expect(m.embeds[0]?.footer?.text).toBe(
      `Showing ${shown} of 400 briefings · /sources pages through all of them`,
    );
  });

  it('says when there are none', () => {
    expect(renderSources([]).embeds[0]?.description).toBe('No briefings are loaded yet.');
  });
});

describe('renderSourcesPage', () => {
  const ids = { prev: 'list:0:=', next: 'list:20:=' };
  const many = (n: number): BriefingSummary[] =>
    Array.from({ length: n }, (_, i) => ({ ...SUMMARIES[1]!, id: `b-${i}`, title: `Briefing ${i}` }));

  it('shows a page of briefings with the total, newest first, and ◀ ▶', () => {
    const m = renderSourcesPage({ query: '', total: 2002, offset: 10, briefings: many(10) }, ids);
    const e = m.embeds[0]!;
    expect(e.title).toBe('Briefings (2,002)');
    expect(e.description?.split('\n')).toHaveLength(10);
    expect(e.description?.split('\n')[0]).toBe(
      '- [**Briefing 0**](https://tass.com/world/1760001) · TASS and official briefings by US government channels · 2024-03-05 · 27 passages',
    );
    expect(e.footer?.text).toBe('Showing 11–20 of 2,002 briefings, newest first');
    expect(m.components[0]?.components.map((b) => [b.custom_id, b.disabled ?? false])).toEqual([
      ['list:0:=', false],
      ['list:20:=', false],
    ]);
    expect(m.allowed_mentions.parse).toEqual([]);
  });

  it('says what a query matched, and has no buttons when one page holds them all', () => {
    const m = renderSourcesPage(
      { query: 'tass', total: 1, offset: 0, briefings: [SUMMARIES[1]!] },
      {
        prev: null,
        next: null,
      },
    );
    expect(m.embeds[0]?.title).toBe('Briefings matching: tass');
    expect(m.embeds[0]?.footer?.text).toBe('Showing 1–1 of 1 briefing');
    expect(m.components).toEqual([]);
  });

  it('says so when a query matches nothing, or nothing is loaded', () => {
    const none = renderSourcesPage({ query: '@everyone zz', total: 0, offset: 0, briefings: [] }, ids);
    expect(none.embeds[0]?.description).toBe(
      'No briefing matches “@\u200beveryone zz”. /sources without a query lists them all.',
    );
    expect(none.components).toEqual([]);
    const empty = renderSourcesPage({ query: '', total: 0, offset: 0, briefings: [] }, ids);
    expect(empty.embeds[0]?.description).toBe('No briefings are loaded yet.');
  });

  it('property: a full page of the longest, most hostile lines fits, shows all ten, and never pings', () => {
    const text = fc.string({ unit: 'binary', maxLength: 600 });
    fc.assert(
      fc.property(
        fc.array(fc.record({ title: text, source: text, date: fc.string({ maxLength: 40 }), url: text }), {
          minLength: 10,
          maxLength: 10,
        }),
        fc.string({ unit: 'binary', maxLength: 300 }),
        (fields, query) => {
          const briefings = fields.map((f, i) => ({
            ...SUMMARIES[1]!,
            ...f,
            id: `b${i}`,
            url: `https://example.com/${'x'.repeat(200)}${f.url}`,
          }));
          const m = renderSourcesPage({ query, total: 500, offset: 0, briefings }, ids);
          expect(payloadViolations(m)).toEqual([]);
          expect(m.embeds[0]?.description?.split('\n')).toHaveLength(10);
          for (const s of visibleStrings(m)) expect(s).not.toMatch(LIVE_MENTION);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('renderBriefingChoices', () => {
  it('lists the briefings a name fits, and how to pick one', () => {
    const m = renderBriefingChoices('us', { total: 2, briefings: SUMMARIES }, { private: true });
    const e = m.embeds[0]!;
    expect(e.title).toBe('2 briefings match “us”');
    expect(e.description?.split('\n')).toHaveLength(2);
    expect(e.footer?.text).toBe('Type more of the name, or pick one from the list as you type');
    expect(m.flags).toBe(64);
    const more = renderBriefingChoices('s', { total: 156, briefings: SUMMARIES });
    expect(more.embeds[0]?.footer?.text).toBe(
      'Showing 2 of 156 · Type more of the name, or pick one from the list as you type',
    );
  });
});

describe('renderBriefing', () => {
  it('shows title, link, source, date, passages and the opening passage', () => {
    const m = renderBriefing(SUMMARIES[1]!, { private: true });
    const e = m.embeds[0];
    expect(e?.title).toBe('US Official Highlights Rising Russia–North Korea Military Cooperation');
    expect(e?.url).toBe('https://tass.com/world/1760001');
    expect(e?.description).toBe(
      '> A senior US national security official warned that Moscow could dramatically raise the threat level posed by North Korea over the next decade.',
    );
    expect(e?.fields).toEqual([
      { name: 'Source', value: 'TASS and official briefings by US government channels' },
      { name: 'Date', value: '2024-03-05', inline: true },
      { name: 'Passages', value: '27 passages', inline: true },
    ]);
    expect(e?.footer?.text).toBe('id: us-official-russia-north-korea-cooperation');
    expect(m.flags).toBe(64);
  });

  it('leaves out what is unknown and survives hostile front matter', () => {
    const m = renderBriefing({
      id: 'x',
      title: '@everyone [click](https://evil.example) '.repeat(20),
      source: '<@&1> '.repeat(400),
      url: 'javascript:alert(1)',
      passages: 1,
      opening: 'Pyongyang. '.repeat(500),
    });
    expect(payloadViolations(m)).toEqual([]);
    expect(m.embeds[0]?.url).toBeUndefined();
    expect(m.embeds[0]?.fields?.map((f) => f.name)).toEqual(['Source', 'Passages']);
    expect(m.embeds[0]?.fields?.[1]?.value).toBe('1 passage');
    for (const s of [
      m.embeds[0]?.title,
      m.embeds[0]?.description,
      ...(m.embeds[0]?.fields ?? []).map((f) => f.value),
    ]) {
      expect(s).not.toMatch(LIVE_MENTION);
    }
  });
});

describe('renderHelp', () => {
  it('explains the bot and lists the examples, escaped', () => {
    const m = renderHelp([
      'What did Pranay Vaddi say about Russia and North Korea?',
      'Who met at the *Vostochny* Cosmodrome?',
    ]);
    const d = m.embeds[0]?.description ?? '';
    expect(d).toContain('quoting the passages');
    expect(d).toContain("If the briefings don't cover something, I say so");
    expect(d).toContain('- What did Pranay Vaddi say about Russia and North Korea?');
    expect(d).toContain('- Who met at the \\*Vostochny\\* Cosmodrome?');
    expect(payloadViolations(m)).toEqual([]);
  });

  it('works without examples', () => {
    expect(renderHelp([]).embeds[0]?.description).not.toContain('Try asking');
  });
});

describe('renderNotice', () => {
  it('is short plain content, private when asked, and never pings', () => {
    const m = renderNotice('Slow down: try again in **5 seconds**. @everyone', { private: true });
    expect(m.content).toMatch(/^Slow down: try again in \*\*5 seconds\*\*\. @\u200Beveryone$/);
    expect(m.content).not.toMatch(LIVE_MENTION);
    expect(m.embeds).toEqual([]);
    expect(m.components).toEqual([]);
    expect(m.flags).toBe(64);
    expect(m.allowed_mentions).toEqual({ parse: [], replied_user: false });
  });

  it('is cut at a sentence to fit', () => {
    const m = renderNotice('The engine is still loading the briefings. '.repeat(100));
    expect(m.content?.length).toBeLessThanOrEqual(2000);
    expect(m.content).toMatch(/briefings\.$/);
    expect(renderNotice('').content).toBe('…');
  });
});
