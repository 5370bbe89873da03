/**
 * RSS and Atom feeds: reading one (with the importer's safety rules), importing the items not yet
 * imported, and following feeds on a timer for the bot, with the items seen kept in the store so
 * a restart does not import them again.
 */
import { urlKey, urlKeys } from './briefing-file.js';
import { FEED_TYPES, decodeText } from './fetch.js';
import type { Importer, PreparedImport } from './importer.js';
import { ImportRefusal, isImportRefusal } from './refusal.js';

/** One item of a feed. */
export interface FeedItem {
  /** What identifies it across polls: its guid / Atom id, else its link. */
  key: string;
  link?: string;
  title?: string;
}

export interface Feed {
  title?: string;
  items: FeedItem[];
}

/** The most items read from one feed (a feed is a list of recent items; more is an archive). */
const MAX_FEED_ITEMS = 200;

/**
 * Parses an RSS 2.0, RSS 1.0 (RDF) or Atom document (`@extractus/feed-extractor`); relative links
 * are read against `baseUrl`.
 *
 * @throws ImportRefusal when it is not well-formed XML or not a feed
 */
export async function parseFeed(xml: string, baseUrl: string): Promise<Feed> {
  // Loaded on the first feed read: a bot that follows none does not carry the XML parser.
  const { extractFromXml } = await import('@extractus/feed-extractor');
  let data: ReturnType<typeof extractFromXml>;
  try {
    data = extractFromXml(xml, { baseUrl, descriptionMaxLen: 0, useISODateFormat: true });
  } catch (error) {
    throw new ImportRefusal(
      /not well-formed/i.test(String(error)) ? 'the feed is not well-formed XML' : 'the document is not an RSS or Atom feed',
    );
  }
  const items: FeedItem[] = [];
  for (const entry of (data.entries ?? []).slice(0, MAX_FEED_ITEMS)) {
    const link = typeof entry.link === 'string' && /^https?:\/\//i.test(entry.link) ? entry.link : undefined;
    const key = (typeof entry.id === 'string' && entry.id.trim()) || link;
    if (!key) continue;
    items.push({
      key,
      ...(link ? { link } : {}),
      ...(typeof entry.title === 'string' && entry.title.trim() ? { title: entry.title.trim() } : {}),
    });
  }
  return { ...(data.title ? { title: String(data.title) } : {}), items };
}

/** Fetches and parses a feed with the importer's safety rules. */
async function readFeed(importer: Importer, url: string): Promise<Feed> {
  const fetched = await importer.fetchPage(url, FEED_TYPES);
  return await parseFeed(decodeText(fetched.body, fetched.charset, false), fetched.finalUrl);
}

/** What became of one item. */
export type ItemOutcome =
  /** `file` is the file written (or, in a dry run, the one that would be). */
  | { item: FeedItem; outcome: 'imported'; prepared: PreparedImport; file: string }
  | { item: FeedItem; outcome: 'already'; reason: string }
  | { item: FeedItem; outcome: 'failed'; reason: string; transient: boolean };

export interface FeedImportOptions {
  /** At most this many new briefings (default: every new item). */
  limit?: number;
  /** Items already handled (the bot's store); they are skipped without a fetch. */
  isSeen?: (key: string) => boolean;
  /** Told before each item is fetched: `index` of `total` new items. */
  onProgress?: (index: number, total: number, item: FeedItem) => void;
  /** False for a dry run: items are prepared (fetched, extracted, checked) but nothing is written. */
  commit?: boolean;
}

export interface FeedImport {
  feed: Feed;
  /** One per item looked at, in feed order. */
  results: ItemOutcome[];
}

/**
 * Imports a feed's items that are not yet imported: each item's link is fetched and extracted as
 * a page is. An item whose URL is already a briefing is skipped without a fetch; one whose page is
 * refused is reported and the rest go on.
 *
 * @throws ImportRefusal when the feed itself cannot be read
 */
