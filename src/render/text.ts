/**
 * Text utilities shared by every renderer: cleaning and escaping text that comes from users or
 * briefings, and truncating Discord markdown without cutting words or leaving markers unbalanced.
 */

/** Zero-width space: breaks mentions and markdown without showing anything. */
const ZWSP = '\u200B';
/** At most this many combining marks in a row survive (more is "zalgo" text). */
const MAX_COMBINING_MARKS = 3;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Line and paragraph breaks that should count as a plain newline. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const LINE_BREAKS = /\r\n?|[\u000B\u000C\u0085\u2028\u2029]/g;
/** Control characters other than newline (tab is turned into a space first). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/g;
/**
 * Invisible characters used to smuggle mentions or reorder text: zero-width space/non-joiner,
 * word joiner and invisible operators, BOM, soft hyphen, Mongolian vowel separator, Hangul
 * fillers, Arabic letter mark, and every bidirectional embedding/override/isolate mark.
 */
const INVISIBLES =
  /[\u00AD\u061C\u115F\u1160\u180E\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\u3164\uFEFF\uFFA0]/g;
/** A zero-width joiner is kept only inside emoji sequences (👨‍👩‍👧), where it is meaningful. */
const STRAY_ZWJ = /(?<!\p{Extended_Pictographic}\uFE0F?)\u200D|\u200D(?!\p{Extended_Pictographic})/gu;
const ZALGO = new RegExp(`(\\p{M}{${MAX_COMBINING_MARKS}})\\p{M}+`, 'gu');

/**
 * Removes what should never be shown verbatim, keeping the visible text: lone surrogates,
 * control characters (tab becomes a space; other line breaks become `\n`), zero-width and
 * bidirectional marks, and runs of combining marks beyond three. Does not trim or escape.
 */
export function stripInvisible(s: string): string {
  return s
    .replace(LONE_SURROGATE, '')
    .normalize('NFC')
    .replace(LINE_BREAKS, '\n')
    .replace(/\t/g, ' ')
    .replace(CONTROLS, '')
    .replace(INVISIBLES, '')
    .replace(STRAY_ZWJ, '')
    .replace(ZALGO, '$1');
}

/**
 * {@link stripInvisible}, then tidies whitespace: trailing spaces on each line removed, runs of
 * spaces collapsed, at most one blank line in a row, and the whole trimmed. No escaping.
 */
