/**
 * The one answer type that crosses every boundary: the engine produces it; the Discord bot,
 * the terminal chat and the CLI render it. Its JSON form is a public interface
 * (`npm run ask -- --json`): add fields, never rename or remove them.
 */

/** A character range `[start, end)` inside an excerpt's `text`. */
export interface Highlight {
  start: number;
  end: number;
}

/** A passage quoted verbatim from a briefing. */
export interface Excerpt {
  /** Verbatim text: the matching sentence, sometimes with one neighbouring sentence (≈400 chars at most). */
  text: string;
  /** Id of the briefing (its file name without `.md`). */
  briefing: string;
  /** The briefing's title. */
  title: string;
  /** The attribution the briefing gives. */
  source: string;
  /** Publication date, when the briefing's front matter gives one (ISO `YYYY-MM-DD`). */
  date?: string;
  /** Link to the original, when the front matter gives one. */
  url?: string;
  /** Relevance score (higher is better); comparable only within one answer. */
  score: number;
  /** Index of the matching sentence within its briefing (0-based): a stable passage reference. */
  passage: number;
  /** Words in `text` that matched the question, for bolding. Sorted, non-overlapping. */
  highlights: Highlight[];
  /**
   * Other briefings that say the same thing word for word (a story republished, a briefing beside
   * its update), best first: the quote is shown once, with every source. Absent when none.
   */
  alsoIn?: ExcerptSource[];
}

/** Where a quote comes from: its briefing's id, title, attribution, date and link. */
export type ExcerptSource = Pick<Excerpt, 'briefing' | 'title' | 'source' | 'date' | 'url'>;

/** Why the engine declined to answer. */
export type DeclineReason =
  /** The question had no searchable words ("", "?", "of the"). */
  | 'empty'
  /** Names or entities the question asks about never occur in the briefings (see `notCovered`). */
  | 'not_covered'
  /**
   * No passage matches enough of the question to answer it (the decision's confidence is below its
   * threshold); `notCovered` lists the question's important words that nothing in the briefings matched.
   */
  | 'weak_match';

/**
 * A chat message that is not a question about the briefings' content, answered by the bot
 * itself: a greeting, thanks, a request for help, for the list of briefings, or for a summary.
 */
export type ChatIntent = 'greeting' | 'thanks' | 'help' | 'sources' | 'summary';

export interface Answer {
  /** The question as asked (trimmed). */
  question: string;
  /** True when `excerpts` answer the question; false when the briefings don't. */
  answered: boolean;
  /** Best first (from `offset`, when paging). Empty when `answered` is false, or when paging ran past the last. */
  excerpts: Excerpt[];
  /** Question words that the briefings never mention, in any form or by any near word (lowercased). */
  notCovered: string[];
  /** When declined: the closest passages, to be shown only as "related", never as the answer. */
  related: Excerpt[];
  /** When declined: why. */
  reason?: DeclineReason;
  /**
   * Set when the message was chat rather than a question about the briefings' content. For
   * 'summary', `answered` is true and `excerpts` are the briefings' leads (verbatim, no
   * highlights); for the others, `answered` is false with no `reason` and nothing quoted.
   */
  intent?: ChatIntent;
  /** For intent 'sources': every briefing; for 'summary': the briefings summarised, in `excerpts` order. */
  briefings?: BriefingSummary[];
  /**
   * The sources the question (or the one it follows up on) named as where to look ("what did
   * Coast Radio report…"), as the briefings' `source` fields write them: only their briefings
   * were searched. Absent when it named none.
   */
  scope?: string[];
  /**
   * The period the question (or the one it follows up on) named as when the news came out
   * ("this week", "yesterday", "last month"), as it wrote it: only briefings dated then were
   * searched. Absent when it named none, or when no briefing has a date.
   */
  period?: string;
  /** How many briefings were searched, when a source or a period narrowed them (0: none is from then). */
  searched?: number;
}

/** A briefing as listed by `/sources` and `/briefing`. */
export interface BriefingSummary {
  id: string;
  title: string;
  source: string;
  date?: string;
  url?: string;
  /** Number of passages (sentences) indexed. */
  passages: number;
  /** The briefing's first passage. */
  opening: string;
}

/** Options for a question. */
export interface AskOptions {
  /** How many excerpts at most (default 3). */
  top?: number;
  /** Skip this many excerpts first (paging; default 0). */
  offset?: number;
  /** Earlier question(s) of the same conversation: their key terms count as weaker context. */
  context?: string;
}
