import { ApplicationCommandOptionType, PermissionFlagsBits, PermissionsBitField } from 'discord.js';
import type { ChatInputCommandInteraction } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { briefings, rankImported } from '../../src/discord/commands/briefings.js';
import type { AnswerEngine, BotContext } from '../../src/discord/context.js';
import { IMPORT_NOT_ALLOWED } from '../../src/discord/importing.js';
import type { Importer } from '../../src/knowledge/importer.js';
import { createLogger } from '../../src/logger.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/index.js';

const GUILD = '100000000000000001';
const logger = createLogger({ level: 'silent' });
const opened: Store[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

interface Sent {
  content?: string;
  flags?: number;
}

/** An importer that records what it was asked, and must not be reached in these tests unless said. */
function importerStub(): Importer & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    prepare: async () => {
      calls.push('prepare');
      throw new Error('not expected');
    },
    imported: async () => [],
  } as unknown as Importer & { calls: string[] };
}

function interaction(
  subcommand: string,
  values: Record<string, unknown>,
  where: { guild?: boolean; permissions?: bigint } = {},
): { i: ChatInputCommandInteraction; sent: Sent[] } {
  const sent: Sent[] = [];
  const inGuild = where.guild ?? true;
  const i = {
    guildId: inGuild ? GUILD : null,
    commandName: 'briefings',
    user: { id: '200000000000000002' },
    inGuild: () => inGuild,
    memberPermissions: inGuild
      ? new PermissionsBitField(where.permissions ?? PermissionFlagsBits.ManageGuild)
      : null,
    deferred: false,
    replied: false,
    options: {
      getSubcommand: () => subcommand,
      getString: (name: string) => (values[name] as string | undefined) ?? null,
      getAttachment: (name: string) => values[name] ?? null,
    },
    async reply(options: Sent) {
      sent.push(options);
      i.replied = true;
    },
    async deferReply() {
      i.deferred = true;
    },
  };
  return { i: i as unknown as ChatInputCommandInteraction, sent };
}

async function run(
  args: Parameters<typeof interaction>,
  ctx: Partial<BotContext> = {},
): Promise<{ content: string; imports: ReturnType<typeof importerStub> }> {
  const store = await openStore({ url: 'memory://', logger });
  opened.push(store);
  const imports = importerStub();
  const full: BotContext = { engine: {} as AnswerEngine, store, logger, examples: [], imports, ...ctx };
  const { i, sent } = interaction(...args);
  await briefings.execute(i, full);
  expect(sent).toHaveLength(1);
  expect(sent[0]!.flags).toBe(64);
  return { content: sent[0]!.content ?? '', imports };
}

describe('/briefings definition', () => {
  it('is for Manage Server, in servers only, with add (url, file, title, source) and remove (autocomplete)', () => {
    const d = briefings.definition;
    expect(d.default_member_permissions).toBe(PermissionFlagsBits.ManageGuild.toString());
    expect(d.contexts).toEqual([0]);
    const subs = (d.options ?? []) as {
      name: string;
      options: { name: string; type: number; required?: boolean; autocomplete?: boolean }[];
    }[];
    expect(subs.map((s) => [s.name, s.options.map((o) => [o.name, o.type, o.required ?? false])])).toEqual([
      [
        'add',
        [
          ['url', ApplicationCommandOptionType.String, false],
          ['file', ApplicationCommandOptionType.Attachment, false],
          ['title', ApplicationCommandOptionType.String, false],
          ['source', ApplicationCommandOptionType.String, false],
        ],
      ],
      ['remove', [['name', ApplicationCommandOptionType.String, true]]],
    ]);
    expect(subs[1]!.options[0]!.autocomplete).toBe(true);
  });
});

describe('/briefings add refuses before fetching anything', () => {
  const url = 'https://example.org/news/1';

  it('a member without Manage Server, whatever the subcommand', async () => {
    for (const sub of ['add', 'remove']) {
      const { content, imports } = await run([sub, { url, name: 'x' }, { permissions: 0n }]);
      expect(content).toBe(IMPORT_NOT_ALLOWED);
      expect(imports.calls).toEqual([]);
    }
  });

  it('outside a server, and where importing is not wired', async () => {
    expect((await run(['add', { url }, { guild: false }])).content).toMatch(
      /^Briefings are added in a server/,
    );
    expect((await run(['add', { url }], { imports: undefined })).content).toBe(
      'Adding and removing briefings is not available on this bot.',
    );
  });

  it('both url: and file:, or neither', async () => {
    const file = { name: 'a.html', size: 10, contentType: 'text/html', url: 'https://cdn.example/a.html' };
    expect((await run(['add', { url, file }])).content).toMatch(/^Give either `url:`/);
    expect((await run(['add', {}])).content).toMatch(/^Give either `url:`/);
  });

  it('an attachment that is not a page or text', async () => {
    const file = {
      name: 'report.pdf',
      size: 10,
      contentType: 'application/pdf',
      url: 'https://cdn.example/r.pdf',
    };
    expect((await run(['add', { file }])).content).toBe(
      'report.pdf is application/pdf: only .html, .md and .txt files can be imported.',
    );
  });

  it('the 11th import of a server within an hour', async () => {
    const store = await openStore({ url: 'memory://', logger });
    opened.push(store);
    for (let i = 0; i < 10; i++) await store.hitImportLimit(GUILD);
    const { content, imports } = await run(['add', { url }], { store });
    expect(content).toBe(
      'This server has imported 10 briefings in the last hour, the most I take. Try again in 60 min.',
    );
    expect(imports.calls).toEqual([]);
  });
});

describe('rankImported', () => {
  it('offers titles that start with what was typed first, then those containing it, at most 25', () => {
    const list = [
      { file: 'b.md', id: 'b', title: 'Harbour dredging', source: 's', body: '' },
      { file: 'a.md', id: 'a', title: 'New harbour master', source: 's', body: '' },
      { file: 'c.md', id: 'c', title: 'Library opens', source: 's', body: '' },
    ];
    expect(rankImported('harb', list).map((c) => c.value)).toEqual(['b', 'a']);
    expect(rankImported('', list).map((c) => c.value)).toEqual(['b', 'c', 'a']);
    const many = Array.from({ length: 40 }, (_, i) => ({ ...list[0]!, id: `x${i}`, title: `Item ${i}` }));
    expect(rankImported('item', many)).toHaveLength(25);
  });
});
