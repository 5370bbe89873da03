/**
 * Sentence features the answer type is matched against: years and other times.
 */
import { describe, expect, it } from 'vitest';
import { Feature } from '../../src/answer/terms.js';
import { engineWithBriefing } from './one-briefing.js';

describe('a time in a sentence', () => {
  it('reads a number of three or four figures after a word of time as a year, and a century or decade as a time', async () => {
    const history = await engineWithBriefing({
      file: 'duchy.md',
      title: 'The duchy',
      source: 'History notes',
      text:
        'The duchy, which began in 911 as a fiefdom, was established by a treaty with the king. ' +
        'Its dukes ruled between 1000 and 1204 from the old capital. ' +
        'Settlers had begun arriving in the 880s. ' +
        'Its identity emerged in the 10th century. ' +
        'The duke sent 300 knights to the coast. ' +
        'The duke lost his lands in 300 towns to the king.',
    });
    const features = (start: string) => {
      const p = history.index.texts.findIndex((t) => t.startsWith(start));
      return history.index.passageFeatures[p]!;
    };
    expect(features('The duchy') & Feature.Year).toBe(Feature.Year);
    expect(features('Its dukes') & Feature.Year).toBe(Feature.Year);
    expect(features('Settlers') & Feature.Time).toBe(Feature.Time);
    expect(features('Its identity') & Feature.Time).toBe(Feature.Time);
    // A count is no time, nor a number after "in" that counts something.
    expect(features('The duke sent') & Feature.Time).toBe(0);
    expect(features('The duke lost') & Feature.Time).toBe(0);
    // "When…?" is answered from the sentence with the year, not declined for want of a time.
    const a = history.ask('When was the duchy founded?');
    expect(a.answered).toBe(true);
    expect(a.excerpts[0]!.text).toContain('in 911');
  });
});
