/**
 * `/sources`: the briefings the bot answers from.
 */
import { ApplicationCommandType } from 'discord.js';
import { renderSources } from '../../render/index.js';
import type { ChatInputCommand } from '../context.js';
import { respond } from '../respond.js';
import { AVAILABILITY } from './common.js';

export const sources: ChatInputCommand = {
  definition: {
    type: ApplicationCommandType.ChatInput,
    name: 'sources',
    description: 'List the news briefings I answer from, with their sources',
    ...AVAILABILITY,
  },
  async execute(interaction, ctx) {
    await respond(interaction, renderSources(ctx.engine.briefings()));
  },
};
