import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { passageSentences } from '../../src/importing.js';
import { FeedPoller, importFeed, parseFeed } from '../../src/knowledge/feeds.js';
import type { FeedLogger } from '../../src/knowledge/feeds.js';
import { Importer } from '../../src/knowledge/importer.js';
import { ImportRefusal } from '../../src/knowledge/refusal.js';
import { redactUrl } from '../../src/logger.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/index.js';
import { captureLogger } from '../store/logs.js';
import { redisAvailability, startOwnRedis } from '../store/redis-server.js';
import { FIXTURES, fixture, startFixtureServer } from './fixture-server.js';
import type { FixtureServer } from './fixture-server.js';

let server: FixtureServer;
let root: string;
let importDir: string;
let importer: Importer;
const stores: Store[] = [];

beforeAll(async () => {
  server = await startFixtureServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'feeds-'));
  importDir = path.join(root, 'data', 'knowledge');
  importer = new Importer({ knowledgeDir: 'knowledge', importDir, allowHosts: ['127.0.0.1'], sentences: passageSentences });
});
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  await rm(root, { recursive: true, force: true });
});

const RSS = () => `${server.base}/feeds/rss.xml`;
const ATOM = () => `${server.base}/feeds/atom.xml`;

async function sqliteStore(): Promise<Store> {
  const store = await openStore({ dataDir: path.join(root, 'data'), logger: captureLogger() });
  stores.push(store);
  return store;
}

/** Log lines as [level, message, fields]. */
function recordingLogger(): FeedLogger & { lines: Array<[string, string, Record<string, unknown>]> } {
  const lines: Array<[string, string, Record<string, unknown>]> = [];
  const at = (level: string) => (obj: object, msg: string) => void lines.push([level, msg, obj as Record<string, unknown>]);
  return { lines, info: at('info'), warn: at('warn'), debug: at('debug') };
}

const itemPages = (from: number) =>
  server.requests.slice(from).filter((p) => p.startsWith('/news/'));

describe('parseFeed', () => {
  it('reads RSS and Atom items: key, link and title', async () => {
    const base = 'https://varden.example';
    const rss = await parseFeed(fixture('rss.xml').toString('utf8').replaceAll('{{BASE}}', base), base);
    expect(rss.title).toBe('Varden Council news');
    expect(rss.items).toEqual([
      { key: 'varden-news-1041', link: `${base}/news/ferry-link-resumes`, title: 'Ferry link to Strömstad resumes after harbour repairs' },
      { key: 'varden-news-1038', link: `${base}/news/new-library-opens`, title: 'New library opens in the old customs house' },
      { key: 'varden-news-1030', link: `${base}/news/withdrawn-consultation`, title: 'Consultation on the harbour plan (page withdrawn)' },
    ]);
    const atom = await parseFeed(fixture('atom.xml').toString('utf8').replaceAll('{{BASE}}', base), base);
    expect(atom.items.map((i) => [i.key, i.link])).toEqual([
      ['tag:varden.example,2024:transport/svinesund-inspection', `${base}/news/svinesund-inspection`],
      ['tag:varden.example,2024:transport/ferry', `${base}/news/ferry-link-resumes`],
    ]);
  });

  it('refuses what is not a feed', async () => {
    await expect(parseFeed('<html><body>no</body></html>', 'https://x.example')).rejects.toThrow(ImportRefusal);
    await expect(parseFeed('<rss><channel><item>', 'https://x.example')).rejects.toThrow(
      'the feed is not well-formed XML',
    );
  });
});

