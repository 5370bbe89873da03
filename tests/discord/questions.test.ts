/**
 * The question entry points wired to the store: admission (flood, cooldown), the server's
 * settings (visibility, mentions), follow-ups, and votes. Discord is stubbed; the store is the
 * real one in memory unless a test needs it to fail.
 */
import type { ButtonInteraction, ChatInputCommandInteraction, Message } from 'discord.js';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/answer/engine.js';
import { loadEngine } from '../../src/answer/load.js';
import type { Answer, AskOptions } from '../../src/answer/types.js';
import { ask } from '../../src/discord/commands/ask.js';
import { search } from '../../src/discord/commands/search.js';
import { vote } from '../../src/discord/components/vote.js';
import type { AnswerEngine, BotContext } from '../../src/discord/context.js';
import { parseCustomId } from '../../src/discord/custom-id.js';
import type { VoteState } from '../../src/discord/custom-id.js';
import type { FeedbackVote } from '../../src/discord/feedback.js';
import { createMessageHandler } from '../../src/discord/messages.js';
import { createLogger } from '../../src/logger.js';
import { openStore } from '../../src/store/index.js';
import type { FeedbackInput, Store } from '../../src/store/index.js';
import { fakeStore } from './fake-store.js';

const GUILD = '100000000000000001';
const CHANNEL = '100000000000000010';
const BOT = '100000000000000099';
const EARLIER = 'Where were Putin and Kim supposed to meet?';
const logger = createLogger({ level: 'silent' });
const opened: Store[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

async function memoryStore(): Promise<Store> {
  const store = await openStore({ url: 'memory://', logger });
  opened.push(store);
  return store;
}

/** An engine that answers any question with four passages, and records what it was asked. */
function recordingEngine(): AnswerEngine & { asked: Array<[string, AskOptions]> } {
  const asked: Array<[string, AskOptions]> = [];
  return {
    asked,
    ask(question: string, options: AskOptions = {}): Answer {
      asked.push([question, options]);
      const excerpts = [0, 1, 2, 3].map((passage) => ({
        text: `Passage ${passage}.`,
        briefing: 'b',
        title: 'T',
        source: 'S',
        score: 1,
        passage,
        highlights: [],
      }));
      const offset = options.offset ?? 0;
      return {
        question: question.trim(),
        answered: true,
        notCovered: [],
        related: [],
        excerpts: excerpts.slice(offset, offset + (options.top ?? 3)),
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

interface Call {
  method: string;
  options: { flags?: number; content?: string; embeds?: { title?: string }[]; components?: unknown[] };
}

/** A slash command interaction: what the handlers read and call, recorded. */
function command(
  options: Record<string, string | boolean>,
  where: { guildId?: string | null; channelId?: string; userId?: string } = {},
): { i: ChatInputCommandInteraction; calls: Call[] } {
  const calls: Call[] = [];
  const i = {
    guildId: where.guildId === undefined ? GUILD : where.guildId,
    channelId: where.channelId ?? CHANNEL,
    user: { id: where.userId ?? 'ann' },
    deferred: false,
    replied: false,
    options: {
      getString: (name: string) => (options[name] as string | undefined) ?? null,
      getBoolean: (name: string) => (options[name] as boolean | undefined) ?? null,
    },
    async deferReply(o: Call['options'] = {}) {
      calls.push({ method: 'deferReply', options: o });
      i.deferred = true;
    },
    async editReply(o: Call['options']) {
      calls.push({ method: 'editReply', options: o });
      i.replied = true;
    },
    async reply(o: Call['options']) {
      calls.push({ method: 'reply', options: o });
      i.replied = true;
    },
  };
  return { i: i as unknown as ChatInputCommandInteraction, calls };
}

function context(store: Store, engine: AnswerEngine = recordingEngine()): BotContext {
  return { engine, store, logger, examples: [] };
}

function buttonIds(call: Call): string[] {
  return ((call.options.components ?? []) as { components: { custom_id?: string }[] }[]).flatMap((row) =>
    row.components.map((c) => c.custom_id ?? ''),
  );
}

describe('/ask and /search with the store', () => {
  it('answers privately when the server made answers private, and publicly otherwise', async () => {
    const store = await memoryStore();
    const publicAsk = command({ question: 'Who is Pranay Vaddi?' });
    await ask.execute(publicAsk.i, context(store));
    expect(publicAsk.calls[0]).toEqual({ method: 'deferReply', options: {} });

    await store.updateSettings(GUILD, { visibility: 'private' });
    const privateAsk = command({ question: 'Who is Pranay Vaddi?' }, { userId: 'bob' });
    await ask.execute(privateAsk.i, context(store));
    expect(privateAsk.calls[0]).toEqual({ method: 'deferReply', options: { flags: 64 } });
    const privateSearch = command({ query: 'sanctions' }, { userId: 'cat' });
    await search.execute(privateSearch.i, context(store));
    expect(privateSearch.calls[0]).toEqual({ method: 'deferReply', options: { flags: 64 } });
    // In a DM there are no server settings: public unless asked otherwise.
    const dm = command({ question: 'Who is Pranay Vaddi?' }, { guildId: null, userId: 'dan' });
    await ask.execute(dm.i, context(store));
    expect(dm.calls[0]).toEqual({ method: 'deferReply', options: {} });
  });

  it('keeps private:true private in a public server', async () => {
    const { i, calls } = command({ question: 'Who is Pranay Vaddi?', private: true });
    await ask.execute(i, context(await memoryStore()));
    expect(calls[0]).toEqual({ method: 'deferReply', options: { flags: 64 } });
  });

  it('answers a throttled question with a private notice only, before asking the engine', async () => {
    const engine = recordingEngine();
    const store = fakeStore({ hitFlood: async () => ({ ok: false, retryAfterSeconds: 4 }) });
    for (const [handler, options] of [
      [ask, { question: 'Who is Pranay Vaddi?' }],
      [search, { query: 'sanctions' }],
    ] as const) {
      const { i, calls } = command(options);
      await handler.execute(i, context(store, engine));
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({
        method: 'reply',
        options: { flags: 64, content: "You're asking quickly — try again in 4 s." },
      });
    }
    expect(engine.asked).toEqual([]);
  });

  it('answers a follow-up with the earlier question as context, echoing it as asked', async () => {
    const store = await memoryStore();
    const engine = recordingEngine();
    const ctx = context(store, engine);
    await ask.execute(command({ question: EARLIER }).i, ctx);
    const followUp = command({ question: 'and who reported it?' });
    await ask.execute(followUp.i, ctx);
    const next = command({ question: 'when?' });
    await ask.execute(next.i, ctx);
    expect(engine.asked.map(([q, o]) => [q, o.context])).toEqual([
      [EARLIER, undefined],
      ['and who reported it?', EARLIER],
      ['when?', EARLIER], // the chain keeps the first question, not a growing concatenation
    ]);
    const answer = followUp.calls.find((c) => c.method === 'editReply')!;
    expect(answer.options.embeds?.[0]?.title).toBe('and who reported it?');
    // Its buttons ask alike: they carry the earlier question too.
    const more = parseCustomId(buttonIds(answer).find((id) => id.startsWith('more:'))!);
    expect(more).toMatchObject({ kind: 'more', text: 'and who reported it?', context: EARLIER });
    expect(await store.previousQuestion(GUILD, CHANNEL, 'ann')).toBe(EARLIER);
  });

  it('does not carry a conversation to another channel or another user', async () => {
    const store = await memoryStore();
    const engine = recordingEngine();
    const ctx = context(store, engine);
    await ask.execute(command({ question: EARLIER }).i, ctx);
    await ask.execute(
      command({ question: 'and who reported it?' }, { channelId: '100000000000000011' }).i,
      ctx,
    );
    await ask.execute(command({ question: 'and who reported it?' }, { userId: 'bob' }).i, ctx);
    expect(engine.asked.slice(1).map(([, o]) => o.context)).toEqual([undefined, undefined]);
  });
});

describe('votes', () => {
  function click(state: VoteState, store: Store, onFeedback?: (v: FeedbackVote) => void) {
    const calls: Call[] = [];
    const i = {
      guildId: GUILD,
      user: { id: 'voter-id-123' },
      message: { embeds: [{ title: state.text }] },
      deferred: false,
      replied: false,
      async reply(o: Call['options']) {
        calls.push({ method: 'reply', options: o });
        i.replied = true;
      },
    };
    const ctx: BotContext = { ...context(store), ...(onFeedback ? { onFeedback } : {}) };
    return { run: () => vote.execute(i as unknown as ButtonInteraction, state, ctx), calls };
  }

  it('records the vote in the store with the voter id, then thanks, and tells the hook without it', async () => {
    const recorded: FeedbackInput[] = [];
    const order: string[] = [];
    const store = fakeStore({
      recordFeedback: async (v) => {
        recorded.push(v);
        order.push('recorded');
        return true;
      },
    });
    const told: FeedbackVote[] = [];
    const state = parseCustomId('vote:d:0:=Who is Pranay Vaddi?') as VoteState;
    const { run, calls } = click(state, store, (v) => {
      told.push(v);
      order.push(`told after ${calls.length} reply`);
    });
    await run();
    // A revote clicked after the thanks is always written after this vote.
    expect(order).toEqual(['recorded', 'told after 1 reply']);
    expect(calls[0]).toMatchObject({
      method: 'reply',
      options: { content: 'Thanks for the feedback!', flags: 64 },
    });
    expect(recorded).toEqual([
      expect.objectContaining({
        question: 'Who is Pranay Vaddi?',
        passages: ['b#0', 'b#1', 'b#2'],
        vote: 'down',
        guildId: GUILD,
        userId: 'voter-id-123',
      }),
    ]);
    expect(told).toHaveLength(1);
    expect(JSON.stringify(told)).not.toContain('voter-id-123');
  });

  it('records a follow-up under the question it followed', async () => {
    const recorded: FeedbackInput[] = [];
    const store = fakeStore({ recordFeedback: async (v) => Boolean(recorded.push(v)) });
    const state = parseCustomId(`vote:u:0:+5:when?${EARLIER}`) as VoteState;
    await click(state, store).run();
    expect(recorded[0]!.question).toBe(`when? (following “${EARLIER}”)`);
  });

  it('thanks the voter even when the store cannot save the vote', async () => {
    const store = fakeStore({ healthy: false, recordFeedback: async () => false });
    const { run, calls } = click(parseCustomId('vote:u:0:=Who?') as VoteState, store);
    await expect(run()).resolves.toBeUndefined();
    expect(calls[0]!.options.content).toBe('Thanks for the feedback!');
  });
});

describe('mentions and DMs with the store', () => {
  interface Sent {
    content?: string;
    embeds?: { title?: string }[];
    allowedMentions?: unknown;
  }

  function message(content: string, where: { guild?: boolean; userId?: string; channelId?: string } = {}) {
    const replies: Sent[] = [];
    const inGuild = where.guild ?? true;
    const m = {
      id: '1',
      content: inGuild ? `<@${BOT}> ${content}` : content,
      client: { user: { id: BOT } },
      author: { id: where.userId ?? 'ann', bot: false },
      webhookId: null,
      system: false,
      guildId: inGuild ? GUILD : null,
      channelId: where.channelId ?? CHANNEL,
      inGuild: () => inGuild,
      mentions: { users: new Map(inGuild ? [[BOT, {}]] : []) },
      channel: { sendTyping: async () => undefined },
      async reply(options: Sent) {
        replies.push(options);
      },
    };
    return { m: m as unknown as Message, replies };
  }

  it('ignores mentions in a server that turned them off, and answers DMs anyway', async () => {
    const store = await memoryStore();
    await store.updateSettings(GUILD, { mentions: false });
    const engine = recordingEngine();
    const handle = createMessageHandler(context(store, engine));
    const mention = message('Who is Pranay Vaddi?');
    await handle(mention.m);
    expect(mention.replies).toEqual([]);
    const dm = message('Who is Pranay Vaddi?', { guild: false });
    await handle(dm.m);
    expect(dm.replies).toHaveLength(1);
    expect(engine.asked).toHaveLength(1);
  });

  it('answers a throttled mention with a short reply that pings nobody', async () => {
    const store = await memoryStore();
    await store.updateSettings(GUILD, { cooldownSeconds: 60 });
    const handle = createMessageHandler(context(store));
    await handle(message('Who is Pranay Vaddi?').m);
    const second = message('Who is Daniel Kritenbrink?');
    await handle(second.m);
    expect(second.replies).toHaveLength(1);
    expect(second.replies[0]!.content).toMatch(
      /^This server allows one question every 60 s — try again in \d+ s\.$/,
    );
    expect(second.replies[0]!.embeds ?? []).toEqual([]);
    expect(second.replies[0]!.allowedMentions).toEqual({ parse: [], repliedUser: false });
  });

  it('follows up in a DM conversation', async () => {
    const store = await memoryStore();
    const engine = recordingEngine();
    const handle = createMessageHandler(context(store, engine));
    await handle(message(EARLIER, { guild: false }).m);
    const followUp = message('and who reported it?', { guild: false });
    await handle(followUp.m);
    expect(engine.asked.map(([, o]) => o.context)).toEqual([undefined, EARLIER]);
    expect(followUp.replies[0]!.embeds?.[0]?.title).toBe('and who reported it?');
  });

  it('survives a store that fails every call: the question is still answered', async () => {
    const failing = await openStore({ url: 'memory://', logger });
    await failing.close(); // a closed store answers every call with its fallbacks
    const handle = createMessageHandler(context(failing));
    const msg = message('Who is Pranay Vaddi?');
    await handle(msg.m);
    expect(msg.replies[0]!.embeds?.[0]?.title).toBe('Who is Pranay Vaddi?');
  });
});

describe('chat intents through /ask, mentions and DMs', () => {
  let real: Engine;
  beforeAll(async () => {
    real = await loadEngine('knowledge');
  });

  /** The real engine, recording what it was asked. */
  function recordingReal(): AnswerEngine & { asked: Array<[string, AskOptions]> } {
    const asked: Array<[string, AskOptions]> = [];
    return {
      asked,
      ask: (q, o = {}) => (asked.push([q, o]), real.ask(q, o)),
      search: (q, o) => real.search(q, o),
      briefings: () => real.briefings(),
      briefing: (id) => real.briefing(id),
      findBriefings: (q, o) => real.findBriefings(q, o),
      resolveBriefing: (n, t) => real.resolveBriefing(n, t),
      suggestBriefings: (t, l) => real.suggestBriefings(t, l),
    };
  }
  const EXAMPLES = ['Who is Pranay Vaddi?'];
  const reply = (calls: Call[]) => calls.find((c) => c.method === 'editReply')!.options;

  it('/ask greets, thanks, helps and lists the briefings with no buttons', async () => {
    const ctx = { ...context(await memoryStore(), recordingReal()), examples: EXAMPLES };
    const hi = command({ question: 'hey there bot' });
    await ask.execute(hi.i, ctx);
    expect(reply(hi.calls).content).toBe(
      'Hi! I answer questions about the news briefings by quoting the passages that answer them, with their sources. Try asking: *Who is Pranay Vaddi?*',
    );
    const thanks = command({ question: 'thanks!' });
    await ask.execute(thanks.i, ctx);
    expect(reply(thanks.calls).content).toBe("You're welcome! Ask me anything else about the briefings.");
    const help = command({ question: 'what can you do?' });
    await ask.execute(help.i, ctx);
    expect(reply(help.calls).embeds?.[0]?.title).toBe('Ask the briefings');
    const sources = command({ question: 'sources?' });
    await ask.execute(sources.i, ctx);
    expect(reply(sources.calls).embeds?.[0]?.title).toBe('Briefings (2)');
    for (const { calls } of [hi, thanks, help, sources]) expect(buttonIds(calls.at(-1)!)).toEqual([]);
  });

  it('/ask summarises under "Summary of <title>", with 👍/👎 but no "More excerpts"', async () => {
    const ctx = { ...context(await memoryStore(), recordingReal()), examples: EXAMPLES };
    const tldr = command({ question: 'tldr of the tass one' });
    await ask.execute(tldr.i, ctx);
    const embed = reply(tldr.calls).embeds?.[0] as { title?: string; description?: string };
    expect(embed.title).toBe(
      'Summary of US Official Highlights Rising Russia–North Korea Military Cooperation',
    );
    expect(embed.description).toMatch(/^> A senior US national security official warned/);
    expect(buttonIds(tldr.calls.at(-1)!)).toEqual([
      'vote:u:0:=tldr of the tass one',
      'vote:d:0:=tldr of the tass one',
    ]);
  });

  it('"thanks" after a question is not its follow-up, and the next follow-up still leans on the question', async () => {
    const store = await memoryStore();
    const engine = recordingReal();
    const ctx = { ...context(store, engine), examples: EXAMPLES };
    await ask.execute(command({ question: EARLIER }).i, ctx);
    const thanks = command({ question: 'thanks for that' });
    await ask.execute(thanks.i, ctx);
    expect(reply(thanks.calls).content).toMatch(/^You're welcome!/);
    expect(await store.previousQuestion(GUILD, CHANNEL, 'ann')).toBe(EARLIER);
    await ask.execute(command({ question: 'and who reported it?' }).i, ctx);
    expect(engine.asked.map(([q, o]) => [q, o.context])).toEqual([
      [EARLIER, undefined],
      ['thanks for that', undefined],
      ['and who reported it?', EARLIER],
    ]);
  });

  it('answers "@bot hi" and a DM "tldr" alike, pinging nobody', async () => {
    const ctx = { ...context(await memoryStore(), recordingReal()), examples: EXAMPLES };
    const handle = createMessageHandler(ctx);
    const replies: Array<{ content?: string; embeds?: { title?: string }[]; allowedMentions?: unknown }> = [];
    const message = (content: string, inGuild: boolean) =>
      ({
        id: '1',
        content: inGuild ? `<@${BOT}> ${content}` : content,
        client: { user: { id: BOT } },
        author: { id: 'ann', bot: false },
        webhookId: null,
        system: false,
        guildId: inGuild ? GUILD : null,
        channelId: CHANNEL,
        inGuild: () => inGuild,
        mentions: { users: new Map(inGuild ? [[BOT, {}]] : []) },
        channel: { sendTyping: async () => undefined },
        reply: async (o: (typeof replies)[number]) => void replies.push(o),
      }) as unknown as Message;
    await handle(message('hi', true));
    await handle(message('tldr', false));
    expect(replies[0]!.content).toMatch(/^Hi! I answer questions about the news briefings/);
    expect(replies[1]!.embeds?.[0]?.title).toBe('Summary of 2 briefings');
    for (const r of replies) expect(r.allowedMentions).toEqual({ parse: [], repliedUser: false });
  });
});
