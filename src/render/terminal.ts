/**
 * Renders an {@link Answer} as terminal text, for `npm run ask` and the local chat: the same
 * quotes, sources and wording as on Discord, with ANSI bold instead of markdown.
 */
import type { Answer, Excerpt } from '../answer/types.js';
import { attributionText, excerptRuns, safeUrl } from './excerpt.js';
import { oneLine, stripInvisible, truncateSentences } from './text.js';
import { DEFAULT_EXAMPLE, declineLines, RELATED_HEADING } from './wording.js';

/** Options for {@link renderAnswerText}. */
export interface TextRenderOptions {
  /** Use ANSI escapes: matched words in bold, sources dimmed (default false). */
  color?: boolean;
  /** Wrap quotes to this many columns, repeating `> ` on every line (default: no wrapping). */
  width?: number;
  /** Example question suggested when the question was empty. */
  example?: string;
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

/**
 * Renders an answer as plain terminal text: each excerpt quoted with `> ` and its source under
 * it; for a decline, the same wording as on Discord, and a related passage only under a
 * "Related (not an answer):" heading. Control characters from the briefings or the question are
 * removed, so the text cannot carry terminal escapes of its own. No trailing newline.
 */
export function renderAnswerText(answer: Answer, opts: TextRenderOptions = {}): string {
  const shown = answer.answered
    ? answer.excerpts.filter((ex) => excerptRuns(ex.text ?? '', []).length > 0)
    : [];
  if (shown.length > 0) return shown.map((ex) => block(ex, opts)).join('\n\n');
  const clean = (s: string): string => oneLine(stripInvisible(s));
  const reason = answer.answered ? 'weak_match' : answer.reason;
  const lines = declineLines(
    { reason, notCovered: answer.notCovered ?? [] },
    clean,
    `“${clean(opts.example ?? DEFAULT_EXAMPLE)}”`,
  );
  const related = (answer.related ?? []).find((ex) => excerptRuns(ex.text ?? '', []).length > 0);
  if (related) lines.push('', `${RELATED_HEADING}:`, block(related, opts));
  return lines.join('\n');
}
