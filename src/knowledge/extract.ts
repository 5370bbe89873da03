/**
 * From a web page, a text file or a Markdown file to the parts of a briefing: the article's
 * paragraphs as plain text, and its title, publisher, date and URL. Pure (no I/O).
 *
 * Web pages go through Mozilla's Readability (the Firefox reader view) over linkedom's DOM, which
 * keeps the article and drops navigation, sidebars, footers, share widgets, scripts and styles;
 * the metadata is read from the page before Readability reshapes it.
 */
import { parse as parseYaml } from 'yaml';
import { blockKinds, markdownBlocks, splitFrontMatter, tableRow, type MarkdownBlock } from './markdown.js';
import { ImportRefusal } from './refusal.js';

/** What an import found; any field may be missing and be given by the person importing. */
export interface ArticleParts {
  title?: string;
  /** The publisher. */
  source?: string;
  /** `YYYY-MM-DD`; only ever from the page's own metadata, never guessed. */
  date?: string;
  url?: string;
  aliases?: string[];
  /** Plain-text paragraphs, whitespace collapsed. */
  paragraphs: string[];
  /** Which of `paragraphs` are headings (ascending indices); none when absent. */
  headings?: number[];
  /** Which of `paragraphs` are list items (ascending indices); none when absent. */
  items?: number[];
}

/** A web page is refused as "no article text" below this many letters and digits (a file someone wrote is not). */
export const MIN_ARTICLE_CHARACTERS = 80;

// ─────────────────────────────── a minimal DOM, as linkedom provides it ───────────────────────────────

interface DomNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
}
interface DomElement extends DomNode {
  tagName: string;
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  remove(): void;
}
interface DomDocument extends DomElement {
  documentElement: DomElement | null;
  head: DomElement | null;
  body: DomElement | null;
}

const ELEMENT = 1;
const TEXT = 3;

/**
 * linkedom and Readability, loaded on the first page read: together about 5 MB of heap that a bot
 * which never imports does not carry.
 */
const importHtmlLibraries = () => Promise.all([import('linkedom'), import('@mozilla/readability')]);
let htmlLibraries: ReturnType<typeof importHtmlLibraries> | undefined;
const loadHtmlLibraries = () => (htmlLibraries ??= importHtmlLibraries());

function parseDocument(parseHTML: (html: string) => unknown, html: string): DomDocument {
  // linkedom reads only the first element of a document without <html>.
  const wrapped = /<html[\s>]/i.test(html) ? html : `<!DOCTYPE html><html><head></head><body>${html}</body></html>`;
  return (parseHTML(wrapped) as { document: unknown }).document as DomDocument;
}

const text = (s: string | null | undefined): string => (s ?? '').replace(/\s+/g, ' ').trim();

// ─────────────────────────────── metadata ───────────────────────────────

