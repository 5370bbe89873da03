/**
 * The confirmation buttons of `/briefings add` (Add / Cancel) and `/briefings remove` (Remove /
 * Keep). The change they confirm is taken from the store (once: a second click finds nothing),
 * the permission is checked again, and the preview message is replaced by the outcome.
 */
import type { ButtonInteraction } from 'discord.js';
import { isImportRefusal } from '../../knowledge/refusal.js';
import { redactUrl } from '../../logger.js';
import {
  renderImportAdded,
  renderNotice,
  renderRemoved,
  sanitiseUserText,
  toDiscordJs,
} from '../../render/index.js';
import type { ButtonHandler } from '../context.js';
import { refuseUnlessManager } from '../commands/common.js';
import { IMPORT_NOT_ALLOWED, IMPORT_UNAVAILABLE, reloadUntil } from '../importing.js';
import { forEdit, respondPrivately } from '../respond.js';

/** What replaces a preview whose confirmation is gone. */
export const CONFIRMATION_GONE =
  'This has expired or was already answered, so nothing changed. Run the command again.';

/** Replaces the message the button is on (the private preview) with a notice. */
async function replaceWith(interaction: ButtonInteraction, text: string): Promise<void> {
  await interaction.editReply(forEdit({ ...toDiscordJs(renderNotice(text)), embeds: [], components: [] }));
}

export const confirm: ButtonHandler<'confirm'> = {
  kind: 'confirm',
  async execute(interaction, state, ctx) {
    if (!ctx.imports) {
      await respondPrivately(interaction, IMPORT_UNAVAILABLE);
      return;
    }
    if (await refuseUnlessManager(interaction, ctx, IMPORT_NOT_ALLOWED)) return;
    await interaction.deferUpdate();
    const pending = await ctx.store.takePendingConfirmation(state.token);
    if (!pending || pending.guildId !== interaction.guildId) {
      await replaceWith(interaction, CONFIRMATION_GONE);
      return;
    }
    if (pending.userId !== interaction.user.id) {
      // Only whoever asked sees the private preview; should someone else click, it stays theirs.
      await ctx.store.savePendingConfirmation(state.token, pending);
      await interaction.followUp({
        ...toDiscordJs(renderNotice('Only the person who asked can confirm this.')),
        flags: 64,
      });
      return;
    }
    const who = { guildId: pending.guildId, userId: pending.userId };
    if (!state.yes) {
      ctx.logger.info({ ...who, kind: pending.kind }, 'confirmation cancelled');
      await replaceWith(
        interaction,
        pending.kind === 'import' ? 'Cancelled: nothing was written.' : 'Kept: nothing was removed.',
      );
      return;
    }
    try {
      if (pending.kind === 'import') {
        const { prepared } = pending;
        const written = await ctx.imports.commit(prepared);
        ctx.logger.info(
          {
            ...who,
            url: prepared.url ? redactUrl(prepared.url) : undefined,
            origin: redactUrl(prepared.origin),
            file: written.file,
          },
          'briefing imported',
        );
        const answerable = await reloadUntil(ctx, written.id, true);
        await interaction.editReply(
          forEdit(toDiscordJs(renderImportAdded({ ...prepared, file: written.file }, answerable))),
        );
      } else {
        const removed = await ctx.imports.remove(pending.id);
        ctx.logger.info(
          { ...who, file: removed.file, url: removed.url ? redactUrl(removed.url) : undefined },
          'briefing removed',
        );
        const answerable = await reloadUntil(ctx, removed.id, false);
        await interaction.editReply(forEdit(toDiscordJs(renderRemoved(removed, answerable.now))));
      }
    } catch (error) {
      if (!isImportRefusal(error)) throw error;
      ctx.logger.info({ ...who, kind: pending.kind, reason: error.message }, 'import refused');
      // The reason may quote a page's title: shown as text, never as markdown.
      await replaceWith(
        interaction,
        `${pending.kind === 'import' ? 'Not added' : 'Not removed'}: ${sanitiseUserText(error.message)}.`,
      );
    }
  },
};
