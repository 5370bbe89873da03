/**
 * Taking turns to IDENTIFY across hosts. Discord lets a bot open `max_concurrency` gateway
 * sessions per 5 s, one per bucket (`shard_id % max_concurrency`), counting every connection of
 * the bot wherever it runs. discord.js spaces the IDENTIFYs of one process only; with shards on
 * several hosts (or several shard processes on one), they take turns through the shared store
 * instead: a bucket's turn is a key in Redis that lapses after the window, so a host that dies
 * holding it blocks the others for at most that long.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { SimpleIdentifyThrottler } from 'discord.js';
import type { IIdentifyThrottler, WebSocketOptions } from 'discord.js';
import type { TurnClaim } from '../store/index.js';

/** Discord's identify window per bucket. */
export const IDENTIFY_WINDOW_MS = 5_000;
/**
 * A turn lasts a little longer than the window: an IDENTIFY sent right after the turn is claimed
 * may reach Discord later than the next host's, sent right after the turn lapses.
 */
export const IDENTIFY_TURN_MS = IDENTIFY_WINDOW_MS + 500;
/** The longest pause between two claims while another host holds the turn. */
const MAX_POLL_MS = 1_000;

/** What the throttler needs of the store. */
export interface IdentifyTurns {
  claimTurn(name: string, windowMs: number): Promise<TurnClaim | undefined>;
}

/** discord.js's hook for an identify throttler, and the gateway manager it is given. */
type BuildIdentifyThrottler = NonNullable<WebSocketOptions['buildIdentifyThrottler']>;
type GatewayManager = Parameters<BuildIdentifyThrottler>[0];

export interface SharedIdentifyOptions {
  /** Told of each turn taken (info) and of falling back when the store is unavailable (warn). */
  logger: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** How long a claimed turn lasts (default {@link IDENTIFY_TURN_MS}). */
  turnMs?: number;
}

/**
 * An identify throttler over {@link IdentifyTurns}: before each IDENTIFY, the shard claims its
 * bucket's turn, waiting (and claiming again) while another process holds it. When the store is
 * unavailable it falls back to discord.js's in-process throttler, so the bot still connects,
 * spaced as it would be on one host.
 */
export class SharedIdentifyThrottler implements IIdentifyThrottler {
  readonly #local: IIdentifyThrottler;
  readonly #turnMs: number;
  #warned = false;

  constructor(
    private readonly turns: IdentifyTurns,
    /** Discord's `session_start_limit.max_concurrency`: the number of buckets. */
    private readonly maxConcurrency: number,
    private readonly options: SharedIdentifyOptions,
  ) {
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1)
      throw new RangeError(`max_concurrency must be a whole number ≥ 1, got ${maxConcurrency}`);
    this.#local = new SimpleIdentifyThrottler(maxConcurrency);
    this.#turnMs = options.turnMs ?? IDENTIFY_TURN_MS;
  }

  /** Resolves when `shardId` may IDENTIFY; rejects when `signal` aborts (the shard was destroyed). */
  async waitForIdentify(shardId: number, signal: AbortSignal): Promise<void> {
    const bucket = shardId % this.maxConcurrency;
    const started = Date.now();
    for (;;) {
      signal.throwIfAborted();
      const claim = await this.turns.claimTurn(`identify:${bucket}`, this.#turnMs);
      if (claim === undefined) {
        if (!this.#warned) {
          this.#warned = true;
          this.options.logger.warn(
            { shardId, bucket },
            'store unavailable: identifying without waiting for the other hosts (spaced within this process only)',
          );
        }
        return this.#local.waitForIdentify(shardId, signal);
      }
      if (claim.claimed) {
        this.options.logger.info(
          { shardId, bucket, maxConcurrency: this.maxConcurrency, waitedMs: Date.now() - started },
          'identify turn',
        );
        return;
      }
      // A little jitter, so that hosts waiting on one bucket do not all ask at the same instant.
      const pause = Math.min(claim.retryAfterMs, MAX_POLL_MS) + Math.floor(Math.random() * 50);
      await sleep(pause, undefined, { signal });
    }
  }
}

/**
 * The `ws.buildIdentifyThrottler` client option: asks Discord for `max_concurrency` (discord.js
 * caches the answer) and builds a {@link SharedIdentifyThrottler} over `turns`.
 *
 * @example
 * new Client({ ws: { buildIdentifyThrottler: sharedIdentifyThrottler(store, { logger }) }, … })
 */
export function sharedIdentifyThrottler(
  turns: IdentifyTurns,
  options: SharedIdentifyOptions,
): BuildIdentifyThrottler {
  return async (manager: GatewayManager) => {
    const info = await manager.fetchGatewayInformation();
    return new SharedIdentifyThrottler(turns, info.session_start_limit.max_concurrency, options);
  };
}
