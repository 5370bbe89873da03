/**
 * The local chat: what `npm start` opens in a terminal when no DISCORD_TOKEN is set. Type a
 * question, get the same answer the bot would give on Discord, as text. Follow-ups ("and who
 * reported it?") lean on the previous question, as on Discord. "search <words>" and "sources
 * [name]" list passages and briefings as /search and /sources do, a page at a time.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { planFollowUp } from '../answer/follow-up.js';
import type { AskOptions } from '../answer/types.js';
// Excerpts per answer, passages and briefings per page: the bot's own, so the chat pages as Discord does.
import {
  renderAnswerText,
  renderSearchText,
  renderSourcesText,
  SEARCH_PAGE_SIZE,
  SOURCES_PAGE_SIZE,
} from '../render/index.js';
import { ANSWER_PAGE_SIZE } from '../discord/answering.js';
import type { AnswerEngine } from '../discord/context.js';
import { exampleQuestions } from '../discord/examples.js';

/** "search <words>" (or "search: …"), and "sources" with an optional name. */
const SEARCH_LINE = /^search\b:?\s*(.*)$/is;
const SOURCES_LINE = /^sources\b[:?!.]*\s*(.*)$/is;

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
  'Type "search" and some words to list every passage that has them, "sources" (and a name) to list the briefings, "more" for the next excerpts or page, "exit" or Ctrl+D to leave.';

/** What the chat remembers between lines. */
export interface ChatState {
  /** The last question answered, for `more`. */
  last?: string;
  /** The context it was answered with, when it was a follow-up. */
  context?: string;
  offset: number;
  /** What the next question may lean on (see `planFollowUp`). */
  remembered?: string;
  /** The last search or list of briefings, for `more`, when it came after the last question. */
  browsing?: { kind: 'search' | 'sources'; query: string; offset: number };
}

/** The engine as the chat uses it. */
export type ChatEngine = Pick<AnswerEngine, 'ask' | 'search' | 'findBriefings'>;

/**
 * Answers one line typed in the chat; `more` pages through the last answer. Returns the text to
 * print. Chat ("hi", "thanks", "help", "sources", "tldr") is answered as such and leaves the
 * last question as it was, for `more` and for follow-ups.
 */
export function chatReply(
  engine: ChatEngine,
  line: string,
  state: ChatState,
  render: { color?: boolean; width?: number; examples?: readonly string[] } = {},
): string {
  const typed = line.trim();
  const browse = browseCommand(typed, state);
  if (browse) return browseReply(engine, browse, state, render);
  const isMore = /^more$/i.test(typed) && state.last !== undefined;
  const plan = isMore ? undefined : planFollowUp(typed, state.remembered);
  const question = plan ? plan.question : (state.last as string);
  const context = plan ? plan.context : state.context;
  const offset = isMore ? state.offset + ANSWER_PAGE_SIZE : 0;
  const options: AskOptions = { offset, top: ANSWER_PAGE_SIZE + 1, ...(context ? { context } : {}) };
  const full = engine.ask(question, options);
  const hasMore = full.answered && full.excerpts.length > ANSWER_PAGE_SIZE;
  const answer = { ...full, excerpts: full.excerpts.slice(0, ANSWER_PAGE_SIZE) };
  if (isMore && answer.excerpts.length === 0) return 'No more passages answer that question.';
  if (answer.intent) {
    const text = renderAnswerText(answer, render);
    return answer.intent === 'help' ? `${text}\n\n${CHAT_COMMANDS_LINE}` : text;
  }
  state.last = question;
  state.offset = offset;
  state.browsing = undefined;
  if (plan) {
    state.context = plan.context;
    if (plan.remember !== undefined) state.remembered = plan.remember;
  }
  const text = renderAnswerText(answer, render);
  return hasMore ? `${text}\n\n(type "more" for more excerpts)` : text;
}

/** The search or list a line asks for: a new one, or `more` of the last one; undefined for anything else. */
function browseCommand(typed: string, state: ChatState): ChatState['browsing'] {
  if (/^more$/i.test(typed) && state.browsing) {
    const size = state.browsing.kind === 'search' ? SEARCH_PAGE_SIZE : SOURCES_PAGE_SIZE;
    return { ...state.browsing, offset: state.browsing.offset + size };
  }
  const search = SEARCH_LINE.exec(typed);
  if (search) return { kind: 'search', query: search[1]!.trim(), offset: 0 };
  const sources = SOURCES_LINE.exec(typed);
  if (sources) return { kind: 'sources', query: sources[1]!.trim(), offset: 0 };
  return undefined;
}

/** One page of a search or of the list of briefings, as text; remembered for `more`. */
function browseReply(
  engine: ChatEngine,
  browse: NonNullable<ChatState['browsing']>,
  state: ChatState,
  render: { color?: boolean; width?: number },
): string {
  const { kind, query, offset } = browse;
  if (kind === 'search' && query === '')
    return 'Type what to search for after "search", e.g. search sanctions';
  let text: string;
  let more: boolean;
  let shown: number;
  if (kind === 'search') {
    const result = engine.search(query, { offset, top: SEARCH_PAGE_SIZE });
    shown = result.excerpts.length;
    more = offset + shown < result.total;
    text = renderSearchText(result, { offset }, render);
  } else {
    const list = engine.findBriefings(query, { offset, top: SOURCES_PAGE_SIZE });
    shown = list.briefings.length;
    more = offset + shown < list.total;
    text = renderSourcesText(list.briefings, list);
  }
  if (offset > 0 && shown === 0) return 'No more: that was the last page.';
  state.browsing = browse;
  return more ? `${text}\n\n(type "more" for the next page)` : text;
}

/**
 * Runs the chat until the input ends (Ctrl+D), `exit`/`quit` (also written `/exit`, `/quit`, as
 * in a chat client), or Ctrl+C.
 */
export async function runChat(engine: ChatEngine, options: ChatOptions): Promise<void> {
  const { input, output } = options;
  const rl = createInterface({ input, output, terminal: output.isTTY === true });
  const print = (s: string): void => void output.write(`${s}\n`);
  print(CHAT_BANNER);
  print(
    'Ask a question about the news briefings, or type "search" and some words. Type "exit" or press Ctrl+D to leave.\n',
  );
  const state: ChatState = { offset: 0 };
  // Those the engine answers, as in the bot's /help; for the greeting and the help.
  const examples = exampleQuestions(engine);
  rl.setPrompt('? ');
  rl.on('SIGINT', () => rl.close());
  rl.prompt();
  for await (const line of rl) {
    const typed = line.trim();
    if (/^\/?(exit|quit)$/i.test(typed)) break;
    if (typed !== '') {
      const width = output.columns ? Math.min(output.columns, 100) : undefined;
      print(`\n${chatReply(engine, typed, state, { color: output.isTTY === true, width, examples })}\n`);
    }
    rl.prompt();
  }
  rl.close();
}
