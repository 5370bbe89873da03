import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeMarkdown, markdownBlocks, markdownParagraphs, stripInline } from '../../src/knowledge/markdown.js';

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

describe('markdownBlocks', () => {
  it('marks headings and list items, and reads a table as one labelled paragraph per row', () => {
    const body = [
      '# Budget adopted',
      '',
      'The council voted 7–2 on Tuesday.',
      '',
      '## Key figures',
      '',
      '- Police: $96 million',
      '- Parks: $31 million,',
      '  up 2%',
      '',
      '| Department | **2026** | 2027 |',
      '|:---|---:|---|',
      '| Fire | $44M | $47M |',
      '| Transit | | $23M |',
      'Arts \\| Culture | $2M | $3M',
      '',
      'Rates stay flat.',
    ].join('\n');
    expect(markdownBlocks(body)).toEqual([
      { text: 'Budget adopted', heading: true },
      { text: 'The council voted 7–2 on Tuesday.' },
      { text: 'Key figures', heading: true },
      { text: 'Police: $96 million', item: true },
      { text: 'Parks: $31 million, up 2%', item: true },
      { text: 'Department: Fire; 2026: $44M; 2027: $47M' },
      { text: 'Department: Transit; 2027: $23M' },
      { text: 'Department: Arts | Culture; 2026: $2M; 2027: $3M' },
      { text: 'Rates stay flat.' },
    ]);
    expect(markdownParagraphs(body)).toEqual(markdownBlocks(body).map((b) => b.text));
  });

  it('keeps a heading ending in "#" whole, and drops a closing sequence of "#"s', () => {
    expect(markdownBlocks('## Learning C#\n\n## Budget ##\n\n# #1 in sales')).toEqual([
      { text: 'Learning C#', heading: true },
      { text: 'Budget', heading: true },
      { text: '#1 in sales', heading: true },
    ]);
  });

  it('reads a paragraph underlined with "=" or "-" as a heading, and "---" after a blank line as a rule', () => {
    expect(markdownBlocks('Budget adopted\n==============\n\nThe council voted.\n\nKey figures\n---\n\n---\n\n- Police\n---')).toEqual([
      { text: 'Budget adopted', heading: true },
      { text: 'The council voted.' },
      { text: 'Key figures', heading: true },
      { text: 'Police', item: true },
    ]);
  });

  it('reads a line with pipes but no delimiter row under it as prose', () => {
    expect(markdownBlocks('Options: a | b | c\nwere weighed.\n\n| not | a table |')).toEqual([
      { text: 'Options: a | b | c were weighed.' },
      { text: '| not | a table |' },
    ]);
  });

  it('ends a table at a blank line or a line without a pipe', () => {
    expect(markdownBlocks('a | b\n--- | ---\n1 | 2\nAfter the table.')).toEqual([
      { text: 'a: 1; b: 2' },
      { text: 'After the table.' },
    ]);
  });
});
