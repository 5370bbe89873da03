/**
 * `/briefings add url:<url>` or `/briefings add file:<attachment>` (`title:`, `source:` override
 * what the page says): a private preview with **Add** and **Cancel**; Add writes the briefing to
 * the import folder and says when it is answerable. `/briefings remove name:<imported briefing>`:
 * a confirmation with **Remove** and **Keep**. Manage Server only, checked again at run time;
 * at most 10 imports per server per hour; every import and removal is logged with the server,
 * the user id and the URL (credentials in it redacted).
 *
 * A command of its own rather than subcommands of `/briefing`: Discord cannot mix a command's own
 * options with subcommands, so `/briefing name:` would have become `/briefing show name:`; and
 * Discord hides a command from members by permission only as a whole, so `add` and `remove` would
 * have shown to everyone who can look a briefing up.
 */
import { ApplicationCommandOptionType, ApplicationCommandType } from 'discord.js';
import type { APIApplicationCommandOptionChoice, ChatInputCommandInteraction } from 'discord.js';
import { PAGE_TYPES } from '../../knowledge/fetch.js';
import type { ImportSource } from '../../knowledge/importer.js';
import { isImportRefusal } from '../../knowledge/refusal.js';
import type { StoredBriefing } from '../../knowledge/import-folder.js';
import { redactUrl } from '../../logger.js';
import {
  LIMITS,
  renderImportPreview,
  renderRemoveConfirmation,
  sanitiseUserText,
  truncateWords,
} from '../../render/index.js';
import { IMPORT_LIMITS } from '../../store/index.js';
import type { BotContext, ChatInputCommand } from '../context.js';
import { confirmId } from '../custom-id.js';
import {
  CONFIRMATION_NOT_SAVED,
  IMPORT_NOT_ALLOWED,
  IMPORT_UNAVAILABLE,
  confirmationToken,
} from '../importing.js';
import { respond, respondPrivately } from '../respond.js';
import { isManager, MANAGE_SERVER_ONLY, refuseUnlessManager } from './common.js';

/** Folds case, accents and spacing for matching a typed name against titles and ids. */
const fold = (s: string): string =>
  s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();

/** Imported briefings for autocomplete: titles starting with what was typed, then containing it (or the id). */
export function rankImported(
  typed: string,
  briefings: readonly StoredBriefing[],
): APIApplicationCommandOptionChoice<string>[] {
  const q = fold(typed);
  const tier = (b: StoredBriefing): number | undefined => {
    const title = fold(b.title);
    if (q === '' || title.startsWith(q)) return 0;
    if (title.includes(q) || fold(b.id).includes(q)) return 1;
    return undefined;
  };
  return briefings
    .filter((b) => b.id.length <= LIMITS.choiceValue)
    .map((b) => ({ b, t: tier(b) }))
    .filter((x): x is { b: StoredBriefing; t: number } => x.t !== undefined)
    .sort((x, y) => x.t - y.t || x.b.title.localeCompare(y.b.title))
    .slice(0, LIMITS.choices)
    .map(({ b }) => ({
      name: truncateWords(b.title.replace(/\s+/g, ' ').trim() || b.id, LIMITS.choiceName, {
        markdown: false,
      }),
      value: b.id,
    }));
}

/** An attachment's content type is accepted when it is a page or text type (or not given: the name then says). */
function acceptableAttachmentType(contentType: string | null): boolean {
  if (!contentType) return true;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return (PAGE_TYPES as readonly string[]).includes(type) || type === 'application/octet-stream';
}

async function add(
  interaction: ChatInputCommandInteraction<'cached' | 'raw'>,
  ctx: BotContext,
): Promise<void> {
  const imports = ctx.imports!;
  const url = interaction.options.getString('url')?.trim() || undefined;
  const file = interaction.options.getAttachment('file') ?? undefined;
  const title = interaction.options.getString('title') ?? undefined;
  const sourceName = interaction.options.getString('source') ?? undefined;
  if ((url === undefined) === (file === undefined)) {
    await respondPrivately(
      interaction,
      'Give either `url:` (a web page) or `file:` (an .html, .md or .txt file), not both.',
    );
    return;
  }
  if (file && !acceptableAttachmentType(file.contentType)) {
    await respondPrivately(
      interaction,
      `${sanitiseUserText(file.name)} is ${sanitiseUserText(file.contentType ?? 'unknown')}: only .html, .md and .txt files can be imported.`,
    );
    return;
  }
  const { guildId } = interaction;
  const userId = interaction.user.id;
  // The attachment's URL is signed and short-lived: its file name is what identifies it in logs.
  const shown = url ? redactUrl(url) : `attachment:${file!.name}`;
  const limit = await ctx.store.hitImportLimit(guildId);
  if (!limit.ok) {
    ctx.logger.info({ guildId, userId, url: shown }, 'import refused: hourly limit');
    const minutes = Math.max(1, Math.ceil(limit.retryAfterSeconds / 60));
    await respondPrivately(
      interaction,
      `This server has imported ${IMPORT_LIMITS.limit} briefings in the last hour, the most I take. Try again in ${minutes} min.`,
    );
    return;
  }
  // Fetching can take up to 15 s.
  await interaction.deferReply({ flags: 64 });
  const source: ImportSource = url
    ? { kind: 'url', url }
    : { kind: 'upload', url: file!.url, name: file!.name, size: file!.size };
  let prepared;
  try {
    prepared = await imports.prepare(source, {
      ...(title !== undefined ? { title } : {}),
      ...(sourceName !== undefined ? { source: sourceName } : {}),
    });
  } catch (error) {
    if (!isImportRefusal(error)) throw error;
    ctx.logger.info({ guildId, userId, url: shown, reason: error.message }, 'import refused');
    await respondPrivately(interaction, `Not imported: ${sanitiseUserText(error.message)}.`);
    return;
  }
  const token = confirmationToken();
  if (!(await ctx.store.savePendingConfirmation(token, { kind: 'import', guildId, userId, prepared }))) {
    await respondPrivately(interaction, CONFIRMATION_NOT_SAVED);
    return;
  }
  ctx.logger.info(
    { guildId, userId, url: shown, file: prepared.file, passages: prepared.passages },
    'import previewed',
  );
  await respond(
    interaction,
    renderImportPreview(prepared, { yes: confirmId(true, token), no: confirmId(false, token) }),
  );
}

