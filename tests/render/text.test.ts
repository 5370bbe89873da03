import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cleanText,
  escapeMarkdown,
  inline,
  neutraliseMentions,
  sanitiseUserText,
  stripInvisible,
  truncateSentences,
  truncateWords,
} from '../../src/render/text.js';
import { LIVE_MENTION, markerCount, unescaped } from './fixtures.js';

describe('escapeMarkdown', () => {
  it('escapes every markdown character so the text shows literally', () => {
    expect(escapeMarkdown('**bold** _it_ ~~s~~ ||spoiler|| `code` \\')).toBe(
      '\\*\\*bold\\*\\* \\_it\\_ \\~\\~s\\~\\~ \\|\\|spoiler\\|\\| \\`code\\` \\\\',
    );
    expect(escapeMarkdown('# Heading\n> quote\n-# subtext\n  - item\n>>> all')).toBe(
      '\\# Heading\n\\> quote\n\\-# subtext\n  \\- item\n\\>>> all',
    );
  });

  it('leaves - # > alone in the middle of a line, where they mean nothing', () => {
    expect(escapeMarkdown('Kim Jong-un met Putin on 2024-03-05 (#2) -> yes')).toBe(
      'Kim Jong-un met Putin on 2024-03-05 \\(#2\\) -> yes',
    );
  });

  it('neutralises masked links', () => {
    const out = escapeMarkdown('[click me](https://evil.example/steal)');
    expect(out).toBe('\\[click me\\]\\(https://evil.example/steal\\)');
    expect(out).not.toMatch(/(?<!\\)\[[^\]]*(?<!\\)\]\(/);
  });

  it('stops "1." at the start of a line from becoming a numbered list', () => {
    expect(escapeMarkdown('1. first\n  2. second\nversion 1.5')).toBe(
      '1\\. first\n  2\\. second\nversion 1.5',
    );
  });

  it('leaves letters, digits and other punctuation alone', () => {
    expect(escapeMarkdown('North Korea, 2024: “yes”! Why? 50%')).toBe('North Korea, 2024: “yes”! Why? 50%');
  });
});

describe('neutraliseMentions', () => {
  it('breaks @everyone, @here and every id mention', () => {
    for (const m of [
      '@everyone',
      '@here',
      '<@123456789012345678>',
      '<@!123>',
      '<@&42>',
      '<#99>',
      '@EVERYONE',
    ]) {
      const out = neutraliseMentions(`hi ${m} there`);
      expect(out).not.toMatch(LIVE_MENTION);
      expect(out.replace(/\u200B/g, '')).toBe(`hi ${m} there`); // only invisible characters were added
    }
  });

  it('works on text that was escaped first', () => {
    expect(neutraliseMentions(escapeMarkdown('<@123>'))).not.toMatch(LIVE_MENTION);
  });

  it('leaves e-mail addresses and plain @names readable', () => {
    expect(neutraliseMentions('mail kim@example.org or @analyst')).toBe('mail kim@example.org or @analyst');
  });
});

describe('stripInvisible / cleanText', () => {
  it('removes control characters but keeps newlines, and turns tabs into spaces', () => {
    expect(stripInvisible('a\u0000b\u0007c\u001b[31md\ne\tf\u007f\u0085g')).toBe('abc[31md\ne f\ng');
  });

  it('removes zero-width and bidirectional marks', () => {
    expect(stripInvisible('ev\u200Bery\u200Cone\u202Egnp.exe\u2066x\u2069\uFEFF')).toBe('everyonegnp.exex');
  });

  it('keeps the joiner inside an emoji sequence but drops a stray one', () => {
    const family = '👨\u200D👩\u200D👧';
    expect(stripInvisible(family)).toBe(family);
    expect(stripInvisible('a\u200Db')).toBe('ab');
  });

  it('caps runs of combining marks (zalgo) at three', () => {
    const zalgo = 'e' + '\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308';
    const out = stripInvisible(zalgo);
    expect([...out].length).toBeLessThanOrEqual(4);
    expect(out.startsWith('e') || out.startsWith('é')).toBe(true);
    // Ordinary accented text is untouched.
    expect(stripInvisible('Pyongyang’s café, naïve')).toBe('Pyongyang’s café, naïve');
  });

  it('removes lone surrogates but keeps astral characters', () => {
    expect(stripInvisible('a\uD800b\uDC00c😀')).toBe('abc😀');
  });

  it('cleanText collapses spaces and blank lines and trims', () => {
    expect(cleanText('  what   about \n\n\n\n Kim ?  ')).toBe('what about\n\nKim ?');
  });
});

