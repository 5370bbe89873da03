/**
 * Just enough Markdown for briefings: front matter, paragraphs, headings (kept apart: a section's
 * title, not a statement), list items, tables (one paragraph per row, each cell labelled by its
 * column), and inline markup removed so that passages are quoted as plain text (HTML tags are
 * dropped, their text kept).
 */

export interface FrontMatterSplit {
  /** The YAML between the `---` fences, or null when the file has none. */
  yaml: string | null;
  body: string;
}

/** Splits `---\n…\n---` front matter from the body. */
export function splitFrontMatter(text: string): FrontMatterSplit {
  const src = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const m = /^---[ \t]*\n([\s\S]*?)\n---[ \t]*(?:\n|$)/.exec(src);
  if (!m) return { yaml: null, body: src };
  return { yaml: m[1] ?? '', body: src.slice(m[0].length) };
}

/**
 * A backslash before ASCII punctuation makes it a literal character (CommonMark). While inline
 * markup is stripped, each escaped character stands in as a private-use code point, so that no
 * pattern below can see it; it is put back afterwards.
 */
const ESCAPED = /\\([!-/:-@[-`{-~])/g;
const PLACEHOLDER_BASE = 0xe000;
const PLACEHOLDER = /[\ue000-\ue07f]/g;

/** Removes inline Markdown (links, emphasis, code spans, images) from one line of prose; `\*` and other backslash escapes stay as the literal character. */
export function stripInline(line: string): string {
  return line
    .replace(ESCAPED, (_m, c: string) => String.fromCharCode(PLACEHOLDER_BASE + c.charCodeAt(0)))
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1') // images → alt text
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1') // links → text
    .replace(/\[([^\]]+)\]\[[^\]]*\]/g, '$1') // reference links
    .replace(/`([^`]+)`/g, '$1')
    .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, '$2')
    .replace(/(^|[^\w*])[*_](?=\S)([^*_]*?\S)[*_](?=[^\w*]|$)/g, '$1$2')
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(PLACEHOLDER, (c) => String.fromCharCode(c.charCodeAt(0) - PLACEHOLDER_BASE));
}

/** Characters that mean markup anywhere in a line, for {@link escapeMarkdown}. */
const INLINE_MARKUP = /[\\`*_[\]<>~!]/g;

/**
 * Escapes one paragraph of plain text so that {@link markdownParagraphs} reads it back unchanged
 * (whitespace collapsed): every character that would start inline markup gets a backslash, and
 * so does a line start that would read as a heading, list item, rule or block quote. Private-use
 * characters U+E000–U+E07F (never meaningful in prose) are dropped, as the loader uses them.
 *
 * @example
 * escapeMarkdown('1. *Not* a list'); // '1\\. \\*Not\\* a list'
 */
export function escapeMarkdown(text: string): string {
  const line = text.replace(PLACEHOLDER, '').replace(/\s+/g, ' ').trim();
  return line
    .replace(INLINE_MARKUP, '\\$&')
    .replace(/^([#+=-])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

/** One block of a Markdown body, as plain text. */
export interface MarkdownBlock {
  text: string;
  /** A heading: the title of the section that follows, not a statement of its own. */
  heading?: true;
  /** A list item. */
  item?: true;
}

/** A table's delimiter row: `|---|:--:|`, `--- | ---` (a pipe, or at least two columns). */
const TABLE_DELIMITER = /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*$|^\s*\|\s*:?-+:?\s*\|?\s*$/;

/** The cells of a table row (`| a | b |` or `a | b`), inline markup removed; `\|` stays a pipe. */
function tableCells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '')
    .split(/(?<!\\)\|/)
    .map((cell) => stripInline(cell).replace(/\s+/g, ' ').trim());
}

/**
 * A table row as one paragraph: each cell after its column's header ("Department: Fire; 2027:
 * $47M"), so that a figure is found, and quoted, with what it is a figure of. Empty cells are
 * left out; a cell under an empty header stands alone.
 */
export function tableRow(header: readonly string[], cells: readonly string[]): string {
  return cells
    .map((cell, i) => (!cell ? '' : header[i] ? `${header[i]}: ${cell}` : cell))
    .filter(Boolean)
    .join('; ');
}

/**
 * Splits a Markdown body into plain-text blocks: blank lines separate paragraphs, soft-wrapped
 * lines are joined, headings, list items and block quotes become paragraphs of their own text
 * (headings and items marked), a table becomes one paragraph per row, and link reference
 * definitions, fences and rules are dropped.
 */
export function markdownBlocks(body: string): MarkdownBlock[] {
  const blocks: MarkdownBlock[] = [];
  let current: string[] = [];
  let inFence = false;
  let table: string[] | undefined;
  let inItem = false;
  const flush = (heading = false) => {
    const text = current.join(' ').replace(/\s+/g, ' ').trim();
    if (text) blocks.push(heading ? { text, heading: true } : inItem ? { text, item: true } : { text });
    current = [];
    inItem = false;
  };
  const lines = body.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trimEnd();
    if (/^\s*(```|~~~)/.test(line)) {
      flush();
      table = undefined;
      inFence = !inFence;
      continue;
    }
    if (inFence) continue;
    if (table) {
      // A table lasts until a blank line or a line without a pipe.
      if (line.includes('|') && line.trim()) {
        const text = tableRow(table, tableCells(line));
        if (text) blocks.push({ text });
        continue;
      }
      table = undefined;
    }
    // A table starts with its header row, then the delimiter row.
    const next = lines[n + 1];
    if (line.includes('|') && next !== undefined && TABLE_DELIMITER.test(next) && !/^\s*>/.test(line)) {
      flush();
      table = tableCells(line);
      n++;
      continue;
    }
    // A line of "=" or "-" under a paragraph's text makes it a heading ("Setext" headings).
    if (current.length > 0 && !inItem && /^\s{0,3}(?:=+|-+)\s*$/.test(line)) {
      flush(true);
      continue;
    }
    if (!line.trim() || /^\s*([-*_])(\s*\1){2,}\s*$/.test(line) || /^\s*\[[^\]]+\]:\s*\S+/.test(line)) {
      flush();
      continue;
    }
    const heading = /^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    const item = /^\s*(?:[-*+]|\d+[.)])\s+(.*)$/.exec(line);
    if (heading || item) {
      flush();
      current.push(stripInline((heading ?? item)![1] ?? ''));
      if (heading) flush(true);
      else inItem = true;
      continue;
    }
    current.push(stripInline(line.replace(/^\s*>\s?/, '')));
  }
  flush();
  return blocks;
}

/** Which blocks are headings and which list items, as indices (each left out when there are none). */
export function blockKinds(blocks: readonly MarkdownBlock[]): { headings?: number[]; items?: number[] } {
  const headings = blocks.flatMap((b, i) => (b.heading ? [i] : []));
  const items = blocks.flatMap((b, i) => (b.item ? [i] : []));
  return { ...(headings.length ? { headings } : {}), ...(items.length ? { items } : {}) };
}

/** The plain text of a Markdown body's blocks (see {@link markdownBlocks}), headings included. */
export function markdownParagraphs(body: string): string[] {
  return markdownBlocks(body).map((b) => b.text);
}