async function remove(
  interaction: ChatInputCommandInteraction<'cached' | 'raw'>,
  ctx: BotContext,
): Promise<void> {
  const imports = ctx.imports!;
  const name = interaction.options.getString('name', true);
  const imported = await imports.imported();
  const wanted = fold(name).replace(/\.md$/, '');
  const found =
    imported.find((b) => fold(b.id) === wanted) ??
    imported.find((b) => fold(b.title) === wanted) ??
    (() => {
      const best = rankImported(name, imported);
      return best.length === 1 ? imported.find((b) => b.id === best[0]!.value) : undefined;
    })();
  if (!found) {
    const elsewhere = ctx.engine.briefings().find((b) => fold(b.id) === wanted || fold(b.title) === wanted);
    await respondPrivately(
      interaction,
      elsewhere
        ? `“${sanitiseUserText(elsewhere.title)}” is in the bot’s knowledge folder, not imported: only imported briefings can be removed here.`
        : `No imported briefing is called “${truncateWords(sanitiseUserText(name), 200)}”. Start typing to pick one.`,
    );
    return;
  }
  const token = confirmationToken();
  const { guildId } = interaction;
  const userId = interaction.user.id;
  if (
    !(await ctx.store.savePendingConfirmation(token, {
      kind: 'remove',
      guildId,
      userId,
      id: found.id,
      title: found.title,
    }))
  ) {
    await respondPrivately(interaction, CONFIRMATION_NOT_SAVED);
    return;
  }
  await respond(
    interaction,
    renderRemoveConfirmation(found, { yes: confirmId(true, token), no: confirmId(false, token) }),
  );
}

export const briefings: ChatInputCommand = {
  definition: {
    type: ApplicationCommandType.ChatInput,
    name: 'briefings',
    description: 'Add a briefing from a web page or a file, or remove an imported one (Manage Server)',
    ...MANAGE_SERVER_ONLY,
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'add',
        description: 'Import a briefing from a web page or a file; you see a preview first',
        options: [
          {
            type: ApplicationCommandOptionType.String,
            name: 'url',
            description: 'The web page (http or https)',
            max_length: 2000,
          },
          {
            type: ApplicationCommandOptionType.Attachment,
            name: 'file',
            description: 'An .html, .md or .txt file (5 MB at most)',
          },
          {
            type: ApplicationCommandOptionType.String,
            name: 'title',
            description: 'The title, instead of the page’s',
            max_length: 256,
          },
          {
            type: ApplicationCommandOptionType.String,
            name: 'source',
            description: 'Who published it, instead of the page’s site name (needed for .txt)',
            max_length: 512,
          },
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'remove',
        description: 'Remove an imported briefing; you confirm first',
        options: [
          {
            type: ApplicationCommandOptionType.String,
            name: 'name',
            description: 'The imported briefing (start typing its title)',
            required: true,
            autocomplete: true,
          },
        ],
      },
    ],
  },
  async execute(interaction, ctx) {
    if (!interaction.inGuild()) {
      await respondPrivately(interaction, 'Briefings are added in a server: use /briefings in one.');
      return;
    }
    if (await refuseUnlessManager(interaction, ctx, IMPORT_NOT_ALLOWED)) return;
    if (!ctx.imports) {
      await respondPrivately(interaction, IMPORT_UNAVAILABLE);
      return;
    }
    if (interaction.options.getSubcommand(true) === 'remove') await remove(interaction, ctx);
    else await add(interaction, ctx);
  },
  async autocomplete(interaction, ctx) {
    // Only managers see titles of imported briefings; the list is theirs to pick from.
    if (!ctx.imports || !isManager(interaction)) {
      await interaction.respond([]);
      return;
    }
    await interaction.respond(rankImported(interaction.options.getFocused(), await ctx.imports.imported()));
  },
};
