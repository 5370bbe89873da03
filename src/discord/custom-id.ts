/**
 * Button state, carried in the button's custom id (at most 100 characters) rather than in memory,
 * so that buttons keep working after a restart or on another shard.
 *
 * Shape: `<kind>:<fields>:<mode><text>`, where `text` is the question (or search query) itself,
 * whitespace collapsed, and `mode` is `=` when the text is whole or `~` when only its start fits.
 * Custom ids are strings, so the text goes in as is: that fits ~90 characters of a question where
 * base64 would fit ~65 bytes. When it is cut, the handler reads the rest back from the title of
 * the message the button sits on (see {@link recoverText}), which is the question as echoed.
 *
 * A follow-up's answer ("and who reported it?") also carries the earlier question it leaned on,
 * as `<kind>:<fields>:+<n>:<text><context>` where `n` is the length of `text` (always whole) and
 * the context fills the rest, cut if need be: a cut context still gives the same weaker terms.
 */
import { LIMITS } from '../render/index.js';

/** The "More excerpts" button: show the answer's excerpts from `offset` on. */
export interface MoreState {
  kind: 'more';
  offset: number;
  text: string;
  /** True when `text` is only the start of the question. */
  truncated: boolean;
  /** For a follow-up: the earlier question it was answered with (perhaps only its start). */
  context?: string;
}

/** A 👍/👎 vote on the answer that showed excerpts from `offset` on. */
export interface VoteState {
  kind: 'vote';
  vote: 'up' | 'down';
  offset: number;
  text: string;
  truncated: boolean;
  /** For a follow-up: the earlier question it was answered with (perhaps only its start). */
  context?: string;
}

/** A ◀/▶ search page button: show results from `offset` on. */
export interface PageState {
  kind: 'page';
  offset: number;
  text: string;
  truncated: boolean;
}

/** A ◀/▶ button on the list of briefings (`/sources`): show the list from `offset`; `text` is its query, if any. */
export interface ListState {
  kind: 'list';
  offset: number;
  text: string;
  truncated: boolean;
}

/**
 * A confirmation button (Add or Cancel an import, Remove or Keep a briefing). What it
 * acts on is kept in the store under `token`, since a whole briefing cannot fit in an id.
 */
export interface ConfirmState {
  kind: 'confirm';
  /** True for Add / Remove, false for Cancel / Keep. */
  yes: boolean;
  token: string;
}

/** The buttons whose id carries a question or query. */
export type QuestionButtonState = MoreState | VoteState | PageState | ListState;

/** Everything a button of ours can carry. */
export type ButtonState = QuestionButtonState | ConfirmState;

/**
 * Largest offset a custom id may carry: the deepest page of a search for a common word (hundreds
 * of thousands of passages at 20,000 briefings) stays reachable.
 */
const MAX_OFFSET = 1_000_000;

/** Collapses whitespace, so the id holds words, not padding. */
function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The first `max` UTF-16 units of `s`, never splitting a surrogate pair. */
function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const end = /[\uD800-\uDBFF]/.test(s[max - 1] ?? '') ? max - 1 : max;
  return s.slice(0, end);
}

/** Context shorter than this is not worth carrying: the id then holds the question alone. */
const MIN_CONTEXT_ROOM = 12;

function withText(head: string, text: string, context?: string): string {
  const t = squash(text);
  const c = squash(context ?? '');
  if (c !== '' && t !== '') {
    const marker = `+${t.length}:`;
    const room = LIMITS.customId - head.length - marker.length - t.length;
    const kept = t.length <= 99 && room >= Math.min(MIN_CONTEXT_ROOM, c.length) ? cut(c, room) : '';
    if (kept !== '') return `${head}${marker}${t}${kept}`;
  }
  const room = LIMITS.customId - head.length - 1;
  if (t.length <= room) return `${head}=${t}`;
  return `${head}~${cut(t, room)}`;
}

function checkOffset(offset: number): number {
  if (!Number.isInteger(offset) || offset < 0 || offset > MAX_OFFSET)
    throw new RangeError(`bad offset ${offset}`);
  return offset;
}

/**
 * The custom id of a "More excerpts" button. Always 1–100 characters. With `context` (the earlier
 * question a follow-up leaned on), the id carries as much of it as fits beside the whole question;
 * when the question itself is too long for that, the context is left out.
 */
