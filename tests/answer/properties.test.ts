import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/answer/engine.js';
import { loadEngine } from '../../src/answer/load.js';
import type { Answer } from '../../src/answer/types.js';
import { readKnowledgeFiles } from '../../src/knowledge/load.js';

let engine: Engine;
let corpus: string;
beforeAll(async () => {
  engine = await loadEngine('knowledge');
  corpus = (await readKnowledgeFiles('knowledge')).files.map((f) => f.text.replace(/\s+/g, ' ')).join('\n');
});

/** The shape every answer must have, whatever was asked (`offset`: paging may run past the end). */
function expectValid(answer: Answer, top: number, offset = 0): void {
  expect(typeof answer.question).toBe('string');
  expect(answer.question.length).toBeLessThanOrEqual(2000);
  expect(typeof answer.answered).toBe('boolean');
  expect(Array.isArray(answer.notCovered)).toBe(true);
  expect(answer.excerpts.length).toBeLessThanOrEqual(top);
  if (answer.answered) {
    if (offset === 0) expect(answer.excerpts.length).toBeGreaterThan(0);
    expect(answer.reason).toBeUndefined();
  } else {
    expect(answer.excerpts).toEqual([]);
    expect(['empty', 'not_covered', 'weak_match']).toContain(answer.reason);
  }
  for (const e of [...answer.excerpts, ...answer.related]) {
    // Verbatim: the quoted text (less a trailing cut mark) occurs in the briefings.
    expect(corpus).toContain(e.text.replace(/…$/, ''));
    expect(e.text.length).toBeLessThanOrEqual(450);
    let last = 0;
    for (const h of e.highlights) {
      expect(h.start).toBeGreaterThanOrEqual(last);
      expect(h.end).toBeGreaterThan(h.start);
      expect(h.end).toBeLessThanOrEqual(e.text.length);
      last = h.end;
    }
  }
  // The object must survive the JSON contract unchanged.
  expect(JSON.parse(JSON.stringify(answer))).toEqual(answer);
}

const words = fc.constantFrom(
  'Putin',
  'Kim',
  'North',
  'Korea',
  'DPRK',
  'sanctions',
  'who',
  'what',
  'where',
  'when',
  'how',
  'many',
  'Vostochny',
  'meeting',
  'the',
  'of',
  'US',
  'us',
  'UN',
  'cooperation',
  '?',
  'is',
  'France',
  'coal',
);

describe('the engine on any input', () => {
  it('returns a valid answer for any string', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        fc.integer({ min: 1, max: 10 }),
        (q, top) => {
          expectValid(engine.ask(q, { top }), top);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('returns a valid answer for questions made of briefing words', () => {
    fc.assert(
      fc.property(fc.array(words, { maxLength: 12 }), (parts) => {
        expectValid(engine.ask(parts.join(' '), { top: 3 }), 3);
      }),
      { numRuns: 300 },
    );
  });

  it('handles any follow-up context and paging offset', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 80 }),
        fc.string({ maxLength: 80 }),
        fc.nat(50),
        (q, context, offset) => {
          expectValid(engine.ask(q, { context, offset, top: 3 }), 3, offset);
          const s = engine.search(q, { offset, top: 5 });
          expect(s.excerpts.length).toBeLessThanOrEqual(5);
          expect(s.total).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it.each([
    ['empty', ''],
    ['whitespace', ' \t\n '],
    ['a lone question mark', '?'],
    ['control characters', 'Who is\u0000\u0007 Vaddi\u001b[31m?'],
    ['zero-width and direction marks', 'Who\u200b is\u200f Pr\u200danay\u202e Vaddi?'],
    ['6,000 characters', 'Where did Putin meet Kim? '.repeat(240)],
    ['zalgo', 'W̴̢̛h̷̡o̶̧ ̸i̵s̶ ̷V̴a̵d̶d̷i̸?'],
    ['emoji', '🇰🇵🤝🇷🇺 ❓'],
    ['non-Latin scripts', 'Кто такой Вадди? 金正恩在哪里? من هو فادي؟'],
    ['markdown and code fences', '**Who** is `Vaddi`?\n```js\nprocess.exit()\n```'],
    ['masked links', '[Who is Vaddi](https://evil.example/x)?'],
    ['@everyone and @here', '@everyone @here who is Vaddi?'],
    [
      'role, user and channel mentions',
      '<@&123456789012345678> <@123456789012345678> <#123456789012345678> who is Vaddi?',
    ],
    ['prototype names', '__proto__ constructor prototype toString hasOwnProperty'],
    ['template syntax', '${process.env.DISCORD_TOKEN} {{7*7}} <%= 7*7 %>'],
    ['path-like strings', '../../etc/passwd C:\\Windows\\system32 file:///etc/shadow'],
  ])('answers %s safely', (_label, q) => {
    const answer = engine.ask(q);
    expectValid(answer, 3);
    expect(answer.question).not.toMatch(/[\p{Cc}\p{Cf}]/u);
  });
});