export function cleanText(s: string): string {
  return stripInvisible(s)
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Escapes Discord markdown so that `s` shows literally. `\ * _ ~ | [ ] ( ) \` <` always get a
 * backslash (which neutralises bold, italics, underline, strike-through, spoilers, code, masked
 * links `[text](url)` and `<…>` mentions/timestamps); `> # -` and `1.` only at the start of a line,
 * the one place they mean something (quote, heading, subtext, list), so that "Kim Jong-un" and
 * "2024-03-05" stay readable in places that show raw text.
 */
export function escapeMarkdown(s: string): string {
  return s
    .replace(/[\\*_~|[\]()`<]/g, '\\$&')
    .replace(/^(\s*)([-#>])/gm, '$1\\$2')
    .replace(/^(\s*\d+)\.(?=\s)/gm, '$1\\.');
}

/**
 * Breaks `@everyone`, `@here` and `<@id>`, `<@!id>`, `<@&id>`, `<#id>` (with a zero-width space
 * after the `@` or `<`) so that they can neither ping nor render as mentions.
 * Works on plain or already-escaped text (`\<@id\>`).
 */
export function neutraliseMentions(s: string): string {
  return s.replace(/@(?=everyone|here)/gi, `@${ZWSP}`).replace(/<(?=[@#])/g, `<${ZWSP}`);
}

/**
 * Makes text typed by a user safe to echo in a Discord message: {@link cleanText}, then
 * {@link escapeMarkdown}, then {@link neutraliseMentions}. The result is markdown that shows the
 * user's words literally and can never ping anyone.
 */
export function sanitiseUserText(s: string): string {
  return neutraliseMentions(escapeMarkdown(cleanText(s)));
}

/** Markdown for text taken from a briefing: invisible characters removed, escaped, mentions broken; whitespace kept. */
export function safeMarkdown(s: string): string {
  return neutraliseMentions(escapeMarkdown(stripInvisible(s)));
}

// ---------------------------------------------------------------------------------------------
// Truncation

/** Options for {@link truncateSentences} and {@link truncateWords}. */
export interface TruncateOptions {
  /**
   * Treat the text as Discord markdown (default true): backslash escapes are never split and
   * `**`, `__`, `~~`, `||`, `*`, `_` and `` ` `` markers left open by a cut are closed.
   * Use `false` for plain (terminal) text.
   */
  markdown?: boolean;
}

type TokenKind = 'escape' | 'marker' | 'space' | 'char';

interface Token {
  start: number;
  end: number;
  kind: TokenKind;
}

const PAIRED_MARKERS = ['**', '__', '~~', '||'] as const;
const SINGLE_MARKERS = ['*', '_', '`'] as const;
const ELLIPSIS = '…';
/** Sentence-final punctuation. */
const SENTENCE_END = /^[.!?…。！？]$/u;
/** What may follow the final punctuation of a sentence: closing quotes and brackets. */
const SENTENCE_CLOSERS = /^["'”’»)\]]$/u;
/** Punctuation that looks wrong right before an ellipsis. */
const TRAILING_PUNCT = /^[,;:—–]$/u;
/** Abbreviations whose period does not end a sentence. */
const ABBREVIATIONS = new Set([
  'mr',
  'mrs',
  'ms',
  'dr',
  'prof',
  'st',
  'gen',
  'lt',
  'col',
  'maj',
  'capt',
  'sgt',
  'adm',
  'sen',
  'rep',
  'gov',
  'pres',
  'jr',
  'sr',
  'no',
  'vs',
  'etc',
  'approx',
  'dept',
  'est',
  'inc',
  'ltd',
  'co',
  'corp',
  'jan',
  'feb',
  'mar',
  'apr',
  'jun',
  'jul',
  'aug',
  'sep',
  'sept',
  'oct',
  'nov',
  'dec',
]);

/** Splits text into escapes, markers, whitespace and characters (a code point with its combining marks). */
function tokenise(text: string, markdown: boolean): Token[] {
  const tokens: Token[] = [];
  const codePointEnd = (i: number): number => {
    const cp = text.codePointAt(i) ?? 0;
    let j = i + (cp > 0xffff ? 2 : 1);
    // Keep combining marks with their base so a cut never separates them.
    while (j < text.length && /\p{M}/u.test(String.fromCodePoint(text.codePointAt(j) ?? 0))) {
      j += (text.codePointAt(j) ?? 0) > 0xffff ? 2 : 1;
    }
    return j;
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? '';
    if (markdown && ch === '\\' && i + 1 < text.length && !/\s/.test(text[i + 1] ?? '')) {
      tokens.push({ start: i, end: codePointEnd(i + 1), kind: 'escape' });
    } else if (markdown && PAIRED_MARKERS.some((m) => text.startsWith(m, i))) {
      tokens.push({ start: i, end: i + 2, kind: 'marker' });
    } else if (markdown && (SINGLE_MARKERS as readonly string[]).includes(ch)) {
      tokens.push({ start: i, end: i + 1, kind: 'marker' });
    } else if (/\s/.test(ch)) {
      tokens.push({ start: i, end: i + 1, kind: 'space' });
    } else {
      tokens.push({ start: i, end: codePointEnd(i), kind: 'char' });
    }
    i = tokens[tokens.length - 1]?.end ?? i + 1;
  }
  return tokens;
}

/**
 * The markers still open after each token: `open[k]` is the stack after tokens[0..k-1]
 * (so `open[0]` is empty and `open[tokens.length]` is the state at the end).
 */
function openMarkers(text: string, tokens: Token[]): string[][] {
  const open: string[][] = [[]];
  let stack: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'marker') {
      const m = text.slice(t.start, t.end);
      const at = stack.lastIndexOf(m);
      stack = at >= 0 ? stack.slice(0, at) : [...stack, m];
    }
    open.push(stack);
  }
  return open;
}

const closersFor = (stack: readonly string[]): string => [...stack].reverse().join('');

/** Whether the token before index `k` (a whitespace token) ends a sentence. */
function endsSentence(text: string, tokens: Token[], k: number): boolean {
  let j = k - 1;
  // Step back over closing markers, quotes and brackets: `…Korea.**`, `…said.”`, `…(2024).`
  while (j >= 0) {
    const t = tokens[j];
    if (!t) return false;
    const s = text.slice(t.start, t.end);
    const core = t.kind === 'escape' ? s.slice(1) : s;
    if (t.kind === 'marker' || (t.kind !== 'space' && SENTENCE_CLOSERS.test(core))) j--;
    else break;
  }
  const end = tokens[j];
  if (!end || end.kind !== 'char' || !SENTENCE_END.test(text.slice(end.start, end.end))) return false;
  if (text[end.start] !== '.') return true;
  // "U.S. officials", "Dr. Kim", "Jan. 5": a period after an abbreviation or initial is not an ending.
  let w = end.start;
  while (w > 0 && !/\s/.test(text[w - 1] ?? '')) w--;
  const word = text.slice(w, end.start).replace(/^[\\*_"'“‘(]+/u, '');
  return !(word.length <= 1 || word.includes('.') || ABBREVIATIONS.has(word.toLowerCase()));
}

/** The index just after the last non-space token before token `k`, skipping trailing punctuation when asked. */
function backOver(text: string, tokens: Token[], k: number, punct: boolean): number {
  let j = k - 1;
  for (;;) {
    const t = tokens[j];
    if (!t) return 0;
    if (t.kind === 'space' || (punct && t.kind === 'char' && TRAILING_PUNCT.test(text.slice(t.start, t.end))))
      j--;
    else return t.end;
  }
}

/** Shared core of the two truncators. */
function truncate(text: string, max: number, sentences: boolean, opts: TruncateOptions): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  // Every cut lies within the first `max` characters, so only they (and a little slack to see
  // the token that follows) need tokenising: long inputs cost no more than short ones.
  text = text.slice(0, max + 8);
  const tokens = tokenise(text, opts.markdown ?? true);
  const open = openMarkers(text, tokens);
  // Token index for each character index at which a token starts (to read `open` at a cut).
  const tokenAt = new Map<number, number>();
  tokens.forEach((t, k) => tokenAt.set(t.start, k));
  const cutAt = (end: number, suffix: string): string | undefined => {
    const k = end === text.length ? tokens.length : tokenAt.get(end);
    if (k === undefined) return undefined;
    const closers = closersFor(open[k] ?? []);
    // Check the length before building the string: candidates are tried latest first.
    return end + closers.length + suffix.length <= max ? text.slice(0, end) + closers + suffix : undefined;
  };
  const balanced = (end: number): boolean => {
    const k = end === text.length ? tokens.length : tokenAt.get(end);
    return k !== undefined && (open[k]?.length ?? 0) === 0;
  };

  // Candidate cut points, latest first: whole sentences, then word boundaries with an ellipsis.
  // Cuts outside any bold/italic span are preferred, so a span is never split if avoidable.
  const spaces: number[] = [];
  tokens.forEach((t, k) => {
    if (t.kind === 'space' && k > 0 && tokens[k - 1]?.kind !== 'space') spaces.push(k);
  });
  spaces.reverse();
  const passes: { wholeSentence: boolean; requireBalanced: boolean }[] = [];
  if (sentences)
    passes.push(
      { wholeSentence: true, requireBalanced: true },
      { wholeSentence: true, requireBalanced: false },
    );
  passes.push(
    { wholeSentence: false, requireBalanced: true },
    { wholeSentence: false, requireBalanced: false },
  );
  for (const pass of passes) {
    for (const k of spaces) {
      if (pass.wholeSentence && !endsSentence(text, tokens, k)) continue;
      const end = backOver(text, tokens, k, !pass.wholeSentence);
      if (end === 0 || (pass.requireBalanced && !balanced(end))) continue;
      const out = cutAt(end, pass.wholeSentence ? '' : ELLIPSIS);
      if (out !== undefined) return out;
    }
  }
  // A single word longer than `max`: cut it at the last token boundary that fits.
  for (let k = tokens.length - 1; k > 0; k--) {
    const t = tokens[k - 1];
    // Not after a marker: that could leave an empty span ("****").
    if (!t || t.kind === 'space' || t.kind === 'marker') continue;
    const out = cutAt(t.end, ELLIPSIS);
    if (out !== undefined) return out;
  }
  return ELLIPSIS.slice(0, max);
}

/**
 * Shortens `text` to at most `max` characters by dropping whole sentences from the end; if even
 * the first sentence is too long, cuts it at a word boundary and adds "…". Never cuts inside a
 * word (unless a single word is longer than `max`), never splits a backslash escape, and closes
 * any markdown marker a cut leaves open (preferring cuts outside bold spans altogether).
 * Returns `text` unchanged when it fits.
 */
export function truncateSentences(text: string, max: number, opts: TruncateOptions = {}): string {
  return truncate(text, max, true, opts);
}

/**
 * Shortens `text` to at most `max` characters at a word boundary, adding "…" (for titles, labels,
 * list lines). Same guarantees as {@link truncateSentences}.
 */
export function truncateWords(text: string, max: number, opts: TruncateOptions = {}): string {
  return truncate(text, max, false, opts);
}

/**
 * The first `named` (already formatted), as a list that says how many of `total` it leaves out:
 * "A", "A and B", "A, B and 3 more".
 */
export function firstOf(named: readonly string[], total: number): string {
  const more = total - named.length;
  return more > 0 ? `${named.join(', ')} and ${more} more` : named.join(' and ');
}

/** Collapses all whitespace (including newlines) to single spaces: for one-line places like titles. */
export function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/**
 * Text from a briefing or a page (a title, a source, a date) as one line of escaped markdown,
 * cut at a word to `max`; "" for nothing.
 */
export function inline(s: string | undefined, max: number): string {
  return truncateWords(safeMarkdown(oneLine(stripInvisible(s ?? ''))), max);
}
