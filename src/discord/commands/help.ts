/**
 * `/help`: what the bot does, how to ask, and example questions. Private, so it clutters no channel.
 */
import { ApplicationCommandType } from 'discord.js';
import { renderHelp } from '../../render/index.js';
import type { ChatInputCommand } from '../context.js';
import { respond } from '../respond.js';
import { AVAILABILITY } from './common.js';

export const help: ChatInputCommand = {
  definition: {
    type: ApplicationCommandType.ChatInput,
    name: 'help',
    description: 'How to ask me about the news briefings, with example questions',
    ...AVAILABILITY,
  },
  async execute(interaction, ctx) {
    await respond(interaction, renderHelp(ctx.examples, { private: true }));
  },
};