export async function importFeed(importer: Importer, url: string, options: FeedImportOptions = {}): Promise<FeedImport> {
  const feed = await readFeed(importer, url);
  const known = new Set(urlKeys(await importer.knownUrls()));
  const fresh = feed.items.filter((item) => !options.isSeen?.(item.key));
  const results: ItemOutcome[] = [];
  let imported = 0;
  for (const [index, item] of fresh.entries()) {
    if (options.limit !== undefined && imported >= options.limit) break;
    const key = urlKey(item.link);
    if (!item.link) {
      results.push({ item, outcome: 'failed', reason: 'the item has no link', transient: false });
      continue;
    }
    if (key !== undefined && known.has(key)) {
      results.push({ item, outcome: 'already', reason: 'its URL is already imported' });
      continue;
    }
    options.onProgress?.(index + 1, fresh.length, item);
    try {
      const prepared = await importer.prepare({ kind: 'url', url: item.link });
      const written = options.commit === false ? prepared : await importer.commit(prepared);
      imported++;
      if (key !== undefined) known.add(key);
      const finalKey = urlKey(prepared.url);
      if (finalKey !== undefined) known.add(finalKey);
      results.push({ item, outcome: 'imported', prepared, file: written.file });
    } catch (error) {
      if (!isImportRefusal(error)) throw error;
      if (error.duplicate) {
        results.push({ item, outcome: 'already', reason: error.message });
      } else {
        results.push({ item, outcome: 'failed', reason: error.message, transient: error.transient });
      }
    }
  }
  return { feed, results };
}

// ─────────────────────────────── following feeds ───────────────────────────────

/** Where the poller keeps which items it has handled (the bot's store). */
export interface SeenItems {
  /** The keys handled for a feed; undefined when the store cannot say (the poll is then skipped). */
  seenFeedItems(feedUrl: string): Promise<ReadonlySet<string> | undefined>;
  /** Adds keys; resolves to whether they were saved. */
  markFeedItemsSeen(feedUrl: string, keys: readonly string[]): Promise<boolean>;
}

/** The logger methods the poller uses (pino's). */
export interface FeedLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface FeedPollerOptions {
  feeds: readonly string[];
  intervalMs: number;
  importer: Importer;
  seen: SeenItems;
  logger: FeedLogger;
  /** Called after a poll wrote briefings (the bot reloads its index). */
  onImported?: (files: string[]) => Promise<void>;
  /** New items imported per feed per poll at most (the rest come with the next polls). Default 10. */
  perPoll?: number;
  /** The first retry of a failing feed comes after this long, doubling up to the interval. Default 60 s. */
  firstRetryMs?: number;
  /** Shown in log lines instead of a feed's or an item's URL (which may hold a key). */
  describe?: (url: string) => string;
  /**
   * When several processes follow the same feeds (hosts sharing Redis): claims a round of
   * `feedUrl` for this process for `windowMs`, false when another process holds it. Each
   * scheduled poll claims its round first (for 90 % of the interval, so the holder keeps it from
   * round to round and, if it dies, another takes over within two intervals); the retries of a
   * failing poll are the holder's own. Without it, this process polls every round.
   */
  claimRound?: (feedUrl: string, windowMs: number) => Promise<boolean>;
}

/** What one poll of one feed did. */
export interface FeedPoll {
  ok: boolean;
  imported: string[];
  skipped: number;
  failed: number;
  /** When not ok: why. */
  reason?: string;
  /** Another process holds this round (see `claimRound`): this one fetched nothing. */
  elsewhere?: true;
}

interface FeedState {
  failures: number;
  timer?: NodeJS.Timeout;
  running?: Promise<FeedPoll>;
}

/**
 * Polls each feed every `intervalMs`: new items are imported, and every item handled (imported,
 * already there, or refused for good) is recorded as seen, so that neither the next poll nor a
 * restart imports it again. An item refused for a passing reason (a timeout, a 5xx) is tried
 * again next time. A failing feed is logged once when it starts failing and once when it
 * recovers, retried after 1, 2, 4… minutes (never more than the interval), and never stops the
 * bot: nothing here throws.
 */
export class FeedPoller {
  private readonly states = new Map<string, FeedState>();
  private stopped = true;

