/**
 * `/search query:<text>`: every passage that matches, a page at a time, with ◀ ▶ buttons.
 */
import { ApplicationCommandOptionType, ApplicationCommandType } from 'discord.js';
import { renderSearch, SEARCH_PAGE_SIZE } from '../../render/index.js';
import type { RenderedMessage } from '../../render/index.js';
import { admitAndDefer } from '../admission.js';
import type { AnswerEngine, ChatInputCommand } from '../context.js';
import { pageId } from '../custom-id.js';
import { respond } from '../respond.js';
import { AVAILABILITY, PRIVATE_OPTION } from './common.js';

/** Renders the page of results for `query` that starts at `offset`, with its ◀ ▶ buttons. */
export function searchPage(
  engine: AnswerEngine,
  query: string,
  offset: number,
  options: { private?: boolean } = {},
): RenderedMessage {
  const result = engine.search(query, { offset, top: SEARCH_PAGE_SIZE });
  const prev = offset > 0 ? pageId(query, Math.max(0, offset - SEARCH_PAGE_SIZE)) : null;
  const next = offset + SEARCH_PAGE_SIZE < result.total ? pageId(query, offset + SEARCH_PAGE_SIZE) : null;
  return renderSearch(
    query,
    result,
    { offset, pageSize: SEARCH_PAGE_SIZE },
    { prev, next },
    { private: options.private ?? false },
  );
}

export const search: ChatInputCommand = {
  definition: {
    type: ApplicationCommandType.ChatInput,
    name: 'search',
    description: 'List every passage of the briefings that has all your words, and count them',
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'query',
        description: 'Words to look for, e.g. sanctions, or "security council" as a phrase',
        required: true,
      },
      PRIVATE_OPTION,
    ],
    ...AVAILABILITY,
  },
  async execute(interaction, ctx) {
    // Throttled like a question; its ◀ ▶ buttons are not.
    const admitted = await admitAndDefer(
      interaction,
      ctx,
      interaction.options.getBoolean('private') ?? false,
    );
    if (!admitted) return;
    const query = interaction.options.getString('query', true);
    await respond(interaction, searchPage(ctx.engine, query, 0, { private: admitted.private }));
  },
};
