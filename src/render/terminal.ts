/**
 * Renders an {@link Answer} as terminal text, for `npm run ask` and the local chat: the same
 * quotes, sources and wording as on Discord, with ANSI bold instead of markdown.
 */
import type { Answer, BriefingSummary, ChatIntent, Excerpt } from '../answer/types.js';
import { attributionParts, attributionText, excerptRuns, safeUrl } from './excerpt.js';
import { searchNoteLines, type SearchPage } from './search.js';
import { oneLine, stripInvisible, truncateSentences, truncateWords } from './text.js';
import {
  BOT_PURPOSE,
  chatHintLine,
  DEFAULT_EXAMPLE,
  declineLines,
  greetingLine,
  NARROW_HINT,
  NO_BRIEFINGS_LINE,
  NO_GUESS_LINE,
  plural,
  RELATED_HEADING,
  showingLine,
  summaryHeading,
  THANKS_LINE,
} from './wording.js';

/** Options for {@link renderAnswerText}. */
export interface TextRenderOptions {
  /** Use ANSI escapes: matched words in bold, sources dimmed (default false). */
  color?: boolean;
  /** Wrap quotes to this many columns, repeating `> ` on every line (default: no wrapping). */
  width?: number;
  /** Example question suggested when the question was empty. */
  example?: string;
  /**
   * Example questions the engine answers: listed when the message asked for help, and the first
   * suggested in reply to a greeting (default: `example` alone).
   */
  examples?: readonly string[];
}

const BOLD = '\x1b[1m';
const DIM = '\x1b[2m';
/** Ends bold and dim alike. */
const NORMAL = '\x1b[22m';
/** A quote longer than this is cut at a sentence (the engine's excerpts are far shorter). */
const QUOTE_MAX = 2000;
/** Narrower than this, wrapping does more harm than good. */
const MIN_WIDTH = 20;

/** The excerpt quoted with `> `, matched words in bold when `color` is on. */
function quote(ex: Pick<Excerpt, 'text' | 'highlights'>, opts: TextRenderOptions): string {
  // A plain string plus a per-character bold mask, so cutting and wrapping can work on plain text.
  let plain = '';
  const mask: boolean[] = [];
  for (const r of excerptRuns(ex.text ?? '', ex.highlights ?? [])) {
    plain += r.text;
    for (let i = 0; i < r.text.length; i++) mask.push(r.bold);
  }
  const cut = truncateSentences(plain, QUOTE_MAX, { markdown: false });
  // A trailing "…" added by the cut is not part of any matched word.
  if (cut !== plain) mask.fill(false, cut.endsWith('…') ? cut.length - 1 : cut.length);
  plain = cut;
  const width = opts.width !== undefined && opts.width >= MIN_WIDTH ? Math.floor(opts.width) - 2 : Infinity;
  return wrap(plain, width)
    .map(([start, end]) => `> ${styled(plain, mask, start, end, opts.color ?? false)}`)
    .join('\n');
}

/** Greedy word wrap: `[start, end)` ranges of `s` no longer than `width` (a longer word gets a line of its own). */
function wrap(s: string, width: number): [number, number][] {
  if (s.length <= width) return [[0, s.length]];
  const lines: [number, number][] = [];
  let start = 0;
  while (start < s.length) {
    if (s.length - start <= width) {
      lines.push([start, s.length]);
      break;
    }
    let cut = s.lastIndexOf(' ', start + width);
    if (cut <= start) cut = s.indexOf(' ', start + width);
    if (cut < 0) {
      lines.push([start, s.length]);
      break;
    }
    lines.push([start, cut]);
    start = cut + 1;
  }
  return lines;
}

/** `s[start, end)` with the masked characters in ANSI bold (bold never runs past the line end). */
function styled(s: string, mask: boolean[], start: number, end: number, color: boolean): string {
  if (!color) return s.slice(start, end);
  let out = '';
  let bold = false;
  for (let i = start; i < end; i++) {
    const want = mask[i] ?? false;
    if (want !== bold) out += want ? BOLD : NORMAL;
    bold = want;
    out += s[i] ?? '';
  }
  return bold ? out + NORMAL : out;
}

/** The quote, then the source (and link) indented under it. */
function block(ex: Excerpt, opts: TextRenderOptions): string {
  const dim = (s: string): string => (opts.color ? `${DIM}${s}${NORMAL}` : s);
  const lines = [quote(ex, opts), `  ${dim(attributionText(ex))}`];
  const url = safeUrl(ex.url, 2048);
  if (url) lines.push(`  ${dim(url)}`);
  return lines.join('\n');
}

/** The help, as the terminal shows it: what the bot does, how to ask, example questions. */
export function renderHelpText(examples: readonly string[]): string {
  const clean = (s: string): string => truncateWords(oneLine(stripInvisible(s)), 200, { markdown: false });
  const lines = [
    BOT_PURPOSE,
    NO_GUESS_LINE,
    '',
    'Ask a question in plain words.',
    `${NARROW_HINT}.`,
    chatHintLine((s) => `"${s}"`),
  ];
  const shown = examples.map(clean).filter((e) => e !== '');
  if (shown.length > 0) lines.push('', 'Try asking:', ...shown.slice(0, 10).map((e) => `- ${e}`));
  return lines.join('\n');
}

/**
 * The list of briefings, one line each: `- Title · Source · 2024-01-02 · 12 passages`. With
 * `page` (a page of a longer list, or of what a query names), the heading says the query and the
 * total, and a last line which of them are shown when that is not all.
 */
