/**
 * "More excerpts": the next excerpts of an answer, shown privately to whoever clicked.
 */
import { answerQuestion } from '../answering.js';
import type { ButtonHandler } from '../context.js';
import { recoverText } from '../custom-id.js';
import { respond, respondPrivately } from '../respond.js';

export const more: ButtonHandler<'more'> = {
  kind: 'more',
  async execute(interaction, state, ctx) {
    const question = recoverText(state, interaction.message.embeds[0]?.title);
    const { answer, rendered } = answerQuestion(ctx.engine, question, {
      offset: state.offset,
      private: true,
      ...(state.context ? { context: state.context } : {}),
    });
    if (!answer.answered || answer.excerpts.length === 0) {
      await respondPrivately(interaction, 'No more passages of the briefings answer this question.');
      return;
    }
    await respond(interaction, rendered);
  },
};
