import { describe, expect, it } from 'vitest';
import { embedLength, LIMITS, payloadViolations } from '../../src/render/limits.js';
import { fitEmbeds } from '../../src/render/message.js';

const ok = { embeds: [{ title: 't', description: 'd' }], components: [], allowed_mentions: { parse: [] } };

describe('LIMITS', () => {
  it('holds Discord’s documented numbers', () => {
    expect(LIMITS).toMatchObject({
      content: 2000,
      embedTitle: 256,
      embedDescription: 4096,
      fieldName: 256,
      fieldValue: 1024,
      footerText: 2048,
      authorName: 256,
      embedTotal: 6000,
      embeds: 10,
      fields: 25,
      buttonsPerRow: 5,
      rows: 5,
      customId: 100,
      buttonLabel: 80,
      choiceName: 100,
      choiceValue: 100,
      choices: 25,
    });
  });
});

describe('embedLength', () => {
  it('counts title, description, fields, footer and author', () => {
    expect(
      embedLength({
        title: 'ab',
        description: 'cde',
        fields: [{ name: 'f', value: 'gh' }],
        footer: { text: 'i' },
        author: { name: 'jk' },
      }),
    ).toBe(11);
  });
});

describe('payloadViolations', () => {
  it('accepts a valid payload', () => {
    expect(payloadViolations(ok)).toEqual([]);
  });

  it('reports each broken limit', () => {
    const cases: [object, RegExp][] = [
      [{ ...ok, content: 'x'.repeat(2001) }, /^content/],
      [{ ...ok, embeds: [{ title: 'x'.repeat(257) }] }, /title/],
      [{ ...ok, embeds: [{ description: 'x'.repeat(4097) }] }, /description/],
      [{ ...ok, embeds: [{ description: 'd', fields: [{ name: 'x'.repeat(257), value: 'v' }] }] }, /name/],
      [{ ...ok, embeds: [{ description: 'd', fields: [{ name: 'n', value: 'x'.repeat(1025) }] }] }, /value/],
      [{ ...ok, embeds: [{ description: 'd', fields: [{ name: 'n', value: ' ' }] }] }, /value is empty/],
      [
        {
          ...ok,
          embeds: [
            { description: 'd', fields: Array.from({ length: 26 }, () => ({ name: 'n', value: 'v' })) },
          ],
        },
        /fields: 26/,
      ],
      [{ ...ok, embeds: [{ description: 'd', footer: { text: 'x'.repeat(2049) } }] }, /footer/],
      [{ ...ok, embeds: [{ description: 'd', author: { name: 'x'.repeat(257) } }] }, /author/],
      [
        { ...ok, embeds: [{ description: 'x'.repeat(4000) }, { description: 'x'.repeat(2001) }] },
        /embeds total/,
      ],
      [{ ...ok, embeds: Array.from({ length: 11 }, () => ({ description: 'd' })) }, /^embeds: 11/],
      [{ ...ok, embeds: [] }, /empty/],
      [
        {
          ...ok,
          components: Array.from({ length: 6 }, (_, i) => ({ components: [{ custom_id: `b${i}` }] })),
        },
        /^rows/,
      ],
      [
        {
          ...ok,
          components: [{ components: Array.from({ length: 6 }, (_, i) => ({ custom_id: `b${i}` })) }],
        },
        /buttons: 6/,
      ],
      [{ ...ok, components: [{ components: [{ custom_id: 'x'.repeat(101) }] }] }, /custom_id: 101/],
      [{ ...ok, components: [{ components: [{ custom_id: 'a' }, { custom_id: 'a' }] }] }, /duplicate/],
      [{ ...ok, components: [{ components: [{ custom_id: 'a', label: 'x'.repeat(81) }] }] }, /label/],
      [{ ...ok, allowed_mentions: { parse: ['everyone'] } }, /allowed_mentions/],
      [{ embeds: [{ description: 'd' }] }, /allowed_mentions/],
    ];
    for (const [payload, expected] of cases) {
      const v = payloadViolations(payload);
      expect(v.length, JSON.stringify(v)).toBe(1);
      expect(v[0]).toMatch(expected);
    }
  });
});

describe('fitEmbeds (the last line of defence)', () => {
  it('clamps every part and the total', () => {
    const words = (n: number): string => 'Moscow and Pyongyang. '.repeat(Math.ceil(n / 22)).slice(0, n);
    const fitted = fitEmbeds([
      {
        title: words(400),
        description: words(5000),
        footer: { text: words(100) },
        fields: Array.from({ length: 30 }, () => ({ name: words(300), value: words(1500) })),
      },
    ]);
    expect(payloadViolations({ embeds: fitted, allowed_mentions: { parse: [] } })).toEqual([]);
    // Fields go first, so the description survives whole.
    expect(fitted[0]?.fields?.length).toBe(1);
    expect(fitted[0]?.description?.length).toBeGreaterThan(4000);
  });

  it('trims the description when title, description and footer together break the total', () => {
    const fitted = fitEmbeds([
      { title: 'x'.repeat(256), description: 'Kim. '.repeat(819), footer: { text: 'y '.repeat(1024) } },
    ]);
    expect(payloadViolations({ embeds: fitted, allowed_mentions: { parse: [] } })).toEqual([]);
  });

  it('changes nothing in an embed that fits', () => {
    const e = {
      title: 'Briefings',
      description: '> quote\n— *Title*',
      fields: [{ name: 'Source', value: 'TASS' }],
    };
    expect(fitEmbeds([e])).toEqual([e]);
  });
});
