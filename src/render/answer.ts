/**
 * Renders the engine's {@link Answer} as a Discord message: quotes with their sources when the
 * briefings answer, a plain "not covered" (and at most a clearly labelled related passage) when not.
 */
import type { APIEmbed } from 'discord.js';
import type { Answer, ChatIntent, Excerpt } from '../answer/types.js';
import { attributionMarkdown, excerptMarkdown } from './excerpt.js';
import { LIMITS } from './limits.js';
import type { ButtonRow, MessageOptions, RenderedMessage } from './message.js';
import { button, BUTTON_STYLE, buttonRows, message } from './message.js';
import { renderHelp, renderNotice, renderSources } from './briefings.js';
import {
  oneLine,
  safeMarkdown,
  sanitiseUserText,
  stripInvisible,
  truncateSentences,
  truncateWords,
} from './text.js';
import {
  ANSWER_FOOTER,
  DEFAULT_EXAMPLE,
  declineLines,
  greetingLine,
  HELPFUL_PROMPT,
  NO_BRIEFINGS_LINE,
  plural,
  RELATED_HEADING,
  summaryHeading,
  THANKS_LINE,
} from './wording.js';

/** Options for {@link renderAnswer}. */
export interface RenderAnswerOptions extends MessageOptions {
  /**
   * Custom ids (computed by the caller, 1–100 characters) for the buttons to show:
   * `more` adds a "More excerpts" button, `feedback` the 👍/👎 "Was this helpful?" pair.
   */
  buttons?: {
    more?: string | null;
    feedback?: { up: string; down: string } | null;
  };
  /** Example question suggested when the question was empty (default: one about the seed briefings). */
  example?: string;
  /**
   * Example questions the engine answers: listed when the message asked for help, and the first
   * suggested in reply to a greeting (default: `example` alone).
   */
  examples?: readonly string[];
}

const COLOR_ANSWER = 0x3b82f6;
const COLOR_DECLINE = 0x9ca3af;
/** At most this many excerpts are shown, however many the engine returns. */
const MAX_EXCERPTS = 10;
/** One quote is cut (at a sentence) beyond this, so a huge excerpt cannot crowd out the others. */
const QUOTE_MAX = 1200;
/** A quote that would have to be cut below this is dropped instead: a stub helps nobody. */
const QUOTE_MIN = 120;
/** Room kept in the footer for " · 9,999 more passages not shown". */
const FOOTER_RESERVE = 40;

/** The question as an embed title: sanitised, on one line, cut at a word. Undefined when nothing is left. */
export function questionTitle(question: string): string | undefined {
  const t = truncateWords(oneLine(sanitiseUserText(question)), LIMITS.embedTitle);
  return t === '' ? undefined : t;
}

/** `> quote` (cut to fit `max` characters in all) followed by the attribution line; undefined if it cannot fit usefully. */
function quoteBlock(excerpt: Excerpt, max: number, attribution: string): string | undefined {
  const md = excerptMarkdown(excerpt);
  if (md === '') return undefined;
  const room = Math.min(QUOTE_MAX, max - attribution.length - 3); // "> " and "\n"
  if (md.length > room && room < QUOTE_MIN) return undefined;
  const quote = truncateSentences(md, room);
  if (quote === '' || quote === '…') return undefined;
  return `> ${quote}\n${attribution}`;
}

/** The answer's buttons, in one row: [More excerpts] [👍 Helpful] [👎 Not helpful]. */
function answerButtons(buttons: RenderAnswerOptions['buttons']): ButtonRow[] {
  const list = [];
  if (buttons?.more != null)
    list.push(button(buttons.more, 'More excerpts', { style: BUTTON_STYLE.primary }));
  if (buttons?.feedback != null) {
    list.push(button(buttons.feedback.up, 'Helpful', { emoji: '👍' }));
    list.push(button(buttons.feedback.down, 'Not helpful', { emoji: '👎' }));
  }
  return buttonRows(list);
}

/** The embed for an answer: each excerpt quoted, its source under it. Undefined if no excerpt could be shown. */
function answeredEmbed(
  answer: Answer,
  title: string | undefined,
  askFeedback: boolean,
): APIEmbed | undefined {
  const helpful = askFeedback ? ` · ${HELPFUL_PROMPT}` : '';
  const budget = Math.min(
    LIMITS.embedDescription,
    LIMITS.embedTotal - (title?.length ?? 0) - ANSWER_FOOTER.length - helpful.length - FOOTER_RESERVE,
  );
  const blocks: string[] = [];
  let used = 0;
  for (const ex of answer.excerpts.slice(0, MAX_EXCERPTS)) {
    const sep = blocks.length > 0 ? 2 : 0;
    const attribution = attributionMarkdown(ex);
    const block = quoteBlock(ex, budget - used - sep, attribution);
    if (block === undefined) {
      // An empty excerpt is skipped; one that no longer fits ends the list (best first, so drop the tail).
      if (excerptMarkdown(ex) === '') continue;
      break;
    }
    blocks.push(block);
    used += sep + block.length;
  }
  if (blocks.length === 0) return undefined;
  const hidden = answer.excerpts.length - blocks.length;
  const embed: APIEmbed = {
    color: COLOR_ANSWER,
    description: blocks.join('\n\n'),
    footer: {
      text: `${ANSWER_FOOTER}${hidden > 0 ? ` · ${plural(hidden, 'more passage')} not shown` : ''}${helpful}`,
    },
  };
  if (title) embed.title = title;
  return embed;
}

