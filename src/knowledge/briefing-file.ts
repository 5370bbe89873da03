/**
 * An imported briefing as the file the loader reads: a file name from the title's slug, YAML front
 * matter, and the paragraphs escaped so that they read back as the same plain text. Pure.
 */
import { createHash } from 'node:crypto';
import { stringify as stringifyYaml } from 'yaml';
import { MAX_SOURCE_LENGTH, MAX_TITLE_LENGTH } from './load.js';
import { escapeMarkdown } from './markdown.js';

/** The fields the loader accepts, as an import fills them. */
export interface BriefingDraft {
  title: string;
  source: string;
  date?: string;
  url?: string;
  aliases?: string[];
  paragraphs: string[];
  /** Which of `paragraphs` are headings: written as `## …`. */
  headings?: number[];
  /** Which of `paragraphs` are list items: written as `- …`. */
  items?: number[];
}

/** Longest slug, in characters (the loader allows ids up to 128). */
const MAX_SLUG_LENGTH = 80;

/**
 * A file-name slug of a title: letters and digits of any script folded to ASCII where they have
 * an ASCII form, everything else a single `-`, at most {@link MAX_SLUG_LENGTH} characters cut at
 * a word; `briefing` when nothing is left. Never holds a path: `../../x` gives `x`.
 *
 * @example
 * slugify('Zürich & São Paulo sign a partnership'); // 'zurich-sao-paulo-sign-a-partnership'
 */
export function slugify(title: string): string {
  const ascii = title
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/ß/g, 'ss')
    .replace(/[æÆ]/g, 'ae')
    .replace(/[øØ]/g, 'o')
    .replace(/[œŒ]/g, 'oe')
    .replace(/[đĐ]/g, 'd')
    .replace(/[łŁ]/g, 'l')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  let slug = ascii;
  if (slug.length > MAX_SLUG_LENGTH) {
    const cut = slug.slice(0, MAX_SLUG_LENGTH + 1);
    slug = cut.includes('-') ? cut.slice(0, cut.lastIndexOf('-')) : cut.slice(0, MAX_SLUG_LENGTH);
  }
  return slug || 'briefing';
}

/**
 * `<slug>.md`, or `<slug>-2.md`, `<slug>-3.md`… when the id is taken (`taken` holds lowercase
 * ids of every briefing in both folders, and names of files already there).
 */
export function uniqueFileName(slug: string, taken: ReadonlySet<string>): string {
  if (!taken.has(slug)) return `${slug}.md`;
  for (let n = 2; ; n++) {
    const candidate = `${slug.slice(0, MAX_SLUG_LENGTH - String(n).length - 1)}-${n}`;
    if (!taken.has(candidate)) return `${candidate}.md`;
  }
}

/** One line, cut at a word to `max` characters. */
function cutLine(s: string, max: number): string {
  const line = s.replace(/\s+/g, ' ').trim();
  if (line.length <= max) return line;
  const cut = line.slice(0, max - 1);
  return `${cut.includes(' ') ? cut.slice(0, cut.lastIndexOf(' ')) : cut}…`;
}

/**
 * The briefing file's text: front matter (title, source, date, url, aliases; written by the YAML
 * library, so any title or source is quoted as it needs) and one escaped paragraph per block,
 * headings as `## …`, list items as `- …`.
 */
export function renderBriefingFile(draft: BriefingDraft): string {
  const front: Record<string, unknown> = {
    title: cutLine(draft.title, MAX_TITLE_LENGTH),
    source: cutLine(draft.source, MAX_SOURCE_LENGTH),
  };
  if (draft.date) front.date = draft.date;
  if (draft.url) front.url = draft.url;
  if (draft.aliases?.length) front.aliases = draft.aliases.map((a) => cutLine(a, MAX_TITLE_LENGTH));
  const yaml = stringifyYaml(front, { lineWidth: 0 }).trimEnd();
  const headings = new Set(draft.headings);
  const items = new Set(draft.items);
  const body = draft.paragraphs
    .map((p, i) => {
      const text = escapeMarkdown(p);
      return text && headings.has(i) ? `## ${text}` : text && items.has(i) ? `- ${text}` : text;
    })
    .filter((p) => p !== '')
    .join('\n\n');
  return `---\n${yaml}\n---\n\n${body}\n`;
}

/**
 * What "the same body text" means for duplicates: the paragraphs' letters and digits, folded,
 * hashed. Spacing, punctuation, case and accents do not make a copy new.
 */
export function bodyKey(paragraphs: readonly string[]): string {
  const folded = paragraphs
    .join(' ')
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return createHash('sha256').update(folded).digest('hex').slice(0, 32);
}

/**
 * A URL as compared for duplicates: no fragment, lowercase scheme and host (the URL parser's
 * work), no default port, no trailing slash on the path, and no `utm_*` tracking parameters.
 */
export function urlKey(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    url.hash = '';
    for (const key of [...url.searchParams.keys()]) if (/^utm_/i.test(key)) url.searchParams.delete(key);
    url.pathname = url.pathname.replace(/\/+$/, '') || '/';
    return url.href.replace(/\/$/, '');
  } catch {
    return undefined;
  }
}

/** {@link urlKey} of each URL that has one, without repeats, in order: a briefing's URLs as duplicates compare them. */
export function urlKeys(urls: ReadonlyArray<string | undefined>): string[] {
  return [...new Set(urls.map(urlKey).filter((k): k is string => k !== undefined))];
}
