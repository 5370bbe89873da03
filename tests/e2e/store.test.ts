/**
 * End to end with the store: the real bot process (`src/main.ts`) against a fake Discord, with
 * its state in SQLite (DATA_DIR in a temporary folder) or in a redis-server of the test's own.
 * Server settings survive a restart, cooldowns and flood limits answer privately, /settings is
 * refused without Manage Server, Redis can die and come back, votes reach `npm run feedback`,
 * and follow-ups lean on the earlier question. Each scenario has a server (guild) of its own, and
 * each throttling test users of its own; commands are registered globally so they exist in all.
 *
 * The Redis scenarios need REDIS_SERVER_BIN or redis-server on the PATH (or REDIS_URL, without
 * the kill test); without either they are skipped.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIEmbed } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimFor } from '../../src/knowledge/shared-imports.js';
import { openStore } from '../../src/store/index.js';
import { BotProcess, killAll } from './bot-process.js';
import { FakeDiscord } from './fake-discord.js';
import type { InteractionReply, OptionValue } from './fake-discord.js';
import { freePort, redisAvailability, startOwnRedis } from '../store/redis-server.js';
import type { OwnRedis } from '../store/redis-server.js';

const TOKEN = 'fake-token-for-store-tests';
const EPHEMERAL = 64;
const DEFERRED = 5;
const REPLIED = 4;
/** A member with no permissions at all (so not Manage Server). */
const NO_PERMISSIONS = '0';

/** Starts the bot and waits until it is ready. */
async function startBot(fake: FakeDiscord, store: Record<string, string>): Promise<BotProcess> {
  const bot = new BotProcess(['src/main.ts'], {
    DISCORD_TOKEN: TOKEN,
    DISCORD_API_URL: fake.apiUrl,
    KNOWLEDGE_DIR: 'knowledge',
    LOG_LEVEL: 'debug',
    ...store,
  });
  await bot.waitForLog((l) => l.msg === 'bot ready', 30_000, '"bot ready"');
  return bot;
}

/** The body of the request that completed a (possibly deferred) reply. */
function finalBody(reply: InteractionReply): Record<string, unknown> {
  const last = reply.edits.at(-1) ?? reply.followUps.at(-1);
  return (last ? last.body : reply.data) as Record<string, unknown>;
}

function embedOf(reply: InteractionReply): APIEmbed {
  const embeds = finalBody(reply).embeds as APIEmbed[] | undefined;
  expect(embeds?.length, JSON.stringify(finalBody(reply))).toBeGreaterThan(0);
  return embeds![0]!;
}

/** Whether the reply was private: a private deferral, or a private reply. */
const flagsOf = (reply: InteractionReply): number => Number(reply.data?.flags ?? 0);

/** Runs one scenario's commands in one guild, as whoever it is told. */
function actor(fake: FakeDiscord, guildId: string) {
  const send = async (
    spec: { name: string; options?: Record<string, OptionValue>; subcommand?: string },
    as: { userId?: string; permissions?: string } = {},
  ): Promise<InteractionReply> => {
    const sent = await fake.sendInteraction({ kind: 'command', guildId, ...spec, ...as });
    return fake.waitForReply(sent);
  };
  return {
    ask: (question: string, as: { userId?: string } = {}) => send({ name: 'ask', options: { question } }, as),
    settings: (subcommand: string, options: Record<string, OptionValue>, as: { permissions?: string } = {}) =>
      send({ name: 'settings', subcommand, options }, as),
  };
}

/** A user id of a scenario's own, so flood and cooldown counts never mix between tests. */
const newUser = (fake: FakeDiscord): string => fake.createUser().id;

afterAll(killAll);

