/**
 * The local chat: what `npm start` opens in a terminal when no DISCORD_TOKEN is set. Type a
 * question, get the same answer the bot would give on Discord, as text. Follow-ups ("and who
 * reported it?") lean on the previous question, as on Discord.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { planFollowUp } from '../answer/follow-up.js';
import type { AskOptions } from '../answer/types.js';
import { renderAnswerText } from '../render/index.js';
import type { AnswerEngine } from '../discord/context.js';
import { exampleQuestions } from '../discord/examples.js';

/** Excerpts per answer, as on Discord. */
const PAGE_SIZE = 3;

/** The first line of the chat: this is not Discord, and how to get there. */
export const CHAT_BANNER =
  'Local chat, not connected to Discord. To run the bot, set DISCORD_TOKEN in .env (see README).';

/** Options for {@link runChat}. */
export interface ChatOptions {
  input: Readable;
  output: Writable & { isTTY?: boolean; columns?: number };
}

/** What the help adds in the chat: its own commands. */
export const CHAT_COMMANDS_LINE =
  'Type "more" for more excerpts of the last answer, "exit" or Ctrl+D to leave.';

/** What the chat remembers between lines. */
export interface ChatState {
  /** The last question answered, for `more`. */
  last?: string;
  /** The context it was answered with, when it was a follow-up. */
  context?: string;
  offset: number;
  /** What the next question may lean on (see `planFollowUp`). */
  remembered?: string;
}

/**
 * Answers one line typed in the chat; `more` pages through the last answer. Returns the text to
 * print. Chat ("hi", "thanks", "help", "sources", "tldr") is answered as such and leaves the
 * last question as it was, for `more` and for follow-ups.
 */
export function chatReply(
  engine: Pick<AnswerEngine, 'ask'>,
  line: string,
  state: ChatState,
  render: { color?: boolean; width?: number; examples?: readonly string[] } = {},
): string {
  const typed = line.trim();
  const isMore = /^more$/i.test(typed) && state.last !== undefined;
  const plan = isMore ? undefined : planFollowUp(typed, state.remembered);
  const question = plan ? plan.question : (state.last as string);
  const context = plan ? plan.context : state.context;
  const offset = isMore ? state.offset + PAGE_SIZE : 0;
  const options: AskOptions = { offset, top: PAGE_SIZE + 1, ...(context ? { context } : {}) };
  const full = engine.ask(question, options);
  const hasMore = full.answered && full.excerpts.length > PAGE_SIZE;
  const answer = { ...full, excerpts: full.excerpts.slice(0, PAGE_SIZE) };
  if (isMore && answer.excerpts.length === 0) return 'No more passages answer that question.';
  if (answer.intent) {
    const text = renderAnswerText(answer, render);
    return answer.intent === 'help' ? `${text}\n\n${CHAT_COMMANDS_LINE}` : text;
  }
  state.last = question;
  state.offset = offset;
  if (plan) {
    state.context = plan.context;
    if (plan.remember !== undefined) state.remembered = plan.remember;
  }
  const text = renderAnswerText(answer, render);
  return hasMore ? `${text}\n\n(type "more" for more excerpts)` : text;
}

/**
 * Runs the chat until the input ends (Ctrl+D), `exit`/`quit`, or Ctrl+C.
 */
export async function runChat(engine: Pick<AnswerEngine, 'ask'>, options: ChatOptions): Promise<void> {
  const { input, output } = options;
  const rl = createInterface({ input, output, terminal: output.isTTY === true });
  const print = (s: string): void => void output.write(`${s}\n`);
  print(CHAT_BANNER);
  print('Ask a question about the news briefings. Type "exit" or press Ctrl+D to leave.\n');
  const state: ChatState = { offset: 0 };
  // Those the engine answers, as in the bot's /help; for the greeting and the help.
  const examples = exampleQuestions(engine);
  rl.setPrompt('? ');
  rl.on('SIGINT', () => rl.close());
  rl.prompt();
  for await (const line of rl) {
    const typed = line.trim();
    if (/^(exit|quit)$/i.test(typed)) break;
    if (typed !== '') {
      const width = output.columns ? Math.min(output.columns, 100) : undefined;
      print(`\n${chatReply(engine, typed, state, { color: output.isTTY === true, width, examples })}\n`);
    }
    rl.prompt();
  }
  rl.close();
}
