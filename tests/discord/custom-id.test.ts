import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  confirmId,
  listId,
  moreId,
  pageId,
  parseConfirmId,
  parseCustomId,
  recoverText,
  voteId,
} from '../../src/discord/custom-id.js';
import { questionTitle } from '../../src/render/index.js';

const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();
const offsets = fc.integer({ min: 0, max: 1_000_000 });

describe('custom ids', () => {
  it('round-trip every kind, for any question, within 1–100 characters', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 400 }),
        offsets,
        fc.constantFrom('up', 'down' as const),
        (q, offset, vote) => {
          const ids = [moreId(q, offset), voteId(vote, q, offset), pageId(q, offset), listId(q, offset)];
          for (const id of ids) {
            expect(id.length).toBeGreaterThanOrEqual(1);
            expect(id.length).toBeLessThanOrEqual(100);
            const state = parseCustomId(id)!;
            expect(state.offset).toBe(offset);
            if (state.truncated) {
              expect(squash(q).startsWith(state.text)).toBe(true);
              expect(state.text.length).toBeGreaterThan(80);
            } else {
              expect(state.text).toBe(squash(q));
            }
          }
          expect(parseCustomId(ids[0]!)?.kind).toBe('more');
          expect(parseCustomId(ids[1]!)).toMatchObject({ kind: 'vote', vote });
          expect(parseCustomId(ids[2]!)?.kind).toBe('page');
          expect(parseCustomId(ids[3]!)?.kind).toBe('list');
          expect(new Set(ids).size).toBe(4);
        },
      ),
    );
  });

  it('decode from the string alone, as after a restart', () => {
    const id = moreId('Who is Pranay Vaddi?', 3);
    expect(id).toBe('more:3:=Who is Pranay Vaddi?');
    // Nothing but the string crosses the restart.
    expect(parseCustomId(String(id))).toEqual({
      kind: 'more',
      offset: 3,
      text: 'Who is Pranay Vaddi?',
      truncated: false,
    });
    expect(parseCustomId('vote:d:0:=a:b:c')).toEqual({
      kind: 'vote',
      vote: 'down',
      offset: 0,
      text: 'a:b:c',
      truncated: false,
    });
  });

  it('never split a surrogate pair when cutting', () => {
    const q = `${'a'.repeat(90)}${'😀'.repeat(20)}`;
    const state = parseCustomId(moreId(q, 0))!;
    expect(state.truncated).toBe(true);
    expect(state.text).not.toMatch(/[\uD800-\uDBFF]$/);
    expect(q.startsWith(state.text)).toBe(true);
  });

  it('complete a cut question from the answer title, even with markdown and mentions escaped', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9 ,.?!'*_~`|>#()[\]<@-]{91,240}$/), (raw) => {
        const q = squash(raw);
        fc.pre(q.length > 92);
        const state = parseCustomId(moreId(q, 3))!;
        expect(state.truncated).toBe(true);
        const title = questionTitle(q)!;
        const recovered = recoverText(state, title);
        if (title.endsWith('…')) {
          // Escaping made the title longer than 256, so it was cut too: still more than the id held.
          expect(q.startsWith(recovered)).toBe(true);
          expect(recovered.length).toBeGreaterThanOrEqual(state.text.length);
        } else {
          expect(recovered).toBe(q);
        }
      }),
    );
  });

  it('fall back to the start of the question when the title does not match', () => {
    const q =
      'How is military cooperation between Russia and North Korea developing according to senior officials?';
    const state = parseCustomId(moreId(q, 3))!;
    expect(recoverText(state, 'Something else entirely')).toBe(state.text);
    expect(recoverText(state, undefined)).toBe(state.text);
    const page = parseCustomId(pageId(q, 8))!;
    expect(recoverText(page, `Search: ${q}`)).toBe(q);
  });

  it('carry a follow-up’s earlier question beside the whole question, cut to fit', () => {
    const context = 'Where were Putin and Kim supposed to meet?';
    const id = moreId('and who reported it?', 3, context);
    expect(id).toBe(`more:3:+20:and who reported it?${context}`);
    expect(parseCustomId(id)).toEqual({
      kind: 'more',
      offset: 3,
      text: 'and who reported it?',
      truncated: false,
      context,
    });
    const long = `${context} ${'And what did the officials say about it afterwards? '.repeat(3)}`;
    const vote = parseCustomId(voteId('down', 'when?', 0, long))!;
    expect(vote).toMatchObject({ kind: 'vote', vote: 'down', text: 'when?', truncated: false });
    expect(squash(long).startsWith((vote as { context: string }).context)).toBe(true);
    // A question too long to leave room for context goes alone, as before.
    const q = 'What did they say about it '.repeat(3);
    expect(parseCustomId(moreId(q, 3, context))).toEqual({
      kind: 'more',
      offset: 3,
      text: squash(q),
      truncated: false,
    });
  });

  it('round-trip any question and context within 100 characters', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 120 }),
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        offsets,
        (q, context, offset) => {
          for (const id of [moreId(q, offset, context), voteId('up', q, offset, context)]) {
            expect(id.length).toBeLessThanOrEqual(100);
            const state = parseCustomId(id)!;
            expect(state.offset).toBe(offset);
            if ('context' in state && state.context !== undefined) {
              expect(state.text).toBe(squash(q));
              expect(state.context.length).toBeGreaterThan(0);
              expect(squash(context).startsWith(state.context)).toBe(true);
            } else if (!state.truncated) {
              expect(state.text).toBe(squash(q));
            }
          }
        },
      ),
    );
  });

  it('reject ids that are not ours or are malformed', () => {
    for (const id of [
      '',
      'more',
      'more:x:=q',
      'more:3:q',
      'vote:3:=q',
      'page:u:3:=q',
      'render:search:prev:disabled',
      'more:1000001:=q',
      'more:99999999:=q',
      'page:0:+1:qcontext',
      'list:0:+1:qcontext',
      'list:u:0:=q',
      'more:0:+5:short',
      'more:0:+0:context',
    ]) {
      expect(parseCustomId(id)).toBeUndefined();
    }
    expect(() => moreId('q', -1)).toThrow(RangeError);
    expect(() => listId('q', 1_000_001)).toThrow(RangeError);
  });

  it('carry an empty query for the list of every briefing, and recover a cut one from its title', () => {
    expect(listId('', 10)).toBe('list:10:=');
    expect(parseCustomId('list:10:=')).toEqual({ kind: 'list', offset: 10, text: '', truncated: false });
    const long = `state department ${'x'.repeat(120)}`;
    const state = parseCustomId(listId(long, 0))!;
    expect(state.truncated).toBe(true);
    expect(recoverText(state, `Briefings matching: ${long}`)).toBe(long);
  });
});

describe('confirmation ids', () => {
  it('carry a token, and nothing else decodes as one', () => {
    expect(parseConfirmId(confirmId(true, 'abcDEF12_-xyz'))).toEqual({
      kind: 'confirm',
      yes: true,
      token: 'abcDEF12_-xyz',
    });
    expect(parseConfirmId(confirmId(false, 'abcDEF12_-xyz'))).toEqual({
      kind: 'confirm',
      yes: false,
      token: 'abcDEF12_-xyz',
    });
    expect(parseCustomId(confirmId(true, 'abcDEF12_-xyz'))).toBeUndefined();
    expect(parseConfirmId(moreId('confirm:y:abcdefgh12', 0))).toBeUndefined();
    expect(() => confirmId(true, 'short')).toThrow(RangeError);
    expect(() => confirmId(true, 'has:colon:here')).toThrow(RangeError);
    for (const bad of [
      'confirm:y:short',
      'confirm:x:abcdefgh12',
      'confirm:y:abcdefgh12:extra',
      'confirm:y:../../etc',
    ]) {
      expect(parseConfirmId(bad)).toBeUndefined();
    }
  });
});
