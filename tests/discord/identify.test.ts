/**
 * The shared identify throttler: shards on two "hosts" (two stores on one Redis) take turns per
 * bucket; different buckets do not wait for each other; a destroyed shard stops waiting; an
 * unavailable store falls back to spacing within the process. Turns are shortened to keep the
 * tests fast; the two-host end-to-end test (tests/e2e/multihost.test.ts) uses the real 5.5 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDENTIFY_TURN_MS, IDENTIFY_WINDOW_MS, SharedIdentifyThrottler } from '../../src/discord/identify.js';
import type { IdentifyTurns } from '../../src/discord/identify.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/index.js';
import { captureLogger } from '../store/logs.js';
import { redisAvailability, startOwnRedis } from '../store/redis-server.js';
import type { OwnRedis } from '../store/redis-server.js';

const TURN_MS = 400;
const redis = redisAvailability();

/** Resolves with when each shard was let through, in ms since `start`. */
async function identifyTimes(
  throttlers: Array<[SharedIdentifyThrottler, number]>,
  start = Date.now(),
): Promise<number[]> {
  const signal = new AbortController().signal;
  return Promise.all(
    throttlers.map(async ([throttler, shardId]) => {
      await throttler.waitForIdentify(shardId, signal);
      return Date.now() - start;
    }),
  );
}

describe('SharedIdentifyThrottler', () => {
  it('turns last a little longer than Discord’s 5 s window', () => {
    expect(IDENTIFY_WINDOW_MS).toBe(5000);
    expect(IDENTIFY_TURN_MS).toBeGreaterThan(IDENTIFY_WINDOW_MS);
  });

  it('falls back to spacing within the process when the store is unavailable, warning once', async () => {
    const logger = captureLogger();
    const turns: IdentifyTurns = { claimTurn: async () => undefined };
    const throttler = new SharedIdentifyThrottler(turns, 2, { logger, turnMs: TURN_MS });
    // Buckets 0 and 1 go at once; discord.js's own throttler then holds bucket 0 for ~5 s.
    const times = await identifyTimes([
      [throttler, 0],
      [throttler, 1],
    ]);
    expect(Math.max(...times)).toBeLessThan(200);
    expect(logger.at('warn').map((l) => l.msg)).toEqual([
      'store unavailable: identifying without waiting for the other hosts (spaced within this process only)',
    ]);
    // Bucket 0 again: held by discord.js's throttler for its 5 s window, not let through.
    const third = throttler.waitForIdentify(2, new AbortController().signal).then(() => 'through');
    const pause = new Promise((resolve) => setTimeout(() => resolve('waiting'), 500));
    expect(await Promise.race([third, pause])).toBe('waiting');
    expect(logger.at('warn')).toHaveLength(1);
  });

  it('stops waiting when the shard is destroyed (its signal aborts)', async () => {
    const held: IdentifyTurns = { claimTurn: async () => ({ claimed: false, retryAfterMs: 60_000 }) };
    const throttler = new SharedIdentifyThrottler(held, 1, { logger: captureLogger() });
    const controller = new AbortController();
    const started = Date.now();
    const waiting = throttler.waitForIdentify(0, controller.signal);
    setTimeout(() => controller.abort(), 100);
    await expect(waiting).rejects.toThrow(/abort/i);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('refuses a nonsensical max_concurrency', () => {
    expect(
      () => new SharedIdentifyThrottler({ claimTurn: async () => undefined }, 0, { logger: captureLogger() }),
    ).toThrow(RangeError);
  });

  describe.skipIf(redis.mode === 'none')('two hosts on one Redis', () => {
    let server: OwnRedis | undefined;
    const stores: Store[] = [];
    const url = () => server?.url ?? (redis.mode === 'url' ? redis.url : '');
    /** One host: its own store connection, its own throttler, as each shard process has. */
    const host = async (maxConcurrency: number, logger = captureLogger()) => {
      const store = await openStore({ url: url(), logger, timeoutMs: 2000 });
      stores.push(store);
      return new SharedIdentifyThrottler(store, maxConcurrency, { logger, turnMs: TURN_MS });
    };

    beforeAll(async () => {
      if (redis.mode === 'own') server = await startOwnRedis(redis.bin);
    });
    afterAll(async () => {
      await Promise.all(stores.map((s) => s.close()));
      await server?.dispose();
    });

    it('spaces one bucket’s IDENTIFYs a turn apart, across hosts (max_concurrency 1)', async () => {
      const [a, b] = [await host(1), await host(1)];
      const times = (
        await identifyTimes([
          [a, 0],
          [b, 1],
          [a, 2],
          [b, 3],
        ])
      ).sort((x, y) => x - y);
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(TURN_MS - 5);
      // Nobody waits much longer than the turn ahead of them (polling at most every second).
      expect(times.at(-1)!).toBeLessThan(times[0]! + 3 * TURN_MS + 600);
    });

    it('lets different buckets go together and spaces each (max_concurrency 2)', async () => {
      const logger = captureLogger();
      const [a, b] = [await host(2, logger), await host(2, logger)];
      await new Promise((resolve) => setTimeout(resolve, TURN_MS + 50)); // the previous test's turns lapse
      const start = Date.now();
      // Shards 0 and 2 share bucket 0; 1 and 3 bucket 1.
      const [t0, t1, t2, t3] = await identifyTimes(
        [
          [a, 0],
          [a, 1],
          [b, 2],
          [b, 3],
        ],
        start,
      );
      expect(Math.abs(t2! - t0!)).toBeGreaterThanOrEqual(TURN_MS - 5);
      expect(Math.abs(t3! - t1!)).toBeGreaterThanOrEqual(TURN_MS - 5);
      expect(Math.min(t0!, t2!)).toBeLessThan(200);
      expect(Math.min(t1!, t3!)).toBeLessThan(200);
      const turns = logger.at('info').filter((l) => l.msg === 'identify turn');
      expect(turns.map((l) => l.obj.bucket).sort()).toEqual([0, 0, 1, 1]);
      expect(Math.max(...turns.map((l) => Number(l.obj.waitedMs)))).toBeGreaterThanOrEqual(TURN_MS - 50);
    });
  });
});
