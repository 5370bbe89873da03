import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderAnswerText, renderSearchText, renderSourcesText } from '../../src/render/terminal.js';
import {
  ANSWERED,
  EMPTY,
  GREETING,
  HELP,
  LEAD_MEASURES,
  NOT_COVERED,
  KRITENBRINK,
  SANCTIONS,
  SOURCES,
  SUMMARIES,
  SUMMARY_ALL,
  SUMMARY_ONE,
  THANKS,
  UNPRECEDENTED,
  WEAK,
} from './fixtures.js';

const BOLD = '\x1b[1m';
const NORMAL = '\x1b[22m';
// eslint-disable-next-line no-control-regex -- ANSI escapes
const ANSI = /\x1b\[[0-9;]*m/g;

describe('renderAnswerText', () => {
  it('quotes each excerpt with its source under it, without markdown', () => {
    const out = renderAnswerText({ ...ANSWERED, excerpts: [UNPRECEDENTED, SANCTIONS] });
    expect(out).toBe(
      [
        '> According to his briefing, the United States is observing an unprecedented degree of military cooperation developing between Russia and North Korea, a trend he stated has not been witnessed before.',
        '  — US Official Highlights Rising Russia–North Korea Military Cooperation · TASS and official briefings by US government channels · 2024-03-05',
        '  https://tass.com/world/1760001',
        '',
        '> Since 2006, UN Security Council resolutions have prohibited the supply, sale, or transfer of military equipment and related materials to North Korea that could support weapons of mass destruction.',
        '  — US Official Highlights Rising Russia–North Korea Military Cooperation · TASS and official briefings by US government channels',
      ].join('\n'),
    );
    expect(out).not.toContain('**');
    expect(out).not.toContain('\x1b');
  });

  it('says which sources were searched when a question named them and was declined', () => {
    const out = renderAnswerText({ ...WEAK, scope: ['Coast Radio'] });
    expect(out.split('\n')[0]).toBe("The briefings from Coast Radio don't cover this.");
  });

  it('says no briefing is from the period a declined question named', () => {
    const out = renderAnswerText({ ...WEAK, period: 'yesterday', searched: 0 });
    expect(out.split('\n').slice(0, 2)).toEqual([
      "The briefings from yesterday don't cover this.",
      'No briefing is dated yesterday.',
    ]);
  });

  it('names the other briefings that give a quote word for word after its source', () => {
    const alsoIn = [{ briefing: 'gazette', title: 'Saltmere *Gazette*', source: 'Gazette' }];
    const out = renderAnswerText({ ...ANSWERED, excerpts: [{ ...SANCTIONS, alsoIn }] });
    expect(out).toContain(
      '  — US Official Highlights Rising Russia–North Korea Military Cooperation · TASS and official briefings by US government channels (also in Saltmere *Gazette*)',
    );
  });

  it('puts matched words in ANSI bold when color is on, and never shows **', () => {
    const out = renderAnswerText({ ...ANSWERED, excerpts: [UNPRECEDENTED] }, { color: true });
    expect(out).toContain(
      `of ${BOLD}military cooperation${NORMAL} developing between ${BOLD}Russia${NORMAL} and ${BOLD}North Korea${NORMAL}, a trend`,
    );
    expect(out).not.toContain('**');
    expect(out.replace(ANSI, '')).toBe(renderAnswerText({ ...ANSWERED, excerpts: [UNPRECEDENTED] }));
  });

  it('wraps quotes to a width, with > on every line and bold closed at each line end', () => {
    const out = renderAnswerText({ ...ANSWERED, excerpts: [UNPRECEDENTED] }, { width: 50, color: true });
    const quoteLines = out.split('\n').filter((l) => l.startsWith('> '));
    expect(quoteLines.length).toBeGreaterThan(3);
    for (const l of quoteLines) {
      expect(l.replace(ANSI, '').length).toBeLessThanOrEqual(50);
      expect(l.lastIndexOf(BOLD)).toBeLessThanOrEqual(l.lastIndexOf(NORMAL));
    }
  });

  it('uses the same decline wording as Discord', () => {
    expect(renderAnswerText(WEAK)).toBe(
      "The briefings don't cover this.\nSome of its words appear in the briefings, but no passage answers the question.",
    );
    const nc = renderAnswerText(NOT_COVERED);
    expect(nc.split('\n').slice(0, 4)).toEqual([
      "The briefings don't cover this.",
      'The briefings never mention: france',
      '',
      'Related (not an answer):',
    ]);
    expect(nc).toContain('> According to his briefing');
    expect(renderAnswerText(EMPTY)).toMatch(
      /^Ask me a question about the briefings, for example: “What did Pranay Vaddi/,
    );
  });

  it('cannot be made to print terminal escapes or control characters', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.string({ unit: 'binary', maxLength: 100 }),
        fc.boolean(),
        (text, title, color) => {
          const out = renderAnswerText(
            {
              ...ANSWERED,
              excerpts: [{ ...SANCTIONS, text: `\x1b[2J${text}`, title, highlights: [{ start: 0, end: 4 }] }],
            },
            { color },
          );
          // eslint-disable-next-line no-control-regex -- asserting their absence
          expect(out.replace(ANSI, '')).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/);
          expect(out).not.toContain('\x1b[2J');
        },
      ),
    );
  });
});

