import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderAnswerText } from '../../src/render/terminal.js';
import { ANSWERED, EMPTY, NOT_COVERED, SANCTIONS, UNPRECEDENTED, WEAK } from './fixtures.js';

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
