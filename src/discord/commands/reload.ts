/**
 * `/reload`: rebuilds the index from the knowledge folder now (the bot also does it by itself
 * when files change) and says what changed. Members with Manage Server only, checked again at
 * run time. A broken folder leaves the previous briefings serving; the reply names the file and
 * the field, privately.
 */
import { ApplicationCommandType } from 'discord.js';
import type { ReloadResult } from '../../answer/live.js';
import { truncateSentences } from '../../render/index.js';
import type { ChatInputCommand } from '../context.js';
import { respondPrivately } from '../respond.js';
import { MANAGE_SERVER_ONLY, refuseUnlessManager } from './common.js';

export const RELOAD_NOT_ALLOWED =
  'Only members with the **Manage Server** permission can reload the briefings.';

const list = (ids: string[]) =>
  ids.length <= 5
    ? ids.map((id) => `\`${id}\``).join(', ')
    : `${ids
        .slice(0, 5)
        .map((id) => `\`${id}\``)
        .join(', ')} and ${ids.length - 5} more`;

/** The reply for a reload's outcome. */
export function describeReload(result: ReloadResult): string {
  if (!result.ok) {
    const detail = truncateSentences(result.error.message.replace(/`/g, "'"), 1500);
    return `The knowledge folder has a problem, so I kept the briefings I had:\n\`\`\`\n${detail}\n\`\`\``;
  }
  if (!result.changed) return `Nothing changed: ${result.briefings} briefings, ${result.passages} passages.`;
  const parts = [
    result.added.length ? `added ${list(result.added)}` : '',
    result.edited.length ? `edited ${list(result.edited)}` : '',
    result.removed.length ? `removed ${list(result.removed)}` : '',
  ].filter(Boolean);
  return `Reloaded in ${(result.ms / 1000).toFixed(1)} s: ${parts.join('; ') || 'aliases or synonyms changed'}. Now ${result.briefings} briefings, ${result.passages} passages.`;
}

export const reload: ChatInputCommand = {
  definition: {
    type: ApplicationCommandType.ChatInput,
    name: 'reload',
    description: 'Re-read the knowledge folder now and say what changed (Manage Server)',
    ...MANAGE_SERVER_ONLY,
  },
  async execute(interaction, ctx) {
    if (await refuseUnlessManager(interaction, ctx, RELOAD_NOT_ALLOWED)) return;
    if (!ctx.reload) {
      await respondPrivately(interaction, 'Reloading is not available in this process.');
      return;
    }
    await interaction.deferReply({ flags: 64 });
    const result = await ctx.reload();
    if (!result.ok)
      ctx.logger.warn({ err: result.error }, 'knowledge reload failed; the previous index keeps serving');
    await respondPrivately(interaction, describeReload(result));
  },
};