function meta(doc: DomDocument, ...keys: string[]): string | undefined {
  for (const key of keys) {
    for (const attr of ['property', 'name', 'itemprop']) {
      const value = text(doc.querySelector(`meta[${attr}="${key}"]`)?.getAttribute('content'));
      if (value) return value;
    }
  }
  return undefined;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every object in the page's JSON-LD blocks, `@graph`s and arrays flattened. */
function jsonLdNodes(doc: DomDocument): Json[] {
  const nodes: Json[] = [];
  const visit = (v: unknown, depth: number): void => {
    if (depth > 4) return;
    if (Array.isArray(v)) v.forEach((x) => visit(x, depth + 1));
    else if (isObject(v)) {
      nodes.push(v);
      if (v['@graph']) visit(v['@graph'], depth + 1);
    }
  };
  for (const script of Array.from(doc.querySelectorAll('script[type="application/ld+json"]'))) {
    try {
      visit(JSON.parse(script.textContent ?? ''), 0);
    } catch {
      // A broken block is skipped, as browsers and search engines skip it.
    }
  }
  return nodes;
}

const ARTICLE_TYPES = /^(Article|NewsArticle|ReportageNewsArticle|AnalysisNewsArticle|BackgroundNewsArticle|OpinionNewsArticle|ReviewNewsArticle|BlogPosting|Report|ScholarlyArticle|TechArticle|PressRelease|SocialMediaPosting|LiveBlogPosting)$/;

function types(node: Json): string[] {
  const t = node['@type'];
  return (Array.isArray(t) ? t : [t]).filter((x): x is string => typeof x === 'string');
}

function jsonLdString(v: unknown): string | undefined {
  if (typeof v === 'string') return text(v) || undefined;
  if (Array.isArray(v)) return jsonLdString(v[0]);
  return undefined;
}

/** The article node of the page's JSON-LD, with its headline, date and publisher name. */
function jsonLdArticle(doc: DomDocument): { headline?: string; datePublished?: string; publisher?: string } {
  const nodes = jsonLdNodes(doc);
  const article = nodes.find((n) => types(n).some((t) => ARTICLE_TYPES.test(t)));
  if (!article) return {};
  const byId = (ref: unknown): Json | undefined =>
    isObject(ref) && typeof ref['@id'] === 'string' && Object.keys(ref).length === 1
      ? nodes.find((n) => n !== ref && n['@id'] === ref['@id'])
      : undefined;
  let publisher: unknown = article.publisher;
  if (Array.isArray(publisher)) publisher = publisher[0];
  publisher = byId(publisher) ?? publisher;
  const publisherName = isObject(publisher) ? jsonLdString(publisher.name) : jsonLdString(publisher);
  return {
    ...(jsonLdString(article.headline) ? { headline: jsonLdString(article.headline) } : {}),
    ...(jsonLdString(article.datePublished) ? { datePublished: jsonLdString(article.datePublished) } : {}),
    ...(publisherName ? { publisher: publisherName } : {}),
  };
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * A date as `YYYY-MM-DD`, from an ISO timestamp (its date as written, not moved to UTC: the
 * publisher's own day) or an English date such as "April 18, 2024" or "9 Feb 2024"; undefined
 * for anything else.
 */
export function normaliseDate(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const s = raw.trim();
  const valid = (y: number, m: number, d: number): string | undefined => {
    const date = new Date(Date.UTC(y, m - 1, d));
    if (y < 1900 || y > 2200 || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
    return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  };
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T\s])/.exec(s);
  if (iso) return valid(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const month = (name: string): number => MONTHS.indexOf(name.slice(0, 3).toLowerCase()) + 1;
  const dayFirst = /\b(\d{1,2})(?:st|nd|rd|th)?\.?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b/.exec(s);
  if (dayFirst && month(dayFirst[2]!) > 0) return valid(Number(dayFirst[3]), month(dayFirst[2]!), Number(dayFirst[1]));
  const monthFirst = /\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b/.exec(s);
  if (monthFirst && month(monthFirst[1]!) > 0)
    return valid(Number(monthFirst[3]), month(monthFirst[1]!), Number(monthFirst[2]));
  return undefined;
}

/** The publication date from a `<time>`: one marked as the publication date, else the first in the article. */
function timeElementDate(doc: DomDocument): string | undefined {
  const candidates = [
    ...Array.from(doc.querySelectorAll('time[itemprop="datePublished"], time[pubdate]')),
    ...Array.from(doc.querySelectorAll('article time, main time, [role="main"] time')),
  ];
  for (const el of candidates) {
    const date = normaliseDate(el.getAttribute('datetime') ?? undefined) ?? normaliseDate(text(el.textContent));
    if (date) return date;
  }
  return undefined;
}

/** Separators between a title and a site name: "Title | Site", "Title – Site", "Site :: Title"… */
const TITLE_SEPARATOR = /\s+(?:\||–|—|-|·|•|»|::)\s+/g;

const fold = (s: string): string =>
  s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');

const wordCount = (s: string): number => s.split(/\s+/).filter(Boolean).length;

/**
 * A title without the site's name at its end or start ("Headline | Site" → "Headline"). With
 * `generic`, a short last part is taken for a site name even when the site's name is not known
 * (only for `<title>`, where that is the custom); it is returned as `suffix`.
 *
 * @example
 * stripSiteName('Port strike ends - The Ledger', ['The Ledger']); // { title: 'Port strike ends', suffix: 'The Ledger' }
 */
export function stripSiteName(
  title: string,
  siteNames: readonly string[],
  generic = false,
): { title: string; suffix?: string } {
  const separators = [...title.matchAll(TITLE_SEPARATOR)];
  if (separators.length === 0) return { title };
  const firstSep = separators[0]!;
  const lastSep = separators[separators.length - 1]!;
  const before = title.slice(0, lastSep.index).trim();
  const last = title.slice(lastSep.index + lastSep[0].length).trim();
  const first = title.slice(0, firstSep.index).trim();
  const after = title.slice(firstSep.index + firstSep[0].length).trim();
  const names = siteNames.map(fold).filter(Boolean);
  const isSite = (part: string) => names.some((n) => fold(part) === n || fold(part) === `${n}com`);
  if (isSite(last) && before) return { title: before, suffix: last };
  if (isSite(first) && after) return { title: after };
  if (generic && wordCount(last) <= 6 && wordCount(before) >= 3) return { title: before, suffix: last };
  return { title };
}

/** `www.example.org` → `example.org`. */
function hostName(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const host = new URL(url).hostname.replace(/^www\./i, '').replace(/^\[|\]$/g, '');
    return host || undefined;
  } catch {
    return undefined;
  }
}

function httpUrl(raw: string | null | undefined, base: string | undefined): string | undefined {
  if (!raw) return undefined;
  try {
    const url = new URL(raw.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

interface PageMetadata {
  title?: string;
  source?: string;
  date?: string;
  url?: string;
}

/**
 * Title: og:title, JSON-LD headline, `<title>` without the site's name, the first `<h1>`.
 * Source: og:site_name, JSON-LD publisher, the site name at the end of `<title>`, the host name.
 * Date: article:published_time, JSON-LD datePublished, a `<time>`; never guessed.
 * URL: the page's canonical URL when it is on the same site, else the URL it was fetched from.
 */
function pageMetadata(doc: DomDocument, pageUrl: string | undefined): PageMetadata {
  const ld = jsonLdArticle(doc);
  const siteName = meta(doc, 'og:site_name') ?? ld.publisher;
  const canonical =
    httpUrl(doc.querySelector('link[rel="canonical"]')?.getAttribute('href'), pageUrl) ??
    httpUrl(meta(doc, 'og:url'), pageUrl);
  // A canonical link elsewhere than the page's own site is not trusted to name it.
  const url = pageUrl
    ? canonical && hostName(canonical) === hostName(pageUrl)
      ? canonical
      : pageUrl
    : canonical;
  const host = hostName(url);
  const known = [siteName, host].filter((s): s is string => Boolean(s));
  const headTitle = text(doc.querySelector('title')?.textContent);
  const fromHead = headTitle ? stripSiteName(headTitle, known, true) : undefined;
  const h1 = text(doc.querySelector('h1')?.textContent);
  const og = meta(doc, 'og:title', 'twitter:title');
  const title =
    (og && stripSiteName(og, known).title) ||
    (ld.headline && stripSiteName(ld.headline, known).title) ||
    fromHead?.title ||
    h1 ||
    undefined;
  const source = siteName ?? fromHead?.suffix ?? host;
  const date =
    normaliseDate(meta(doc, 'article:published_time')) ?? normaliseDate(ld.datePublished) ?? timeElementDate(doc);
  return {
    ...(title ? { title } : {}),
    ...(source ? { source } : {}),
    ...(date ? { date } : {}),
    ...(url ? { url } : {}),
  };
}

// ─────────────────────────────── body ───────────────────────────────

/** Elements that start and end a paragraph. */
const BLOCKS = new Set(
  'ADDRESS ARTICLE ASIDE BLOCKQUOTE CAPTION CENTER DD DETAILS DIV DL DT FIELDSET FIGCAPTION FIGURE FOOTER FORM H1 H2 H3 H4 H5 H6 HEADER HR LI MAIN NAV OL P PRE SECTION SUMMARY TABLE TBODY TD TFOOT TH THEAD TR UL'.split(
    ' ',
  ),
);
/** Elements whose text is never article text. */
const SKIPPED = new Set(
  'SCRIPT STYLE NOSCRIPT TEMPLATE SVG MATH IFRAME OBJECT EMBED CANVAS VIDEO AUDIO BUTTON INPUT SELECT TEXTAREA OPTION LABEL FORM'.split(
    ' ',
  ),
);

/** Heading elements: their paragraph is the title of a section. */
const HEADINGS = new Set(['H1', 'H2', 'H3', 'H4', 'H5', 'H6']);

/** The element children of a node. */
const elements = (node: DomNode): DomNode[] => Array.from(node.childNodes).filter((c) => c.nodeType === ELEMENT);

/**
 * A table's rows as paragraphs, each cell after its column's header ("Department: Fire; 2027:
 * $47M"), as the Markdown loader reads a table; the header is the first row when it holds only
 * header cells. Rows of tables nested inside are not read.
 */
function tableRows(table: DomNode): string[] {
  const rows: DomNode[] = [];
  const collect = (node: DomNode): void => {
    for (const child of elements(node)) {
      const tag = child.nodeName.toUpperCase();
      if (tag === 'TR') rows.push(child);
      else if (tag === 'THEAD' || tag === 'TBODY' || tag === 'TFOOT') collect(child);
    }
  };
  collect(table);
  const cellsOf = (row: DomNode) =>
    elements(row).filter((c) => /^T[HD]$/i.test(c.nodeName));
  const first = rows[0] ? cellsOf(rows[0]) : [];
  const hasHeader = first.length > 0 && first.every((c) => c.nodeName.toUpperCase() === 'TH');
  const header = hasHeader ? first.map((c) => text(c.textContent)) : [];
  return rows
    .slice(hasHeader ? 1 : 0)
    .map((row) => tableRow(header, cellsOf(row).map((c) => text(c.textContent))))
    .filter((row) => /[\p{L}\p{N}]/u.test(row));
}

/**
 * The text of an element as paragraphs: one per block element, `<br><br>` also separating; a
 * table one per row, and headings marked.
 */
function paragraphsOf(root: DomNode): MarkdownBlock[] {
  const out: MarkdownBlock[] = [];
  let current = '';
  let breaks = 0;
  let heading = false;
  let item = false;
  const flush = () => {
    const p = text(current);
    if (/[\p{L}\p{N}]/u.test(p))
      out.push(heading ? { text: p, heading: true } : item ? { text: p, item: true } : { text: p });
    current = '';
    breaks = 0;
  };
  const walk = (node: DomNode): void => {
    if (node.nodeType === TEXT) {
      if (/\S/.test(node.textContent ?? '')) breaks = 0;
      current += node.textContent ?? '';
      return;
    }
    if (node.nodeType !== ELEMENT) return;
    const tag = node.nodeName.toUpperCase();
    if (SKIPPED.has(tag)) return;
    if (tag === 'BR') {
      breaks++;
      if (breaks >= 2) flush();
      else current += ' ';
      return;
    }
    if (tag === 'TABLE') {
      flush();
      for (const row of tableRows(node)) out.push({ text: row });
      return;
    }
    const block = BLOCKS.has(tag);
    if (block) flush();
    const [wasHeading, wasItem] = [heading, item];
    if (HEADINGS.has(tag)) heading = true;
    if (tag === 'LI') item = true;
    for (const child of Array.from(node.childNodes)) walk(child);
    if (block) flush();
    else current += tag === 'TD' || tag === 'TH' ? ' ' : '';
    [heading, item] = [wasHeading, wasItem];
  };
  walk(root);
  flush();
  return out;
}

/** Site furniture that Readability sometimes leaves at the start or end of an article. */
const FURNITURE =
  /(©|\bcopyright\b|all rights reserved|\b(page|site) maintained by\b|\blast (changed|updated|modified)\b|\bprivacy policy\b|\bcookies?\b|\bsign up\b|\bsubscribe\b|\bshare (this|on)\b|\bfollow us\b)/i;

/**
 * What Readability keeps that is not article text: a section label or "Advertisement" (a few
 * words, no sentence, not a heading), a dateline repeating the publication date, copyright,
 * cookie or sign-up lines as the first or last paragraph, and headings with no text after them.
 */
function dropLeftovers(paragraphs: MarkdownBlock[], metadata: PageMetadata): MarkdownBlock[] {
  const kept = paragraphs.filter(({ text: p, heading }) => {
    const words = wordCount(p);
    if (words <= 3 && !heading && !/[.!?…:;"”’)]$/.test(p)) return false;
    if (metadata.date && words <= 8 && normaliseDate(p) === metadata.date) return false;
    return true;
  });
  const furniture = (b: MarkdownBlock | undefined) =>
    b !== undefined && wordCount(b.text) <= 25 && FURNITURE.test(b.text);
  while (furniture(kept[kept.length - 1]) || kept[kept.length - 1]?.heading) kept.pop();
  while (furniture(kept[0])) kept.shift();
  return kept;
}

/** Readability gives up (and the page is refused) past this many elements. */
const MAX_ELEMENTS = 100_000;

const letters = (paragraphs: readonly string[]) =>
  paragraphs.reduce((n, p) => n + (p.match(/[\p{L}\p{N}]/gu)?.length ?? 0), 0);

/**
 * The article in an HTML page: its paragraphs and metadata (see {@link pageMetadata}).
 *
 * @param pageUrl where the page came from (after redirects), for the host name and the canonical URL
 * @throws ImportRefusal when the page has no article text
 */
export async function extractFromHtml(html: string, pageUrl?: string): Promise<ArticleParts> {
  const [{ parseHTML }, { Readability }] = await loadHtmlLibraries();
  const doc = parseDocument(parseHTML, html);
  const metadata = pageMetadata(doc, pageUrl);
  // Text that is never article text goes before Readability scores the page.
  for (const el of Array.from(doc.querySelectorAll('script, style, noscript, template, iframe, object, embed, svg'))) {
    el.remove();
  }
  let content: DomNode | null | undefined;
  try {
    const article = new Readability<DomNode>(doc as never, {
      maxElemsToParse: MAX_ELEMENTS,
      serializer: (node) => node as unknown as DomNode,
    }).parse();
    content = article?.content;
  } catch (error) {
    if (/Aborting parsing document/.test(String(error)))
      throw new ImportRefusal(`the page has more than ${MAX_ELEMENTS.toLocaleString('en-US')} elements; refused`);
    throw new ImportRefusal(`the page could not be read: ${(error as Error).message}`);
  }
  let blocks = dropLeftovers(content ? paragraphsOf(content) : [], metadata);
  // Readability usually drops the headline from the body; when it stays, it is the title, not a passage.
  const title = metadata.title;
  if (title && blocks.length > 0 && fold(blocks[0]!.text) === fold(title)) blocks = blocks.slice(1);
  const paragraphs = blocks.map((b) => b.text);
  if (letters(paragraphs) < MIN_ARTICLE_CHARACTERS) {
    throw new ImportRefusal('the page has no article text that could be extracted');
  }
  return { ...metadata, paragraphs, ...blockKinds(blocks) };
}

/** Plain text: paragraphs separated by blank lines; the first line is the title unless one is given. */
export function extractFromText(raw: string, options: { title?: string } = {}): ArticleParts {
  const lines = raw.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  let title: string | undefined;
  if (!options.title) {
    const first = lines.findIndex((l) => l.trim() !== '');
    if (first >= 0) {
      title = text(lines[first]);
      lines.splice(0, first + 1);
    }
  }
  const paragraphs = lines
    .join('\n')
    .split(/\n\s*\n/)
    .map(text)
    .filter((p) => /[\p{L}\p{N}]/u.test(p));
  if (paragraphs.length === 0) throw new ImportRefusal('the text has no paragraphs to import after its title line');
  return { ...(title ? { title } : {}), paragraphs };
}

/**
 * A Markdown file: front matter fields when present (title, source, date, url, aliases), the
 * body's paragraphs as the loader reads them; without a title, the first heading or line is it.
 *
 * @throws ImportRefusal when the front matter is not valid YAML, or the body is empty
 */
export function extractFromMarkdown(raw: string): ArticleParts {
  const { yaml, body } = splitFrontMatter(raw);
  let fields: Json = {};
  if (yaml !== null) {
    try {
      const parsed: unknown = parseYaml(yaml);
      if (parsed !== null && parsed !== undefined && !isObject(parsed))
        throw new Error('the front matter is not a set of fields');
      fields = (parsed as Json | null) ?? {};
    } catch (error) {
      throw new ImportRefusal(`the front matter is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  let blocks = markdownBlocks(body);
  let title = str(fields.title);
  if (!title && blocks.length > 0) {
    title = blocks[0]!.text;
    blocks = blocks.slice(1);
  }
  const paragraphs = blocks.map((b) => b.text);
  const kinds = blockKinds(blocks);
  if (paragraphs.length === 0) throw new ImportRefusal('the Markdown file has no body text');
  const date = fields.date instanceof Date ? fields.date.toISOString().slice(0, 10) : normaliseDate(str(fields.date));
  const aliases = Array.isArray(fields.aliases) ? fields.aliases.map(str).filter((a): a is string => !!a) : [];
  const url = str(fields.url);
  const source = str(fields.source);
  return {
    ...(title ? { title } : {}),
    ...(source ? { source } : {}),
    ...(date ? { date } : {}),
    ...(url ? { url } : {}),
    ...(aliases.length ? { aliases } : {}),
    paragraphs,
    ...kinds,
  };
}
