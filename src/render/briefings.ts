/**
 * Renders the list of briefings, one briefing, the help text and short notices.
 */
import type { APIEmbed } from 'discord.js';
import type { BriefingList } from '../answer/lookup.js';
import type { BriefingSummary } from '../answer/types.js';
import { attributionParts, safeUrl } from './excerpt.js';
import { LIMITS } from './limits.js';
import type { MessageOptions, RenderedMessage } from './message.js';
import { message } from './message.js';
import { pager } from './search.js';
import {
  cleanText,
  inline,
  neutraliseMentions,
  oneLine,
  safeMarkdown,
  sanitiseUserText,
  stripInvisible,
  truncateSentences,
  truncateWords,
} from './text.js';
import {
  BOT_PURPOSE,
  chatHintLine,
  NARROW_HINT,
  NO_BRIEFINGS_LINE,
  NO_GUESS_LINE,
  plural,
  showingLine,
} from './wording.js';

const COLOR_INFO = 0x3b82f6;
/** In the list, a title and a source are cut to these. */
const LIST_TITLE_MAX = 120;
const LIST_SOURCE_MAX = 100;
const LIST_URL_MAX = 200;
/** The opening passage shown by `renderBriefing` is cut (at a sentence) to this. */
const OPENING_MAX = 1500;
/** At most this many example questions in the help. */
const MAX_EXAMPLES = 10;

/** A page of the list holds this many lines at most, each short enough that a full page always fits. */
const PAGE_TITLE_MAX = 100;
const PAGE_SOURCE_MAX = 80;
const PAGE_URL_MAX = 150;
/**
 * Briefings per page of the list (`/sources`, and "sources" in the local chat): a page of the
 * longest lines still fits one embed.
 */
export const SOURCES_PAGE_SIZE = 10;

/** `**Title** · Source · 2024-01-02 · 12 passages`, the title a link when the briefing has an http(s) url. */
function sourceLine(
  b: BriefingSummary,
  max = { title: LIST_TITLE_MAX, source: LIST_SOURCE_MAX, url: LIST_URL_MAX },
): string {
  const { title, source, date } = attributionParts(b);
  const t = `**${inline(title, max.title) || 'Untitled briefing'}**`;
  const url = safeUrl(b.url, max.url);
  const parts = [url ? `[${t}](${url})` : t];
  if (source) parts.push(inline(source, max.source));
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
      ? `Showing ${lines.length} of ${plural(n, 'briefing')} · /sources pages through all of them`
      : `${plural(n, 'briefing')} · ${plural(passages, 'passage')}`;
  return message(
    { embeds: [{ color: COLOR_INFO, title, description: lines.join('\n'), footer: { text: footer } }] },
    opts,
  );
}

/** The lines of a page of briefings: as many as {@link SOURCES_PAGE_SIZE}, each cut so that they always fit. */
function pageLines(briefings: readonly BriefingSummary[]): string[] {
  const max = { title: PAGE_TITLE_MAX, source: PAGE_SOURCE_MAX, url: PAGE_URL_MAX };
  return briefings.slice(0, SOURCES_PAGE_SIZE).map((b) => `- ${sourceLine(b, max)}`);
}

/** The title of a list of briefings: how many there are, or what they match. */
function listTitle(query: string, total: number): string {
  const q = truncateWords(oneLine(sanitiseUserText(query)), LIMITS.embedTitle - 40);
  return q ? `Briefings matching: ${q}` : `Briefings (${total.toLocaleString('en-US')})`;
}

/**
 * One page of the list of briefings (`/sources`): newest first, or best first for a query, with
 * ◀ ▶ buttons and the total in the footer. At most {@link SOURCES_PAGE_SIZE} briefings a page.
 *
 * @param ids custom ids for the ◀ / ▶ buttons, null at either end (the button is then shown disabled)
 */
export function renderSourcesPage(
  list: Pick<BriefingList, 'query' | 'total' | 'offset' | 'briefings'>,
  ids: { prev: string | null; next: string | null },
  opts: MessageOptions = {},
): RenderedMessage {
  const total = Math.max(0, Math.trunc(list.total) || 0);
  const offset = Math.max(0, Math.trunc(list.offset) || 0);
  const query = list.query ?? '';
  const embed: APIEmbed = { color: COLOR_INFO, title: listTitle(query, total) };
  const lines = pageLines(list.briefings);
  if (lines.length === 0) {
    const shown = truncateWords(oneLine(sanitiseUserText(query)), 200);
    embed.description =
      total > 0
        ? 'No briefings on this page.'
        : shown
          ? `No briefing matches “${shown}”. /sources without a query lists them all.`
          : NO_BRIEFINGS_LINE;
    return message({ embeds: [embed], components: total > 0 ? pager(ids, offset > 0, false) : [] }, opts);
  }
  embed.description = lines.join('\n');
  const to = offset + lines.length;
  embed.footer = {
    text: `${showingLine(offset, lines.length, total, 'briefing')}${query ? '' : ', newest first'}`,
  };
  const hasPrev = offset > 0;
  const hasNext = to < total;
  return message(
    { embeds: [embed], components: hasPrev || hasNext ? pager(ids, hasPrev, hasNext) : [] },
    opts,
  );
}

/**
 * The reply to a name that fits several briefings alike (`/briefing name:` typed): the best of
 * them, and how to pick one.
 */
export function renderBriefingChoices(
  name: string,
  found: { total: number; briefings: readonly BriefingSummary[] },
  opts: MessageOptions = {},
): RenderedMessage {
  const q = truncateWords(oneLine(sanitiseUserText(name)), 100);
  const lines = pageLines(found.briefings);
  const total = Math.max(lines.length, Math.trunc(found.total) || 0);
  const more = total > lines.length ? `Showing ${lines.length} of ${total.toLocaleString('en-US')} · ` : '';
  return message(
    {
      embeds: [
        {
          color: COLOR_INFO,
          title: `${plural(total, 'briefing')} match “${q}”`,
          description: lines.join('\n'),
          footer: { text: `${more}Type more of the name, or pick one from the list as you type` },
        },
      ],
    },
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
    '- `/search` lists every passage that has all your words ("words in quotes" as a phrase)',
    '- `/sources` lists the briefings; `/briefing` shows one of them',
    `- ${NARROW_HINT}`,
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
