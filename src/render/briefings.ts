/**
 * Renders the list of briefings, one briefing, the help text and short notices.
 */
import type { APIEmbed } from 'discord.js';
import type { BriefingSummary } from '../answer/types.js';
import { attributionParts, safeUrl } from './excerpt.js';
import { LIMITS } from './limits.js';
import type { MessageOptions, RenderedMessage } from './message.js';
import { message } from './message.js';
import {
  cleanText,
  neutraliseMentions,
  oneLine,
  safeMarkdown,
  sanitiseUserText,
  stripInvisible,
  truncateSentences,
  truncateWords,
} from './text.js';
import { BOT_PURPOSE, chatHintLine, NO_BRIEFINGS_LINE, NO_GUESS_LINE, plural } from './wording.js';

const COLOR_INFO = 0x3b82f6;
/** In the list, a title and a source are cut to these. */
const LIST_TITLE_MAX = 120;
const LIST_SOURCE_MAX = 100;
const LIST_URL_MAX = 200;
/** The opening passage shown by `renderBriefing` is cut (at a sentence) to this. */
const OPENING_MAX = 1500;
/** At most this many example questions in the help. */
const MAX_EXAMPLES = 10;

/** Briefing-supplied text as one line of escaped markdown, cut at a word. */
const inline = (s: string | undefined, max: number): string =>
  truncateWords(safeMarkdown(oneLine(stripInvisible(s ?? ''))), max);

/** `**Title** · Source · 2024-01-02 · 12 passages`, the title a link when the briefing has an http(s) url. */
function sourceLine(b: BriefingSummary): string {
  const { title, source, date } = attributionParts(b);
  const t = `**${inline(title, LIST_TITLE_MAX) || 'Untitled briefing'}**`;
  const url = safeUrl(b.url, LIST_URL_MAX);
  const parts = [url ? `[${t}](${url})` : t];
  if (source) parts.push(inline(source, LIST_SOURCE_MAX));
  if (date) parts.push(inline(date, 32));
  parts.push(plural(Math.max(0, Math.trunc(b.passages) || 0), 'passage'));
  return parts.join(' · ');
}

/**
 * Lists every briefing (title, source, date when known, passage count), one line each. When
 * there are more than one message can hold, shows as many as fit and says how many are not shown.
 */
export function renderSources(
  summaries: readonly BriefingSummary[],
  opts: MessageOptions = {},
): RenderedMessage {
  const n = summaries.length;
  const title = n === 0 ? 'Briefings' : `Briefings (${n.toLocaleString('en-US')})`;
  if (n === 0) {
    return message({ embeds: [{ color: COLOR_INFO, title, description: NO_BRIEFINGS_LINE }] }, opts);
  }
  const budget = Math.min(LIMITS.embedDescription, LIMITS.embedTotal - title.length - 100);
  const lines: string[] = [];
  let used = 0;
  for (const b of summaries) {
    const l = `- ${sourceLine(b)}`;
    const add = l.length + (lines.length > 0 ? 1 : 0);
    if (used + add > budget) break;
    lines.push(l);
    used += add;
  }
  const passages = summaries.reduce((sum, b) => sum + Math.max(0, Math.trunc(b.passages) || 0), 0);
  const hidden = n - lines.length;
  const footer =
    hidden > 0
      ? `Showing ${lines.length} of ${plural(n, 'briefing')} · ${hidden.toLocaleString('en-US')} not shown`
      : `${plural(n, 'briefing')} · ${plural(passages, 'passage')}`;
  return message(
    { embeds: [{ color: COLOR_INFO, title, description: lines.join('\n'), footer: { text: footer } }] },
    opts,
  );
}

/** One briefing: its title (linked when it has an http(s) url), source, date, passage count and opening passage. */
export function renderBriefing(summary: BriefingSummary, opts: MessageOptions = {}): RenderedMessage {
  const { title, source, date } = attributionParts(summary);
  const embed: APIEmbed = {
    color: COLOR_INFO,
    title: inline(title, LIMITS.embedTitle) || 'Untitled briefing',
  };
  const url = safeUrl(summary.url, 2048);
  if (url) embed.url = url;
  const opening = safeMarkdown(cleanText(summary.opening ?? '')).replace(/\n+/g, ' ');
  if (opening) embed.description = `> ${truncateSentences(opening, OPENING_MAX)}`;
  embed.fields = [];
  if (source) embed.fields.push({ name: 'Source', value: inline(source, LIMITS.fieldValue) });
  if (date) embed.fields.push({ name: 'Date', value: inline(date, 64), inline: true });
  embed.fields.push({
    name: 'Passages',
    value: plural(Math.max(0, Math.trunc(summary.passages) || 0), 'passage'),
    inline: true,
  });
  const id = oneLine(stripInvisible(summary.id ?? ''));
  if (id) embed.footer = { text: truncateWords(`id: ${id}`, 200, { markdown: false }) };
  return message({ embeds: [embed] }, opts);
}

/** The help: what the bot does and how to ask, with example questions. */
export function renderHelp(examples: readonly string[], opts: MessageOptions = {}): RenderedMessage {
  const intro = [
    BOT_PURPOSE.replace('quoting the passages', '**quoting the passages**'),
    NO_GUESS_LINE,
    '',
    '**How to ask**',
    '- `/ask` followed by your question, or mention me with it, or send me a direct message',
    '- `/search` lists every passage that matches some words',
    '- `/sources` lists the briefings; `/briefing` shows one of them',
    `- ${chatHintLine((s) => `**${s}**`)}`,
  ].join('\n');
  const shown = examples
    // Example questions are ours, but are escaped like anything else that is echoed.
    .map((e) => truncateWords(oneLine(sanitiseUserText(e)), 200))
    .filter((e) => e !== '')
    .slice(0, MAX_EXAMPLES);
  const description =
    shown.length > 0 ? `${intro}\n\n**Try asking**\n${shown.map((e) => `- ${e}`).join('\n')}` : intro;
  return message({ embeds: [{ color: COLOR_INFO, title: 'Ask the briefings', description }] }, opts);
}

/**
 * A short notice (an error, a cooldown) as plain message content, cut at a sentence to fit.
 * The text is the bot's own and may use markdown; anything in it that came from a user must
 * already be sanitised (`sanitiseUserText`). Mentions are broken regardless and never ping.
 */
export function renderNotice(text: string, opts: MessageOptions = {}): RenderedMessage {
  const content = neutraliseMentions(stripInvisible(text)).trim();
  return message({ content: truncateSentences(content || '…', LIMITS.content) }, opts);
}
