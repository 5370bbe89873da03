/**
 * Flood limits: at most `limit` questions from one user in any `windowSeconds` (a sliding
 * window: the times of the accepted questions are kept, and one leaves the window exactly
 * `windowSeconds` after it was asked). A throttled question is not counted, so a user who keeps
 * trying is let in again as soon as their oldest question leaves the window.
 *
 * - Redis: one Lua script per question on a sorted set of times (ZREMRANGEBYSCORE, ZCARD, ZADD,
 *   PEXPIRE). Redis runs a script atomically, so two bot processes counting the same user cannot
 *   both read "4" and both let a 6th question in, as they could with a get-then-set through keyv.
 *   A sorted set rather than a fixed-window INCR+EXPIRE counter because a fixed window lets up to
 *   twice the limit through around a window boundary.
 * - SQLite and memory: the same algorithm in this process's memory ({@link SlidingWindow}). One
 *   process holds those stores, so there is nobody to race with, and flood counts are too
 *   short-lived to be worth a disk write per question.
 */

/** How many questions one user may ask in how long. */
export interface FloodLimits {
  limit: number;
  windowSeconds: number;
}

/** More than 5 questions in 10 seconds from one user is a flood. */
export const DEFAULT_FLOOD_LIMITS: Readonly<FloodLimits> = Object.freeze({ limit: 5, windowSeconds: 10 });

/** Whether a question may go ahead, or how long to wait. */
export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

/** Whole seconds to wait, at least 1: "try again in 0 s" reads like a bug. */
export function retryAfter(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/** Limits as whole milliseconds, checked (a bad limit is a programming error). */
export function floodWindow(limits: FloodLimits): { limit: number; windowMs: number } {
  if (!Number.isInteger(limits.limit) || limits.limit < 1)
    throw new RangeError(`flood limit must be a whole number ≥ 1, got ${limits.limit}`);
  if (!(limits.windowSeconds > 0))
    throw new RangeError(`flood windowSeconds must be > 0, got ${limits.windowSeconds}`);
  return { limit: limits.limit, windowMs: Math.ceil(limits.windowSeconds * 1000) };
}

/**
 * KEYS[1]: the user's sorted set; ARGV: now (ms), window (ms), limit, a unique member.
 * Returns {1, 0} when the question is let in, {0, ms until the oldest question leaves} when not.
 */
export const REDIS_FLOOD_SCRIPT = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, tonumber(oldest[2]) + window - now}
`;

/** The in-process sliding window for the SQLite and memory stores. */
export class SlidingWindow {
  readonly #hits = new Map<string, number[]>();
  #sweepAt = 0;
  #longestWindowMs = 0;

  /** Counts a question from `key` at `now` unless that would exceed the limit. */
  hit(key: string, limits: FloodLimits, now = Date.now()): RateDecision {
    const { limit, windowMs } = floodWindow(limits);
    this.#sweep(now, windowMs);
    const times = (this.#hits.get(key) ?? []).filter((t) => t > now - windowMs);
    if (times.length >= limit) {
      this.#hits.set(key, times);
      return { ok: false, retryAfterSeconds: retryAfter(times[0]! + windowMs - now) };
    }
    times.push(now);
    this.#hits.set(key, times);
    return { ok: true };
  }

  /** How many users are being tracked (for tests). */
  get size(): number {
    return this.#hits.size;
  }

  // Forgets users with no recent question now and then, so the map does not grow with every user ever seen.
  #sweep(now: number, windowMs: number): void {
    this.#longestWindowMs = Math.max(this.#longestWindowMs, windowMs);
    if (now < this.#sweepAt) return;
    this.#sweepAt = now + Math.max(this.#longestWindowMs, 60_000);
    for (const [key, times] of this.#hits) {
      if (times.every((t) => t <= now - this.#longestWindowMs)) this.#hits.delete(key);
    }
  }
}
