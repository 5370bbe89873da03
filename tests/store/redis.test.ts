/**
 * Redis only: state shared by several bot processes, and what happens when Redis dies, hangs,
 * is down at start-up, and comes back. The failure tests need a redis-server of their own
 * (REDIS_SERVER_BIN or redis-server on the PATH) that they can kill; with only REDIS_URL they are
 * skipped, and with neither the whole file is.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, openStore } from '../../src/store/index.js';
import type { OpenStoreOptions, Store } from '../../src/store/index.js';
import { captureLogger } from './logs.js';
import type { CapturedLogger } from './logs.js';
import { freePort, redisAvailability, startOwnRedis, waitFor } from './redis-server.js';
import type { OwnRedis } from './redis-server.js';

const id = () => randomUUID().slice(0, 8);
const redis = redisAvailability();
/** The deadline the failure tests give each call. */
const TIMEOUT_MS = 300;

describe.skipIf(redis.mode === 'none')('Redis store', () => {
  let server: OwnRedis | undefined;
  const stores: Store[] = [];
  const url = () => server?.url ?? (redis.mode === 'url' ? redis.url : '');
  const open = async (logger: CapturedLogger, options: Partial<OpenStoreOptions> = {}) => {
    const store = await openStore({
      url: url(),
      logger,
      timeoutMs: TIMEOUT_MS,
      reconnectMaxDelayMs: 100,
      ...options,
    });
    stores.push(store);
    return store;
  };
  /** Runs `fn` and returns how long it took, in ms. */
  const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
    const start = performance.now();
    const result = await fn();
    return [result, performance.now() - start];
  };

  beforeAll(async () => {
    if (redis.mode === 'own') server = await startOwnRedis(redis.bin);
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    // A test that paused or killed the server leaves it running for the next one.
    server?.resume();
    if (server !== undefined) await server.start().catch(() => undefined);
  });
  afterAll(async () => {
    await server?.dispose();
  });

  describe('shared by two bot processes', () => {
    it('counts one user’s questions together for the flood limit', async () => {
      const [a, b] = [await open(captureLogger()), await open(captureLogger())];
      const u = id();
      const limits = { limit: 5, windowSeconds: 10 };
      for (const store of [a, b, a, b, a]) expect(await store.hitFlood(u, limits)).toEqual({ ok: true });
      expect((await b.hitFlood(u, limits)).ok).toBe(false);
      expect((await a.hitFlood(u, limits)).ok).toBe(false);
      expect(await b.hitFlood(id(), limits)).toEqual({ ok: true });
    });

    it('lets exactly 5 of 12 simultaneous questions through', async () => {
      const [a, b] = [await open(captureLogger()), await open(captureLogger())];
      const u = id();
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).hitFlood(u)));
      expect(results.filter((r) => r.ok)).toHaveLength(5);
    });

    it('sees the same settings, cooldowns and follow-ups', async () => {
      const [a, b] = [await open(captureLogger()), await open(captureLogger())];
      const [g, u, c] = [id(), id(), id()];
      await a.updateSettings(g, { visibility: 'private', cooldownSeconds: 60 });
      expect(await b.getSettings(g)).toEqual({ visibility: 'private', cooldownSeconds: 60, mentions: true });
      expect(await a.hitCooldown(g, u, 60)).toEqual({ ok: true });
      expect((await b.hitCooldown(g, u, 60)).ok).toBe(false);
      await a.rememberQuestion(g, c, u, 'first question');
      expect(await b.previousQuestion(g, c, u)).toBe('first question');
    });

    it('lets one of many simultaneous questions through a cooldown across the two processes', async () => {
      const [a, b] = [await open(captureLogger()), await open(captureLogger())];
      const [g, u] = [id(), id()];
      const decisions = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).hitCooldown(g, u, 60)),
      );
      expect(decisions.filter((d) => d.ok)).toHaveLength(1);
    });

    it('keeps both of two settings changed at once through the two processes', async () => {
      const [a, b] = [await open(captureLogger()), await open(captureLogger())];
      for (let round = 0; round < 10; round++) {
        const g = id();
        await Promise.all([
          a.updateSettings(g, { visibility: 'private' }),
          b.updateSettings(g, { cooldownSeconds: 30 }),
        ]);
        expect(await b.getSettings(g)).toEqual({
          visibility: 'private',
          cooldownSeconds: 30,
          mentions: true,
        });
      }
    });

    it('replaces a revote cast through the other process (one salt for both)', async () => {
      const [a, b] = [await open(captureLogger()), await open(captureLogger())];
      const question = `revote ${id()}?`;
      const vote = { question, passages: ['x#1'], guildId: id(), userId: id() };
      await a.recordFeedback({ ...vote, vote: 'down' });
      await b.recordFeedback({ ...vote, vote: 'up' });
      await b.recordFeedback({ ...vote, userId: id(), vote: 'down' });
      const entry = (await a.feedbackReport({ limit: 10_000 }))!.entries.find((e) => e.question === question);
      expect(entry).toMatchObject({ down: 1, up: 1 });
    });
  });

  describe('turns shared by two hosts', () => {
    it('gives a turn to one of two processes claiming at once, and to the other once it lapses', async () => {
      const [a, b] = [await open(captureLogger()), await open(captureLogger())];
      const name = `identify:${id()}`;
      const [first, second] = await Promise.all([a.claimTurn(name, 800), b.claimTurn(name, 800)]);
      expect([first, second].filter((c) => c?.claimed)).toHaveLength(1);
      const loser = first?.claimed ? b : a;
      const waiting = (first?.claimed ? second : first) as { claimed: false; retryAfterMs: number };
      expect(waiting.retryAfterMs).toBeGreaterThan(500);
      expect(waiting.retryAfterMs).toBeLessThanOrEqual(800);
      await new Promise((resolve) => setTimeout(resolve, waiting.retryAfterMs + 20));
      expect(await loser.claimTurn(name, 800)).toEqual({ claimed: true });
    });

    it('lets a turn held by a host that died lapse: a key without expiry is given one', async () => {
      const store = await open(captureLogger());
      const name = `identify:${id()}`;
      // A holder that set the key and died; and one written with no expiry at all.
      const { createClient } = await import('@keyv/redis');
      const raw = createClient({ url: url() });
      await raw.connect();
      try {
        await raw.set(`briefings::turn:${name}`, 'dead-host:1', { expiration: { type: 'PX', value: 400 } });
        const held = await store.claimTurn(name, 5000);
        expect(held).toMatchObject({ claimed: false });
        expect((held as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(400);
        await new Promise((resolve) => setTimeout(resolve, 450));
        expect(await store.claimTurn(name, 5000)).toEqual({ claimed: true });
        expect(await raw.get(`briefings::turn:${name}`)).toMatch(/:\d+$/);

        const stuck = `identify:${id()}`;
        await raw.set(`briefings::turn:${stuck}`, 'no-expiry');
        expect(await store.claimTurn(stuck, 300)).toEqual({ claimed: false, retryAfterMs: 300 });
        expect(await raw.pTTL(`briefings::turn:${stuck}`)).toBeGreaterThan(0);
        await new Promise((resolve) => setTimeout(resolve, 350));
        expect(await store.claimTurn(stuck, 300)).toEqual({ claimed: true });
      } finally {
        raw.destroy();
      }
    });
  });

  describe.skipIf(redis.mode !== 'own')('failure and recovery (own redis-server)', () => {
    it('fails open within the deadline when Redis is killed, warns once, and recovers when it restarts', async () => {
      const logger = captureLogger();
      const store = await open(logger);
      const [g, u, c] = [id(), id(), id()];
      await store.updateSettings(g, { visibility: 'private', cooldownSeconds: 600, mentions: false });
      await store.rememberQuestion(g, c, u, 'before the crash');
      expect(store.healthy).toBe(true);

      await server!.kill();
      const [settings, ms] = await timed(() => store.getSettings(g));
      expect(settings).toEqual(DEFAULT_SETTINGS);
      expect(ms).toBeLessThan(TIMEOUT_MS + 200);
      expect(store.healthy).toBe(false);
      for (let i = 0; i < 3; i++) {
        const [decisions, took] = await timed(() =>
          Promise.all([store.hitCooldown(g, u, 600), store.hitFlood(u, { limit: 1, windowSeconds: 60 })]),
        );
        expect(decisions).toEqual([{ ok: true }, { ok: true }]);
        expect(took).toBeLessThan(TIMEOUT_MS + 200);
      }
      expect(await store.updateSettings(g, { mentions: true })).toEqual({
        settings: { ...DEFAULT_SETTINGS, mentions: true },
        saved: false,
      });
      expect(
        await store.recordFeedback({ question: 'q', passages: [], vote: 'down', guildId: g, userId: u }),
      ).toBe(false);
      expect(await store.previousQuestion(g, c, u)).toBeUndefined();
      expect(await store.feedbackReport()).toBeUndefined();
      expect(await store.claimTurn('identify:0', 5000)).toBeUndefined();
      // Reconnection attempts go on meanwhile; none of them logs again.
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(logger.at('warn')).toHaveLength(1);
      expect(logger.at('warn')[0]!.msg).toMatch(/store unavailable/);
      expect(logger.at('warn')[0]!.obj.store).toBe(server!.url);
      expect(logger.at('info')).toEqual([]);

      await server!.start();
      await waitFor(
        async () => (await store.getSettings(g)).cooldownSeconds === 600,
        10_000,
        'the settings to apply again',
      );
      expect(await store.getSettings(g)).toEqual({
        visibility: 'private',
        cooldownSeconds: 600,
        mentions: false,
      });
      expect(await store.previousQuestion(g, c, u)).toBe('before the crash');
      expect(store.healthy).toBe(true);
      expect(logger.at('info').map((l) => l.msg)).toEqual(['store recovered']);
      expect(logger.at('warn')).toHaveLength(1);
      // Writes work again too.
      expect((await store.updateSettings(g, { mentions: true })).saved).toBe(true);
      expect((await store.hitCooldown(g, u, 600)).ok).toBe(true);
      expect((await store.hitCooldown(g, u, 600)).ok).toBe(false);
    });

    it('gives up on a hung Redis after the deadline instead of hanging the reply', async () => {
      const logger = captureLogger();
      const store = await open(logger);
      const g = id();
      await store.updateSettings(g, { cooldownSeconds: 60 });
      server!.pause();
      const [settings, ms] = await timed(() => store.getSettings(g));
      expect(settings).toEqual(DEFAULT_SETTINGS);
      expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
      expect(ms).toBeLessThan(TIMEOUT_MS + 300);
      const [flood, floodMs] = await timed(() => store.hitFlood(id()));
      expect(flood).toEqual({ ok: true });
      expect(floodMs).toBeLessThan(TIMEOUT_MS + 300);
      expect(logger.at('warn')).toHaveLength(1);
      expect(logger.at('warn')[0]!.obj.err).toMatchObject({ name: 'StoreTimeoutError' });

      server!.resume();
      await waitFor(
        async () => (await store.getSettings(g)).cooldownSeconds === 60,
        10_000,
        'Redis to answer again',
      );
      expect(logger.at('info').map((l) => l.msg)).toEqual(['store recovered']);
    });

    it('starts without Redis, with defaults, and picks it up when it comes', async () => {
      const port = await freePort();
      const late = await startOwnRedis(redis.mode === 'own' ? redis.bin : '', { port, started: false });
      try {
        const logger = captureLogger();
        const [store, openMs] = await timed(() => open(logger, { url: late.url, connectTimeoutMs: 1000 }));
        expect(openMs).toBeLessThan(1500);
        expect(store.healthy).toBe(false);
        expect(logger.at('warn')).toHaveLength(1);
        const [settings, ms] = await timed(() => store.getSettings(id()));
        expect(settings).toEqual(DEFAULT_SETTINGS);
        expect(ms).toBeLessThan(TIMEOUT_MS + 200);

        await late.start();
        const g = id();
        await waitFor(
          async () => (await store.updateSettings(g, { cooldownSeconds: 5 })).saved,
          10_000,
          'Redis to connect',
        );
        expect(await store.getSettings(g)).toMatchObject({ cooldownSeconds: 5 });
        expect(logger.at('info').map((l) => l.msg)).toEqual(['store recovered']);
        expect(logger.at('warn')).toHaveLength(1);
      } finally {
        await Promise.all(stores.splice(0).map((s) => s.close()));
        await late.dispose();
      }
    });
  });
});
