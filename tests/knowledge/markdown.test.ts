import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeMarkdown, markdownParagraphs, stripInline } from '../../src/knowledge/markdown.js';

describe('backslash escapes', () => {
  it('read an escaped character as itself, and strip markup as before', () => {
    expect(stripInline('\\*not emphasis\\* and *emphasis*')).toBe('*not emphasis* and emphasis');
    expect(stripInline('\\[not a link\\](https://x.y) and [a link](https://x.y)')).toBe(
      '[not a link](https://x.y) and a link',
    );
    expect(stripInline('\\<b\\>kept\\</b\\> and <b>dropped</b>')).toBe('<b>kept</b> and dropped');
    expect(stripInline('C:\\\\Users and a \\q that escapes nothing')).toBe('C:\\Users and a \\q that escapes nothing');
  });

  it('keep an escaped line start from reading as a heading, list item, quote or rule', () => {
    expect(markdownParagraphs('\\# 1 in the charts\n\n1\\. Not a list\n\n\\- dash\n\n\\> quoted\n\n\\-\\-\\-')).toEqual([
      '# 1 in the charts',
      '1. Not a list',
      '- dash',
      '> quoted',
      '---',
    ]);
  });
});

describe('escapeMarkdown', () => {
  it('escapes markup and line starts', () => {
    expect(escapeMarkdown('1. *Not* a list')).toBe('1\\. \\*Not\\* a list');
    expect(escapeMarkdown('# tag <script>alert(1)</script> [x](javascript:y)')).toBe(
      '\\# tag \\<script\\>alert(1)\\</script\\> \\[x\\](javascript:y)',
    );
  });

  it('round-trips any paragraph through the loader unchanged (whitespace collapsed)', () => {
    const markup = fc.constantFrom(...'*_`[]()<>#!-+=~\\|.1 \t>:'.split(''), '```', '---', '1. ', '- ', '> ');
    const paragraph = fc
      .array(fc.oneof(markup, fc.string({ unit: 'binary', minLength: 1, maxLength: 3 })), { maxLength: 30 })
      .map((parts) => parts.join('').replace(/[\ue000-\ue07f]/g, ''))
      .filter((s) => /\S/.test(s));
    fc.assert(
      fc.property(paragraph, (p) => {
        const expected = p.replace(/\s+/g, ' ').trim();
        expect(markdownParagraphs(escapeMarkdown(p))).toEqual([expected]);
      }),
      { numRuns: 2000 },
    );
  });
});
