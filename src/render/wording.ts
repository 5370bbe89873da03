/**
 * The words the bot says, shared by the Discord and terminal renderers so both say the same thing.
 */
import type { Answer } from '../answer/types.js';
import { firstOf, oneLine, truncateWords } from './text.js';

/** Heading over a passage shown when the bot declines: it is near the question, but not an answer. */
export const RELATED_HEADING = 'Related (not an answer)';
/** Example question offered when the question was empty. */
export const DEFAULT_EXAMPLE =
  'What did Pranay Vaddi say about military cooperation between Russia and North Korea?';
/** Footer under an answer, saying what the bot does. */
export const ANSWER_FOOTER = 'Quoted verbatim from the briefings';
export const HELPFUL_PROMPT = 'Was this helpful?';

export const DECLINE_HEADLINE = "The briefings don't cover this.";
/** How to narrow a question to some briefings, for the help. */
export const NARROW_HINT =
  'Name a source or a time to look only there: "what did Reuters report about…", "…this week"';
export const WEAK_MATCH_LINE =
  'Some of its words appear in the briefings, but no passage answers the question.';

/** "The briefings never mention: a, b and 3 more", at most about `max` characters; "" when there is no term to name. */
export function neverMentionLine(terms: readonly string[], esc: (s: string) => string, max = 300): string {
  const head = 'The briefings never mention: ';
  const shown: string[] = [];
  let len = head.length;
  let consumed = 0;
  for (const t of terms) {
    // Terms are single words; cap a pathological one before formatting.
    const e = esc(truncateWords(oneLine(t), 60, { markdown: false }));
    if (e === '') {
      consumed++;
      continue;
    }
    // Leave room for " and 9999 more".
    if (shown.length > 0 && len + 2 + e.length > max - 15) break;
    shown.push(e);
    len += e.length + 2;
    consumed++;
  }
  if (shown.length === 0) return '';
  const rest = terms.length - consumed;
  return head + shown.join(', ') + (rest > 0 ? ` and ${rest} more` : '');
}

/** The example prompt for an empty question, with the example already formatted by the caller. */
export function askPromptLine(example: string): string {
  return `Ask me a question about the briefings, for example: ${example}`;
}

/**
 * The lines of a decline, in order: why the bot has no answer. `esc` formats a term for the
 * target (escaping for Discord, nothing for the terminal); `example` is the formatted example question.
 */
export function declineLines(
  answer: Pick<Answer, 'reason' | 'notCovered' | 'scope' | 'period' | 'searched'>,
  esc: (s: string) => string,
  example: string,
): string[] {
  if (answer.reason === 'empty') return [askPromptLine(example)];
  const lines = [
    answer.scope?.length || answer.period
      ? scopedDeclineHeadline(answer.scope ?? [], esc, answer.period)
      : DECLINE_HEADLINE,
  ];
  // Nothing was searched: no briefing (of those sources) is dated then.
  if (answer.searched === 0 && answer.period) {
    const from = answer.scope?.length ? ` from ${sourceList(answer.scope, esc)}` : '';
    lines.push(`No briefing${from} is dated ${scopePart(answer.period, esc)}.`);
    return lines;
  }
  const terms = answer.notCovered ?? [];
  const never = neverMentionLine(terms, esc);
  if (never) lines.push(never);
  else if (answer.reason === 'weak_match') lines.push(WEAK_MATCH_LINE);
  return lines;
}

/** Source names in a headline are cut to this, and at most two named. */
const SCOPE_NAME_MAX = 60;

/**
 * "The briefings from Coast Radio don't cover this.", "The briefings from this week don't cover
 * this.": declined, where or when the question said to look.
 */
export function scopedDeclineHeadline(
  scope: readonly string[],
  esc: (s: string) => string,
  period?: string,
): string {
  const where = [sourceList(scope, esc), period ? scopePart(period, esc) : ''].filter(Boolean);
  return `The briefings from ${where.join(' from ')} don't cover this.`;
}

/** A source name or a period on one line, cut, escaped. */
function scopePart(text: string, esc: (s: string) => string): string {
  return esc(truncateWords(oneLine(text), SCOPE_NAME_MAX, { markdown: false }));
}

/** "Coast Radio", "Coast Radio and Gazette", "Coast Radio, Gazette and 2 more"; "" for none. */
function sourceList(scope: readonly string[], esc: (s: string) => string): string {
  return firstOf(
    scope.slice(0, 2).map((name) => scopePart(name, esc)),
    scope.length,
  );
}

/** "1 passage", "12 passages". */
export function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Which part of a list a page shows, the `shown` from `offset`: "Showing 11–20 of 2,002", or
 * with a `noun` "Showing 11–20 of 2,002 briefings".
 */
export function showingLine(offset: number, shown: number, total: number, noun?: string): string {
  const range = `${(offset + 1).toLocaleString('en-US')}–${(offset + shown).toLocaleString('en-US')}`;
  return `Showing ${range} of ${noun === undefined ? total.toLocaleString('en-US') : plural(total, noun)}`;
}

// ---------------------------------------------------------------------------------------------
// Chat intents ("hi", "thanks", "help", "sources?", "tldr"): what the bot says back.

/** What the bot does, in one sentence: said in the greeting and the help. */
export const BOT_PURPOSE =
  'I answer questions about the news briefings by quoting the passages that answer them, with their sources.';
/** The second sentence of the help. */
export const NO_GUESS_LINE = "If the briefings don't cover something, I say so rather than guess.";
/** How to get the list of briefings and their summaries by chatting; `quote` formats a typed word. */
export function chatHintLine(quote: (s: string) => string): string {
  return `Say ${quote('sources')} for the list of briefings, ${quote('tldr')} for the gist of each, or ${quote('tldr of')} and a briefing's name for one.`;
}

/** The reply to a greeting, with the example question already formatted by the caller. */
export function greetingLine(example: string): string {
  return `Hi! ${BOT_PURPOSE} Try asking: ${example}`;
}
/** The reply to thanks. */
export const THANKS_LINE = "You're welcome! Ask me anything else about the briefings.";
/** Said for "sources?" or "tldr" when the knowledge folder has no briefing. */
export const NO_BRIEFINGS_LINE = 'No briefings are loaded yet.';

/** The heading over a summary: "Summary of <title>" for one briefing, "Summary of 3 briefings" for several. */
export function summaryHeading(titles: readonly string[]): string {
  if (titles.length === 1) return `Summary of ${titles[0] || 'the briefing'}`;
  return `Summary of ${plural(titles.length, 'briefing')}`;
}
