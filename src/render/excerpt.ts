/**
 * Pieces for showing an excerpt: its text split into highlighted and plain runs, as Discord
 * markdown or plain text, and its attribution line. Shared by the Discord and terminal renderers.
 */
import type { Excerpt, Highlight } from '../answer/types.js';
import {
  escapeMarkdown,
  firstOf,
  neutraliseMentions,
  oneLine,
  safeMarkdown,
  stripInvisible,
  truncateWords,
} from './text.js';

/** A run of excerpt text, highlighted (a matched word) or not. */
export interface Run {
  text: string;
  bold: boolean;
}

const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;

/**
 * Cleans highlight ranges: clamped to the text, empty ones dropped, sorted, overlapping ones
 * merged, and ranges separated only by whitespace merged too ("**North Korea**", not
 * "**North** **Korea**"). Never splits a surrogate pair.
 */
export function mergeHighlights(text: string, highlights: readonly Highlight[]): Highlight[] {
  const fix = (i: number): number => {
    const n = Math.min(Math.max(Number.isFinite(i) ? Math.trunc(i) : 0, 0), text.length);
    // Move off the middle of a surrogate pair.
    return n > 0 && n < text.length && isHigh(text.charCodeAt(n - 1)) ? n + 1 : n;
  };
  const ranges = highlights
    .map((h) => ({ start: fix(h.start), end: fix(h.end) }))
    .filter((h) => h.end > h.start)
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Highlight[] = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last && (r.start <= last.end || /^\s*$/.test(text.slice(last.end, r.start))))
      last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

/**
 * The excerpt text as runs, every whitespace character made a plain space (an excerpt is shown
 * on one line), invisible characters removed, and whitespace kept out of the highlighted runs.
 */
export function excerptRuns(text: string, highlights: readonly Highlight[]): Run[] {
  const flat = text.replace(/\s/g, ' '); // one for one, so highlight offsets stay valid
  const runs: Run[] = [];
  const push = (s: string, bold: boolean): void => {
    const clean = stripInvisible(s).replace(/\s+/g, ' ');
    if (clean === '') return;
    if (!bold) {
      runs.push({ text: clean, bold });
      return;
    }
    // "** North**" does not render as bold in Discord: move edge spaces out of the bold run.
    const m = /^(\s*)(.*?)(\s*)$/su.exec(clean);
    const [lead = '', core = '', trail = ''] = m ? m.slice(1) : [];
    if (lead) runs.push({ text: lead, bold: false });
    if (core) runs.push({ text: core, bold: true });
    if (trail) runs.push({ text: trail, bold: false });
  };
  let at = 0;
  for (const h of mergeHighlights(flat, highlights)) {
    push(flat.slice(at, h.start), false);
    push(flat.slice(h.start, h.end), true);
    at = h.end;
  }
  push(flat.slice(at), false);
  // Trim the ends of the whole excerpt.
  const first = runs[0];
  if (first) first.text = first.text.replace(/^\s+/, '');
  const last = runs[runs.length - 1];
  if (last) last.text = last.text.replace(/\s+$/, '');
  // Coalesce neighbours of the same kind: "**a****b**" would not render as bold.
  const out: Run[] = [];
  for (const r of runs) {
    const prev = out[out.length - 1];
    if (r.text === '') continue;
    if (prev && prev.bold === r.bold) prev.text += r.text;
    else out.push({ ...r });
  }
  return out;
}

/** The excerpt as one line of Discord markdown: escaped, mentions broken, highlights in bold. */
export function excerptMarkdown(excerpt: Pick<Excerpt, 'text' | 'highlights'>): string {
  return excerptRuns(excerpt.text, excerpt.highlights ?? [])
    .map((r) => (r.bold ? `**${safeMarkdown(r.text)}**` : safeMarkdown(r.text)))
    .join('');
}

