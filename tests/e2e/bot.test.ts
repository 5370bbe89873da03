/**
 * End to end: the real bot process (`src/main.ts`), connected to a fake Discord on loopback,
 * driven by interactions and messages; assertions are on the REST payloads the bot sends.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIEmbed } from 'discord.js';
import { BotProcess, allProcesses, killAll } from './bot-process.js';
import { FakeDiscord, route } from './fake-discord.js';
import type { InteractionReply, RecordedRequest, SentInteraction } from './fake-discord.js';

const TOKEN = 'fake-token-for-tests';
const EPHEMERAL = 64;
const LONG_QUESTION =
  'What did officials say about the military cooperation between Russia and North Korea, and what will the United States do?';

let fake: FakeDiscord;
let guildId: string;
let bot: BotProcess;
/** The store's folder (the default SQLite store), thrown away afterwards. */
const dataDir = mkdtempSync(join(tmpdir(), 'bot-e2e-data-'));

function botEnv(): Record<string, string> {
  return {
    DISCORD_TOKEN: TOKEN,
    DISCORD_API_URL: fake.apiUrl,
    DISCORD_GUILD_ID: guildId,
    KNOWLEDGE_DIR: 'knowledge',
    LOG_LEVEL: 'debug',
    DATA_DIR: dataDir,
    // One user asks everything here, faster than the default flood limit allows (tests/e2e/store.test.ts covers it).
    FLOOD_LIMIT: '1000',
  };
}

async function startBot(): Promise<BotProcess> {
  const started = new BotProcess(['src/main.ts'], botEnv());
  await started.waitForLog((l) => l.msg === 'bot ready', 30_000, '"bot ready"');
  return started;
}

const isPut = (r: RecordedRequest): boolean =>
  r.method === 'PUT' && r.path.endsWith(`/guilds/${guildId}/commands`);

/** The body of the request that completed a (possibly deferred) reply. */
function finalBody(reply: InteractionReply): Record<string, unknown> {
  const last = reply.edits.at(-1) ?? reply.followUps.at(-1);
  return (last ? last.body : reply.data) as Record<string, unknown>;
}

function embedOf(body: Record<string, unknown>): APIEmbed {
  const embeds = body.embeds as APIEmbed[] | undefined;
  expect(embeds?.length).toBeGreaterThan(0);
  return embeds![0]!;
}

function customIds(body: Record<string, unknown>): string[] {
  const rows = (body.components ?? []) as { components: { custom_id?: string; disabled?: boolean }[] }[];
  return rows.flatMap((r) => r.components.filter((c) => !c.disabled).map((c) => c.custom_id ?? ''));
}

async function ask(
  question: string,
  extra: Record<string, string | boolean> = {},
): Promise<{ sent: SentInteraction; reply: InteractionReply }> {
  const sent = await fake.sendInteraction({ kind: 'command', name: 'ask', options: { question, ...extra } });
  return { sent, reply: await fake.waitForReply(sent) };
}

function expectNoPing(body: Record<string, unknown>): void {
  expect(body.allowed_mentions).toMatchObject({ parse: [] });
}

beforeAll(async () => {
  fake = await FakeDiscord.start({ token: TOKEN });
  guildId = fake.guilds[0]!.id;
  bot = await startBot();
}, 60_000);

