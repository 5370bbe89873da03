/**
 * End to end: adding and removing briefings through the real bot process, connected to the fake
 * Discord, importing from a publisher's site on loopback (the fixture server, allowed through
 * IMPORT_ALLOW_HOSTS) and following its RSS feed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIEmbed } from 'discord.js';
import { BotProcess, EPHEMERAL, bodyText, finalBody, killAll } from './bot-process.js';
import { FakeDiscord } from './fake-discord.js';
import type { InteractionReply, SentInteraction } from './fake-discord.js';
import { fixture, startFixtureServer } from '../knowledge/fixture-server.js';
import type { FixtureServer } from '../knowledge/fixture-server.js';

const TOKEN = 'fake-token-for-import-tests';
const MANAGE_GUILD = 1n << 5n;
/** A member who can read and write messages but not manage the server. */
const MEMBER = (1n << 10n) | (1n << 11n);

let fake: FakeDiscord;
let site: FixtureServer;
let bot: BotProcess;
const dataDir = mkdtempSync(join(tmpdir(), 'bot-import-data-'));
const importDir = join(dataDir, 'knowledge');

const PRESS_TITLE =
  'Interior Department Announces $12 Million to Restore Salmon Habitat in the Columbia River Basin';
const CULVERTS = 'How many culverts will the funding replace?';

function botEnv(): Record<string, string> {
  return {
    DISCORD_TOKEN: TOKEN,
    DISCORD_API_URL: fake.apiUrl,
    DISCORD_GUILD_ID: fake.guilds[0]!.id,
    KNOWLEDGE_DIR: 'knowledge',
    LOG_LEVEL: 'debug',
    DATA_DIR: dataDir,
    FLOOD_LIMIT: '1000',
    IMPORT_ALLOW_HOSTS: '127.0.0.1',
    FEEDS: `${site.base}/feeds/rss.xml`,
  };
}

async function startBot(): Promise<BotProcess> {
  const started = new BotProcess(['src/main.ts'], botEnv());
  await started.waitForLog((l) => l.msg === 'bot ready', 30_000, '"bot ready"');
  return started;
}

async function command(
  subcommand: 'add' | 'remove',
  options: Record<string, string>,
  permissions?: bigint,
): Promise<{ sent: SentInteraction; reply: InteractionReply }> {
  const sent = await fake.sendInteraction({
    kind: 'command',
    name: 'briefings',
    subcommand,
    options,
    ...(permissions !== undefined ? { permissions } : {}),
  });
  return { sent, reply: await fake.waitForReply(sent, { timeoutMs: 20_000 }) };
}

async function ask(question: string): Promise<{ answered: boolean; text: string }> {
  const sent = await fake.sendInteraction({ kind: 'command', name: 'ask', options: { question } });
  const body = finalBody(await fake.waitForReply(sent));
  // Without the bold of matched words, to compare with the page's sentences.
  const text = bodyText(body).replace(/\*\*/g, '');
  return { answered: !text.includes("The briefings don't cover this"), text };
}

function buttons(body: Record<string, unknown>): Array<{ custom_id: string; label: string }> {
  const rows = (body.components ?? []) as { components: { custom_id: string; label: string }[] }[];
  return rows.flatMap((r) => r.components);
}

async function click(
  reply: InteractionReply,
  label: string,
  permissions?: bigint,
): Promise<InteractionReply> {
  const target = buttons(finalBody(reply)).find((b) => b.label === label);
  expect(target, `a "${label}" button`).toBeDefined();
  const sent = await fake.sendInteraction({
    kind: 'button',
    customId: target!.custom_id,
    messageId: reply.original!.id,
    ...(permissions !== undefined ? { permissions } : {}),
  });
  return fake.waitForReply(sent, { timeoutMs: 20_000 });
}

const files = () => readdir(importDir).catch(() => [] as string[]);

beforeAll(async () => {
  site = await startFixtureServer();
  fake = await FakeDiscord.start({ token: TOKEN });
  bot = await startBot();
}, 60_000);