describe('importFeed', () => {
  it('imports each new item’s page, reports a broken link, and skips what is already imported without fetching it', async () => {
    const progress: string[] = [];
    const first = await importFeed(importer, RSS(), { onProgress: (i, n, item) => progress.push(`${i}/${n} ${item.title}`) });
    expect(first.results.map((r) => [r.item.key, r.outcome])).toEqual([
      ['varden-news-1041', 'imported'],
      ['varden-news-1038', 'imported'],
      ['varden-news-1030', 'failed'],
    ]);
    expect(first.results[2]).toMatchObject({ reason: '127.0.0.1 answered 404 Not Found', transient: false });
    expect(progress).toEqual([
      '1/3 Ferry link to Strömstad resumes after harbour repairs',
      '2/3 New library opens in the old customs house',
      '3/3 Consultation on the harbour plan (page withdrawn)',
    ]);
    expect((await readdir(importDir)).sort()).toEqual([
      'ferry-link-to-stromstad-resumes-after-harbour-repairs.md',
      'new-library-opens-in-the-old-customs-house.md',
    ]);

    const seq = server.requests.length;
    const atom = await importFeed(importer, ATOM());
    expect(atom.results.map((r) => [r.item.link?.replace(server.base, ''), r.outcome])).toEqual([
      ['/news/svinesund-inspection', 'imported'],
      ['/news/ferry-link-resumes', 'already'],
    ]);
    expect(itemPages(seq)).toEqual(['/news/svinesund-inspection']);
  });

  it('counts an item whose page is already a briefing under no URL as already imported (a duplicate refusal), not refused', async () => {
    await importer.commit(await importer.prepare({ kind: 'file', path: path.join(FIXTURES, 'feed-item-ferry.html') }));
    const run = await importFeed(importer, ATOM());
    expect(run.results.map((r) => [r.item.link?.replace(server.base, ''), r.outcome])).toEqual([
      ['/news/svinesund-inspection', 'imported'],
      ['/news/ferry-link-resumes', 'already'],
    ]);
    expect(run.results[1]).toMatchObject({
      reason: 'the same text is already imported as ferry-link-to-stromstad-resumes-after-harbour-repairs.md (“Ferry link to Strömstad resumes after harbour repairs”)',
    });
  });

  it('stops at --limit new briefings', async () => {
    const run = await importFeed(importer, RSS(), { limit: 1 });
    expect(run.results.map((r) => r.outcome)).toEqual(['imported']);
    expect(await readdir(importDir)).toHaveLength(1);
  });

  it('refuses a feed that is a page, or missing', async () => {
    await expect(importFeed(importer, `${server.base}/pressreleases/salmon-habitat`)).rejects.toThrow(
      '127.0.0.1 sent text/html, not an RSS or Atom feed',
    );
    await expect(importFeed(importer, `${server.base}/feeds/none.xml`)).rejects.toThrow('127.0.0.1 answered 404 Not Found');
  });
});