afterAll(async () => {
  await killAll();
  await fake?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the bot against a fake Discord', () => {
  let beforeRestart: InteractionReply;

  it('registers its commands in the guild on first start', async () => {
    const put = await fake.waitFor(isPut, 5000, 'the command PUT');
    expect(put.status).toBe(200);
    const names = fake
      .commands(guildId)
      .map((c) => c.name)
      .sort();
    expect(names).toEqual([
      'Ask the briefings',
      'ask',
      'briefing',
      'briefings',
      'help',
      'reload',
      'search',
      'settings',
      'sources',
    ]);
    // An answer given now is clicked after the restart below.
    beforeRestart = (await ask(LONG_QUESTION)).reply;
  });

  it('exits 0 on SIGTERM, and a restart does not re-register unchanged commands', async () => {
    const seq = fake.requests.length;
    expect(await bot.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    bot = await startBot();
    await bot.waitForLog((l) => l.msg === 'commands unchanged', 5000);
    const after = fake.requests.slice(seq);
    expect(after.some((r) => r.method === 'GET' && r.path.endsWith(`/guilds/${guildId}/commands`))).toBe(
      true,
    );
    expect(after.filter(isPut)).toHaveLength(0);
    expect(fake.requests.filter(isPut)).toHaveLength(1);
  });

  it('"More excerpts" from before the restart still works, with a question too long for the id', async () => {
    const body = finalBody(beforeRestart);
    const more = customIds(body).find((id) => id.startsWith('more:'));
    expect(more).toBeDefined();
    expect(more!.length).toBeLessThanOrEqual(100);
    expect(more).toContain('~'); // only the start of the question fits in the id
    const sent = await fake.sendInteraction({
      kind: 'button',
      customId: more!,
      messageId: beforeRestart.original!.id,
    });
    const reply = await fake.waitForReply(sent);
    expect(reply.type).toBe(4);
    expect(reply.data?.flags).toBe(EPHEMERAL);
    const embed = embedOf(reply.data!);
    // The full question was read back from the answer's title.
    expect(embed.title).toBe(LONG_QUESTION);
    expect(embed.description).toMatch(/^> /);
    expect(embed.description).not.toBe(embedOf(body).description);
  });

  it('/ask: defers, then edits in the quoted excerpt with its source, pinging nobody', async () => {
    const { reply } = await ask('Who is Pranay Vaddi?');
    expect(reply.type).toBe(5);
    expect(reply.data?.flags ?? 0).toBe(0);
    expect(reply.edits).toHaveLength(1);
    const body = finalBody(reply);
    expectNoPing(body);
    const embed = embedOf(body);
    expect(embed.title).toBe('Who is Pranay Vaddi?');
    expect(embed.description).toMatch(/^> .*Pranay Vaddi/s);
    expect(embed.description).toContain('TASS');
    expect(customIds(body).some((id) => id.startsWith('vote:u:'))).toBe(true);
  });

  it('/ask private:true defers ephemerally', async () => {
    const { reply } = await ask('Who is Pranay Vaddi?', { private: true });
    expect(reply.type).toBe(5);
    expect(reply.data?.flags).toBe(EPHEMERAL);
    expect(reply.original?.flags ?? 0).toBe(EPHEMERAL);
    expect(embedOf(finalBody(reply)).description).toContain('Pranay Vaddi');
  });

  it('/ask about something the briefings do not cover says so and names the word', async () => {
    const { reply } = await ask('What is the capital of France?');
    const embed = embedOf(finalBody(reply));
    expect(embed.description).toContain("The briefings don't cover this.");
    expect(embed.description).toContain('france');
    expect(embed.fields?.[0]?.name ?? 'Related (not an answer)').toBe('Related (not an answer)');
  });

  it('/ask with @everyone and a role mention pings nobody and neutralises the echo', async () => {
    const roleId = '123456789012345678';
    const { reply } = await ask(`@everyone @here <@&${roleId}> who is Pranay Vaddi?`);
    const body = finalBody(reply);
    expectNoPing(body);
    const text = JSON.stringify(body.embeds);
    expect(text).not.toMatch(/@everyone|@here/);
    expect(text).not.toContain(`<@&${roleId}>`);
    // The echoed question keeps its words but not the mentions.
    expect(embedOf(body).title).toMatch(/who is Pranay Vaddi\?$/);
    expect(customIds(body).every((id) => !id.includes('@everyone'))).toBe(true);
  });

  it('/ask with a 6,000-character question answers within Discord limits', async () => {
    const question = 'Who is Pranay Vaddi and what did he say about Russia? '.repeat(120).slice(0, 6000);
    const { reply } = await ask(question);
    expect(reply.edits).toHaveLength(1);
    expect(reply.edits[0]!.status).toBe(200);
    const body = finalBody(reply);
    const embed = embedOf(body);
    expect(embed.title!.length).toBeLessThanOrEqual(256);
    for (const id of customIds(body)) expect(id.length).toBeLessThanOrEqual(100);
  });

  it('/search shows a page of passages and ▶ shows the next one', async () => {
    const sent = await fake.sendInteraction({
      kind: 'command',
      name: 'search',
      options: { query: 'North Korea' },
    });
    const reply = await fake.waitForReply(sent);
    expect(reply.type).toBe(5);
    const body = finalBody(reply);
    const embed = embedOf(body);
    expect(embed.title).toBe('Search: North Korea');
    expect(embed.footer?.text).toMatch(/^Showing 1–8 of \d+/);
    const next = customIds(body).find((id) => id.startsWith('page:8:'));
    expect(next).toBe('page:8:=North Korea');
    const click = await fake.sendInteraction({
      kind: 'button',
      customId: next!,
      messageId: reply.original!.id,
    });
    const page = await fake.waitForReply(click);
    expect(page.type).toBe(7);
    expect(embedOf(page.data!).footer?.text).toMatch(/^Showing 9–16 of \d+/);
    expect(customIds(page.data!)).toEqual(
      expect.arrayContaining(['page:0:=North Korea', 'page:16:=North Korea']),
    );
    expectNoPing(page.data!);
  });

  it('/sources lists the briefings', async () => {
    const sent = await fake.sendInteraction({ kind: 'command', name: 'sources' });
    const reply = await fake.waitForReply(sent);
    expect(reply.type).toBe(4);
    const embed = embedOf(reply.data!);
    expect(embed.title).toBe('Briefings (2)');
    expect(embed.description).toContain(
      'US Official Highlights Rising Russia–North Korea Military Cooperation',
    );
    expectNoPing(reply.data!);
  });

  it('/briefing autocompletes titles (prefix first) and shows the chosen briefing', async () => {
    const typed = await fake.sendInteraction({
      kind: 'autocomplete',
      name: 'briefing',
      focused: 'name',
      options: { name: 'us off' },
    });
    const choices = (await fake.waitForReply(typed)).data?.choices as { name: string; value: string }[];
    expect(choices[0]).toEqual({
      name: 'US Official Highlights Rising Russia–North Korea Military Cooperation',
      value: 'us-official-russia-north-korea-cooperation',
    });
    const middle = await fake.sendInteraction({
      kind: 'autocomplete',
      name: 'briefing',
      focused: 'name',
      options: { name: 'measures' },
    });
    const found = (await fake.waitForReply(middle)).data?.choices as { name: string; value: string }[];
    expect(found.map((c) => c.value)).toEqual(['us-measures-against-russia-north-korea-defense-ties']);

    const sent = await fake.sendInteraction({
      kind: 'command',
      name: 'briefing',
      options: { name: choices[0]!.value },
    });
    const reply = await fake.waitForReply(sent);
    expect(reply.type).toBe(4);
    expect(embedOf(reply.data!).title).toBe(choices[0]!.name);
  });

  it('/search query:sanctions lists only passages with a form of "sanction", and counts exactly those', async () => {
    const sent = await fake.sendInteraction({
      kind: 'command',
      name: 'search',
      options: { query: 'sanctions' },
    });
    const body = finalBody(await fake.waitForReply(sent));
    const embed = embedOf(body);
    const lines = embed.description!.split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^\*\*\d+\.\*\* .*\*\*sanction(s|ed|ing)?\*\*/i);
    // The count is the list: every passage is on this one page, and no ▶.
    expect(embed.footer?.text).toBe(`Showing 1–${lines.length} of ${lines.length}`);
    expect(customIds(body)).toEqual([]);
    expectNoPing(body);
  });

  it('/briefing name:state (typed, not picked) shows the State Department’s briefing', async () => {
    const sent = await fake.sendInteraction({
      kind: 'command',
      name: 'briefing',
      options: { name: 'state' },
    });
    const reply = await fake.waitForReply(sent);
    const embed = embedOf(reply.data!);
    expect(embed.title).toBe('US Plans Measures to Counter Russia–North Korea Defense Cooperation');
    expect(embed.fields?.find((f) => f.name === 'Source')?.value).toContain('Department of State');
    expectNoPing(reply.data!);
  });

  it('/briefing autocomplete for "vaddi" offers the White House official’s briefing', async () => {
    const typed = await fake.sendInteraction({
      kind: 'autocomplete',
      name: 'briefing',
      focused: 'name',
      options: { name: 'vaddi' },
    });
    const reply = await fake.waitForReply(typed);
    expect(reply.type).toBe(8);
    expect(reply.data?.choices).toEqual([
      {
        name: 'US Official Highlights Rising Russia–North Korea Military Cooperation',
        value: 'us-official-russia-north-korea-cooperation',
      },
    ]);
  });

  it('/help answers privately with example questions', async () => {
    const sent = await fake.sendInteraction({ kind: 'command', name: 'help' });
    const reply = await fake.waitForReply(sent);
    expect(reply.type).toBe(4);
    expect(reply.data?.flags).toBe(EPHEMERAL);
    expect(embedOf(reply.data!).description).toContain('Who is Pranay Vaddi?');
  });

  it('"Ask the briefings" answers the target message', async () => {
    const sent = await fake.sendInteraction({
      kind: 'messageCommand',
      name: 'Ask the briefings',
      target: { content: 'Where were Putin and Kim supposed to meet?' },
    });
    const reply = await fake.waitForReply(sent);
    expect(reply.type).toBe(5);
    const body = finalBody(reply);
    expectNoPing(body);
    expect(embedOf(body).description).toContain('Vostochny Cosmodrome');
  });

  it('a mention in a channel: typing, then a reply referencing the question that pings nobody', async () => {
    const ignored = await fake.sendMessage({ content: 'Who is Pranay Vaddi? (not for the bot)' });
    const seq = fake.requests.length;
    const msg = await fake.sendMessage({ content: 'Who is Pranay Vaddi?', mentionBot: true });
    expect(msg.delivered).toBe(true);
    const isTyping = route('POST', `/channels/${msg.channelId}/typing`);
    const typing = await fake.waitFor((r) => isTyping(r) && r.seq >= seq);
    const replyReq = await fake.waitFor(
      (r) =>
        r.route === 'POST /channels/:channel/messages' &&
        (r.body as { message_reference?: { message_id?: string } }).message_reference?.message_id === msg.id,
    );
    expect(typing.seq).toBeGreaterThanOrEqual(seq);
    expect(typing.seq).toBeLessThan(replyReq.seq);
    const body = replyReq.body as Record<string, unknown>;
    expect(body.allowed_mentions).toEqual({ parse: [], replied_user: false });
    expect(embedOf(body).description).toContain('Pranay Vaddi');
    expect(body.flags ?? 0).toBe(0);
    // The message that did not mention the bot got no answer (messages are handled in order).
    const answered = fake.requests.filter(
      (r) =>
        (r.body as { message_reference?: { message_id?: string } } | undefined)?.message_reference
          ?.message_id === ignored.id,
    );
    expect(answered).toHaveLength(0);
  });

  it('an empty mention gets a short help line', async () => {
    const msg = await fake.sendMessage({ content: '', mentionBot: true });
    const req = await fake.waitFor(
      (r) =>
        (r.body as { message_reference?: { message_id?: string } } | undefined)?.message_reference
          ?.message_id === msg.id,
    );
    expect((req.body as { content?: string }).content).toMatch(/^Ask me a question about the news briefings/);
  });

  it('a DM is answered as a question', async () => {
    const msg = await fake.sendMessage({ content: 'Where were Putin and Kim supposed to meet?', dm: true });
    expect(msg.delivered).toBe(true);
    const req = await fake.waitFor(
      (r) =>
        r.method === 'POST' &&
        r.path === `/channels/${msg.channelId}/messages` &&
        (r.body as { message_reference?: { message_id?: string } }).message_reference?.message_id === msg.id,
    );
    const body = req.body as Record<string, unknown>;
    expect((body.message_reference as { message_id: string }).message_id).toBe(msg.id);
    expect(body.allowed_mentions).toEqual({ parse: [], replied_user: false });
    expect(embedOf(body).description).toContain('Vostochny Cosmodrome');
  });

  it('chat: /ask "tldr" quotes each briefing\'s lead; a DM "thanks!" gets one short line', async () => {
    const { reply } = await ask('tldr');
    const body = finalBody(reply);
    expectNoPing(body);
    const embed = embedOf(body);
    expect(embed.title).toBe('Summary of 2 briefings');
    expect(embed.description).toContain('> A senior US national security official warned');
    expect(customIds(body).some((id) => id.startsWith('more:'))).toBe(false);
    expect(customIds(body).some((id) => id.startsWith('vote:u:'))).toBe(true);

    const msg = await fake.sendMessage({ content: 'thanks!', dm: true });
    const req = await fake.waitFor(
      (r) =>
        (r.body as { message_reference?: { message_id?: string } } | undefined)?.message_reference
          ?.message_id === msg.id,
    );
    const thanks = req.body as Record<string, unknown>;
    expect(thanks.content).toBe("You're welcome! Ask me anything else about the briefings.");
    expect(thanks.embeds ?? []).toEqual([]);
    expect(customIds(thanks)).toEqual([]);
    expect(thanks.allowed_mentions).toEqual({ parse: [], replied_user: false });
  });

  it('"More excerpts" shows the next excerpts privately; 👍 thanks privately and records the vote', async () => {
    const { reply } = await ask('Russia North Korea military cooperation');
    const body = finalBody(reply);
    const ids = customIds(body);
    expect(ids).toContain('more:3:=Russia North Korea military cooperation');
    const more = await fake.waitForReply(
      await fake.sendInteraction({
        kind: 'button',
        customId: 'more:3:=Russia North Korea military cooperation',
        messageId: reply.original!.id,
      }),
    );
    expect(more.data?.flags).toBe(EPHEMERAL);
    expect(embedOf(more.data!).description).not.toBe(embedOf(body).description);
    expect(customIds(more.data!)).toContain('more:6:=Russia North Korea military cooperation');

    const up = ids.find((id) => id.startsWith('vote:u:'))!;
    const voted = await fake.waitForReply(
      await fake.sendInteraction({ kind: 'button', customId: up, messageId: reply.original!.id }),
    );
    expect(voted.type).toBe(4);
    expect(voted.data).toMatchObject({ content: 'Thanks for the feedback!', flags: EPHEMERAL });
    const logged = await bot.waitForLog((l) => l.msg === 'feedback recorded', 5000);
    // Recorded in the store (see tests/e2e/store.test.ts for the report); the log holds no words and no user.
    expect(logged).toMatchObject({ vote: 'up', guildId, passages: 3, saved: true });
    expect(JSON.stringify(logged)).not.toContain('Russia North Korea');
    expect(bot.stdout).not.toContain(fake.user.id);
  });

  it('a handler error is logged and answered with a private apology', async () => {
    fake.failNext({
      method: 'PATCH',
      route: '/webhooks/:app/:token/messages/:message',
      status: 400,
      body: { code: 50035, message: 'Invalid Form Body' },
    });
    const sent = await fake.sendInteraction({
      kind: 'command',
      name: 'ask',
      options: { question: 'Who is Pranay Vaddi?' },
    });
    const reply = await fake.waitForReply(sent, { until: (r) => r.followUps.length > 0 });
    const apology = reply.followUps[0]!.body as Record<string, unknown>;
    expect(apology.content).toMatch(/^Sorry, something went wrong/);
    expect(apology.flags).toBe(EPHEMERAL);
    await bot.waitForLog((l) => l.msg === 'interaction handler failed', 5000);
  });

  it('an expired interaction (10062) is logged and survived', async () => {
    fake.unknownInteractionNext();
    await fake.sendInteraction({ kind: 'command', name: 'help' });
    await bot.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('interaction expired'), 5000);
    const again = await fake.waitForReply(await fake.sendInteraction({ kind: 'command', name: 'help' }));
    expect(again.type).toBe(4);
  });

  it('npm run register registers on demand (only when forced, as nothing changed)', async () => {
    const puts = fake.requests.filter(isPut).length;
    const plain = new BotProcess(['src/cli/register.ts'], botEnv());
    expect(await plain.exited).toEqual({ code: 0, signal: null });
    expect(plain.stdout).toMatch(/^Commands are up to date in server \d+/);
    const forced = new BotProcess(['src/cli/register.ts', '--force'], botEnv());
    expect(await forced.exited).toEqual({ code: 0, signal: null });
    expect(forced.stdout).toMatch(/^Registered 9 commands in server \d+/);
    expect(fake.requests.filter(isPut)).toHaveLength(puts + 1);
  });

  it('without a token and without a terminal, exits 1 with a one-line explanation', async () => {
    const p = new BotProcess(['src/main.ts'], { ...botEnv(), DISCORD_TOKEN: '' });
    expect(await p.exited).toEqual({ code: 1, signal: null });
    const lines = p.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/DISCORD_TOKEN is not set.*\.env/);
  });

  it('--help prints the usage and exits 0; any other argument exits 2 in one line, before connecting', async () => {
    const help = new BotProcess(['src/main.ts', '--help'], botEnv());
    expect(await help.exited).toEqual({ code: 0, signal: null });
    expect(help.stdout).toMatch(/^Start the bot: npm start/);
    expect(help.stdout).toContain('.env.example');
    const wrong = new BotProcess(['src/main.ts', '--tokn', 'x'], botEnv());
    expect(await wrong.exited).toEqual({ code: 2, signal: null });
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
    expect(wrong.stderr).toMatch(/takes no arguments .*"--tokn"/);
    expect(wrong.stdout).not.toContain('connected to Discord');
  });

  it('a broken knowledge folder: exits 1 naming the file and the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bot-e2e-knowledge-'));
    writeFileSync(join(dir, 'broken.md'), '---\ntitle: A briefing without a source\n---\n\nSome text.\n');
    const p = new BotProcess(['src/main.ts'], { ...botEnv(), KNOWLEDGE_DIR: dir });
    expect(await p.exited).toEqual({ code: 1, signal: null });
    expect(p.stderr).toMatch(/broken\.md: source/);
    // It never got as far as Discord.
    expect(p.stdout).not.toContain('connected to Discord');
  });

  it('never writes the token to stdout or stderr', () => {
    expect(allProcesses.size).toBeGreaterThanOrEqual(6);
    for (const p of allProcesses) {
      expect(p.stdout).not.toContain(TOKEN);
      expect(p.stderr).not.toContain(TOKEN);
    }
  });
});
