/**
 * `/ask question:<text> [private:<bool>]`: answers from the briefings, quoting the passages. A
 * follow-up ("and who reported it?") is answered with the asker's previous question as context.
 */
import { ApplicationCommandOptionType, ApplicationCommandType } from 'discord.js';
import { admitAndDefer } from '../admission.js';
import { answerInConversation } from '../answering.js';
import type { ChatInputCommand } from '../context.js';
import { respond } from '../respond.js';
import { AVAILABILITY, PRIVATE_OPTION } from './common.js';

export const ask: ChatInputCommand = {
  definition: {
    type: ApplicationCommandType.ChatInput,
    name: 'ask',
    description: 'Ask a question about the news briefings; the answer quotes them',
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'question',
        description: 'Your question, e.g. "Who is Pranay Vaddi?"',
        required: true,
      },
      PRIVATE_OPTION,
    ],
    ...AVAILABILITY,
  },
  async execute(interaction, ctx) {
    const admitted = await admitAndDefer(
      interaction,
      ctx,
      interaction.options.getBoolean('private') ?? false,
    );
    if (!admitted) return;
    const question = interaction.options.getString('question', true);
    const conversation = {
      guildId: interaction.guildId,
      userId: interaction.user.id,
      channelId: interaction.channelId,
    };
    const { rendered } = await answerInConversation(ctx, conversation, question, {
      private: admitted.private,
    });
    await respond(interaction, rendered);
  },
};