  constructor(private readonly options: FeedPollerOptions) {}

  /** Polls every feed now, then on schedule. */
  start(): void {
    this.stopped = false;
    for (const feed of this.options.feeds) this.schedule(feed, 0);
  }

  stop(): void {
    this.stopped = true;
    for (const state of this.states.values()) if (state.timer) clearTimeout(state.timer);
  }

  /** Polls one feed now (the scheduler's step; tests call it directly). Never rejects. */
  poll(feedUrl: string): Promise<FeedPoll> {
    const state = this.state(feedUrl);
    state.running ??= this.pollOnce(feedUrl, state).finally(() => {
      state.running = undefined;
    });
    return state.running;
  }

  private state(feedUrl: string): FeedState {
    let state = this.states.get(feedUrl);
    if (!state) {
      state = { failures: 0 };
      this.states.set(feedUrl, state);
    }
    return state;
  }

  private schedule(feedUrl: string, delayMs: number): void {
    if (this.stopped) return;
    const state = this.state(feedUrl);
    if (state.timer) clearTimeout(state.timer);
    state.timer = setTimeout(() => {
      void this.poll(feedUrl).then(() => {
        const retry = Math.min(this.options.intervalMs, (this.options.firstRetryMs ?? 60_000) * 2 ** (state.failures - 1));
        this.schedule(feedUrl, state.failures > 0 ? retry : this.options.intervalMs);
      });
    }, delayMs);
    state.timer.unref();
  }

  private async pollOnce(feedUrl: string, state: FeedState): Promise<FeedPoll> {
    const { logger, claimRound } = this.options;
    const describe = this.options.describe ?? ((url: string) => url);
    const feed = describe(feedUrl);
    if (claimRound && state.failures === 0 && !(await claimRound(feedUrl, this.options.intervalMs * 0.9))) {
      logger.debug({ feed }, 'feed round polled by another process');
      return { ok: true, imported: [], skipped: 0, failed: 0, elsewhere: true };
    }
    const seen = await this.options.seen.seenFeedItems(feedUrl);
    if (seen === undefined) {
      logger.warn({ feed }, 'feed poll skipped: the store is unavailable, so seen items are unknown');
      return { ok: false, imported: [], skipped: 0, failed: 0, reason: 'store unavailable' };
    }
    let run: FeedImport;
    try {
      run = await importFeed(this.options.importer, feedUrl, {
        limit: this.options.perPoll ?? 10,
        isSeen: (key) => seen.has(key),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      state.failures++;
      // One line per outage; the retries in between stay quiet.
      if (state.failures === 1) logger.warn({ feed, reason }, 'feed failed; retrying with backoff');
      else logger.debug({ feed, reason, failures: state.failures }, 'feed still failing');
      return { ok: false, imported: [], skipped: 0, failed: 0, reason };
    }
    if (state.failures > 0) logger.info({ feed, failures: state.failures }, 'feed recovered');
    state.failures = 0;
    const done: string[] = [];
    const imported: string[] = [];
    let failed = 0;
    let skipped = 0;
    for (const r of run.results) {
      if (r.outcome === 'imported') {
        imported.push(r.file);
        done.push(r.item.key);
        logger.info(
          { feed, url: describe(r.prepared.url ?? r.item.link ?? r.item.key), file: r.file, title: r.prepared.title },
          'feed item imported',
        );
      } else if (r.outcome === 'already') {
        skipped++;
        done.push(r.item.key);
      } else {
        failed++;
        if (!r.transient) done.push(r.item.key);
        logger.warn(
          { feed, item: describe(r.item.link ?? r.item.key), reason: r.reason, retried: r.transient },
          'feed item refused',
        );
      }
    }
    if (done.length > 0) await this.options.seen.markFeedItemsSeen(feedUrl, done);
    logger.info({ feed, items: run.feed.items.length, imported: imported.length, skipped, failed }, 'feed polled');
    if (imported.length > 0) await this.options.onImported?.(imported).catch(() => undefined);
    return { ok: true, imported, skipped, failed };
  }
}
