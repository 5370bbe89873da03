/** Quotes cut to length where they answer: `quoteWindow`, alone and through an engine. */
import { describe, expect, it } from 'vitest';
import { EXCERPT_CHARS, quoteWindow } from '../../src/answer/excerpts.js';
import { engineWithBriefing } from './one-briefing.js';

/** The highlights of `words` in `text`, as the excerpt builder makes them. */
function highlightsOf(text: string, words: string[]): Array<{ start: number; end: number }> {
  return words
    .map((w) => ({ start: text.indexOf(w), end: text.indexOf(w) + w.length }))
    .filter((h) => h.start >= 0)
    .sort((a, b) => a.start - b.start);
}

describe('quoteWindow', () => {
  const filler = 'The committee met again on Monday to go over the long list of routine items. '.repeat(8);
  const long = `${filler}In the end the reservoir held 38 percent of its capacity, officials said.`;

  it('leaves a quote that fits as it is', () => {
    const short = 'The reservoir held 38 percent.';
    expect(quoteWindow(short, highlightsOf(short, ['reservoir']), 100)).toEqual({
      text: short,
      highlights: highlightsOf(short, ['reservoir']),
    });
  });

  it('keeps the stretch of a long quote that holds its matched words, marking the cut', () => {
    const { text, highlights } = quoteWindow(long, highlightsOf(long, ['reservoir', 'capacity']), 200);
    expect(text.length).toBeLessThanOrEqual(200);
    expect(text.startsWith('…')).toBe(true);
    expect(text).toContain('38 percent of its capacity');
    // The highlights point at the same words in the cut text.
    expect(highlights.map((h) => text.slice(h.start, h.end))).toEqual(['reservoir', 'capacity']);
  });

  it('keeps the opening when that is where the matched words are', () => {
    const { text, highlights } = quoteWindow(long, highlightsOf(long, ['committee']), 200);
    expect(text.startsWith('The committee met')).toBe(true);
    expect(text.endsWith('…')).toBe(true);
    expect(highlights.map((h) => text.slice(h.start, h.end))).toEqual(['committee']);
  });
});

describe('an answer from a long sentence', () => {
  it('quotes the part of it that answers, not only its opening', async () => {
    const clause =
      'and the council, the water board and the farmers of the valley passed most of the spring in long ' +
      'meetings that ran late into the night and settled very little, ';
    const engine = await engineWithBriefing({
      file: 'canal.md',
      title: 'Canal repairs',
      source: 'Valley Post',
      text: `The repairs began in March after a wet winter, ${clause.repeat(3)}until the province agreed to pay 12 million dollars for the work.`,
    });
    const answer = engine.ask('how much did the province pay for the repairs');
    expect(answer.answered).toBe(true);
    const text = answer.excerpts[0]!.text;
    expect(text.length).toBeLessThanOrEqual(EXCERPT_CHARS + 50);
    expect(text).toContain('12 million dollars');
  });
});

describe('a search result from a long sentence', () => {
  it('shows the part holding the words searched for, highlighted', async () => {
    const engine = await engineWithBriefing({
      file: 'harbour.md',
      title: 'Harbour works',
      source: 'Valley Post',
      text: `Work on the harbour began in April, ${'and the crews of three firms worked through the summer on the old walls and the slipway, '.repeat(6)}until the new lighthouse was finished in October.`,
    });
    const result = engine.search('lighthouse');
    const e = result.excerpts[0]!;
    expect(e.text.startsWith('…')).toBe(true);
    expect(e.text.length).toBeLessThanOrEqual(EXCERPT_CHARS + 50);
    expect(e.highlights.map((h) => e.text.slice(h.start, h.end))).toEqual(['lighthouse']);
  });
});
