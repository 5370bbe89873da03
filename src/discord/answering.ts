/**
 * Asking the engine and rendering the answer with its buttons: shared by /ask, the context-menu
 * command, mentions, DMs and the "More excerpts" button, so all of them answer alike.
 */
import type { Answer, Excerpt } from '../answer/types.js';
import { renderAnswer, renderNotice } from '../render/index.js';
import type { RenderedMessage } from '../render/index.js';
import type { AnswerEngine, BotContext } from './context.js';
import { planQuestion, rememberPlan } from './conversation.js';
import type { Conversation } from './conversation.js';
import { moreId, voteId } from './custom-id.js';

/** Excerpts per answer (and per "More excerpts" page). */
export const ANSWER_PAGE_SIZE = 3;

/** An answer ready to send, and what it showed. */
export interface RenderedAnswer {
  answer: Answer;
  rendered: RenderedMessage;
}

/** Options for {@link answerQuestion}. */
export interface AnswerOptions {
  /** Show excerpts from this one on (default 0). */
  offset?: number;
  /** Only the asker sees the answer. */
  private?: boolean;
  /** The earlier question a follow-up leans on; its buttons carry it too, so they ask alike. */
  context?: string;
  /** Example questions the engine answers (`BotContext.examples`): for the reply to "hi" and "help". */
  examples?: readonly string[];
}

/**
 * Asks `question` and renders excerpts `offset`… with a "More excerpts" button when the engine
 * has more answering passages (asked for one extra to know) and the 👍/👎 pair. Chat gets
 * neither, except a summary, which quotes the briefings and may be voted on (it has no next page:
 * the engine reads a paged message as a question).
 */
export function answerQuestion(
  engine: AnswerEngine,
  question: string,
  options: AnswerOptions = {},
): RenderedAnswer {
  const offset = options.offset ?? 0;
  const { context } = options;
  const full = engine.ask(question, { offset, top: ANSWER_PAGE_SIZE + 1, ...(context ? { context } : {}) });
  const hasMore = full.answered && !full.intent && full.excerpts.length > ANSWER_PAGE_SIZE;
  const answer: Answer = { ...full, excerpts: full.excerpts.slice(0, ANSWER_PAGE_SIZE) };
  const votable = answer.reason !== 'empty' && (!answer.intent || answer.intent === 'summary');
  // The engine's cleaned question (mentions and markup removed) is what the title echoes, so a
  // question cut short in an id can be completed from the title after a restart.
  const asked = full.question.trim() === '' ? question : full.question;
  const rendered = renderAnswer(answer, {
    private: options.private ?? false,
    ...(options.examples ? { examples: options.examples } : {}),
    buttons: {
      more: hasMore ? moreId(asked, offset + ANSWER_PAGE_SIZE, context) : null,
      feedback: votable
        ? { up: voteId('up', asked, offset, context), down: voteId('down', asked, offset, context) }
        : null,
    },
  });
  return { answer, rendered };
}

/**
 * Answers a question asked in a conversation: a follow-up gets the user's earlier question in
 * this channel as context (its answer still echoes the question as asked), and the question is
 * remembered for the next one. Never rejects because of the store.
 */
export async function answerInConversation(
  ctx: Pick<BotContext, 'engine' | 'store'> & Partial<Pick<BotContext, 'examples'>>,
  conversation: Conversation,
  question: string,
  options: Pick<AnswerOptions, 'private'> = {},
): Promise<RenderedAnswer> {
  const plan = await planQuestion(ctx.store, conversation, question);
  const result = answerQuestion(ctx.engine, plan.question, {
    ...options,
    ...(ctx.examples ? { examples: ctx.examples } : {}),
    ...(plan.context ? { context: plan.context } : {}),
  });
  await rememberPlan(ctx.store, conversation, plan);
  return result;
}

/**
 * The question a vote is recorded under: a follow-up alone ("and who reported it?") means nothing
 * in the feedback report, so it is shown with the question it followed.
 */
export function feedbackQuestion(question: string, context: string | undefined): string {
  return context ? `${question} (following “${context}”)` : question;
}

/** `briefing#passage` ids of what an answer showed: its excerpts, or its related passage when it declined. */
export function shownPassages(answer: Answer): string[] {
  const shown: Excerpt[] = answer.answered ? answer.excerpts : answer.related;
  return shown.map((ex) => `${ex.briefing}#${ex.passage}`);
}

/** What the bot says to an empty mention or DM. */
export function emptyQuestionNotice(examples: readonly string[]): RenderedMessage {
  const example = examples[0];
  const hint = example ? `, for example: “${example}”` : '';
  return renderNotice(`Ask me a question about the news briefings${hint}. /help shows what else I can do.`);
}