describe('FeedPoller', () => {
  it('a second poll imports nothing new and fetches no item page again; nor does a restart', async () => {
    const store = await sqliteStore();
    const imported: string[][] = [];
    const logger = recordingLogger();
    const poller = new FeedPoller({
      feeds: [RSS()],
      intervalMs: 60_000,
      importer,
      seen: store,
      logger,
      onImported: async (files) => void imported.push(files),
    });
    const first = await poller.poll(RSS());
    expect(first).toMatchObject({ ok: true, skipped: 0, failed: 1 });
    expect(first.imported).toHaveLength(2);
    expect(imported).toEqual([first.imported]);
    expect(logger.lines.filter(([, m]) => m === 'feed item imported')).toHaveLength(2);
    expect(logger.lines.find(([, m]) => m === 'feed item refused')?.[2]).toMatchObject({ retried: false });

    let seq = server.requests.length;
    expect(await poller.poll(RSS())).toEqual({ ok: true, imported: [], skipped: 0, failed: 0 });
    expect(itemPages(seq)).toEqual([]);
    expect(server.requests.slice(seq)).toEqual(['/feeds/rss.xml']);

    // A restart: a new store on the same file, a new poller.
    await store.close();
    const reopened = await sqliteStore();
    const restarted = new FeedPoller({ feeds: [RSS()], intervalMs: 60_000, importer, seen: reopened, logger: recordingLogger() });
    seq = server.requests.length;
    expect(await restarted.poll(RSS())).toEqual({ ok: true, imported: [], skipped: 0, failed: 0 });
    expect(itemPages(seq)).toEqual([]);
    expect(await readdir(importDir)).toHaveLength(2);
  });

  it('does not re-import an item whose briefing was removed', async () => {
    const store = await sqliteStore();
    const poller = new FeedPoller({ feeds: [RSS()], intervalMs: 60_000, importer, seen: store, logger: recordingLogger() });
    const { imported } = await poller.poll(RSS());
    await importer.remove(imported[0]!.replace(/\.md$/, ''));
    expect((await poller.poll(RSS())).imported).toEqual([]);
    expect(await readdir(importDir)).toHaveLength(1);
  });

  it('tries an item again next time when its page failed for a passing reason (a 503)', async () => {
    server.override('/news/new-library-opens', (_req, res) => res.writeHead(503).end());
    const store = await openStore({ url: 'memory://', logger: captureLogger() });
    stores.push(store);
    const logger = recordingLogger();
    const poller = new FeedPoller({ feeds: [RSS()], intervalMs: 60_000, importer, seen: store, logger });
    expect((await poller.poll(RSS())).imported).toEqual(['ferry-link-to-stromstad-resumes-after-harbour-repairs.md']);
    expect(logger.lines.find(([, m, f]) => m === 'feed item refused' && f.retried === true)).toBeDefined();
    server.override('/news/new-library-opens', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(fixture('feed-item-library.html'));
    });
    expect((await poller.poll(RSS())).imported).toEqual(['new-library-opens-in-the-old-customs-house.md']);
  });

  it('logs a failing feed once per outage, retries with growing delays, and logs the recovery', async () => {
    let fail = true;
    const times: number[] = [];
    server.override('/feeds/flaky.xml', (_req, res) => {
      times.push(Date.now());
      if (fail) return void res.writeHead(500).end();
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.end(fixture('rss.xml').toString('utf8').replaceAll('{{BASE}}', server.base));
    });
    const store = await openStore({ url: 'memory://', logger: captureLogger() });
    stores.push(store);
    const logger = recordingLogger();
    const flaky = `${server.base}/feeds/flaky.xml`;
    const poller = new FeedPoller({ feeds: [flaky], intervalMs: 60_000, firstRetryMs: 40, importer, seen: store, logger });
    poller.start();
    try {
      await waitUntil(() => times.length >= 4, 5000);
      const gaps = times.slice(1, 4).map((t, i) => t - times[i]!);
      expect(gaps[1]!).toBeGreaterThan(gaps[0]!);
      expect(gaps[2]!).toBeGreaterThan(gaps[1]!);
      expect(logger.lines.filter(([level]) => level === 'warn').map(([, m, f]) => [m, f.reason])).toEqual([
        ['feed failed; retrying with backoff', '127.0.0.1 answered 500 Internal Server Error'],
      ]);
      fail = false;
      await waitUntil(() => logger.lines.some(([, m]) => m === 'feed recovered'), 5000);
      await waitUntil(() => logger.lines.some(([, m]) => m === 'feed polled'), 5000);
    } finally {
      poller.stop();
    }
    expect(logger.lines.find(([, m]) => m === 'feed polled')?.[2]).toMatchObject({ imported: 2, failed: 1 });
  });

  it('logs feed and item URLs through `describe`, so a key in them stays out of the log', async () => {
    server.override('/feeds/private.xml', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.end(
        fixture('rss.xml')
          .toString('utf8')
          .replaceAll('{{BASE}}', server.base)
          .replaceAll('/news/ferry-link-resumes', '/news/ferry-link-resumes?token=item-secret-1234'),
      );
    });
    const logger = recordingLogger();
    const store = await openStore({ url: 'memory://', logger: captureLogger() });
    stores.push(store);
    const feed = `${server.base}/feeds/private.xml?api_key=feed-secret-5678`;
    const poller = new FeedPoller({ feeds: [feed], intervalMs: 60_000, importer, seen: store, logger, describe: redactUrl });
    expect((await poller.poll(feed)).imported).toHaveLength(2);
    const logged = JSON.stringify(logger.lines);
    expect(logged).toContain('feed item imported');
    expect(logged).not.toContain('feed-secret-5678');
    expect(logged).not.toContain('item-secret-1234');
  });

  it('skips a poll, importing nothing, while the store cannot say what was seen', async () => {
    const logger = recordingLogger();
    const poller = new FeedPoller({
      feeds: [RSS()],
      intervalMs: 60_000,
      importer,
      seen: { seenFeedItems: async () => undefined, markFeedItemsSeen: async () => false },
      logger,
    });
    expect(await poller.poll(RSS())).toMatchObject({ ok: false, imported: [] });
    expect(await readdir(importDir).catch(() => [])).toEqual([]);
    expect(logger.lines.map(([, m]) => m)).toEqual(['feed poll skipped: the store is unavailable, so seen items are unknown']);
  });
});

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Requests for the feed itself, since `from`. */
const feedFetches = (from: number) => server.requests.slice(from).filter((p) => p === '/feeds/rss.xml').length;

