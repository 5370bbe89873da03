/**
 * The finding commands' handlers with the real engine and Discord stubbed: /search's "most words"
 * line, /briefing typed or picked and its autocomplete, /sources paged with ◀ ▶ and filtered.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  APIApplicationCommandOptionChoice,
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
} from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/answer/engine.js';
import { briefing } from '../../src/discord/commands/briefing.js';
import { search } from '../../src/discord/commands/search.js';
import { sources } from '../../src/discord/commands/sources.js';
import { list } from '../../src/discord/components/list.js';
import type { BotContext } from '../../src/discord/context.js';
import { listId, parseCustomId, type ListState } from '../../src/discord/custom-id.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { createLogger } from '../../src/logger.js';
import { openStore, type Store } from '../../src/store/index.js';

const OFFICIAL = 'us-official-russia-north-korea-cooperation';
const MEASURES_TITLE = 'US Plans Measures to Counter Russia–North Korea Defense Cooperation';
const logger = createLogger({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'finding-'));
let seeds: Engine;
let many: Engine;
let store: Store;

interface Sent {
  flags?: number;
  content?: string;
  embeds?: { title?: string; description?: string; footer?: { text: string } }[];
  components?: { components: { custom_id?: string; disabled?: boolean }[] }[];
  allowedMentions?: { parse?: string[] };
}

beforeAll(async () => {
  // 23 briefings, dated a day apart, and one undated.
  for (let i = 1; i <= 23; i++) {
    const day = String(i).padStart(2, '0');
    writeFileSync(
      join(dir, `b${day}.md`),
      [
        '---',
        `title: Briefing ${day}`,
        'source: Desk',
        `date: 2024-01-${day}`,
        '---',
        '',
        `Text ${i}.`,
        '',
      ].join('\n'),
    );
  }
  writeFileSync(join(dir, 'undated.md'), '---\ntitle: Aaa undated\nsource: Desk\n---\n\nText.\n');
  seeds = Engine.build(await loadKnowledge('knowledge'), { vectors: null });
  many = Engine.build(await loadKnowledge(dir), { vectors: null });
  store = await openStore({ url: 'memory://', logger });
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const ctx = (engine: Engine): BotContext => ({ engine, store, logger, examples: [] });

function command(options: Record<string, string>): { i: ChatInputCommandInteraction; sent: Sent[] } {
  const sent: Sent[] = [];
  const i = {
    guildId: '100000000000000001',
    channelId: '100000000000000010',
    user: { id: 'ann' },
    deferred: false,
    replied: false,
    options: {
      getString: (name: string) => options[name] ?? null,
      getBoolean: () => null,
    },
    async deferReply() {
      i.deferred = true;
    },
    async editReply(o: Sent) {
      sent.push(o);
      i.replied = true;
    },
    async reply(o: Sent) {
      sent.push(o);
      i.replied = true;
    },
  };
  return { i: i as unknown as ChatInputCommandInteraction, sent };
}

function click(id: string, title: string): { i: ButtonInteraction; sent: Sent[]; state: ListState } {
  const sent: Sent[] = [];
  const i = {
    message: { embeds: [{ title }] },
    async update(o: Sent) {
      sent.push(o);
    },
  };
  return { i: i as unknown as ButtonInteraction, sent, state: parseCustomId(id) as ListState };
}

async function autocomplete(engine: Engine, typed: string): Promise<APIApplicationCommandOptionChoice[]> {
  let choices: APIApplicationCommandOptionChoice[] = [];
  const i = {
    options: { getFocused: () => typed },
    async respond(c: APIApplicationCommandOptionChoice[]) {
      choices = c;
    },
  };
  await briefing.autocomplete!(i as unknown as AutocompleteInteraction, ctx(engine));
  return choices;
}

const enabledIds = (s: Sent): string[] =>
  (s.components ?? []).flatMap((r) => r.components.filter((c) => !c.disabled).map((c) => c.custom_id ?? ''));

describe('/search', () => {
  it('lists the passages with the most words, saying that none has all', async () => {
    const { i, sent } = command({ query: 'sanctions france' });
    await search.execute(i, ctx(seeds));
    const embed = sent[0]!.embeds![0]!;
    expect(embed.description).toMatch(
      /^The briefings never mention: france\nNo passage has all of: sanctions, france; passages with some of them:\n\*\*1\.\*\* /,
    );
    expect(embed.footer?.text).toBe(
      `Showing 1–${seeds.search('sanctions').total} of ${seeds.search('sanctions').total}`,
    );
    expect(sent[0]!.allowedMentions?.parse).toEqual([]);
  });
});

describe('/briefing', () => {
  it('shows the one briefing a typed name fits best ("state": the State Department’s)', async () => {
    const { i, sent } = command({ name: 'state' });
    await briefing.execute(i, ctx(seeds));
    expect(sent[0]!.embeds![0]!.title).toBe(MEASURES_TITLE);
    expect(sent[0]!.flags).toBeUndefined();
  });

  it('lists, privately, the briefings a typed name fits alike', async () => {
    const { i, sent } = command({ name: 'us' });
    await briefing.execute(i, ctx(seeds));
    expect(sent[0]!.flags).toBe(64);
    expect(sent[0]!.embeds![0]!.title).toBe('2 briefings match “us”');
  });

  it('says so, privately, when nothing fits', async () => {
    const { i, sent } = command({ name: 'zebra crossing' });
    await briefing.execute(i, ctx(seeds));
    expect(sent[0]).toMatchObject({
      flags: 64,
      content: 'No briefing matches “zebra crossing”. /sources lists them all.',
    });
  });

  it('asks for a name when the name has nothing in it', async () => {
    const { i, sent } = command({ name: ' … ' });
    await briefing.execute(i, ctx(seeds));
    expect(sent[0]).toMatchObject({
      flags: 64,
      content: 'Give a briefing’s name: a word of its title, its source, or a name it mentions.',
    });
  });

  it('autocompletes from any name: "vaddi" offers the White House official’s briefing', async () => {
    expect(await autocomplete(seeds, 'vaddi')).toEqual([
      { name: 'US Official Highlights Rising Russia–North Korea Military Cooperation', value: OFFICIAL },
    ]);
    const all = await autocomplete(many, '');
    expect(all).toHaveLength(24);
    expect(all[0]).toEqual({ name: 'Briefing 23 · 2024-01-23', value: 'b23' });
    expect(all.at(-1)).toEqual({ name: 'Aaa undated', value: 'undated' });
  });
});

describe('/sources', () => {
  it('pages through every briefing, newest first, with the total in the footer', async () => {
    const { i, sent } = command({});
    await sources.execute(i, ctx(many));
    const pages = [sent[0]!];
    for (let offset = 0; ;) {
      const page = pages.at(-1)!;
      const next = enabledIds(page)
        .map((id) => parseCustomId(id) as ListState)
        .find((state) => state.offset > offset);
      if (!next) break;
      offset = next.offset;
      const c = click(listId(next.text, next.offset), page.embeds![0]!.title!);
      await list.execute(c.i, c.state, ctx(many));
      pages.push(c.sent[0]!);
    }
    expect(pages.map((p) => p.embeds![0]!.footer?.text)).toEqual([
      'Showing 1–10 of 24 briefings, newest first',
      'Showing 11–20 of 24 briefings, newest first',
      'Showing 21–24 of 24 briefings, newest first',
    ]);
    const titles = pages
      .flatMap((p) => p.embeds![0]!.description!.split('\n'))
      .map((l) => /\*\*(.*?)\*\*/.exec(l)![1]);
    expect(titles).toHaveLength(24);
    expect(titles.slice(0, 2)).toEqual(['Briefing 23', 'Briefing 22']);
    expect(titles.at(-1)).toBe('Aaa undated');
    expect(pages[0]!.embeds![0]!.title).toBe('Briefings (24)');
  });

  it('filters with the same lookup as /briefing, and says when nothing matches', async () => {
    const { i, sent } = command({ query: 'tass' });
    await sources.execute(i, ctx(seeds));
    expect(sent[0]!.embeds![0]).toMatchObject({
      title: 'Briefings matching: tass',
      footer: { text: 'Showing 1–1 of 1 briefing' },
    });
    const none = command({ query: 'zebra' });
    await sources.execute(none.i, ctx(seeds));
    expect(none.sent[0]!.embeds![0]!.description).toBe(
      'No briefing matches “zebra”. /sources without a query lists them all.',
    );
  });
});