export function moreId(question: string, offset: number, context?: string): string {
  return withText(`more:${checkOffset(offset)}:`, question, context);
}

/** The custom id of a 👍 (`up`) or 👎 (`down`) button on an answer that starts at `offset`; `context` as for {@link moreId}. */
export function voteId(vote: 'up' | 'down', question: string, offset: number, context?: string): string {
  return withText(`vote:${vote === 'up' ? 'u' : 'd'}:${checkOffset(offset)}:`, question, context);
}

/** The custom id of a search page button showing results from `offset`. */
export function pageId(query: string, offset: number): string {
  return withText(`page:${checkOffset(offset)}:`, query);
}

/** The custom id of a `/sources` page button showing the list (of briefings matching `query`, if any) from `offset`. */
export function listId(query: string, offset: number): string {
  return withText(`list:${checkOffset(offset)}:`, query);
}

/** The custom id of a confirmation's yes or no button. */
export function confirmId(yes: boolean, token: string): string {
  if (!CONFIRM_TOKEN.test(token)) throw new RangeError(`bad confirmation token ${JSON.stringify(token)}`);
  return `confirm:${yes ? 'y' : 'n'}:${token}`;
}

const CONFIRM_TOKEN = /^[A-Za-z0-9_-]{8,64}$/;
const CONFIRM_PATTERN = /^confirm:([yn]):([A-Za-z0-9_-]{8,64})$/;

/** Decodes a custom id made by {@link confirmId}; undefined for anything else. */
export function parseConfirmId(id: string): ConfirmState | undefined {
  const m = CONFIRM_PATTERN.exec(id);
  return m ? { kind: 'confirm', yes: m[1] === 'y', token: m[2]! } : undefined;
}

const PATTERN = /^(more|vote|page|list):(?:([ud]):)?(\d{1,7}):(?:([=~])(.*)|\+(\d{1,2}):(.*))$/s;

/**
 * Decodes a custom id made by {@link moreId}, {@link voteId}, {@link pageId} or {@link listId};
 * undefined for anything else (an id of another version, or of someone else's component).
 */
export function parseCustomId(id: string): QuestionButtonState | undefined {
  const m = PATTERN.exec(id);
  if (!m) return undefined;
  const [, kind, vote, digits, mode, plain = '', textLength, withContext = ''] = m;
  const offset = Number(digits);
  if (offset > MAX_OFFSET) return undefined;
  let text = plain;
  let context: string | undefined;
  if (textLength !== undefined) {
    // Only answers (more, vote) are asked with context; the question is whole, the context not empty.
    const n = Number(textLength);
    if (kind === 'page' || kind === 'list' || n < 1 || n >= withContext.length) return undefined;
    text = withContext.slice(0, n);
    context = withContext.slice(n);
  }
  const truncated = mode === '~';
  const extra = context === undefined ? {} : { context };
  if (kind === 'vote') {
    if (vote === undefined) return undefined;
    return { kind, vote: vote === 'u' ? 'up' : 'down', offset, text, truncated, ...extra };
  }
  if (vote !== undefined) return undefined;
  if (kind === 'more') return { kind, offset, text, truncated, ...extra };
  if (kind === 'page' || kind === 'list') return { kind, offset, text, truncated };
  return undefined;
}

/** Undoes the renderer's echo escaping: backslash escapes and the zero-width spaces that break mentions. */
export function unescapeEcho(markdown: string): string {
  return markdown.replace(/\u200b/g, '').replace(/\\(.)/gs, '$1');
}

/**
 * The full question for a button whose id holds only its start: the title of the message the
 * button is on (`Search: ` stripped for search results, `Briefings matching: ` for a list of
 * briefings) when it begins with that start and says more; otherwise the start itself, which
 * still finds much the same passages.
 */
export function recoverText(
  state: Pick<QuestionButtonState, 'text' | 'truncated'>,
  title: string | null | undefined,
): string {
  if (!state.truncated || !title) return state.text;
  const echoed = unescapeEcho(title.replace(/^(?:Search|Briefings matching): /, '')).replace(/…$/, '');
  const norm = (s: string): string => squash(s).toLowerCase();
  const full = norm(echoed);
  const start = norm(state.text);
  return full.startsWith(start) && full.length > start.length ? squash(echoed) : state.text;
}
