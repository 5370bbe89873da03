import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bestByScore, bestOf } from '../../src/answer/best.js';

/** The reference: every item sorted by score (highest first), ties to the lower item. */
function sorted(items: number[], count: number, want: number, score: number[]): number[] {
  return items
    .slice(0, count)
    .sort((a, b) => score[b]! - score[a]! || a - b)
    .slice(0, Math.max(0, want));
}

describe('bestByScore', () => {
  it('gives what sorting gives, ties included, for any scores and sizes', () => {
    fc.assert(
      fc.property(
        // Few distinct scores, so that ties are common.
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 0, maxLength: 400 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 400 }),
        (scores, want, cut) => {
          // Items in a shuffled order, as retrieval meets passages.
          const items = scores.map((_, i) => i).sort((a, b) => ((a * 7919) % 401) - ((b * 7919) % 401));
          const count = Math.min(cut, items.length);
          expect(bestByScore(items, count, want, scores)).toEqual(sorted(items, count, want, scores));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('agrees with bestOf over the same order, many items and few wanted', () => {
    const score = Float32Array.from({ length: 5000 }, (_, i) => ((i * 2654435761) % 1000) / 7);
    const items = Array.from({ length: 5000 }, (_, i) => (i * 37) % 5000);
    const better = (x: number, y: number) => score[x]! > score[y]! || (score[x] === score[y] && x < y);
    const want = 40;
    const top = bestByScore(items, items.length, want, score);
    expect(top).toHaveLength(want);
    expect(top).toEqual(bestOf(items, items.length, want, better));
  });
});
