/**
 * Excerpt building: ranked passages become verbatim quotes with their briefing's title and
 * source, the matched words marked for bold. A sentence that leans on the one before it ("He is…")
 * is quoted with it; a passage already shown inside another excerpt is not shown again, and a quote
 * another briefing gives word for word (a republished story) is shown once, with both sources.
 */
import type { QueryTerm } from './expand.js';
import type { PassageIndex } from './passage-index.js';
import type { Excerpt, ExcerptSource, Highlight } from './types.js';
import { Feature } from './terms.js';

/** Excerpts are about this long at most; a sentence that refers back gets its predecessor within it. */
export const EXCERPT_CHARS = 400;
/** A sentence opening like this leans on the one before it ("He is…", "The ministry's stance…"). */
export const REFERS_BACK =
  /^(he|she|it|they|this|that|these|those|his|her|its|their|such|the same|the (?:ministry|official|department|agency|government|statement|remarks?|comments?)\b)\b/i;

/** Other briefings listed with one quote, at most: more would crowd out the quotes. */
const MAX_ALSO_IN = 5;

/** Turns ranked passages into excerpts: `top` of them, after skipping `offset`. */
export function buildExcerpts(
  ix: PassageIndex,
  ranked: ReadonlyArray<{ passage: number; score: number }>,
  terms: QueryTerm[],
  offset: number,
  top: number,
): Excerpt[] {
  const shown = new Set<number>();
  const out: Excerpt[] = [];
  const matchIds = new Set<number>();
  // Bold marks the question's own words, their forms and synonyms; a word that is only near in
  // meaning (a vector neighbour, a broader word) helps rank the passage but is not what was asked.
  for (const t of terms)
    for (const a of t.alternatives) if (a.kind !== 'vector' && a.kind !== 'related') matchIds.add(a.id);
  let skipped = 0;
  // Each quote so far, by its words (`sameWords`): the excerpt shown for it, or null if skipped by `offset`.
  const quotes = new Map<string, Excerpt | null>();
  for (const c of ranked) {
    if (out.length >= top) break;
    if (shown.has(c.passage)) continue;
    const p = c.passage;
    const b = ix.passageBriefing[p]!;
    let from = p;
    const text = ix.texts[p]!;
    const prev =
      p > 0 && ix.passageBriefing[p - 1] === b && !(ix.passageFeatures[p - 1]! & Feature.Heading)
        ? ix.texts[p - 1]!
        : undefined;
    // A sentence that refers back is quoted after the one before it, and so is a short one in
    // the middle of a paragraph (not a list item or a table row after the paragraph before it),
    // and the rest of a sentence wink cut in two ("com, and the CBS Sports apps…").
    // (Not after a fragment itself: it would be quoted without its own beginning.)
    if (
      prev &&
      (isFragment(ix, p) ||
        (!isFragment(ix, p - 1) &&
          (REFERS_BACK.test(text) || (text.length < 60 && ix.passageFeatures[p]! & Feature.Continues)))) &&
      prev.length + text.length + 1 <= EXCERPT_CHARS
    )
      from = p - 1;
    if (shown.has(from)) continue;
    // A sentence that introduces what follows ("The package includes:") is quoted with it: the
    // list after it, item by item, or else the one sentence after it, as much as fits (an item
    // without a stop gets a "; ").
    const pieces = from === p ? [p] : [from, p];
    let length = from === p ? text.length : prev!.length + 1 + text.length;
    // The sentence's own rest, when wink cut it in two ("…via CBSSports." + "com, and…").
    if (
      p + 1 < ix.texts.length &&
      isFragment(ix, p + 1) &&
      !shown.has(p + 1) &&
      length + 1 + ix.texts[p + 1]!.length <= EXCERPT_CHARS
    ) {
      pieces.push(p + 1);
      length += 1 + ix.texts[p + 1]!.length;
    }
    if (/:\s*$/.test(ix.texts[pieces[pieces.length - 1]!]!))
      for (let q = pieces[pieces.length - 1]! + 1; q < ix.texts.length && ix.passageBriefing[q] === b; q++) {
        const item = (ix.passageFeatures[q]! & Feature.Item) !== 0;
        if (ix.passageFeatures[q]! & Feature.Heading || shown.has(q) || (!item && q > p + 1)) break;
        if (length + 2 + ix.texts[q]!.length > EXCERPT_CHARS) break;
        pieces.push(q);
        length += 2 + ix.texts[q]!.length;
        if (!item) break;
      }
    for (const q of pieces) shown.add(q);
    const words = sameWords(pieces.map((q) => ix.texts[q]!).join(' '));
    const same = quotes.get(words);
    if (same !== undefined) {
      // The same quote again, from another briefing: named with the first, not quoted twice.
      const source = excerptSource(ix, b);
      if (same && same.briefing !== source.briefing && (same.alsoIn?.length ?? 0) < MAX_ALSO_IN)
        if (!same.alsoIn?.some((s) => s.briefing === source.briefing)) (same.alsoIn ??= []).push(source);
      continue;
    }
    if (skipped++ < offset) {
      quotes.set(words, null);
      continue;
    }
    let full = '';
    const starts: number[] = [];
    pieces.forEach((q, i) => {
      if (i > 0)
        full += isFragment(ix, q)
          ? ix.passageFeatures[q]! & Feature.Attached
            ? ''
            : ' '
          : q > p && !/[.!?…:;"”’)\]]$/.test(full)
            ? '; '
            : ' ';
      starts.push(full.length);
      full += ix.texts[q]!;
    });
    const all: Highlight[] = [];
    pieces.forEach((q, i) => highlightPassage(ix, q, starts[i]!, matchIds, all, full.length));
    const { text: quoted, highlights } = quoteWindow(full, all, EXCERPT_CHARS + 50);
    const excerpt: Excerpt = {
      ...excerptSource(ix, b),
      text: quoted,
      score: Math.round(c.score * 1000) / 1000,
      passage: ix.passageOrdinal[p]!,
      highlights,
    };
    quotes.set(words, excerpt);
    out.push(excerpt);
  }
  return out;
}

/** A quote's words, for telling that two briefings say the same: case, spacing, quote marks and dashes aside. */
function sameWords(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u201a\u201b]/g, "'")
    .replace(/[\u201c\u201d\u201e\u201f]/g, '"')
    .replace(/[\u2010-\u2015]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Whether passage `p` is the rest of a sentence wink ended too early, at an abbreviation or an
 * exclamation mark inside a name ("…via CBSSports." + "com, and the CBS Sports apps…", "Yahoo!" +
 * ", Intel, Gap…"): it goes on the paragraph of the one before and opens in lower case or with
 * punctuation that can't open a sentence.
 */
function isFragment(ix: PassageIndex, p: number): boolean {
  return (ix.passageFeatures[p]! & Feature.Continues) !== 0 && /^[\p{Ll},;:)\]]/u.test(ix.texts[p]!);
}