export function renderSourcesText(
  briefings: readonly BriefingSummary[],
  page?: { total: number; offset: number; query?: string },
): string {
  const clean = (s: string): string => oneLine(stripInvisible(s));
  const query = clean(page?.query ?? '');
  const total = page ? Math.max(0, Math.trunc(page.total) || 0) : briefings.length;
  const offset = page ? Math.max(0, Math.trunc(page.offset) || 0) : 0;
  if (briefings.length === 0) {
    if (total > 0) return 'No briefings on this page.';
    return query
      ? `No briefing matches “${truncateWords(query, 200, { markdown: false })}”.`
      : NO_BRIEFINGS_LINE;
  }
  const cut = (s: string, max: number): string => truncateWords(clean(s), max, { markdown: false });
  const lines = briefings.map((b) => {
    const { title, source, date } = attributionParts(b);
    const parts = [cut(title, 150) || 'Untitled briefing', cut(source, 150), cut(date, 32)];
    parts.push(plural(Math.max(0, Math.trunc(b.passages) || 0), 'passage'));
    return `- ${parts.filter((p) => p !== '').join(' · ')}`;
  });
  const heading = query
    ? `Briefings matching “${truncateWords(query, 200, { markdown: false })}” (${total.toLocaleString('en-US')}):`
    : `Briefings (${total.toLocaleString('en-US')}):`;
  const out = [heading, ...lines];
  if (offset > 0 || offset + briefings.length < total) out.push(showingLine(offset, briefings.length, total));
  return out.join('\n');
}

/**
 * A page of search results as text: the same lines as on Discord over the list ("No passage has
 * all of: …"), then each passage numbered, its matched words in bold (with `color`), its
 * briefing's title and source under it, and which results are shown of how many.
 */
export function renderSearchText(
  result: SearchPage,
  page: { offset: number },
  opts: Pick<TextRenderOptions, 'color' | 'width'> = {},
): string {
  const clean = (s: string): string => oneLine(stripInvisible(s));
  const note = searchNoteLines(result, clean);
  const total = Math.max(0, Math.trunc(result.total) || 0);
  const offset = Math.max(0, Math.trunc(page.offset) || 0);
  const shown = result.excerpts.filter((ex) => excerptRuns(ex.text ?? '', []).length > 0);
  if (total === 0) return note.join('\n');
  if (shown.length === 0) return `No passages on this page (there are ${total.toLocaleString('en-US')}).`;
  const dim = (s: string): string => (opts.color ? `${DIM}${s}${NORMAL}` : s);
  const items = shown.map((ex, i) => {
    const number = `${(offset + i + 1).toLocaleString('en-US')}. `;
    const indent = ' '.repeat(number.length);
    const text = quote(ex, {
      ...opts,
      width: opts.width === undefined ? undefined : opts.width - indent.length + 2,
    })
      .split('\n')
      .map((l, k) => `${k === 0 ? number : indent}${l.slice(2)}`);
    return [...text, `${indent}${dim(attributionText(ex))}`].join('\n');
  });
  const footer = showingLine(offset, shown.length, total);
  return [...note, ...items, footer].join('\n');
}

/** The reply to a chat intent; undefined for an intent this renderer does not know. */
function intentText(answer: Answer & { intent: ChatIntent }, opts: TextRenderOptions): string | undefined {
  const clean = (s: string): string => oneLine(stripInvisible(s));
  const examples = opts.examples ?? [opts.example ?? DEFAULT_EXAMPLE];
  switch (answer.intent) {
    case 'greeting':
      return greetingLine(`“${clean(examples[0] ?? opts.example ?? DEFAULT_EXAMPLE)}”`);
    case 'thanks':
      return THANKS_LINE;
    case 'help':
      return renderHelpText(examples);
    case 'sources':
      return renderSourcesText(answer.briefings ?? []);
    case 'summary': {
      const shown = answer.answered
        ? answer.excerpts.filter((ex) => excerptRuns(ex.text ?? '', []).length > 0)
        : [];
      if (shown.length === 0) return NO_BRIEFINGS_LINE;
      const titles = shown.map((b) => truncateWords(clean(b.title ?? ''), 150, { markdown: false }));
      return [`${summaryHeading(titles)}:`, ...shown.map((ex) => block(ex, opts))].join('\n\n');
    }
  }
  return undefined;
}

/**
 * Renders an answer as plain terminal text: each excerpt quoted with `> ` and its source under
 * it; for a decline, the same wording as on Discord, and a related passage only under a
 * "Related (not an answer):" heading. Control characters from the briefings or the question are
 * removed, so the text cannot carry terminal escapes of its own. No trailing newline. Chat
 * (`answer.intent`) gets the same replies as on Discord: a short line, the help, the list of
 * briefings, or a summary quoted like an answer under "Summary of <title>:".
 */
export function renderAnswerText(answer: Answer, opts: TextRenderOptions = {}): string {
  const chat = answer.intent ? intentText({ ...answer, intent: answer.intent }, opts) : undefined;
  if (chat !== undefined) return chat;
  const shown = answer.answered
    ? answer.excerpts.filter((ex) => excerptRuns(ex.text ?? '', []).length > 0)
    : [];
  if (shown.length > 0) return shown.map((ex) => block(ex, opts)).join('\n\n');
  const clean = (s: string): string => oneLine(stripInvisible(s));
  const reason = answer.answered ? 'weak_match' : answer.reason;
  const lines = declineLines({ ...answer, reason }, clean, `“${clean(opts.example ?? DEFAULT_EXAMPLE)}”`);
  const related = (answer.related ?? []).find((ex) => excerptRuns(ex.text ?? '', []).length > 0);
  if (related) lines.push('', `${RELATED_HEADING}:`, block(related, opts));
  return lines.join('\n');
}