/**
 * Two pollers standing for two processes that follow one feed and claim its rounds in their own
 * store (on Redis, two stores on one server): one polls a round, the other fetches nothing; once
 * the holder is gone and its round lapses, the other takes over.
 */
async function oneRoundOnePoller(claims: [Store, Store]): Promise<void> {
  const intervalMs = 300;
  const make = (store: Store) =>
    new FeedPoller({
      feeds: [RSS()],
      intervalMs,
      importer,
      seen: store,
      logger: recordingLogger(),
      claimRound: (feed, ms) => store.claimFeedRound(feed, ms),
    });
  const [a, b] = [make(claims[0]), make(claims[1])];
  let seq = server.requests.length;
  const [first, second] = await Promise.all([a.poll(RSS()), b.poll(RSS())]);
  const polled = [first, second].filter((r) => !r.elsewhere);
  expect(polled).toHaveLength(1);
  expect(polled[0]!.imported).toHaveLength(2);
  expect([first, second].filter((r) => r.elsewhere)).toEqual([
    { ok: true, imported: [], skipped: 0, failed: 0, elsewhere: true },
  ]);
  expect(feedFetches(seq)).toBe(1);

  // Within the round the other still fetches nothing.
  const [holder, other] = first.elsewhere ? [b, a] : [a, b];
  seq = server.requests.length;
  expect(await other.poll(RSS())).toMatchObject({ elsewhere: true });
  expect(feedFetches(seq)).toBe(0);

  // The holder is gone; its round lapses after 90 % of the interval, and the other polls.
  holder.stop();
  await new Promise((resolve) => setTimeout(resolve, intervalMs));
  seq = server.requests.length;
  expect(await other.poll(RSS())).toEqual({ ok: true, imported: [], skipped: 0, failed: 0 });
  expect(feedFetches(seq)).toBe(1);
  expect(await readdir(importDir)).toHaveLength(2);
}

describe('FeedPoller with claimRound (processes following the same feeds)', () => {
  it('polls each round from one process only, and another takes over when the holder is gone (in-process turns)', async () => {
    const store = await sqliteStore();
    await oneRoundOnePoller([store, store]);
  });

  const redis = redisAvailability();
  it.skipIf(redis.mode !== 'own')('does the same through two stores on one redis-server, as two hosts do', async () => {
    const own = await startOwnRedis((redis as { bin: string }).bin);
    try {
      const open = async () => {
        const store = await openStore({ url: own.url, logger: captureLogger(), timeoutMs: 300, reconnectMaxDelayMs: 100 });
        stores.push(store);
        return store;
      };
      await oneRoundOnePoller([await open(), await open()]);
    } finally {
      await Promise.all(stores.splice(0).map((s) => s.close()));
      await own.dispose();
    }
  });

  it('fetches nothing in a round it could not claim', async () => {
    const store = await sqliteStore();
    const poller = new FeedPoller({
      feeds: [RSS()],
      intervalMs: 60_000,
      importer,
      seen: store,
      logger: recordingLogger(),
      claimRound: async () => false,
    });
    const seq = server.requests.length;
    expect(await poller.poll(RSS())).toMatchObject({ elsewhere: true, imported: [] });
    expect(feedFetches(seq)).toBe(0);
  });
});