describe('sanitiseUserText', () => {
  it('makes a hostile question safe to echo', () => {
    const out = sanitiseUserText('@every\u200Bone look [here](https://x.y) **now**\u0000 <@&1>');
    expect(out).not.toMatch(LIVE_MENTION);
    expect(out).not.toContain('\u0000');
    expect(out).toContain('\\*\\*now\\*\\*');
    expect(out).toContain('\\[here\\]\\(https://x.y\\)');
  });

  it('never lets a mention or an unescaped marker through, whatever the input', () => {
    const tricky = fc.constantFrom(
      '@everyone',
      '@here',
      '<@1>',
      '<@!2>',
      '<@&3>',
      '<#4>',
      '**',
      '__',
      '`',
      '||',
      '~~',
      '\u200B',
      '\u202E',
      '\u0000',
      '\n',
      '\\',
      '@',
      '<',
      'e\u0301\u0301\u0301\u0301\u0301',
    );
    const input = fc
      .array(fc.oneof(tricky, fc.string({ unit: 'binary', maxLength: 20 })), { maxLength: 40 })
      .map((a) => a.join(''));
    fc.assert(
      fc.property(input, (s) => {
        const out = sanitiseUserText(s);
        expect(out).not.toMatch(LIVE_MENTION);
        expect(unescaped(out)).not.toMatch(/[*_~|`[\]<]/);
        // Nothing that starts a line can make it a quote, heading, subtext or list.
        expect(unescaped(out)).not.toMatch(/^\s*([>#-]|\d+\.\s)/m);
        // eslint-disable-next-line no-control-regex -- asserting their absence
        expect(out).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/);
        expect(out).not.toMatch(/\p{M}{4}/u);
      }),
      { numRuns: 300 },
    );
  });
});

describe('truncateSentences', () => {
  const text =
    'Russia’s Ministry of Foreign Affairs countered claims about any military partnership with North Korea. ' +
    'The ministry labelled those accusations as unfounded. ' +
    'The dynamic continues to attract international attention.';

  it('returns the text unchanged when it fits', () => {
    expect(truncateSentences(text, text.length)).toBe(text);
  });

  it('drops whole sentences from the end', () => {
    expect(truncateSentences(text, 160)).toBe(
      'Russia’s Ministry of Foreign Affairs countered claims about any military partnership with North Korea. The ministry labelled those accusations as unfounded.',
    );
    expect(truncateSentences(text, 120)).toBe(
      'Russia’s Ministry of Foreign Affairs countered claims about any military partnership with North Korea.',
    );
  });

  it('cuts one over-long sentence at a word boundary with an ellipsis', () => {
    const out = truncateSentences(text, 60);
    expect(out).toBe('Russia’s Ministry of Foreign Affairs countered claims about…');
    expect(out.length).toBeLessThanOrEqual(60);
  });

  it('does not treat "U.S." or "Dr." as the end of a sentence', () => {
    const s = 'The U.S. Department of State and Dr. Kim both spoke. Then the press left the room.';
    expect(truncateSentences(s, 60)).toBe('The U.S. Department of State and Dr. Kim both spoke.');
    expect(truncateSentences(s, 20)).toBe('The U.S. Department…');
  });

  it('never splits a bold span when it can cut outside one', () => {
    const md = 'Moscow and **Pyongyang expand their coordination** across defense and security domains';
    const out = truncateSentences(md, 40);
    expect(out).toBe('Moscow and…');
    expect(markerCount(out, '**') % 2).toBe(0);
  });

  it('closes a bold span when the only cut that fits is inside it', () => {
    const md = '**Pyongyang expand their coordination across every domain**';
    const out = truncateSentences(md, 30);
    expect(out).toBe('**Pyongyang expand their**…');
    expect(markerCount(out, '**')).toBe(2);
  });

  it('never leaves a dangling backslash escape', () => {
    const md = escapeMarkdown('a*b_c~d|e(f)g[h]i`j<k\\l*m_n');
    expect(md.split('\\').length - 1).toBeGreaterThan(10);
    for (let max = 1; max < md.length; max++) {
      const out = truncateSentences(md, max);
      expect(out.length).toBeLessThanOrEqual(max);
      expect(out.replace(/\\\\/g, '')).not.toMatch(/\\(…|$)/);
    }
  });

  it('plain mode leaves underscores and backslashes alone', () => {
    expect(truncateSentences('snake_case is fine here and there', 20, { markdown: false })).toBe(
      'snake_case is fine…',
    );
  });

  const word = fc.stringMatching(/^[A-Za-z]{1,12}$/);
  const piece = fc.record({
    words: fc.array(word, { minLength: 1, maxLength: 4 }),
    bold: fc.boolean(),
    end: fc.constantFrom('', '', '.', ',', '?', ';'),
  });
  const markdown = fc
    .array(piece, { minLength: 1, maxLength: 40 })
    .map((ps) =>
      ps.map((p) => (p.bold ? `**${p.words.join(' ')}**${p.end}` : `${p.words.join(' ')}${p.end}`)).join(' '),
    );
  const stripMarkers = (s: string): string => s.replace(/\*\*/g, '');

  it('property: fits, never ends mid-word, keeps bold markers balanced', () => {
    fc.assert(
      fc.property(markdown, fc.integer({ min: 20, max: 400 }), fc.boolean(), (md, max, sentences) => {
        const out = sentences ? truncateSentences(md, max) : truncateWords(md, max);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(markerCount(out, '**') % 2).toBe(0);
        if (md.length <= max) {
          expect(out).toBe(md);
          return;
        }
        const core = stripMarkers(out).replace(/…$/, '');
        const whole = stripMarkers(md);
        expect(whole.startsWith(core)).toBe(true);
        const last = core.slice(-1);
        const next = whole.charAt(core.length);
        // Mid-word means a letter on both sides of the cut.
        expect(/[A-Za-z]/.test(last) && /[A-Za-z]/.test(next)).toBe(false);
        expect(core.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});

describe('truncateWords', () => {
  it('cuts titles at a word with an ellipsis', () => {
    expect(truncateWords('US Plans Measures to Counter Russia–North Korea Defense Cooperation', 30)).toBe(
      'US Plans Measures to Counter…',
    );
  });

  it('strips a trailing comma before the ellipsis', () => {
    expect(truncateWords('Moscow, Pyongyang, Beijing', 20)).toBe('Moscow, Pyongyang…');
  });

  it('never leaves an empty bold span when cutting inside a long bold word', () => {
    const out = truncateWords('**Supercalifragilistic**', 8);
    expect(out).toBe('**Sup**…');
    expect(out).not.toContain('****');
  });

  it('cuts a single over-long word as a last resort, never splitting a surrogate pair', () => {
    const out = truncateWords('😀'.repeat(10), 6);
    expect(out).toBe('😀😀…');
    expect(truncateWords('abcdef', 0)).toBe('');
  });
});

describe('inline', () => {
  it('puts briefing text on one escaped line, cut at a word, mentions broken', () => {
    expect(inline('  **Bold**\nclaim by @everyone ', 100)).toBe('\\*\\*Bold\\*\\* claim by @\u200Beveryone');
    expect(inline(undefined, 10)).toBe('');
    expect(inline('one two three four five', 12)).toBe('one two…');
  });
});
