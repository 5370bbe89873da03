/**
 * 👍/👎 "Was this helpful?": records the vote in the store, which keeps the voter only as a
 * salted hash (so a revote replaces the earlier vote), then thanks the voter privately.
 */
import { ANSWER_PAGE_SIZE, feedbackQuestion, shownPassages } from '../answering.js';
import type { ButtonHandler } from '../context.js';
import { recoverText } from '../custom-id.js';
import type { FeedbackVote } from '../feedback.js';
import { respondPrivately } from '../respond.js';

export const vote: ButtonHandler<'vote'> = {
  kind: 'vote',
  async execute(interaction, state, ctx) {
    const question = recoverText(state, interaction.message.embeds[0]?.title);
    // The passages shown are asked again rather than carried in the id: the same question, context
    // and offset give the same passages as long as the briefings are unchanged.
    const answer = ctx.engine.ask(question, {
      offset: state.offset,
      top: ANSWER_PAGE_SIZE,
      ...(state.context ? { context: state.context } : {}),
    });
    const feedback: FeedbackVote = {
      question: feedbackQuestion(question, state.context),
      passages: shownPassages(answer),
      vote: state.vote,
      guildId: interaction.guildId ?? null,
      time: new Date().toISOString(),
    };
    // Recorded before the thanks: a 👎 clicked after seeing the thanks for a 👍 is then always
    // written after it, and replaces it. The store answers within its deadline (500 ms), well
    // inside the 3 s Discord gives to acknowledge a click. The voter's id goes to the store alone,
    // which hashes it; the vote itself holds no user.
    const saved = await ctx.store.recordFeedback({
      question: feedback.question,
      passages: feedback.passages,
      vote: feedback.vote,
      guildId: feedback.guildId,
      userId: interaction.user.id,
      at: feedback.time,
    });
    ctx.logger.info(
      { vote: feedback.vote, guildId: feedback.guildId, passages: feedback.passages.length, saved },
      'feedback recorded',
    );
    await respondPrivately(interaction, 'Thanks for the feedback!');
    // The hook is told last, so that a slow one cannot delay the acknowledgement.
    if (!ctx.onFeedback) return;
    try {
      await ctx.onFeedback(feedback);
    } catch (error) {
      ctx.logger.error(
        { err: error, vote: feedback.vote, guildId: feedback.guildId },
        'feedback hook failed',
      );
    }
  },
};
