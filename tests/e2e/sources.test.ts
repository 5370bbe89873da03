/**
 * End to end, at scale: the real bot over the seed briefings and the bench's 2,000 distractors,
 * against the fake Discord. /sources pages through all 2,002 with ▶, newest first, and the total
 * in the footer is the number of briefings the walk shows.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIEmbed } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCorpus } from '../../bench/corpus.js';
import { BotProcess, finalBody, killAll } from './bot-process.js';
import { FakeDiscord } from './fake-discord.js';

const TOKEN = 'fake-token-for-sources-tests';
const DISTRACTORS = 2000;
const knowledgeDir = mkdtempSync(join(tmpdir(), 'sources-e2e-knowledge-'));
const dataDir = mkdtempSync(join(tmpdir(), 'sources-e2e-data-'));
let fake: FakeDiscord;
let bot: BotProcess;

beforeAll(async () => {
  cpSync('knowledge', knowledgeDir, { recursive: true });
  generateCorpus({ briefings: DISTRACTORS, seed: 42, dir: knowledgeDir });
  fake = await FakeDiscord.start({ token: TOKEN });
  bot = new BotProcess(['src/main.ts'], {
    DISCORD_TOKEN: TOKEN,
    DISCORD_API_URL: fake.apiUrl,
    DISCORD_GUILD_ID: fake.guilds[0]!.id,
    KNOWLEDGE_DIR: knowledgeDir,
    KNOWLEDGE_WATCH: 'false',
    LOG_LEVEL: 'info',
    DATA_DIR: dataDir,
  });
  await bot.waitForLog((l) => l.msg === 'bot ready', 120_000, '"bot ready"');
}, 180_000);

afterAll(async () => {
  await killAll();
  await fake?.stop();
  rmSync(knowledgeDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

const embedOf = (body: Record<string, unknown>): APIEmbed => (body.embeds as APIEmbed[])[0]!;
const nextId = (body: Record<string, unknown>): string | undefined =>
  ((body.components ?? []) as { components: { custom_id?: string; label?: string; disabled?: boolean }[] }[])
    .flatMap((r) => r.components)
    .find((b) => b.label?.includes('▶') && !b.disabled)?.custom_id;

describe('/sources over 2,002 briefings', () => {
  it('pages through every one with ▶, newest first, and the footer’s total is what the walk shows', async () => {
    const first = await fake.waitForReply(await fake.sendInteraction({ kind: 'command', name: 'sources' }));
    let body = finalBody(first);
    const messageId = first.original!.id;
    expect(embedOf(body).title).toBe('Briefings (2,002)');
    const lines: string[] = [];
    const footers: string[] = [];
    for (let page = 0; page < 300; page++) {
      const embed = embedOf(body);
      lines.push(...embed.description!.split('\n'));
      footers.push(embed.footer!.text);
      expect(body.allowed_mentions).toMatchObject({ parse: [] });
      const next = nextId(body);
      if (!next) break;
      const click = await fake.sendInteraction({ kind: 'button', customId: next, messageId });
      const reply = await fake.waitForReply(click);
      expect(reply.type).toBe(7);
      body = reply.data!;
    }
    expect(lines).toHaveLength(2002);
    expect(footers[0]).toBe('Showing 1–10 of 2,002 briefings, newest first');
    expect(footers.at(-1)).toBe('Showing 2,001–2,002 of 2,002 briefings, newest first');
    expect(footers).toHaveLength(201);
    // Newest first: the dates never go up; the undated (the seed briefings among them) come last, by title.
    const dates = lines.map((l) => / · (\d{4}-\d{2}-\d{2}) · \d[\d,]* passages?$/.exec(l)?.[1] ?? '');
    const dated = dates.filter((d) => d !== '');
    expect(dated).toEqual([...dated].sort().reverse());
    expect(dates.indexOf('')).toBe(dated.length);
    const undated = lines.slice(dated.length).map((l) => /^- \*\*(.*?)\*\*/.exec(l)?.[1] ?? '');
    expect(undated).toEqual([...undated].sort(new Intl.Collator('en').compare));
    expect(undated).toEqual(
      expect.arrayContaining([
        'US Official Highlights Rising Russia–North Korea Military Cooperation',
        'US Plans Measures to Counter Russia–North Korea Defense Cooperation',
      ]),
    );
  }, 240_000);

  it('/sources query: filters with the lookup, and /briefing autocomplete answers within Discord’s limits', async () => {
    const tass = finalBody(
      await fake.waitForReply(
        await fake.sendInteraction({ kind: 'command', name: 'sources', options: { query: 'vaddi' } }),
      ),
    );
    expect(embedOf(tass).title).toBe('Briefings matching: vaddi');
    expect(embedOf(tass).footer?.text).toBe('Showing 1–1 of 1 briefing');
    const typed = await fake.waitForReply(
      await fake.sendInteraction({
        kind: 'autocomplete',
        name: 'briefing',
        focused: 'name',
        options: { name: 'w' },
      }),
    );
    const choices = typed.data?.choices as { name: string; value: string }[];
    expect(choices).toHaveLength(25);
    for (const c of choices) {
      expect(c.name.length).toBeLessThanOrEqual(100);
      expect(c.name).toMatch(/^W/);
    }
  }, 60_000);

  it('/ask naming a source answers from its briefings only, and a declined one says where it looked', async () => {
    const ask = async (question: string) =>
      finalBody(
        await fake.waitForReply(
          await fake.sendInteraction({ kind: 'command', name: 'ask', options: { question } }),
        ),
      );
    const body = await ask('what did TASS report about Kim');
    expect(body.allowed_mentions).toMatchObject({ parse: [] });
    const answer = embedOf(body).description!;
    expect(answer).toMatch(/^> .*Kim/);
    // Every quote's source line names TASS (the seed briefing TASS reported).
    const sources = answer.split('\n').filter((l) => l.startsWith('— '));
    expect(sources.length).toBeGreaterThan(0);
    for (const line of sources) expect(line).toContain('TASS and official briefings');
    const declined = embedOf(await ask('what did TASS report about the coal ban in Norway'));
    expect(declined.description).toMatch(/^The briefings from TASS don't cover this\./);
  }, 60_000);
});