describe('renderAnswerText: chat intents', () => {
  const EXAMPLES = ['Who is Pranay Vaddi?', 'Where were Putin and Kim supposed to meet?'];

  it('greets and thanks in one line, the greeting with the first example question', () => {
    expect(renderAnswerText(GREETING, { examples: EXAMPLES })).toBe(
      'Hi! I answer questions about the news briefings by quoting the passages that answer them, with their sources. Try asking: “Who is Pranay Vaddi?”',
    );
    expect(renderAnswerText(THANKS)).toBe("You're welcome! Ask me anything else about the briefings.");
  });

  it('shows the help with the example questions, without markdown', () => {
    expect(renderAnswerText(HELP, { examples: EXAMPLES })).toBe(
      [
        'I answer questions about the news briefings by quoting the passages that answer them, with their sources.',
        "If the briefings don't cover something, I say so rather than guess.",
        '',
        'Ask a question in plain words.',
        'Name a source or a time to look only there: "what did Reuters report about…", "…this week".',
        'Say "sources" for the list of briefings, "tldr" for the gist of each, or "tldr of" and a briefing\'s name for one.',
        '',
        'Try asking:',
        '- Who is Pranay Vaddi?',
        '- Where were Putin and Kim supposed to meet?',
      ].join('\n'),
    );
  });

  it('lists the briefings one a line, and says when there are none', () => {
    expect(renderAnswerText(SOURCES)).toBe(
      [
        'Briefings (2):',
        '- US Plans Measures to Counter Russia–North Korea Defense Cooperation · U.S. Department of State statements and subsequent analyses by regional observers · 24 passages',
        '- US Official Highlights Rising Russia–North Korea Military Cooperation · TASS and official briefings by US government channels · 2024-03-05 · 27 passages',
      ].join('\n'),
    );
    expect(renderAnswerText({ ...SOURCES, briefings: [] })).toBe('No briefings are loaded yet.');
  });

  it('quotes a summary like an answer under "Summary of <title>:"', () => {
    expect(renderAnswerText(SUMMARY_ONE)).toBe(
      [
        'Summary of US Plans Measures to Counter Russia–North Korea Defense Cooperation:',
        '',
        `> ${LEAD_MEASURES.text}`,
        '  — US Plans Measures to Counter Russia–North Korea Defense Cooperation · U.S. Department of State statements and subsequent analyses by regional observers',
      ].join('\n'),
    );
    const all = renderAnswerText(SUMMARY_ALL);
    expect(all.split('\n')[0]).toBe('Summary of 2 briefings:');
    expect(all.match(/^> /gm)).toHaveLength(2);
  });

  it('cannot be made to print control characters through a briefing title', () => {
    const title = 'Evil\x1b[31m title\x07';
    const out = renderAnswerText({
      ...SOURCES,
      briefings: [{ ...SUMMARIES[0]!, title }],
    });
    expect(out).not.toContain('\x1b');
    expect(out).not.toContain('\x07');
    expect(renderAnswerText({ ...SUMMARY_ONE, excerpts: [{ ...LEAD_MEASURES, title }] })).not.toContain(
      '\x1b',
    );
  });
});

describe('renderSearchText', () => {
  it('numbers the passages from the offset, bolds the matched words, and says which are shown', () => {
    const out = renderSearchText(
      { total: 12, excerpts: [SANCTIONS, KRITENBRINK] },
      { offset: 8 },
      { color: true },
    );
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^9\. Since 2006, /);
    expect(lines[0]).toContain(`${BOLD}military${NORMAL}`);
    expect(lines[1]).toMatch(/^ {3}\S+— US Official Highlights/);
    expect(lines[2]).toMatch(/^10\. Kritenbrink emphasized/);
    expect(lines.at(-1)).toBe('Showing 9–10 of 12');
    expect(out.replace(ANSI, '')).not.toContain('**');
  });

  it('wraps to the width under the number, and strips control characters from the briefing text', () => {
    const hostile = { ...SANCTIONS, text: `${SANCTIONS.text}\x1b]0;pwned\x07`, title: 'T\x1b[31m' };
    const lines = renderSearchText({ total: 1, excerpts: [hostile] }, { offset: 0 }, { width: 40 }).split(
      '\n',
    );
    for (const l of lines.slice(0, -2)) expect(l.length).toBeLessThanOrEqual(40);
    expect(lines[1]).toMatch(/^ {3}\S/);
    // eslint-disable-next-line no-control-regex -- what must not get through
    for (const l of lines) expect(l).not.toMatch(/[\x00-\x1f]/);
  });

  it('says when there is nothing to search for, or nothing found', () => {
    expect(renderSearchText({ total: 0, excerpts: [], match: 'empty' }, { offset: 0 })).toBe(
      'Nothing to search for: give a word or a name, for example “sanctions”.',
    );
    expect(
      renderSearchText(
        { total: 0, excerpts: [], match: 'none', words: ['zebra'], notFound: ['zebra'] },
        { offset: 0 },
      ),
    ).toBe('No passage in the briefings matches that.\nThe briefings never mention: zebra');
  });
});

describe('renderSourcesText', () => {
  it('heads a page with the query and the total, and says which are shown', () => {
    expect(renderSourcesText([SUMMARIES[1]!], { total: 40, offset: 10, query: 'tass' }).split('\n')).toEqual([
      'Briefings matching “tass” (40):',
      '- US Official Highlights Rising Russia–North Korea Military Cooperation · TASS and official briefings by US government channels · 2024-03-05 · 27 passages',
      'Showing 11–11 of 40',
    ]);
    expect(renderSourcesText([], { total: 0, offset: 0, query: 'zebra' })).toBe(
      'No briefing matches “zebra”.',
    );
    expect(renderSourcesText(SUMMARIES).split('\n')[0]).toBe('Briefings (2):');
  });
});
