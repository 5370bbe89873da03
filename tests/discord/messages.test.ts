import type { Message } from 'discord.js';
import { describe, expect, it } from 'vitest';
import type { Answer, AskOptions, Excerpt } from '../../src/answer/types.js';
import { answerQuestion, shownPassages } from '../../src/discord/answering.js';
import type { AnswerEngine } from '../../src/discord/context.js';
import { parseCustomId } from '../../src/discord/custom-id.js';
import { isQuestionForBot, replyOptions, stripBotMention } from '../../src/discord/messages.js';

const BOT = '100000000000000001';

function message(over: {
  bot?: boolean;
  guild?: boolean;
  mentions?: string[];
  webhookId?: string | null;
  system?: boolean;
}): Message {
  return {
    author: { bot: over.bot ?? false },
    webhookId: over.webhookId ?? null,
    system: over.system ?? false,
    inGuild: () => over.guild ?? true,
    mentions: { users: new Map((over.mentions ?? []).map((id) => [id, {}])) },
  } as unknown as Message;
}

describe('questions by message', () => {
  it('strip every mention of the bot, in both forms, and tidy spaces', () => {
    expect(stripBotMention(`<@${BOT}> Who is Pranay Vaddi?`, BOT)).toBe('Who is Pranay Vaddi?');
    expect(stripBotMention(`hey <@!${BOT}>,   who\nis he? <@${BOT}>`, BOT)).toBe('hey , who is he?');
    expect(stripBotMention(`<@${BOT}>`, BOT)).toBe('');
    expect(stripBotMention('<@200000000000000002> hi', BOT)).toBe('<@200000000000000002> hi');
  });

  it('count only messages from people that mention the bot user itself, or any DM', () => {
    expect(isQuestionForBot(message({ mentions: [BOT] }), BOT)).toBe(true);
    expect(isQuestionForBot(message({ mentions: [] }), BOT)).toBe(false); // @everyone / a role: not in users
    expect(isQuestionForBot(message({ mentions: ['200000000000000002'] }), BOT)).toBe(false);
    expect(isQuestionForBot(message({ guild: false }), BOT)).toBe(true);
    expect(isQuestionForBot(message({ guild: false, bot: true }), BOT)).toBe(false);
    expect(isQuestionForBot(message({ mentions: [BOT], bot: true }), BOT)).toBe(false);
    expect(isQuestionForBot(message({ mentions: [BOT], webhookId: '5' }), BOT)).toBe(false);
    expect(isQuestionForBot(message({ mentions: [BOT], system: true }), BOT)).toBe(false);
  });

  it('reply referencing the question without pinging anyone', () => {
    const options = replyOptions({
      content: 'x',
      embeds: [],
      components: [],
      allowed_mentions: { parse: [], replied_user: false },
      flags: 64,
    });
    expect(options).toMatchObject({
      content: 'x',
      allowedMentions: { parse: [], repliedUser: false },
      failIfNotExists: false,
    });
    expect(options).not.toHaveProperty('flags');
  });
});

const excerpt = (briefing: string, passage: number): Excerpt => ({
  text: `Passage ${passage} of ${briefing}.`,
  briefing,
  title: 'T',
  source: 'S',
  score: 1,
  passage,
  highlights: [],
});

/** An engine with `n` answering passages for any question. */
function engineWith(n: number): AnswerEngine & { asked: AskOptions[] } {
  const asked: AskOptions[] = [];
  return {
    asked,
    ask: (question: string, options: AskOptions = {}): Answer => {
      asked.push(options);
      const all = Array.from({ length: n }, (_, i) => excerpt('b', i));
      const offset = options.offset ?? 0;
      return {
        question: question.trim(),
        answered: true,
        notCovered: [],
        related: [],
        excerpts: all.slice(offset, offset + (options.top ?? 3)),
      };
    },
    search: (query) => ({
      query,
      words: [],
      match: 'empty',
      wordsMatched: 0,
      notFound: [],
      total: 0,
      excerpts: [],
    }),
    briefings: () => [],
    briefing: () => undefined,
    findBriefings: (query = '') => ({ query, total: 0, offset: 0, briefings: [] }),
    resolveBriefing: () => ({ kind: 'none' }),
    suggestBriefings: () => [],
  };
}

describe('answers with buttons', () => {
  const ids = (n: number, offset = 0): string[] =>
    answerQuestion(engineWith(n), ' Who? ', { offset }).rendered.components.flatMap((r) =>
      r.components.map((c) => ('custom_id' in c ? c.custom_id : '')),
    );

  it('show "More excerpts" only when the engine has more, and always the vote pair', () => {
    expect(ids(3)).toEqual(['vote:u:0:=Who?', 'vote:d:0:=Who?']);
    expect(ids(4)).toEqual(['more:3:=Who?', 'vote:u:0:=Who?', 'vote:d:0:=Who?']);
    expect(ids(10, 3)).toEqual(['more:6:=Who?', 'vote:u:3:=Who?', 'vote:d:3:=Who?']);
    expect(parseCustomId(ids(10, 3)[0]!)).toMatchObject({ kind: 'more', offset: 6, text: 'Who?' });
  });

  it('show three excerpts at most, asking for one more to know', () => {
    const engine = engineWith(10);
    const { answer } = answerQuestion(engine, 'Who?');
    expect(answer.excerpts).toHaveLength(3);
    expect(engine.asked).toEqual([{ offset: 0, top: 4 }]);
    expect(shownPassages(answer)).toEqual(['b#0', 'b#1', 'b#2']);
  });
});
