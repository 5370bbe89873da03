/**
 * 👍/👎 feedback: how a vote is keyed (the question, and the voter only as a salted hash, so a
 * revote replaces the earlier one and no user id is kept), and how votes add up to the report a
 * maintainer reads. Pure: the store does the reading and writing.
 */
import { createHash, createHmac } from 'node:crypto';

/** One vote on one answer, as the bot hands it to the store. */
export interface FeedbackInput {
  /** The question as asked. */
  question: string;
  /** The passages the answer showed (`briefing#passage` ids), best first. */
  passages: readonly string[];
  vote: 'up' | 'down';
  /** The server it was cast in; `null` (or `'dm'`) in a DM. Counted in the report, never tied to a user. */
  guildId: string | null;
  /** The voter. Never stored: only a salted hash of it (with the question), to replace a revote. */
  userId: string;
  /** When it was cast (default: now). */
  at?: Date | string | number;
}

/** A vote as stored: no user id or name. */
export interface FeedbackRecord {
  /** The key of the normalised question, shared by all votes on it. */
  questionKey: string;
  question: string;
  passages: string[];
  vote: 'up' | 'down';
  guildId: string | null;
  /** Epoch milliseconds. */
  at: number;
}

/** One question in the report. */
export interface FeedbackReportEntry {
  /** The question, as most recently asked. */
  question: string;
  down: number;
  up: number;
  /** The passages the most recent 👎 answer showed (the most recent vote's when there is no 👎). */
  passages: string[];
  /** In how many servers it was voted on (DMs count as one). */
  servers: number;
  /** The most recent vote, ISO 8601. */
  lastVoteAt: string;
}

/** Questions with the most 👎 first. */
export interface FeedbackReport {
  /** Questions with at least one vote. */
  questions: number;
  /** Votes in all (a replaced vote counts once). */
  votes: number;
  up: number;
  down: number;
  /** The questions with at least one 👎, most 👎 first, at most `limit`. */
  entries: FeedbackReportEntry[];
}

/**
 * The form of a question that votes are grouped by: case, spacing and trailing punctuation do
 * not make "Who is Vaddi?" and "who is vaddi" two questions.
 */
export function normalizeQuestion(question: string): string {
  return question
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\s?!.。？！]+$/u, '');
}

/** A short stable key for a question (hex). */
export function questionKey(question: string): string {
  return createHash('sha256').update(normalizeQuestion(question)).digest('hex').slice(0, 32);
}

/**
 * The voter's key for one question: an HMAC of the user id under the salt, mixed with the
 * question key so that one user's votes on different questions cannot be linked together.
 */
export function voterKey(salt: string, qKey: string, userId: string): string {
  return createHmac('sha256', salt).update(`${qKey}\0${userId}`).digest('hex').slice(0, 32);
}

/** The epoch milliseconds of a vote's time; an unreadable time becomes `now`. */
export function voteTime(at: FeedbackInput['at'], now = Date.now()): number {
  if (at === undefined) return now;
  const ms = at instanceof Date ? at.getTime() : typeof at === 'number' ? at : Date.parse(at);
  return Number.isFinite(ms) ? ms : now;
}

/** Whether a stored value is a vote this version can read (older or hand-edited data is skipped). */
export function isFeedbackRecord(value: unknown): value is FeedbackRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r.questionKey === 'string' &&
    typeof r.question === 'string' &&
    Array.isArray(r.passages) &&
    r.passages.every((p) => typeof p === 'string') &&
    (r.vote === 'up' || r.vote === 'down') &&
    (r.guildId === null || typeof r.guildId === 'string') &&
    typeof r.at === 'number'
  );
}

/**
 * Adds votes up into the report: per question the 👍 and 👎 counts, the passages of its latest 👎,
 * ordered by most 👎, then fewest 👍, then most recent.
 */
export function buildFeedbackReport(records: Iterable<FeedbackRecord>, limit: number): FeedbackReport {
  interface Tally {
    latest: FeedbackRecord;
    latestDown?: FeedbackRecord;
    up: number;
    down: number;
    servers: Set<string>;
  }
  const tallies = new Map<string, Tally>();
  let votes = 0;
  let up = 0;
  let down = 0;
  for (const r of records) {
    votes += 1;
    let t = tallies.get(r.questionKey);
    if (t === undefined) {
      t = { latest: r, up: 0, down: 0, servers: new Set() };
      tallies.set(r.questionKey, t);
    }
    if (r.at >= t.latest.at) t.latest = r;
    if (r.vote === 'down') {
      t.down += 1;
      down += 1;
      if (t.latestDown === undefined || r.at >= t.latestDown.at) t.latestDown = r;
    } else {
      t.up += 1;
      up += 1;
    }
    t.servers.add(r.guildId ?? 'dm');
  }
  const entries = [...tallies.values()]
    .filter((t) => t.down > 0)
    .sort(
      (a, b) =>
        b.down - a.down ||
        a.up - b.up ||
        b.latest.at - a.latest.at ||
        a.latest.question.localeCompare(b.latest.question),
    )
    .slice(0, Math.max(0, limit))
    .map((t): FeedbackReportEntry => ({
      question: t.latest.question,
      down: t.down,
      up: t.up,
      passages: [...(t.latestDown ?? t.latest).passages],
      servers: t.servers.size,
      lastVoteAt: new Date(t.latest.at).toISOString(),
    }));
  return { questions: tallies.size, votes, up, down, entries };
}
