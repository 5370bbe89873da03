/**
 * `/sources [query:<name>]`: the briefings the bot answers from, newest first, a page at a time
 * with ◀ ▶ buttons; with a query, only those it names (the same lookup as `/briefing`), best first.
 */
import { ApplicationCommandOptionType, ApplicationCommandType } from 'discord.js';
import { renderSourcesPage, SOURCES_PAGE_SIZE } from '../../render/index.js';
import type { RenderedMessage } from '../../render/index.js';
import type { AnswerEngine, ChatInputCommand } from '../context.js';
import { listId } from '../custom-id.js';
import { respond } from '../respond.js';
import { AVAILABILITY } from './common.js';

/** Renders the page of the list (of briefings `query` names, if any) that starts at `offset`. */
export function sourcesPage(engine: AnswerEngine, query: string, offset: number): RenderedMessage {
  const list = engine.findBriefings(query, { offset, top: SOURCES_PAGE_SIZE });
  const prev = offset > 0 ? listId(query, Math.max(0, offset - SOURCES_PAGE_SIZE)) : null;
  const next = offset + SOURCES_PAGE_SIZE < list.total ? listId(query, offset + SOURCES_PAGE_SIZE) : null;
  return renderSourcesPage(list, { prev, next });
}

export const sources: ChatInputCommand = {
  definition: {
    type: ApplicationCommandType.ChatInput,
    name: 'sources',
    description: 'List the news briefings I answer from, with their sources',
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'query',
        description: 'Only briefings with this in their title, source or names, e.g. "TASS"',
        required: false,
        max_length: 100,
      },
    ],
    ...AVAILABILITY,
  },
  async execute(interaction, ctx) {
    const query = interaction.options.getString('query') ?? '';
    await respond(interaction, sourcesPage(ctx.engine, query, 0));
  },
};
