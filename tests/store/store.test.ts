/**
 * The store's contract, run against every backend: memory, a SQLite file in a temporary folder,
 * and a real Redis server (its own redis-server when one is installed, else REDIS_URL, else the
 * Redis block is skipped). Ids and questions are unique per test, so a shared Redis is fine.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, openStore } from '../../src/store/index.js';
import type { OpenStoreOptions, Store } from '../../src/store/index.js';
import { captureLogger } from './logs.js';
import { redisAvailability, startOwnRedis, waitFor } from './redis-server.js';
import type { OwnRedis } from './redis-server.js';

const id = () => randomUUID().slice(0, 8);

interface Backend {
  name: string;
  skip: boolean;
  setup(): Promise<void>;
  /** The STORE_URL and DATA_DIR of a fresh store. */
  target(): { url?: string; dataDir?: string };
  teardown(): Promise<void>;
}

const redis = redisAvailability();
let ownRedis: OwnRedis | undefined;
const tempDirs: string[] = [];

const backends: Backend[] = [
  {
    name: 'memory',
    skip: false,
    setup: async () => undefined,
    target: () => ({ url: 'memory://' }),
    teardown: async () => undefined,
  },
  {
    name: 'sqlite',
    skip: false,
    setup: async () => undefined,
    target: () => {
      const dir = mkdtempSync(join(tmpdir(), 'store-sqlite-'));
      tempDirs.push(dir);
      return { dataDir: join(dir, 'data') };
    },
    teardown: async () => {
      for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  },
  {
    name: `redis (${redis.mode === 'own' ? 'own redis-server' : redis.mode === 'url' ? 'REDIS_URL' : 'unavailable'})`,
    skip: redis.mode === 'none',
    setup: async () => {
      if (redis.mode === 'own') ownRedis = await startOwnRedis(redis.bin);
    },
    target: () => ({ url: ownRedis?.url ?? (redis.mode === 'url' ? redis.url : '') }),
    teardown: async () => {
      await ownRedis?.dispose();
    },
  },
];

for (const backend of backends) {
  describe.skipIf(backend.skip)(`${backend.name} store`, () => {
    const open: Store[] = [];
    const logger = captureLogger();
    const openFresh = async (options: Partial<OpenStoreOptions> = {}) => {
      const store = await openStore({ ...backend.target(), logger, timeoutMs: 2000, ...options });
      open.push(store);
      return store;
    };

    beforeAll(() => backend.setup());
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });
    afterAll(() => backend.teardown());

    describe('settings', () => {
      it('has the defaults for a guild nobody configured', async () => {
        const store = await openFresh();
        expect(await store.getSettings(id())).toEqual({
          visibility: 'public',
          cooldownSeconds: 0,
          mentions: true,
        });
        expect(DEFAULT_SETTINGS).toEqual({ visibility: 'public', cooldownSeconds: 0, mentions: true });
      });

      it('round-trips a change, keeps the fields a patch leaves out, and keeps guilds apart', async () => {
        const store = await openFresh();
        const [g1, g2] = [id(), id()];
        expect(await store.updateSettings(g1, { visibility: 'private', cooldownSeconds: 30 })).toEqual({
          settings: { visibility: 'private', cooldownSeconds: 30, mentions: true },
          saved: true,
        });
        const second = await store.updateSettings(g1, { mentions: false });
        expect(second.settings).toEqual({ visibility: 'private', cooldownSeconds: 30, mentions: false });
        expect(await store.getSettings(g1)).toEqual({
          visibility: 'private',
          cooldownSeconds: 30,
          mentions: false,
        });
        expect(await store.getSettings(g2)).toEqual(DEFAULT_SETTINGS);
        expect(store.healthy).toBe(true);
      });

      it('keeps every one of several changes to different fields made at the same moment', async () => {
        const store = await openFresh();
        const g = id();
        await Promise.all([
          store.updateSettings(g, { visibility: 'private' }),
          store.updateSettings(g, { cooldownSeconds: 45 }),
          store.updateSettings(g, { mentions: false }),
        ]);
        expect(await store.getSettings(g)).toEqual({
          visibility: 'private',
          cooldownSeconds: 45,
          mentions: false,
        });
      });

      it('rejects out-of-range values before writing anything', async () => {
        const store = await openFresh();
        const g = id();
        await expect(store.updateSettings(g, { cooldownSeconds: 3601 })).rejects.toThrow(RangeError);
        await expect(store.updateSettings(g, { cooldownSeconds: -1 })).rejects.toThrow(/cooldownSeconds/);
        await expect(store.updateSettings(g, { cooldownSeconds: 1.5 })).rejects.toThrow(/0–3600/);
        await expect(
          store.updateSettings(g, { visibility: 'secret' as unknown as 'public', mentions: false }),
        ).rejects.toThrow(/visibility/);
        expect(await store.getSettings(g)).toEqual(DEFAULT_SETTINGS);
        expect((await store.updateSettings(g, { cooldownSeconds: 3600 })).settings.cooldownSeconds).toBe(
          3600,
        );
      });
    });

    describe('cooldown', () => {
      it('declines the second question within the cooldown and allows it after', async () => {
        const store = await openFresh();
        const [g, u] = [id(), id()];
        const started = Date.now();
        expect(await store.hitCooldown(g, u, 0.4)).toEqual({ ok: true });
        expect(await store.hitCooldown(g, u, 0.4)).toEqual({ ok: false, retryAfterSeconds: 1 });
        // Other users, and the same user in another guild, have their own cooldowns.
        expect(await store.hitCooldown(g, id(), 0.4)).toEqual({ ok: true });
        expect(await store.hitCooldown(id(), u, 0.4)).toEqual({ ok: true });
        await waitFor(async () => (await store.hitCooldown(g, u, 0.4)).ok, 3000, 'the cooldown to pass');
        expect(Date.now() - started).toBeGreaterThanOrEqual(390);
      });

      it('says how long to wait, in whole seconds', async () => {
        const store = await openFresh();
        const [g, u] = [id(), id()];
        await store.hitCooldown(g, u, 30);
        expect(await store.hitCooldown(g, u, 30)).toEqual({ ok: false, retryAfterSeconds: 30 });
      });

      it('lets exactly one of 20 simultaneous questions from one user through', async () => {
        const store = await openFresh();
        const [g, u] = [id(), id()];
        const decisions = await Promise.all(Array.from({ length: 20 }, () => store.hitCooldown(g, u, 60)));
        expect(decisions.filter((d) => d.ok)).toHaveLength(1);
        for (const d of decisions.filter((d) => !d.ok))
          expect(d).toEqual({ ok: false, retryAfterSeconds: 60 });
      });

      it('applies a longer cooldown at once to a question already asked', async () => {
        const store = await openFresh();
        const [g, u] = [id(), id()];
        expect(await store.hitCooldown(g, u, 1)).toEqual({ ok: true });
        await new Promise((resolve) => setTimeout(resolve, 1100));
        // The 1 s cooldown is over, but an admin has since raised it to 10 minutes.
        expect(await store.hitCooldown(g, u, 600)).toMatchObject({ ok: false });
      });

      it('has no cooldown at 0 seconds', async () => {
        const store = await openFresh();
        const [g, u] = [id(), id()];
        for (let i = 0; i < 3; i++) expect(await store.hitCooldown(g, u, 0)).toEqual({ ok: true });
      });
    });

    describe('flood', () => {
      it('throttles the 6th question in 10 s (the default limits) and leaves other users alone', async () => {
        const store = await openFresh();
        const u = id();
        for (let i = 0; i < 5; i++) expect(await store.hitFlood(u)).toEqual({ ok: true });
        const sixth = await store.hitFlood(u);
        expect(sixth.ok).toBe(false);
        if (!sixth.ok) expect(sixth.retryAfterSeconds).toBeGreaterThanOrEqual(9);
        if (!sixth.ok) expect(sixth.retryAfterSeconds).toBeLessThanOrEqual(10);
        expect(await store.hitFlood(id())).toEqual({ ok: true });
      });

      it('lets the user in again once the window has passed', async () => {
        const store = await openFresh();
        const u = id();
        const limits = { limit: 5, windowSeconds: 0.5 };
        for (let i = 0; i < 5; i++) expect((await store.hitFlood(u, limits)).ok).toBe(true);
        expect(await store.hitFlood(u, limits)).toEqual({ ok: false, retryAfterSeconds: 1 });
        await waitFor(async () => (await store.hitFlood(u, limits)).ok, 3000, 'the flood window to pass');
      });

      it('rejects nonsensical limits', async () => {
        const store = await openFresh();
        await expect(store.hitFlood(id(), { limit: 0, windowSeconds: 10 })).rejects.toThrow(RangeError);
        await expect(store.hitFlood(id(), { limit: 5, windowSeconds: 0 })).rejects.toThrow(RangeError);
      });
    });

    describe('feedback', () => {
      it('replaces a revote by the same user on the same question', async () => {
        const store = await openFresh();
        const q = `Who leads the ${id()} delegation?`;
        const [alice, bob] = [id(), id()];
        const base = { passages: ['talks#1'], guildId: id() };
        expect(await store.recordFeedback({ ...base, question: q, vote: 'down', userId: alice })).toBe(true);
        // Same question, other case and punctuation: still the same question, so this replaces.
        await store.recordFeedback({
          ...base,
          question: `  ${q.toUpperCase().replace('?', '')} `,
          vote: 'up',
          userId: alice,
        });
        const mine = async () =>
          (await store.feedbackReport({ limit: 10_000 }))?.entries.filter((e) =>
            e.question.toLowerCase().startsWith(q.toLowerCase().slice(0, 20)),
          );
        expect(await mine()).toEqual([]);
        await store.recordFeedback({
          ...base,
          question: q,
          vote: 'down',
          userId: bob,
          passages: ['talks#2', 'talks#3'],
        });
        const entries = await mine();
        expect(entries).toHaveLength(1);
        expect(entries![0]).toMatchObject({
          question: q,
          down: 1,
          up: 1,
          passages: ['talks#2', 'talks#3'],
          servers: 1,
        });
      });

      it('reports the questions with the most 👎 first, with the passages of the latest 👎', async () => {
        const store = await openFresh();
        const tag = id();
        const question = (name: string) => `${tag} question ${name}?`;
        const vote = (name: string, v: 'up' | 'down', at: number, passages = [`${name}#1`]) =>
          store.recordFeedback({
            question: question(name),
            passages,
            vote: v,
            guildId: 'g',
            userId: id(),
            at,
          });
        const t = Date.parse('2025-01-01T00:00:00Z');
        for (let i = 0; i < 3; i++) await vote('a', 'down', t + i);
        await vote('b', 'down', t);
        await vote('c', 'down', t);
        await vote('c', 'down', t + 1);
        await vote('c', 'up', t + 2);
        await vote('d', 'down', t, ['d#old']);
        await vote('d', 'down', t + 5, ['d#new']);
        await vote('d', 'up', t + 1);
        await vote('e', 'up', t);
        const report = await store.feedbackReport({ limit: 10_000 });
        const mine = report!.entries.filter((e) => e.question.startsWith(tag));
        expect(mine.map((e) => [e.question, e.down, e.up])).toEqual([
          [question('a'), 3, 0],
          // Tied on 👎 and 👍: the more recently voted first.
          [question('d'), 2, 1],
          [question('c'), 2, 1],
          [question('b'), 1, 0],
        ]);
        expect(mine.find((e) => e.question === question('d'))!.passages).toEqual(['d#new']);
        expect(mine[0]!.lastVoteAt).toBe(new Date(t + 2).toISOString());
        expect(report!.votes).toBeGreaterThanOrEqual(11);
      });
    });

    describe('follow-up questions', () => {
      it('remembers the last question per scope, channel and user, for a while', async () => {
        const store = await openFresh({ followUpTtlSeconds: 0.4 });
        const [g, c, u] = [id(), id(), id()];
        expect(await store.previousQuestion(g, c, u)).toBeUndefined();
        await store.rememberQuestion(g, c, u, 'Who is Pranay Vaddi?');
        await store.rememberQuestion(g, c, u, 'What did he say about sanctions?');
        expect(await store.previousQuestion(g, c, u)).toBe('What did he say about sanctions?');
        expect(await store.previousQuestion(g, c, id())).toBeUndefined();
        expect(await store.previousQuestion(g, id(), u)).toBeUndefined();
        expect(await store.previousQuestion(id(), c, u)).toBeUndefined();
        await store.rememberQuestion(null, c, u, 'In a DM');
        expect(await store.previousQuestion('dm', c, u)).toBe('In a DM');
        await waitFor(
          async () => (await store.previousQuestion(g, c, u)) === undefined,
          3000,
          'the follow-up to expire',
        );
      });
    });

    describe('imports', () => {
      const prepared = {
        file: 'harbour-news.md',
        id: 'harbour-news',
        text: '---\ntitle: Harbour news\nsource: Council\n---\n\nText.\n',
        title: 'Harbour news',
        source: 'Council',
        passages: 1,
        opening: ['Text.'],
        origin: 'https://example.org/a',
      };

      it('counts imports per guild: the 11th in an hour is declined, other guilds are not', async () => {
        const store = await openFresh();
        const [g, other] = [id(), id()];
        for (let i = 0; i < 10; i++) expect(await store.hitImportLimit(g)).toEqual({ ok: true });
        const declined = await store.hitImportLimit(g);
        expect(declined.ok).toBe(false);
        expect(declined.ok ? 0 : declined.retryAfterSeconds).toBeGreaterThan(3500);
        expect(await store.hitImportLimit(other)).toEqual({ ok: true });
      });

      it('keeps a confirmation until it is taken, once', async () => {
        const store = await openFresh();
        const [g, u, token, token2] = [id(), id(), id(), id()];
        expect(
          await store.savePendingConfirmation(token, { kind: 'import', guildId: g, userId: u, prepared }),
        ).toBe(true);
        expect(
          await store.savePendingConfirmation(token2, {
            kind: 'remove',
            guildId: g,
            userId: u,
            id: 'x',
            title: 'X',
          }),
        ).toBe(true);
        const [first, second] = await Promise.all([
          store.takePendingConfirmation(token),
          store.takePendingConfirmation(token),
        ]);
        expect([first, second].filter(Boolean)).toEqual([
          { kind: 'import', guildId: g, userId: u, prepared },
        ]);
        expect(await store.takePendingConfirmation(token)).toBeUndefined();
        await store.dropPendingConfirmation(token2);
        expect(await store.takePendingConfirmation(token2)).toBeUndefined();
      });

      it('remembers the items of each feed it has handled, and adds to them', async () => {
        const store = await openFresh();
        const feed = `https://example.org/${id()}/rss.xml`;
        expect(await store.seenFeedItems(feed)).toEqual(new Set());
        expect(await store.markFeedItemsSeen(feed, ['a', 'b'])).toBe(true);
        expect(await store.markFeedItemsSeen(feed, ['b', 'c'])).toBe(true);
        expect(await store.seenFeedItems(feed)).toEqual(new Set(['a', 'b', 'c']));
        expect(await store.seenFeedItems(`${feed}?other`)).toEqual(new Set());
      });
    });

    describe('turns', () => {
      it('gives a turn to the first of many claims, says how long is left, and lets it lapse', async () => {
        const store = await openFresh();
        const name = `identify:${id()}`;
        const claims = await Promise.all(Array.from({ length: 10 }, () => store.claimTurn(name, 600)));
        expect(claims.filter((c) => c?.claimed)).toHaveLength(1);
        for (const claim of claims.filter((c) => !c?.claimed)) {
          expect(claim).toMatchObject({ claimed: false });
          const left = (claim as { retryAfterMs: number }).retryAfterMs;
          expect(left).toBeGreaterThan(300);
          expect(left).toBeLessThanOrEqual(600);
        }
        // Another turn is another key.
        expect(await store.claimTurn(`identify:${id()}`, 600)).toEqual({ claimed: true });
        await new Promise((resolve) => setTimeout(resolve, 650));
        expect(await store.claimTurn(name, 600)).toEqual({ claimed: true });
        await expect(store.claimTurn(name, 0)).rejects.toThrow(RangeError);
      });
    });

    it('answers with fallbacks, without touching the backend, once closed', async () => {
      const store = await openFresh();
      const g = id();
      await store.updateSettings(g, { cooldownSeconds: 60 });
      await store.hitCooldown(g, 'u', 60);
      await store.close();
      expect(await store.getSettings(g)).toEqual(DEFAULT_SETTINGS);
      expect(await store.hitCooldown(g, 'u', 60)).toEqual({ ok: true });
      expect(await store.updateSettings(g, { mentions: false })).toMatchObject({ saved: false });
      expect(
        await store.recordFeedback({ question: 'q', passages: [], vote: 'up', guildId: null, userId: 'u' }),
      ).toBe(false);
      expect(await store.feedbackReport()).toBeUndefined();
      expect(await store.seenFeedItems('https://example.org/rss')).toBeUndefined();
      expect(await store.takePendingConfirmation('t')).toBeUndefined();
      expect(await store.hitImportLimit(g)).toEqual({ ok: true });
      expect(await store.claimTurn('identify:0', 5000)).toBeUndefined();
      await store.close();
      expect(logger.at('warn')).toEqual([]);
    });
  });
}
