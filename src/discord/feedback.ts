/**
 * 👍/👎 votes on answers. The vote handler records each one in the store (which keeps the voter
 * only as a salted hash) and then tells the optional hook.
 */

/** One vote on one answer. Deliberately holds no user id or name. */
export interface FeedbackVote {
  /** The question as asked; a follow-up with the question it followed. */
  question: string;
  /** The passages the answer showed, as `briefing#passage` ids, best first. */
  passages: string[];
  vote: 'up' | 'down';
  /** The server it was cast in; null in a DM. */
  guildId: string | null;
  /** When it was cast (ISO 8601). */
  time: string;
}

/** Told of votes. May be async; a failure is logged, never shown to the voter. */
export type FeedbackHook = (vote: FeedbackVote) => void | Promise<void>;
