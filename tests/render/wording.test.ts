/**
 * Shared wording (`src/render/wording.ts`): the lines Discord and the terminal both say.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plural, showingLine } from '../../src/render/wording.js';

describe('showingLine', () => {
  it('says which part of a list a page shows, with or without what is listed', () => {
    expect(showingLine(0, 8, 23)).toBe('Showing 1–8 of 23');
    expect(showingLine(10, 10, 2002, 'briefing')).toBe('Showing 11–20 of 2,002 briefings');
    expect(showingLine(0, 1, 1, 'briefing')).toBe('Showing 1–1 of 1 briefing');
    expect(showingLine(2000, 2, 2002)).toBe('Showing 2,001–2,002 of 2,002');
  });

  it('is the line each renderer used to build for itself (property)', () => {
    const n = fc.integer({ min: 0, max: 2_000_000 });
    fc.assert(
      fc.property(n, n, n, (offset, shown, total) => {
        const range = `${(offset + 1).toLocaleString('en-US')}–${(offset + shown).toLocaleString('en-US')}`;
        expect(showingLine(offset, shown, total)).toBe(
          `Showing ${range} of ${total.toLocaleString('en-US')}`,
        );
        expect(showingLine(offset, shown, total, 'briefing')).toBe(
          `Showing ${range} of ${plural(total, 'briefing')}`,
        );
      }),
    );
  });
});
