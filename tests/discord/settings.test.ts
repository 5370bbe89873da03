import { ApplicationCommandOptionType, PermissionFlagsBits, PermissionsBitField } from 'discord.js';
import type { ChatInputCommandInteraction } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnswerEngine, BotContext } from '../../src/discord/context.js';
import { NOT_ALLOWED, NOT_SAVED, settings } from '../../src/discord/commands/settings.js';
import { createLogger } from '../../src/logger.js';
import { DEFAULT_SETTINGS, openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/index.js';
import { fakeStore } from './fake-store.js';

const GUILD = '100000000000000001';
const logger = createLogger({ level: 'silent' });
const engine = {} as AnswerEngine;
const opened: Store[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

async function memoryStore(): Promise<Store> {
  const store = await openStore({ url: 'memory://', logger });
  opened.push(store);
  return store;
}

interface Sent {
  content?: string;
  flags?: number;
}

/** A /settings interaction as discord.js presents it: only what the handler reads. */
function interaction(
  subcommand: string,
  values: Record<string, string | number | boolean> = {},
  where: { guild?: boolean; permissions?: bigint } = {},
): { i: ChatInputCommandInteraction; sent: Sent[] } {
  const sent: Sent[] = [];
  const inGuild = where.guild ?? true;
  const option = <T>(name: string): T | null => (name in values ? (values[name] as T) : null);
  const i = {
    guildId: inGuild ? GUILD : null,
    inGuild: () => inGuild,
    memberPermissions: inGuild
      ? new PermissionsBitField(where.permissions ?? PermissionFlagsBits.ManageGuild)
      : null,
    deferred: false,
    replied: false,
    options: {
      getSubcommand: () => subcommand,
      getString: (name: string) => option<string>(name),
      getInteger: (name: string) => option<number>(name),
      getBoolean: (name: string) => option<boolean>(name),
    },
    async reply(options: Sent) {
      sent.push(options);
      i.replied = true;
    },
  };
  return { i: i as unknown as ChatInputCommandInteraction, sent };
}

async function run(
  store: Store,
  ...args: Parameters<typeof interaction>
): Promise<{ sent: Sent[]; ctx: BotContext }> {
  const ctx: BotContext = { engine, store, logger, examples: [] };
  const { i, sent } = interaction(...args);
  await settings.execute(i, ctx);
  expect(sent).toHaveLength(1);
  expect(sent[0]!.flags).toBe(64); // every reply is private
  return { sent, ctx };
}

describe('/settings definition', () => {
  it('needs Manage Server by default, only in servers, with checked options', () => {
    const d = settings.definition;
    expect(d.default_member_permissions).toBe(PermissionFlagsBits.ManageGuild.toString());
    expect(d.contexts).toEqual([0]);
    const subs = (d.options ?? []) as { name: string; type: number; options?: Record<string, unknown>[] }[];
    expect(subs.map((s) => [s.name, s.type])).toEqual([
      ['show', ApplicationCommandOptionType.Subcommand],
      ['visibility', ApplicationCommandOptionType.Subcommand],
      ['cooldown', ApplicationCommandOptionType.Subcommand],
      ['mentions', ApplicationCommandOptionType.Subcommand],
    ]);
    expect(subs[1]!.options![0]).toMatchObject({
      name: 'mode',
      type: ApplicationCommandOptionType.String,
      required: true,
      choices: [
        { name: 'public', value: 'public' },
        { name: 'private', value: 'private' },
      ],
    });
    expect(subs[2]!.options![0]).toMatchObject({
      name: 'seconds',
      type: ApplicationCommandOptionType.Integer,
      min_value: 0,
      max_value: 3600,
    });
    expect(subs[3]!.options![0]).toMatchObject({
      name: 'enabled',
      type: ApplicationCommandOptionType.Boolean,
    });
  });
});

describe('/settings', () => {
  it('refuses a member without Manage Server, whatever the subcommand, and changes nothing', async () => {
    const store = await memoryStore();
    for (const [sub, values] of [
      ['show', {}],
      ['visibility', { mode: 'private' }],
      ['cooldown', { seconds: 60 }],
      ['mentions', { enabled: false }],
    ] as const) {
      const { sent } = await run(store, sub, values, { permissions: 0n });
      expect(sent[0]!.content).toBe(NOT_ALLOWED);
    }
    expect(await store.getSettings(GUILD)).toEqual(DEFAULT_SETTINGS);
  });

  it('accepts Administrator, which implies Manage Server', async () => {
    const store = await memoryStore();
    const { sent } = await run(
      store,
      'visibility',
      { mode: 'private' },
      { permissions: PermissionFlagsBits.Administrator },
    );
    expect(sent[0]!.content).toMatch(/now \*\*private\*\*/);
  });

  it('is refused in a DM', async () => {
    const { sent } = await run(await memoryStore(), 'show', {}, { guild: false });
    expect(sent[0]!.content).toMatch(/use \/settings in one/);
  });

  it('changes each setting, confirms the new value, and shows them', async () => {
    const store = await memoryStore();
    expect((await run(store, 'visibility', { mode: 'private' })).sent[0]!.content).toMatch(
      /now \*\*private\*\*/,
    );
    expect((await run(store, 'cooldown', { seconds: 30 })).sent[0]!.content).toMatch(
      /one question every \*\*30 s\*\*/,
    );
    expect((await run(store, 'mentions', { enabled: false })).sent[0]!.content).toMatch(
      /\*\*ignore\*\* @mentions/,
    );
    expect(await store.getSettings(GUILD)).toEqual({
      visibility: 'private',
      cooldownSeconds: 30,
      mentions: false,
    });
    const shown = (await run(store, 'show')).sent[0]!.content!;
    expect(shown).toContain('**private**');
    expect(shown).toContain('**30 s**');
    expect(shown).toContain('**off**');
    expect((await run(store, 'cooldown', { seconds: 0 })).sent[0]!.content).toMatch(/no cooldown/);
    expect((await run(store, 'visibility', { mode: 'public' })).sent[0]!.content).toMatch(
      /now \*\*public\*\*/,
    );
  });

  it('checks ranges and choices itself, without trusting Discord', async () => {
    const store = await memoryStore();
    for (const seconds of [-1, 3601, 1.5, Number.NaN]) {
      const { sent } = await run(store, 'cooldown', { seconds });
      expect(sent[0]!.content).toBe('The cooldown must be a whole number of seconds from 0 to 3600.');
    }
    expect((await run(store, 'cooldown', { seconds: 3600 })).sent[0]!.content).toMatch(/3600 s/);
    expect((await run(store, 'visibility', { mode: 'secret' })).sent[0]!.content).toMatch(
      /must be `public` or `private`/,
    );
    expect((await run(store, 'unknown')).sent[0]!.content).toMatch(/don’t know that setting/);
    expect(await store.getSettings(GUILD)).toEqual({ ...DEFAULT_SETTINGS, cooldownSeconds: 3600 });
  });

  it('says so when the store could not save the change', async () => {
    const store = fakeStore({
      healthy: false,
      updateSettings: async (_guildId, patch) => ({
        settings: { ...DEFAULT_SETTINGS, ...patch },
        saved: false,
      }),
    });
    const { sent } = await run(store, 'visibility', { mode: 'private' });
    expect(sent[0]!.content).toBe(NOT_SAVED);
    const shown = (await run(store, 'show')).sent[0]!.content!;
    expect(shown).toMatch(/storage is unavailable right now: these are the defaults/);
  });
});