/** The embed for a decline: why, which words are missing, and at most one related passage, labelled as such. */
function declinedEmbed(
  answer: Answer,
  title: string | undefined,
  askFeedback: boolean,
  example: string,
): APIEmbed {
  // Terms come from the question: treat them like any user text.
  const term = (t: string): string => sanitiseUserText(t);
  const exampleMd = `*${truncateWords(sanitiseUserText(oneLine(example)), 300)}*`;
  const lines = declineLines(answer, term, exampleMd);
  const embed: APIEmbed = { color: COLOR_DECLINE, description: lines.join('\n') };
  if (title) embed.title = title;
  // Only the closest related passage (the first that has any text), and only under its heading.
  for (const related of answer.related ?? []) {
    const block =
      quoteBlock(related, LIMITS.fieldValue, attributionMarkdown(related)) ??
      // A long link can leave too little room for the quote: try again without it.
      quoteBlock(related, LIMITS.fieldValue, attributionMarkdown(related, { link: false }));
    if (block) {
      embed.fields = [{ name: RELATED_HEADING, value: block }];
      break;
    }
  }
  const footer = [
    answer.reason === 'empty' ? undefined : 'See /sources for what the briefings cover',
    askFeedback ? HELPFUL_PROMPT : undefined,
  ]
    .filter((s): s is string => s !== undefined)
    .join(' · ');
  if (footer) embed.footer = { text: footer };
  return embed;
}

/**
 * The reply to a chat intent: a greeting or thanks as a short line, the help, the list of
 * briefings, or a summary quoted like an answer under "Summary of <title>". Buttons only on a
 * summary (the caller decides which).
 */
function renderIntent(
  answer: Answer & { intent: ChatIntent },
  opts: RenderAnswerOptions,
): RenderedMessage | undefined {
  const examples = opts.examples ?? [opts.example ?? DEFAULT_EXAMPLE];
  switch (answer.intent) {
    case 'greeting': {
      const example = examples[0] ?? opts.example ?? DEFAULT_EXAMPLE;
      return renderNotice(greetingLine(`*${truncateWords(sanitiseUserText(oneLine(example)), 300)}*`), opts);
    }
    case 'thanks':
      return renderNotice(THANKS_LINE, opts);
    case 'help':
      return renderHelp(examples, opts);
    case 'sources':
      return renderSources(answer.briefings ?? [], opts);
    case 'summary': {
      const titles = answer.excerpts.map((b) => safeMarkdown(oneLine(stripInvisible(b.title ?? ''))));
      const heading = truncateWords(summaryHeading(titles), LIMITS.embedTitle);
      const embed = answer.answered
        ? answeredEmbed(answer, heading, opts.buttons?.feedback != null)
        : undefined;
      if (!embed) return renderNotice(NO_BRIEFINGS_LINE, opts);
      return message({ embeds: [embed], components: answerButtons(opts.buttons) }, opts);
    }
  }
  // An intent this renderer does not know (from a newer engine): shown as an ordinary answer.
  return undefined;
}

/**
 * Renders an answer as a Discord message.
 *
 * Answered: one embed, the (sanitised) question as its title, each excerpt as a block quote with
 * the matched words in bold and `— *Title* · Source · date` under it. Declined: says plainly that
 * the briefings don't cover it, names the words they never mention, and shows the closest passage
 * only under a "Related (not an answer)" heading. Always within Discord's limits (long quotes are
 * cut at sentences, trailing excerpts dropped and counted in the footer), never pings anyone.
 * Chat (`answer.intent`): a greeting or thanks as one short line, the help, the list of
 * briefings, or a summary quoted like an answer under "Summary of <title>".
 *
 * @throws RangeError if a button custom id is empty, longer than 100 characters, or repeated.
 */
export function renderAnswer(answer: Answer, opts: RenderAnswerOptions = {}): RenderedMessage {
  const chat = answer.intent ? renderIntent({ ...answer, intent: answer.intent }, opts) : undefined;
  if (chat) return chat;
  const title = questionTitle(answer.question ?? '');
  const askFeedback = opts.buttons?.feedback != null;
  const components = answerButtons(opts.buttons);
  const embed =
    (answer.answered ? answeredEmbed(answer, title, askFeedback) : undefined) ??
    declinedEmbed(
      answer.answered ? { ...answer, reason: 'weak_match' } : answer,
      title,
      askFeedback,
      opts.example ?? DEFAULT_EXAMPLE,
    );
  return message({ embeds: [embed], components }, opts);
}