describe('the bot with the default SQLite store', () => {
  let fake: FakeDiscord;
  let bot: BotProcess;
  const dataDir = mkdtempSync(join(tmpdir(), 'store-e2e-sqlite-'));
  const env = { DATA_DIR: dataDir };
  const guild = (i: number): string => fake.guilds[i]!.id;

  beforeAll(async () => {
    fake = await FakeDiscord.start({ token: TOKEN, guilds: [{}, {}, {}, {}, {}, {}] });
    bot = await startBot(fake, env);
  }, 60_000);

  afterAll(async () => {
    await bot?.stop('SIGKILL');
    await fake?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps /settings visibility private across a restart: /ask then answers ephemerally', async () => {
    const server = actor(fake, guild(0));
    expect(bot.logs.find((l) => l.msg === 'store opened')).toMatchObject({
      store: `sqlite:${join(dataDir, 'state.sqlite')}`,
      healthy: true,
    });
    const set = await server.settings('visibility', { mode: 'private' });
    expect(set.type).toBe(REPLIED);
    expect(flagsOf(set)).toBe(EPHEMERAL);
    expect(set.data?.content).toMatch(/now \*\*private\*\*/);

    expect(await bot.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    bot = await startBot(fake, env);

    const reply = await server.ask('Who is Pranay Vaddi?', { userId: newUser(fake) });
    expect(reply.type).toBe(DEFERRED);
    expect(flagsOf(reply)).toBe(EPHEMERAL);
    expect(embedOf(reply).description).toContain('Pranay Vaddi');
    // Another server keeps the default: public.
    const elsewhere = await actor(fake, guild(1)).ask('Who is Pranay Vaddi?', { userId: newUser(fake) });
    expect(elsewhere.type).toBe(DEFERRED);
    expect(flagsOf(elsewhere)).toBe(0);
  });

  it('a cooldown answers a member’s second question privately, while another member is answered', async () => {
    const server = actor(fake, guild(2));
    const set = await server.settings('cooldown', { seconds: 60 });
    expect(flagsOf(set)).toBe(EPHEMERAL);
    expect(set.data?.content).toMatch(/one question every \*\*60 s\*\*/);
    const [ann, bob] = [newUser(fake), newUser(fake)];
    const first = await server.ask('Who is Pranay Vaddi?', { userId: ann });
    expect(first.type).toBe(DEFERRED);
    expect(embedOf(first).description).toContain('Pranay Vaddi');
    const second = await server.ask('Who is Daniel Kritenbrink?', { userId: ann });
    expect(second.type).toBe(REPLIED);
    expect(flagsOf(second)).toBe(EPHEMERAL);
    expect(second.data?.content).toMatch(
      /^This server allows one question every 60 s — try again in (5\d|60) s\.$/,
    );
    const other = await server.ask('Who is Daniel Kritenbrink?', { userId: bob });
    expect(other.type).toBe(DEFERRED);
    expect(embedOf(other).description).toContain('Kritenbrink');
  });

  it('a flood: the sixth question within seconds is refused privately, another user is answered', async () => {
    const server = actor(fake, guild(1));
    const [ann, bob] = [newUser(fake), newUser(fake)];
    const started = Date.now();
    for (let i = 0; i < 5; i++) {
      const reply = await server.ask('Who is Pranay Vaddi?', { userId: ann });
      expect(reply.type, `question ${i + 1}`).toBe(DEFERRED);
    }
    const sixth = await server.ask('Who is Pranay Vaddi?', { userId: ann });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(sixth.type).toBe(REPLIED);
    expect(flagsOf(sixth)).toBe(EPHEMERAL);
    expect(sixth.data?.content).toMatch(/^You're asking quickly — try again in ([1-9]|10) s\.$/);
    const other = await server.ask('Who is Pranay Vaddi?', { userId: bob });
    expect(other.type).toBe(DEFERRED);
    expect(embedOf(other).description).toContain('Pranay Vaddi');
  });

  it('refuses /settings at run time to a member without Manage Server, and changes nothing', async () => {
    const server = actor(fake, guild(3));
    for (const [subcommand, options] of [
      ['show', {}],
      ['visibility', { mode: 'private' }],
    ] as const) {
      const refused = await server.settings(subcommand, options, { permissions: NO_PERMISSIONS });
      expect(refused.type).toBe(REPLIED);
      expect(flagsOf(refused)).toBe(EPHEMERAL);
      expect(refused.data?.content).toMatch(/Only members with the \*\*Manage Server\*\* permission/);
    }
    const reply = await server.ask('Who is Pranay Vaddi?', { userId: newUser(fake) });
    expect(flagsOf(reply)).toBe(0);
  });

  it('👍 then 👎 by the same user on one answer: npm run feedback shows the question once, with its 👎', async () => {
    const server = actor(fake, guild(4));
    const voter = newUser(fake);
    const answer = await server.ask('Who is Daniel Kritenbrink?', { userId: voter });
    const ids = ((finalBody(answer).components ?? []) as { components: { custom_id?: string }[] }[]).flatMap(
      (r) => r.components.map((c) => c.custom_id ?? ''),
    );
    const up = ids.find((id) => id.startsWith('vote:u:'))!;
    const down = ids.find((id) => id.startsWith('vote:d:'))!;
    for (const customId of [up, down]) {
      const sent = await fake.sendInteraction({
        kind: 'button',
        customId,
        guildId: guild(4),
        userId: voter,
        messageId: answer.original!.id,
      });
      const thanks = await fake.waitForReply(sent);
      expect(thanks.data).toMatchObject({ content: 'Thanks for the feedback!', flags: EPHEMERAL });
    }
    // Both votes are written before the CLI reads them.
    await bot.waitForLog(
      (l) => l.msg === 'feedback recorded' && l.vote === 'down' && l.saved === true,
      15_000,
      'the 👎 to be recorded',
    );

    const cli = new BotProcess(['src/cli/feedback.ts'], env);
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    expect(cli.stdout).toContain('1 vote (0 👍, 1 👎) on 1 question.');
    expect(cli.stdout).toMatch(/1\. "Who is Daniel Kritenbrink\?"\n {3}👎 1 {2}👍 0 /);
    expect(cli.stdout.match(/Kritenbrink\?"/g)).toHaveLength(1);
    expect(cli.stdout).toMatch(/- us-[a-z-]+#\d+/);
    // The store keeps no user id, and neither do the logs.
    expect(cli.stdout).not.toContain(voter);
    expect(bot.stdout).not.toContain(voter);
  });

  it('answers a follow-up with the earlier question in the same channel, echoing it as asked', async () => {
    const server = actor(fake, guild(5));
    const ann = newUser(fake);
    await server.ask('Where were Putin and Kim supposed to meet?', { userId: ann });
    const followUp = await server.ask('and who reported it?', { userId: ann });
    expect(embedOf(followUp).title).toBe('and who reported it?');
    // Answered with the earlier question: the planned meeting, not some other report.
    expect(embedOf(followUp).description).toContain('Vostochny Cosmodrome');
    // The same words from someone with no earlier question are answered on their own.
    const alone = await server.ask('and who reported it?', { userId: newUser(fake) });
    expect(embedOf(alone).description).not.toContain('Vostochny');
  });

  it('stops at start-up with one line naming STORE_URL, without its password', async () => {
    const password = 'hunter2-very-secret';
    const p = new BotProcess(['src/main.ts'], {
      DISCORD_TOKEN: TOKEN,
      DISCORD_API_URL: fake.apiUrl,
      STORE_URL: `redis://bot:${password}@cache:99999`,
    });
    expect(await p.exited).toEqual({ code: 1, signal: null });
    const lines = p.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Configuration error: STORE_URL has a port that is not a number/);
    expect(lines[0]).toContain('redis://bot:****@cache:99999');
    expect(p.stdout + p.stderr).not.toContain(password);
  });
});

const redis = redisAvailability();

describe.skipIf(redis.mode === 'none')('the bot with a Redis store', () => {
  let fake: FakeDiscord;
  let bot: BotProcess;
  let server: OwnRedis | undefined;
  let url: string;
  // The saved index and the import folder: never the working copy's own data/.
  const dataDir = mkdtempSync(join(tmpdir(), 'bot-redis-data-'));
  const guild = (i: number): string => fake.guilds[i]!.id;

  beforeAll(async () => {
    fake = await FakeDiscord.start({ token: TOKEN, guilds: [{}, {}] });
    if (redis.mode === 'own') server = await startOwnRedis(redis.bin);
    url = server?.url ?? (redis.mode === 'url' ? redis.url : '');
    bot = await startBot(fake, { STORE_URL: url, DATA_DIR: dataDir });
  }, 60_000);

  afterAll(async () => {
    await bot?.stop('SIGKILL');
    await fake?.stop();
    await server?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps /settings visibility private across a restart: /ask then answers ephemerally', async () => {
    expect(bot.logs.find((l) => l.msg === 'store opened')).toMatchObject({ healthy: true });
    const set = await actor(fake, guild(0)).settings('visibility', { mode: 'private' });
    expect(flagsOf(set)).toBe(EPHEMERAL);
    expect(set.data?.content).toMatch(/now \*\*private\*\*/);

    expect(await bot.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    bot = await startBot(fake, { STORE_URL: url, DATA_DIR: dataDir });

    const reply = await actor(fake, guild(0)).ask('Who is Pranay Vaddi?', { userId: newUser(fake) });
    expect(reply.type).toBe(DEFERRED);
    expect(flagsOf(reply)).toBe(EPHEMERAL);
    expect(embedOf(reply).description).toContain('Pranay Vaddi');
  });

  it.skipIf(redis.mode !== 'own')(
    'follows the briefings imported on other hosts itself (one process, not sharded): one added in Redis is answered',
    async () => {
      expect(bot.logs.find((l) => l.msg === 'following shared briefings')).toMatchObject({ shared: 0 });
      const elsewhere = await openStore({ url, logger: { info: () => {}, warn: () => {}, debug: () => {} } });
      const text =
        '---\ntitle: Lunar Fisheries Accord Signed\nsource: Test wire\n---\n\n' +
        'The Veloria fisheries ministry signed the lunar fisheries accord with eleven coastal states on Tuesday.\n';
      try {
        expect(
          await elsewhere.sharedBriefings!.claim(claimFor('lunar-fisheries.md', text, 'new')!),
        ).toMatchObject({
          outcome: 'claimed',
        });
      } finally {
        await elsewhere.close();
      }
      await bot.waitForLog(
        (l) =>
          l.msg === 'knowledge reloaded' && Array.isArray(l.added) && l.added.includes('lunar-fisheries'),
        10_000,
        'the reload with the shared briefing',
      );
      expect(readFileSync(join(dataDir, 'knowledge', 'lunar-fisheries.md'), 'utf8')).toBe(text);
      const reply = await actor(fake, guild(1)).ask('Who signed the lunar fisheries accord?', {
        userId: newUser(fake),
      });
      expect(embedOf(reply).description?.replace(/\*\*/g, '')).toContain(
        'The Veloria fisheries ministry signed',
      );
    },
  );

  it.skipIf(redis.mode !== 'own')(
    'Redis killed mid-run: /ask is still answered; Redis back: the settings apply again',
    async () => {
      const ask = () => actor(fake, guild(0)).ask('Who is Pranay Vaddi?', { userId: newUser(fake) });
      await server!.kill();
      const during = await ask();
      expect(during.type).toBe(DEFERRED);
      expect(embedOf(during).description).toContain('Pranay Vaddi');
      await bot.waitForLog(
        (l) => l.level === 40 && String(l.msg).startsWith('store unavailable'),
        15_000,
        'the store outage warning',
      );

      await server!.start();
      await bot.waitForLog((l) => l.msg === 'store recovered', 10_000, '"store recovered"');
      const after = await ask();
      expect(after.type).toBe(DEFERRED);
      expect(flagsOf(after)).toBe(EPHEMERAL);
      expect(bot.stderr).toBe('');
    },
  );

  it('starts and answers with Redis down, never logging the STORE_URL password', async () => {
    await bot.stop('SIGTERM');
    const password = 'hunter2-very-secret';
    const port = await freePort();
    bot = await startBot(fake, { STORE_URL: `redis://:${password}@127.0.0.1:${port}`, DATA_DIR: dataDir });
    expect(bot.logs.find((l) => l.msg === 'store opened')).toMatchObject({
      store: `redis://:****@127.0.0.1:${port}`,
      healthy: false,
    });
    // The shared briefings cannot be followed yet: it starts with its own copies.
    expect(bot.logs.find((l) => String(l.msg).startsWith('following shared briefings'))).toMatchObject({
      level: 40,
      msg: 'following shared briefings; the store is unavailable, so this host starts with its own copies',
    });
    const reply = await actor(fake, guild(1)).ask('Who is Pranay Vaddi?', { userId: newUser(fake) });
    expect(embedOf(reply).description).toContain('Pranay Vaddi');
    expect(bot.stdout + bot.stderr).not.toContain(password);
  });
});
