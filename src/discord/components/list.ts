/**
 * ◀ ▶ on the list of briefings (`/sources`): replaces the list with the page the button points to.
 */
import { toDiscordJs } from '../../render/index.js';
import { sourcesPage } from '../commands/sources.js';
import type { ButtonHandler } from '../context.js';
import { recoverText } from '../custom-id.js';
import { forEdit } from '../respond.js';

export const list: ButtonHandler<'list'> = {
  kind: 'list',
  async execute(interaction, state, ctx) {
    const query = recoverText(state, interaction.message.embeds[0]?.title);
    await interaction.update(forEdit(toDiscordJs(sourcesPage(ctx.engine, query, state.offset))));
  },
};
