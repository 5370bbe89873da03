/**
 * `/ask question:<text> [private:<bool>]`: answers from the briefings, quoting the passages. A
 * follow-up ("and who reported it?") is answered with the asker's previous question as context.
 */
import { ApplicationCommandOptionType, ApplicationCommandType } from 'discord.js';
import { admitQuestion, answersPrivately } from '../admission.js';
import { answerInConversation } from '../answering.js';
import type { ChatInputCommand } from '../context.js';
import { privacy, respond, respondPrivately } from '../respond.js';
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
    const asker = { guildId: interaction.guildId, userId: interaction.user.id };
    // Admission comes before the deferral, which fixes whether the answer is private; the store
    // answers within its deadline (or is skipped), well inside Discord's 3 s to acknowledge.
    const admission = await admitQuestion(ctx, asker);
    if (!admission.ok) {
      await respondPrivately(interaction, admission.notice);
      return;
    }
    const isPrivate = answersPrivately(
      interaction.options.getBoolean('private') ?? false,
      admission.settings,
    );
    // Defer next: acknowledging within 3 s matters more than anything the engine does.
    await interaction.deferReply(privacy(isPrivate));
    const question = interaction.options.getString('question', true);
    const conversation = { ...asker, channelId: interaction.channelId };
    const { rendered } = await answerInConversation(ctx, conversation, question, { private: isPrivate });
    await respond(interaction, rendered);
  },
};