/** The briefing fields of an excerpt. */
export function excerptSource(ix: PassageIndex, b: number): ExcerptSource {
  const briefing = ix.briefings[b]!;
  return {
    briefing: briefing.id,
    title: briefing.title,
    source: briefing.source,
    ...(briefing.date ? { date: briefing.date } : {}),
    ...(briefing.url ? { url: briefing.url } : {}),
  };
}

/** Character ranges of passage `p`'s words that match the query, shifted by `shift` characters. */
function highlightPassage(
  ix: PassageIndex,
  p: number,
  shift: number,
  matchIds: Set<number>,
  out: Highlight[],
  limit: number,
): void {
  for (let i = ix.sequenceStart[p]!, end = ix.sequenceStart[p + 1]!; i < end; i++) {
    if (!matchIds.has(ix.sequence[i]!)) continue;
    const start = ix.sequenceFrom[i]! + shift;
    const stop = ix.sequenceTo[i]! + shift;
    if (stop > limit) break;
    const last = out[out.length - 1];
    if (last && start <= last.end) last.end = Math.max(last.end, stop);
    else out.push({ start, end: stop });
  }
}

/**
 * An over-long quote cut to at most `max` characters where it matches the question most: the
 * stretch between word boundaries holding the most highlighted words, with them as near its
 * middle as can be (so a quote keeps its opening when that is where its words are), each cut
 * marked "…". A long
 * sentence's answer is often at its end ("…as he turned 39 in the 2015 off-season"), where cutting
 * the end alone would drop it. The highlights come back shifted into the cut text.
 */
export function quoteWindow(
  full: string,
  highlights: readonly Highlight[],
  max: number,
): { text: string; highlights: Highlight[] } {
  if (full.length <= max) return { text: full, highlights: [...highlights] };
  // Windows start at the text's start or at a word's; room is left for a "…" at each end.
  const room = max - 2;
  let bestStart = 0;
  let bestCount = -1;
  let bestOff = Infinity;
  for (let start = 0; ;) {
    let count = 0;
    let first = Infinity;
    let last = -Infinity;
    for (const h of highlights)
      if (h.start >= start && h.end <= start + room) {
        count++;
        first = Math.min(first, h.start);
        last = Math.max(last, h.end);
      }
    // Of windows holding as many, the one with them nearest its middle: the words around them,
    // before and after, are what the answer is likely to be in.
    const off = count ? Math.abs((first + last) / 2 - (start + room / 2)) : 0;
    if (count > bestCount || (count === bestCount && off < bestOff))
      [bestStart, bestCount, bestOff] = [start, count, off];
    // A window that reaches the end is the last worth trying: later ones only hold less.
    if (start + room >= full.length) break;
    const next = full.indexOf(' ', start) + 1;
    if (next <= 0) break;
    start = next;
  }
  if (bestStart === 0) {
    const text = limitLength(full, max);
    const limit = text.endsWith('…') ? text.length - 1 : text.length;
    return { text, highlights: highlights.filter((h) => h.end <= limit) };
  }
  const rest = full.slice(bestStart);
  const cut = limitLength(rest, max - 1);
  const body = cut.length < rest.length ? cut.slice(0, -1) : cut;
  return {
    text: `…${cut}`,
    highlights: highlights
      .filter((h) => h.start >= bestStart && h.end - bestStart <= body.length)
      .map((h) => ({ start: h.start - bestStart + 1, end: h.end - bestStart + 1 })),
  };
}

/** Cuts an over-long quote at a word boundary, marking the cut. */
export function limitLength(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf(' ', max - 1);
  return `${text.slice(0, cut > max / 2 ? cut : max - 1).replace(/[\s,;:]+$/, '')}…`;
}
