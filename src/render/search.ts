/**
 * Renders a page of search results: a compact numbered list of passages with ◀ / ▶ paging.
 */
import type { APIEmbed } from 'discord.js';
import type { SearchResult } from '../answer/search.js';
import type { Excerpt } from '../answer/types.js';
import { excerptMarkdown, mergeHighlights } from './excerpt.js';
import { LIMITS } from './limits.js';
import type { ButtonRow, MessageOptions, RenderedMessage } from './message.js';
import { button, buttonRows, message } from './message.js';
import {
  escapeMarkdown,
  neutraliseMentions,
  oneLine,
  sanitiseUserText,
  stripInvisible,
  truncateWords,
} from './text.js';
import { neverMentionLine, showingLine } from './wording.js';

const COLOR_SEARCH = 0x3b82f6;
/**
 * Passages per page of search results (`/search`, and "search" in the local chat): more than an
 * answer shows, as search is for browsing.
 */
export const SEARCH_PAGE_SIZE = 8;
/** How much of a passage a list line shows (markdown characters). */
const SNIPPET_MAX = 220;
/** The briefing title after a passage is cut to this. */
const TITLE_MAX = 80;
/** When the first matched word starts later than this, the snippet starts shortly before it instead. */
const WINDOW_AFTER = 140;
const WINDOW_LEAD = 60;
/** Custom ids for the disabled buttons at either end (they can't be clicked, but must be unique). */
const DISABLED_PREV = 'render:search:prev:disabled';
const DISABLED_NEXT = 'render:search:next:disabled';

/**
 * One passage shortened for a list: starts a little before the first matched word if that word
 * is far in, then cut at a word to {@link SNIPPET_MAX}, matched words in bold.
 */
function snippet(ex: Excerpt): string {
  const text = ex.text ?? '';
  const hs = mergeHighlights(text, ex.highlights ?? []);
  let start = 0;
  const first = hs[0];
  if (first && first.start > WINDOW_AFTER) {
    start = Math.max(0, first.start - WINDOW_LEAD);
    // Move forward to the start of a word.
    while (start < first.start && !/\s/.test(text[start - 1] ?? ' ')) start++;
  }
  const md = excerptMarkdown({
    text: text.slice(start),
    highlights: hs.map((h) => ({ start: h.start - start, end: h.end - start })),
  });
  return (start > 0 ? '…' : '') + truncateWords(md, SNIPPET_MAX);
}

/** One numbered line: `**6.** passage… — *Briefing title*`. */
function line(n: number, ex: Excerpt): string {
  const title = truncateWords(
    neutraliseMentions(escapeMarkdown(oneLine(stripInvisible(ex.title ?? '')))),
    TITLE_MAX,
  );
  return `**${n}.** ${snippet(ex) || '…'}${title ? ` — *${title}*` : ''}`;
}

/** What a page of search results shows: the engine's `SearchResult` (how it matched is optional). */
export type SearchPage = Pick<SearchResult, 'total' | 'excerpts'> &
  Partial<Pick<SearchResult, 'match' | 'words' | 'notFound'>>;

/** Said for a search with nothing to look for (only stop words or punctuation). */
export const SEARCH_EMPTY_LINE = 'Nothing to search for: give a word or a name, for example “sanctions”.';
export const SEARCH_NONE_LINE = 'No passage in the briefings matches that.';

/**
 * The line over a list of passages that have only some of the words: "No passage has all of: a,
 * b; passages with some of them:", after the words no passage has, if any. `esc` formats a word
 * for the target (escaping for Discord, nothing for the terminal). Empty when every word matched.
 */
export function searchNoteLines(result: SearchPage, esc: (s: string) => string): string[] {
  const never = neverMentionLine(result.notFound ?? [], esc);
  if (result.match === 'empty') return [SEARCH_EMPTY_LINE];
  if (result.match === 'none' || result.total === 0)
    return never ? [SEARCH_NONE_LINE, never] : [SEARCH_NONE_LINE];
  if (result.match !== 'some') return [];
  const words = (result.words ?? []).map((w) => esc(truncateWords(oneLine(w), 60, { markdown: false })));
  const all = truncateWords(words.join(', '), 300, { markdown: false });
  const lines = [`No passage has all of: ${all}; passages with some of them:`];
  return never ? [never, ...lines] : lines;
}

/**
 * Renders one page of search results.
 *
 * @param query the search as typed (sanitised here before it is echoed)
 * @param result what the engine's `search` returned for this page; for a list of passages with
 *   only some of the words (`match: 'some'`), a line over the list says so
 * @param page where this page starts and how long pages are
 * @param ids custom ids for the ◀ / ▶ buttons, null at either end (the button is then shown disabled)
 * @throws RangeError if a custom id is empty or longer than 100 characters
 */
export function renderSearch(
  query: string,
  result: SearchPage,
  page: { offset: number; pageSize: number },
  ids: { prev: string | null; next: string | null },
  opts: MessageOptions = {},
): RenderedMessage {
  const q = truncateWords(oneLine(sanitiseUserText(query)), LIMITS.embedTitle - 'Search: '.length);
  const title = q ? `Search: ${q}` : 'Search';
  const total = Math.max(0, Math.trunc(result.total) || 0);
  const offset = Math.max(0, Math.trunc(page.offset) || 0);
  const embed: APIEmbed = { color: COLOR_SEARCH, title };

  const esc = (s: string): string => neutraliseMentions(escapeMarkdown(stripInvisible(s)));
  if (total === 0 || result.excerpts.length === 0) {
    embed.description =
      total === 0 ? searchNoteLines({ ...result, total }, esc).join('\n') : 'No passages on this page.';
    if (total > 0) embed.footer = { text: `${total.toLocaleString('en-US')} in all` };
    const rows = total > 0 ? pager(ids, offset > 0, false) : [];
    return message({ embeds: [embed], components: rows }, opts);
  }

  // The description holds as many lines as fit; the footer says exactly which ones are shown.
  const note = searchNoteLines(result, esc).join('\n');
  const budget = Math.min(LIMITS.embedDescription, LIMITS.embedTotal - title.length - 60) - note.length - 1;
  const lines: string[] = [];
  let used = 0;
  for (const [i, ex] of result.excerpts.slice(0, Math.max(1, Math.trunc(page.pageSize) || 1)).entries()) {
    const l = line(offset + i + 1, ex);
    if (used + l.length + (lines.length ? 1 : 0) > budget) break;
    lines.push(l);
    used += l.length + (lines.length > 1 ? 1 : 0);
  }
  const to = offset + lines.length;
  embed.description = note ? `${note}\n${lines.join('\n')}` : lines.join('\n');
  embed.footer = { text: showingLine(offset, lines.length, total) };
  const hasPrev = offset > 0;
  const hasNext = to < total;
  return message(
    { embeds: [embed], components: hasPrev || hasNext ? pager(ids, hasPrev, hasNext) : [] },
    opts,
  );
}

/** ◀ / ▶, each disabled when there is no page that way or no id for it (search results, the list of briefings). */
export function pager(
  ids: { prev: string | null; next: string | null },
  hasPrev: boolean,
  hasNext: boolean,
): ButtonRow[] {
  const prevOn = hasPrev && ids.prev !== null;
  const nextOn = hasNext && ids.next !== null;
  return buttonRows([
    button(prevOn && ids.prev !== null ? ids.prev : DISABLED_PREV, '◀ Previous', { disabled: !prevOn }),
    button(nextOn && ids.next !== null ? ids.next : DISABLED_NEXT, 'Next ▶', { disabled: !nextOn }),
  ]);
}
