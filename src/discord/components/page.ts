/**
 * ◀ ▶ on search results: replaces the results with the page the button points to.
 */
import { toDiscordJs } from '../../render/index.js';
import { searchPage } from '../commands/search.js';
import type { ButtonHandler } from '../context.js';
import { recoverText } from '../custom-id.js';
import { forEdit } from '../respond.js';

export const page: ButtonHandler<'page'> = {
  kind: 'page',
  async execute(interaction, state, ctx) {
    const query = recoverText(state, interaction.message.embeds[0]?.title);
    await interaction.update(forEdit(toDiscordJs(searchPage(ctx.engine, query, state.offset))));
  },
};
