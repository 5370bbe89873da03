import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/answer/engine.js';
import { findInitialisms, initialsOf } from '../../src/answer/initialisms.js';
import { engineWithBriefing } from './one-briefing.js';

/** Common nouns, for the tests that don't load WordNet. */
const COMMON = new Set(['house', 'council', 'bowl', 'stadium', 'nations', 'trophy']);
const isCommon = (w: string) => COMMON.has(w);

describe('findInitialisms', () => {
  it('maps the initials of a body, a place or an event the briefings name to the name', () => {
    const found = findInitialisms(
      [
        'The White House said little. Officials at the White House declined to comment.',
        'The Super Bowl was played at Levi’s Stadium.',
        'He spoke at the United Nations.',
      ],
      isCommon,
    );
    expect(found.get('wh')).toBe('white house');
    expect(found.get('sb')).toBe('super bowl');
    expect(found.get('ls')).toBe('levi stadium');
    expect(found.get('un')).toBe('united nations');
  });

  it('leaves out the words opening a sentence, and a person’s name (its last word no common noun)', () => {
    const found = findInitialisms(['The Super Bowl was won. Thomas Davis scored twice.'], isCommon);
    expect(found.get('tsb')).toBeUndefined();
    expect(found.get('sb')).toBe('super bowl');
    expect(found.get('td')).toBeUndefined();
  });

  it('reads the names a longer name ends with, unless a whole name has the same initials', () => {
    const found = findInitialisms(
      [
        'She serves on the White House National Security Council.',
        'The game was at Levi’s Stadium, not Sun Life Stadium; Levi’s Stadium is newer.',
      ],
      isCommon,
    );
    expect(found.get('whnsc')).toBe('white house national security council');
    expect(found.get('nsc')).toBe('national security council');
    // "ls": Levi's Stadium, a whole name, not the end of Sun Life Stadium.
    expect(found.get('ls')).toBe('levi stadium');
  });

  it('reads initials only when one name clearly owns them', () => {
    const even = findInitialisms(
      ['The White House met the Wren Hall board.'],
      (w) => w === 'house' || w === 'hall',
    );
    expect(even.get('wh')).toBeUndefined();
    const clear = findInitialisms(
      ['The White House spoke.', 'The White House wrote.', 'The White House met.', 'The Wren Hall opened.'],
      (w) => w === 'house' || w === 'hall',
    );
    expect(clear.get('wh')).toBe('white house');
  });
});

describe('initialsOf', () => {
  it('takes two to five letters typed in one case, perhaps run into a number', () => {
    expect(initialsOf('wh')).toEqual({ letters: 'wh', number: '' });
    expect(initialsOf('NSC')).toEqual({ letters: 'nsc', number: '' });
    expect(initialsOf('sb50')).toEqual({ letters: 'sb', number: '50' });
    expect(initialsOf('Wh')).toBeUndefined();
    expect(initialsOf('x')).toBeUndefined();
    expect(initialsOf('abcdef')).toBeUndefined();
    expect(initialsOf('50')).toBeUndefined();
  });
});

describe('initials in questions', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await engineWithBriefing({
      file: 'final.md',
      title: 'The Harbour Bowl Final',
      source: 'League report',
      text:
        'The Harbour Bowl 12 was won by the Gulls, 21–17, at Pier Stadium. ' +
        'Thomas Davis scored two touchdowns for the Gulls. ' +
        'The Harbour Bowl trophy went to the Gulls for the third time. ' +
        'Tickets for the next final go on sale in May.',
    });
  });

  it('reads initials of a name the briefings write as the name, a number run into them too', () => {
    for (const q of ['who won hb12', 'who won the HB 12']) {
      const t = engine.trace(q);
      expect(t.question.normalised, q).toMatch(/Harbour Bowl 12/);
      expect(t.decision.answered, q).toBe(true);
      expect(engine.ask(q).excerpts[0]!.text, q).toContain('won by the Gulls');
    }
    expect(engine.trace('where was the final, ps?').question.normalised).toContain('Pier Stadium');
  });

  it('reads a common English word, a person’s initials and a word the briefings use as themselves', () => {
    expect(engine.trace('where did the tickets go').question.normalised).toBe('where did the tickets go');
    // "td" is no Thomas Davis: a person's name is not shortened so.
    expect(engine.trace('how many td did the gulls score').question.normalised).not.toMatch(/Thomas/);
  });
});