/** `url` if it is an absolute http(s) URL of at most `max` characters, in a form safe inside `[text](url)`. */
export function safeUrl(url: string | undefined, max = 512): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  // Parentheses would end a masked link early, and `*`, `|` or a backtick could be read as
  // formatting: percent-encode them (the URL serialiser already encodes spaces, quotes and <>).
  // `_` and `~` are left as they are: common in URLs, and harmless inside a link target.
  const href = parsed.href.replace(
    /[()*|`[\]\\]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
  return href.length <= max ? href : undefined;
}

/** Lengths the attribution's parts are cut to, so one line never crowds out the quotes. */
const TITLE_MAX = 150;
const SOURCE_MAX = 150;
const DATE_MAX = 32;
/** Longer links are left off rather than spend a quarter of a field on them. */
const URL_MAX = 300;

/** The visible parts of an attribution, cleaned to one line each (not escaped). */
export function attributionParts(excerpt: Pick<Excerpt, 'title' | 'source' | 'date'>): {
  title: string;
  source: string;
  date: string;
} {
  const part = (s: string | undefined): string => oneLine(stripInvisible(s ?? ''));
  return { title: part(excerpt.title), source: part(excerpt.source), date: part(excerpt.date) };
}

/**
 * The attribution line under a quote, as Discord markdown:
 * `— *Title* · Source · 2024-01-02`, the title a masked link when the excerpt has an http(s) url.
 */
export function attributionMarkdown(
  excerpt: Pick<Excerpt, 'title' | 'source' | 'date' | 'url' | 'alsoIn'>,
  opts: { link?: boolean } = {},
): string {
  const { title, source, date } = attributionParts(excerpt);
  const esc = (s: string, max: number): string => truncateWords(neutraliseMentions(escapeMarkdown(s)), max);
  const parts: string[] = [];
  if (title) {
    const t = `*${esc(title, TITLE_MAX)}*`;
    const url = opts.link === false ? undefined : safeUrl(excerpt.url, URL_MAX);
    parts.push(url ? `[${t}](${url})` : t);
  }
  if (source) parts.push(esc(source, SOURCE_MAX));
  if (date) parts.push(esc(date, DATE_MAX));
  const also = alsoInTitles(excerpt).map((t) => `*${esc(t, ALSO_IN_TITLE_MAX)}*`);
  return `— ${parts.length ? parts.join(' · ') : '*Untitled briefing*'}${alsoInSuffix(also, excerpt)}`;
}

/** The attribution line as plain text: `— Title · Source · 2024-01-02`. */
export function attributionText(excerpt: Pick<Excerpt, 'title' | 'source' | 'date' | 'alsoIn'>): string {
  const { title, source, date } = attributionParts(excerpt);
  const cut = (s: string, max: number): string => truncateWords(s, max, { markdown: false });
  const parts = [cut(title, TITLE_MAX), cut(source, SOURCE_MAX), cut(date, DATE_MAX)].filter((p) => p !== '');
  const also = alsoInTitles(excerpt).map((t) => cut(t, ALSO_IN_TITLE_MAX));
  return `— ${parts.length ? parts.join(' · ') : 'Untitled briefing'}${alsoInSuffix(also, excerpt)}`;
}

/** Other briefings' titles are cut to this, and at most ALSO_IN_NAMED of them named. */
const ALSO_IN_TITLE_MAX = 80;
const ALSO_IN_NAMED = 2;

/** The titles of the first few other briefings that give the same quote (cleaned, not escaped). */
function alsoInTitles(excerpt: Pick<Excerpt, 'alsoIn'>): string[] {
  return (excerpt.alsoIn ?? [])
    .slice(0, ALSO_IN_NAMED)
    .map((b) => attributionParts(b).title || 'Untitled briefing');
}

/** ` (also in *A*, *B* and 2 more)`, or nothing when no other briefing gives the quote. */
function alsoInSuffix(named: string[], excerpt: Pick<Excerpt, 'alsoIn'>): string {
  return named.length ? ` (also in ${firstOf(named, excerpt.alsoIn?.length ?? 0)})` : '';
}
