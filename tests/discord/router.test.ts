import { DiscordAPIError, InteractionType } from 'discord.js';
import type { Interaction } from 'discord.js';
import { describe, expect, it } from 'vitest';
import type { Answer } from '../../src/answer/types.js';
import type { AnswerEngine, BotContext, ChatInputCommand } from '../../src/discord/context.js';
import { APOLOGY, createRouter } from '../../src/discord/router.js';
import { createLogger } from '../../src/logger.js';
import { fakeStore } from './fake-store.js';

type Kind = 'command' | 'autocomplete' | 'button';
type Call = [method: string, options?: unknown];

/** A stand-in for a discord.js interaction: the state flags and methods the router uses, recording calls. */
class StubInteraction {
  readonly calls: Call[] = [];
  readonly id = '111';
  readonly guildId = '222';
  readonly channelId = '333';
  deferred = false;
  replied = false;
  ephemeral: boolean | null = null;
  responded = false;
  failReplies = false;

  constructor(
    readonly kind: Kind,
    readonly commandName = 'boom',
    readonly customId = '',
  ) {}

  get type(): InteractionType {
    return this.kind === 'autocomplete'
      ? InteractionType.ApplicationCommandAutocomplete
      : this.kind === 'button'
        ? InteractionType.MessageComponent
        : InteractionType.ApplicationCommand;
  }
  isChatInputCommand = (): boolean => this.kind === 'command';
  isCommand = (): boolean => this.kind === 'command';
  isContextMenuCommand = (): boolean => false;
  isMessageContextMenuCommand = (): boolean => false;
  isAutocomplete = (): boolean => this.kind === 'autocomplete';
  isButton = (): boolean => this.kind === 'button';
  isRepliable = (): boolean => this.kind !== 'autocomplete';

  #record(method: string, options?: unknown): void {
    this.calls.push([method, options]);
    if (this.failReplies) throw new Error('Discord is down');
  }
  async reply(options: unknown): Promise<void> {
    this.#record('reply', options);
    this.replied = true;
  }
  async deferReply(options: { flags?: number } = {}): Promise<void> {
    this.#record('deferReply', options);
    this.deferred = true;
    this.ephemeral = (options.flags ?? 0) === 64;
  }
  async editReply(options: unknown): Promise<void> {
    this.#record('editReply', options);
    this.replied = true;
  }
  async followUp(options: unknown): Promise<void> {
    this.#record('followUp', options);
  }
  async deleteReply(): Promise<void> {
    this.#record('deleteReply');
  }
  async respond(choices: unknown): Promise<void> {
    this.#record('respond', choices);
    this.responded = true;
  }
}

function setup(execute: ChatInputCommand['execute'], autocomplete?: ChatInputCommand['autocomplete']) {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (l: string) => lines.push(JSON.parse(l) as Record<string, unknown>) },
  });
  const answer: Answer = {
    question: 'q',
    answered: false,
    excerpts: [],
    notCovered: [],
    related: [],
    reason: 'empty',
  };
  const engine: AnswerEngine = {
    ask: () => answer,
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
  const ctx: BotContext = { engine, store: fakeStore(), logger, examples: [] };
  const boom: ChatInputCommand = {
    definition: { name: 'boom', description: 'Throws' },
    execute,
    ...(autocomplete ? { autocomplete } : {}),
  };
  const route = createRouter({ ctx, commands: [boom], messageCommands: [] });
  return { route: (i: StubInteraction) => route(i as unknown as Interaction), lines };
}

const privateApology = { content: APOLOGY, flags: 64, allowedMentions: { parse: [], repliedUser: false } };

describe('the router as error boundary', () => {
  it('answers a handler that throws before acknowledging with a private apology, and logs it', async () => {
    const { route, lines } = setup(async () => {
      throw new Error('handler bug');
    });
    const i = new StubInteraction('command');
    await expect(route(i)).resolves.toBeUndefined();
    expect(i.calls).toEqual([['reply', expect.objectContaining(privateApology)]]);
    const logged = lines.find((l) => l.msg === 'interaction handler failed')!;
    expect(logged).toMatchObject({
      level: 50,
      command: 'boom',
      kind: 'command',
      guildId: '222',
      interactionId: '111',
    });
    expect((logged.err as { message: string }).message).toBe('handler bug');
  });

  it('after a public deferral: removes the placeholder, then apologises privately', async () => {
    const { route } = setup(async (interaction) => {
      await interaction.deferReply();
      throw new Error('after defer');
    });
    const i = new StubInteraction('command');
    await route(i);
    expect(i.calls.map((c) => c[0])).toEqual(['deferReply', 'deleteReply', 'followUp']);
    expect(i.calls[2]![1]).toMatchObject(privateApology);
  });

  it('after a private deferral: edits the apology in', async () => {
    const { route } = setup(async (interaction) => {
      await interaction.deferReply({ flags: 64 });
      throw new Error('after defer');
    });
    const i = new StubInteraction('command');
    await route(i);
    expect(i.calls.map((c) => c[0])).toEqual(['deferReply', 'editReply']);
    expect(i.calls[1]![1]).toMatchObject({ content: APOLOGY, embeds: [], components: [] });
  });

  it('after a reply: follows up privately', async () => {
    const { route } = setup(async (interaction) => {
      await interaction.reply({ content: 'partial' });
      throw new Error('after reply');
    });
    const i = new StubInteraction('command');
    await route(i);
    expect(i.calls.map((c) => c[0])).toEqual(['reply', 'followUp']);
    expect(i.calls[1]![1]).toMatchObject(privateApology);
  });

  it('logs and survives 10062 (expired) and 40060 (already acknowledged) without answering', async () => {
    for (const code of [10062, 40060]) {
      const { route, lines } = setup(async () => {
        throw new DiscordAPIError(
          { code, message: 'x' },
          code,
          code === 10062 ? 404 : 400,
          'POST',
          '/interactions/1/t/callback',
          {},
        );
      });
      const i = new StubInteraction('command');
      await expect(route(i)).resolves.toBeUndefined();
      expect(i.calls).toEqual([]);
      expect(
        lines.find((l) => l.level === 40 && String(l.msg).startsWith('interaction expired')),
      ).toBeDefined();
      expect(lines.find((l) => l.level === 50)).toBeUndefined();
    }
  });

  it('survives an apology that cannot be sent either', async () => {
    const { route, lines } = setup(async () => {
      throw new Error('first');
    });
    const i = new StubInteraction('command');
    i.failReplies = true;
    await expect(route(i)).resolves.toBeUndefined();
    expect(lines.map((l) => l.msg)).toEqual(['interaction handler failed', 'could not send the apology']);
  });

  it('answers a failing autocomplete with no choices', async () => {
    const { route } = setup(
      async () => undefined,
      async () => {
        throw new Error('autocomplete bug');
      },
    );
    const i = new StubInteraction('autocomplete');
    await route(i);
    expect(i.calls).toEqual([['respond', []]]);
  });

  it('answers an unknown command and a button it cannot read privately', async () => {
    const { route } = setup(async () => undefined);
    const cmd = new StubInteraction('command', 'gone');
    await route(cmd);
    expect(cmd.calls[0]).toEqual([
      'reply',
      expect.objectContaining({ flags: 64, content: expect.stringContaining('don’t know that command') }),
    ]);
    const button = new StubInteraction('button', 'x', 'someone-else:1');
    await route(button);
    expect(button.calls[0]).toEqual([
      'reply',
      expect.objectContaining({ flags: 64, content: expect.stringContaining('no longer works') }),
    ]);
  });
});