afterAll(async () => {
  await killAll();
  await fake?.stop();
  await site?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('/briefings and followed feeds, through the bot process', () => {
  it('registers /briefings for Manage Server only, beside /briefing', () => {
    const registered = fake.commands(fake.guilds[0]!.id);
    expect(registered.map((c) => c.name)).toEqual(expect.arrayContaining(['briefing', 'briefings']));
    const briefings = registered.find((c) => c.name === 'briefings')!;
    expect(briefings.default_member_permissions).toBe(MANAGE_GUILD.toString());
    expect(briefings.options?.map((o) => o.name)).toEqual(['add', 'remove']);
  });

  it('imports the followed feed’s items at start-up, and the reload names them', async () => {
    const reloaded = await bot.waitForLog(
      (l) => l.msg === 'knowledge reloaded' && Array.isArray(l.added) && (l.added as string[]).length === 2,
      20_000,
      'the reload after the feed',
    );
    expect((reloaded.added as string[]).sort()).toEqual([
      'ferry-link-to-stromstad-resumes-after-harbour-repairs',
      'new-library-opens-in-the-old-customs-house',
    ]);
    expect(await bot.waitForLog((l) => l.msg === 'feed polled', 5000)).toMatchObject({
      imported: 2,
      failed: 1,
    });
    const ferry = await ask('How often will the ferry to Strömstad run in summer?');
    expect(ferry.answered).toBe(true);
    expect(ferry.text).toContain('four times a day');
    expect(ferry.text).toContain('Varden Council');
  });

  it('a member without Manage Server is refused, and nothing is fetched or written', async () => {
    const seq = site.requests.length;
    const { reply } = await command('add', { url: `${site.base}/pressreleases/salmon-habitat` }, MEMBER);
    expect(reply.type).toBe(4);
    expect(reply.data).toMatchObject({
      content: 'Only members with the **Manage Server** permission can add or remove briefings.',
      flags: EPHEMERAL,
    });
    expect(site.requests.slice(seq)).toEqual([]);
    expect(await files()).toHaveLength(2);
  });

  it('/briefings add url: → a private preview → Add → the question is answered with its title and source', async () => {
    expect((await ask(CULVERTS)).answered).toBe(false);
    const { reply } = await command('add', { url: `${site.base}/pressreleases/salmon-habitat` });
    expect(reply.type).toBe(5);
    expect(reply.data?.flags).toBe(EPHEMERAL);
    const preview = finalBody(reply);
    const embed = (preview.embeds as APIEmbed[])[0]!;
    expect(embed.title).toBe(PRESS_TITLE);
    expect(embed.description).toMatch(
      /^> WASHINGTON — The Department of the Interior today announced \$12 million .* The funding will replace 38 culverts/,
    );
    expect(embed.fields).toEqual(
      expect.arrayContaining([
        { name: 'Source', value: 'U.S. Department of the Interior' },
        { name: 'Date', value: '2024-04-18', inline: true },
        { name: 'Passages', value: '10 passages', inline: true },
      ]),
    );
    expect(buttons(preview).map((b) => b.label)).toEqual(['Add', 'Cancel']);
    expect(await files()).toHaveLength(2);

    const added = await click(reply, 'Add');
    expect(added.type).toBe(6);
    const outcome = bodyText(finalBody(added));
    expect(outcome).toContain('It is answerable now');
    expect(buttons(finalBody(added))).toEqual([]);
    expect(await files()).toContain(
      'interior-department-announces-12-million-to-restore-salmon-habitat-in-the.md',
    );

    const answer = await ask(CULVERTS);
    expect(answer.answered).toBe(true);
    expect(answer.text).toContain('38 culverts');
    expect(answer.text).toContain(PRESS_TITLE);
    expect(answer.text).toContain('U.S. Department of the Interior');

    const logged = await bot.waitForLog((l) => l.msg === 'briefing imported', 5000);
    expect(logged).toMatchObject({
      guildId: fake.guilds[0]!.id,
      userId: fake.user.id,
      url: `${site.base}/pressreleases/salmon-habitat`,
    });
  });

  it('the same page again is refused privately, naming the file', async () => {
    const { reply } = await command('add', { url: `${site.base}/pressreleases/salmon-habitat` });
    expect(bodyText(finalBody(reply))).toBe(
      // The reason quotes the page's title, so it is escaped as text (the brackets get a backslash).
      `Not imported: the same URL is already imported as interior-department-announces-12-million-to-restore-salmon-habitat-in-the.md \\(“${PRESS_TITLE}”\\); remove it first with /briefings remove to import it again.`,
    );
  });

  it('hostile URLs get a one-line reason, and nothing is written', async () => {
    for (const [url, reason] of [
      ['file:///etc/passwd', 'Not imported: only http and https URLs can be imported, not file:.'],
      [
        'http://[::1]/',
        'Not imported: ::1 is a loopback address; refused \\(unless IMPORT\\_ALLOW\\_HOSTS lists the host\\).',
      ],
      [
        `${site.base}/redirect-to-metadata`,
        'Not imported: 169.254.169.254 is a link-local address; refused \\(unless IMPORT\\_ALLOW\\_HOSTS lists the host\\).',
      ],
      [`${site.base}/json`, 'Not imported: 127.0.0.1 sent application/json, not a web page or text.'],
    ]) {
      const { reply } = await command('add', { url: url! });
      expect(bodyText(finalBody(reply)), url).toBe(reason);
    }
    expect(await files()).toHaveLength(3);
  });

  it('/briefings add file: previews an uploaded .txt; Cancel writes nothing, and its signed URL is never logged', async () => {
    const attachment = fake.uploadAttachment({
      name: 'minutes.txt',
      contentType: 'text/plain; charset=utf-8',
      data: 'Harbour board minutes, 3 June\n\nThe harbour board agreed on Monday to dredge the inner basin to a depth of nine metres before the autumn storms.\n',
    });
    const noSource = await command('add', { file: attachment.id });
    expect(bodyText(finalBody(noSource.reply))).toBe(
      'Not imported: a text file names no publisher: give one with source:.',
    );
    const { reply } = await command('add', { file: attachment.id, source: 'Varden harbour board' });
    const embed = (finalBody(reply).embeds as APIEmbed[])[0]!;
    expect(embed.title).toBe('Harbour board minutes, 3 June');
    expect(embed.fields).toContainEqual({ name: 'Source', value: 'Varden harbour board' });
    const cancelled = await click(reply, 'Cancel');
    expect(bodyText(finalBody(cancelled))).toBe('Cancelled: nothing was written.');
    expect(await files()).toHaveLength(3);
    const hm = new URL(attachment.url).searchParams.get('hm')!;
    expect(bot.stdout).not.toContain(hm);
    expect(bot.stdout).toContain('attachment:minutes.txt');
  });

  it('a button clicked by a member without Manage Server does nothing', async () => {
    const html = fixture('feed-item-bridge.html');
    const attachment = fake.uploadAttachment({ name: 'bridge.html', contentType: 'text/html', data: html });
    const { reply } = await command('add', { file: attachment.id });
    const refused = await click(reply, 'Add', MEMBER);
    expect(refused.data).toMatchObject({ flags: EPHEMERAL });
    expect(bodyText(refused.data!)).toContain('Manage Server');
    expect(await files()).toHaveLength(3);
  });

  it('/briefings remove: autocomplete lists imported briefings only; Remove → the question is declined again', async () => {
    const typed = await fake.sendInteraction({
      kind: 'autocomplete',
      name: 'briefings',
      subcommand: 'remove',
      focused: 'name',
      options: { name: 'interior' },
    });
    const choices = (await fake.waitForReply(typed)).data?.choices as { name: string; value: string }[];
    expect(choices).toEqual([
      {
        name: PRESS_TITLE,
        value: 'interior-department-announces-12-million-to-restore-salmon-habitat-in-the',
      },
    ]);

    const seed = await command('remove', { name: 'us-official-russia-north-korea-cooperation' });
    expect(bodyText(finalBody(seed.reply))).toMatch(/is in the bot’s knowledge folder, not imported/);

    const { reply } = await command('remove', { name: choices[0]!.value });
    expect(reply.data?.flags).toBe(EPHEMERAL);
    expect(buttons(finalBody(reply)).map((b) => b.label)).toEqual(['Remove', 'Keep']);
    const removed = await click(reply, 'Remove');
    expect(bodyText(finalBody(removed))).toMatch(
      /^Removed \*\*Interior Department .*I no longer answer from it\.$/,
    );
    expect(await files()).toHaveLength(2);
    expect((await ask(CULVERTS)).answered).toBe(false);
    // The same confirmation cannot act twice.
    const again = await click(reply, 'Remove');
    expect(bodyText(finalBody(again))).toMatch(/expired or was already answered/);
    expect(await bot.waitForLog((l) => l.msg === 'briefing removed', 5000)).toMatchObject({
      guildId: fake.guilds[0]!.id,
      userId: fake.user.id,
    });
  });

  it('a restart imports nothing from the feed again, and keeps what was imported', async () => {
    expect(await bot.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    const seq = site.requests.length;
    bot = await startBot();
    expect(await bot.waitForLog((l) => l.msg === 'feed polled', 20_000)).toMatchObject({
      imported: 0,
      failed: 0,
    });
    expect(site.requests.slice(seq).filter((p) => p.startsWith('/news/'))).toEqual([]);
    expect(await files()).toHaveLength(2);
    expect((await ask('How often will the ferry to Strömstad run in summer?')).answered).toBe(true);
  });

  it('never writes the token to stdout or stderr', () => {
    for (const p of [bot]) {
      expect(p.stdout).not.toContain(TOKEN);
      expect(p.stderr).not.toContain(TOKEN);
    }
  });
});
