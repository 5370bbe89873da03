/**
 * "Ask the briefings", a message context-menu command: answers the target message's text as a
 * question. Not a follow-up of anything: the text is someone else's words, not the invoker's
 * next question.
 */
import { ApplicationCommandType } from 'discord.js';
import type { Message } from 'discord.js';
import { renderNotice } from '../../render/index.js';
import { admitAndDefer } from '../admission.js';
import { answerQuestion } from '../answering.js';
import type { MessageCommand } from '../context.js';
import { respond } from '../respond.js';
import { AVAILABILITY } from './common.js';

/** The question a message asks: its text, or (for a message of embeds only) its first embed's title and text. */
export function messageQuestion(message: Pick<Message, 'content' | 'embeds'>): string {
  if (message.content.trim() !== '') return message.content;
  const embed = message.embeds[0];
  return [embed?.title, embed?.description].filter(Boolean).join('\n');
}

export const askMessage: MessageCommand = {
  definition: {
    type: ApplicationCommandType.Message,
    name: 'Ask the briefings',
    ...AVAILABILITY,
  },
  async execute(interaction, ctx) {
    // A server that made answers private wants them private however they were asked for.
    const admitted = await admitAndDefer(interaction, ctx, false);
    if (!admitted) return;
    const question = messageQuestion(interaction.targetMessage);
    if (question.trim() === '') {
      await respond(interaction, renderNotice('That message has no text to look up in the briefings.'));
      return;
    }
    const { rendered } = answerQuestion(ctx.engine, question, {
      private: admitted.private,
      examples: ctx.examples,
    });
    await respond(interaction, rendered);
  },
};
