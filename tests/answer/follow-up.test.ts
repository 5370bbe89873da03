import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentWords, isFollowUp, planFollowUp, questionWords } from '../../src/answer/follow-up.js';
import type { Answer, AskOptions } from '../../src/answer/types.js';
import { chatReply } from '../../src/cli/chat.js';

describe('isFollowUp', () => {
  it('recognises questions that lean on the previous one', () => {
    for (const q of [
      'and who reported it?',
      'And when?',
      'but why?',
      'also, where?',
      'what about sanctions?',
      'How about the coal ban?',
      'when?',
      'why?',
      'who said that?',
      'What did he say?',
      'Who is she?',
      'what did they announce then?',
      'Where is that?',
      'What happened there?',
      'Tell me more',
      'what did the US say about it?',
      'Why did the State Department say that?',
    ]) {
      expect(isFollowUp(q), q).toBe(true);
    }
  });

  it('leaves questions that name their own topic alone', () => {
    for (const q of [
      'Who is Pranay Vaddi?',
      'Where were Putin and Kim supposed to meet?',
      'What have UN resolutions banned since 2006?',
      'Who is Daniel Kritenbrink?',
      'What measures does the US plan against Russia–North Korea defense ties?',
      'Is there a ban on coal?',
      'There were sanctions on coal?',
      // Long enough to stand on its own, even though it opens with "and" and says "it".
      'And what did the State Department say about the North Korean workers abroad and it?',
      'What did the US sanction in 2006 against Pyongyang and Moscow?',
    ]) {
      expect(isFollowUp(q), q).toBe(false);
    }
  });

  it('is false for chat, which leans on nothing even when it says "that" or names nothing', () => {
    for (const q of [
      'thanks for that',
      'thank you!',
      'what can you do',
      'how does this work',
      'sum it up',
      'hi',
    ])
      expect(isFollowUp(q), q).toBe(false);
  });

  it('is false for text without words', () => {
    for (const q of ['', '   ', '?', '!!!', '👍']) expect(isFollowUp(q), q).toBe(false);
  });

  it('reads words case-insensitively, with curly apostrophes and possessives', () => {
    expect(questionWords('What’s Kim’s plan?')).toEqual(['what', 'kim', 'plan']);
    expect(isFollowUp('What’s its name?')).toBe(true);
    expect(contentWords('What about Kim’s plan?')).toEqual(['kim', 'plan']);
    expect(contentWords('What did the U.S. say?')).toEqual(['usa']);
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (q) => typeof isFollowUp(q) === 'boolean'),
    );
  });
});

describe('planFollowUp', () => {
  const earlier = 'Where were Putin and Kim supposed to meet?';

  it('passes the previous question as context to a follow-up, and remembers that question', () => {
    expect(planFollowUp('and who reported it?', earlier)).toEqual({
      question: 'and who reported it?',
      context: earlier,
      remember: earlier,
    });
  });

  it('keeps a chain of follow-ups on one short context', () => {
    let remembered: string | undefined;
    const contexts: (string | undefined)[] = [];
    for (const q of [earlier, 'and who reported it?', 'when?', 'why there?']) {
      const plan = planFollowUp(q, remembered);
      contexts.push(plan.context);
      remembered = plan.remember;
    }
    expect(contexts).toEqual([undefined, earlier, earlier, earlier]);
    expect(remembered).toBe(earlier);
  });

  it('answers a new question on its own, and remembers it instead', () => {
    expect(planFollowUp('Who is Pranay Vaddi?', earlier)).toEqual({
      question: 'Who is Pranay Vaddi?',
      remember: 'Who is Pranay Vaddi?',
    });
  });

  it('gives chat no context and nothing to remember, so the earlier question stays', () => {
    expect(planFollowUp('thanks for that!', earlier)).toEqual({ question: 'thanks for that!' });
    let remembered: string | undefined;
    const contexts: (string | undefined)[] = [];
    for (const q of [earlier, 'thanks!', 'what can you do', 'and who reported it?']) {
      const plan = planFollowUp(q, remembered);
      contexts.push(plan.context);
      remembered = plan.remember ?? remembered;
    }
    expect(contexts).toEqual([undefined, undefined, undefined, earlier]);
  });

  it('has no context without an earlier question', () => {
    expect(planFollowUp('when?', undefined)).toEqual({ question: 'when?', remember: 'when?' });
    expect(planFollowUp('when?', '  ')).toEqual({ question: 'when?', remember: 'when?' });
  });
});

describe('the local chat', () => {
  it('asks a follow-up with the previous question as context, "more" included', () => {
    const asked: Array<[string, AskOptions | undefined]> = [];
    const engine = {
      ask(question: string, options?: AskOptions): Answer {
        asked.push([question, options]);
        return { question, answered: false, excerpts: [], notCovered: [], related: [], reason: 'weak_match' };
      },
      search: () => {
        throw new Error('not a search');
      },
      findBriefings: () => {
        throw new Error('not a list of briefings');
      },
    };
    const state = { offset: 0 };
    chatReply(engine, 'Where were Putin and Kim supposed to meet?', state);
    chatReply(engine, 'and who reported it?', state);
    chatReply(engine, 'more', state);
    chatReply(engine, 'Who is Pranay Vaddi?', state);
    expect(asked.map(([q, o]) => [q, o?.context])).toEqual([
      ['Where were Putin and Kim supposed to meet?', undefined],
      ['and who reported it?', 'Where were Putin and Kim supposed to meet?'],
      ['and who reported it?', 'Where were Putin and Kim supposed to meet?'],
      ['Who is Pranay Vaddi?', undefined],
    ]);
  });
});
