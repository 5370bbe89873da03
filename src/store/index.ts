/**
 * The bot's durable state behind typed functions: guild settings, cooldowns, flood limits,
 * 👍/👎 feedback and the last question for follow-ups. Nothing else in the code knows keys, TTLs
 * or which keyv backend is in use.
 *
 * Failure policy: a store that fails (Redis down, disk full, a hung server) never breaks a reply.
 * Every call has a deadline (500 ms by default); on an error or a missed deadline, reads return
 * defaults, cooldown and flood checks let the question through, and writes are dropped. One
 * warning is logged when an outage starts and one info line when the store recovers.
 *
 * @example
 * const store = await openStore({ url: config.storeUrl, dataDir: config.dataDir, logger });
 * const settings = await store.getSettings(guildId);
 * const cooldown = await store.hitCooldown(guildId, userId, settings.cooldownSeconds);
 * if (!cooldown.ok) reply(`Please wait ${cooldown.retryAfterSeconds} s.`);
 */
import { MAX_SHARED_BRIEFING_BYTES } from '../knowledge/shared-imports.js';
import type { SharedBriefings } from '../knowledge/shared-imports.js';
import { memoryBackend, redisBackend, sqliteBackend } from './backends.js';
import type { Backend, SharedBriefingsBackend, TurnClaim } from './backends.js';
import { buildFeedbackReport, isFeedbackRecord, questionKey, voteTime, voterKey } from './feedback.js';
import type { FeedbackInput, FeedbackRecord, FeedbackReport } from './feedback.js';
import { DEFAULT_FLOOD_LIMITS, floodWindow } from './flood.js';
import type { FloodLimits, RateDecision } from './flood.js';
import { StoreHealth } from './health.js';
import {
  IMPORT_LIMITS,
  MAX_SEEN_PER_FEED,
  PENDING_TTL_SECONDS,
  feedKey,
  readPendingConfirmation,
  readSeenItems,
} from './imports.js';
import type { PendingConfirmation } from './imports.js';
import type { StoreLogger } from './health.js';
import { checkSettingsPatch, DEFAULT_SETTINGS, MAX_COOLDOWN_SECONDS, sanitizeSettings } from './settings.js';
import type { Settings, SettingsPatch } from './settings.js';
import { DEFAULT_DATA_DIR, describeStoreUrl, parseStoreUrl } from './url.js';
import type { StoreTarget } from './url.js';

export type { TurnClaim } from './backends.js';
export type { FeedbackInput, FeedbackReport, FeedbackReportEntry } from './feedback.js';
export type { FloodLimits, RateDecision } from './flood.js';
export type { PendingConfirmation, PendingImport, PendingRemoval } from './imports.js';
export { IMPORT_LIMITS, PENDING_TTL_SECONDS } from './imports.js';
export type { StoreLogger } from './health.js';
export type { SharedBriefings } from '../knowledge/shared-imports.js';
export type { Settings, SettingsPatch } from './settings.js';
export type { StoreTarget } from './url.js';
export { DEFAULT_FLOOD_LIMITS } from './flood.js';
export { StoreTimeoutError } from './health.js';
export { DEFAULT_SETTINGS, MAX_COOLDOWN_SECONDS } from './settings.js';
export { DEFAULT_DATA_DIR, StoreConfigError, describeStoreUrl, parseStoreUrl, storeFilePath } from './url.js';

/** The deadline of a store call that carries a briefing's text (up to 1 MB) or lists them all. */
export const SHARED_BRIEFINGS_TIMEOUT_MS = 5000;

/** How long a follow-up question may refer back to the previous one. */
export const FOLLOW_UP_TTL_SECONDS = 600;
/** The default deadline of one store call. */
export const DEFAULT_STORE_TIMEOUT_MS = 500;

/** Options for {@link openStore}. */
export interface OpenStoreOptions {
  /** STORE_URL: unset → SQLite in `dataDir`; `redis://…`/`rediss://…` → Redis; `memory://` → in-process. */
  url?: string | undefined;
  /** DATA_DIR, where the SQLite file lives (default `data`, created when missing). */
  dataDir?: string | undefined;
  logger: StoreLogger;
  /** Deadline of one call in milliseconds (default 500). */
  timeoutMs?: number;
  /** Deadline of {@link Store.feedbackReport}, which reads every vote (default 30 s). */
  reportTimeoutMs?: number;
  /** How long {@link Store.previousQuestion} remembers a question, in seconds (default 600). */
  followUpTtlSeconds?: number;
  /**
   * A secret to hash voters with. Without it a random salt is kept in the store itself: user ids
   * are still never stored, but whoever has a copy of the store could test known ids against it.
   */
  feedbackSalt?: string;
  /** Redis: the longest wait between two reconnection attempts (default 2000 ms). */
  reconnectMaxDelayMs?: number;
  /** Redis: how long to wait for the first connection before starting without it (default 2000 ms). */
  connectTimeoutMs?: number;
}

/** What {@link Store.updateSettings} did. */
export interface SettingsUpdate {
  /** The settings now in force (when not saved: what they would have been). */
  settings: Settings;
  /** False when the store was unavailable and nothing was written: say so to the admin. */
  saved: boolean;
}

/** The bot's state. Every method resolves (never rejects on a store failure) within its deadline. */
export interface Store {
  /** Which backend STORE_URL chose. */
  readonly kind: StoreTarget['kind'];
  /** The backend for logs, credentials masked (`redis://:****@cache:6379`, `sqlite:data/state.sqlite`). */
  readonly description: string;
  /** Whether the last call (or Redis connection event) succeeded. */
  readonly healthy: boolean;

  /** A guild's settings; the defaults (public, no cooldown, mentions on) if unset or unavailable. */
  getSettings(guildId: string): Promise<Settings>;
  /**
   * Changes some of a guild's settings.
   * @throws RangeError on an out-of-range value (checked before anything is written)
   */
  updateSettings(guildId: string, patch: SettingsPatch): Promise<SettingsUpdate>;
  /**
   * Records a question of `userId` in `guildId` unless their previous one was less than `seconds`
   * ago (0 = no cooldown). A declined question does not restart the wait.
   */
  hitCooldown(guildId: string, userId: string, seconds: number): Promise<RateDecision>;
  /**
   * Counts a question of `userId` (in any guild or DM) and declines it when there were already
   * `limit` in the last `windowSeconds` (default 5 in 10 s). Shared by all processes on Redis.
   * @throws RangeError on a nonsensical limit
   */
  hitFlood(userId: string, limits?: FloodLimits): Promise<RateDecision>;
  /**
   * Records a 👍/👎 vote. The user is kept only as a salted hash, so that voting again on the same
   * question replaces the earlier vote. Resolves to whether it was saved.
   */
  recordFeedback(vote: FeedbackInput): Promise<boolean>;
  /** The questions with the most 👎 and the passages they got; `undefined` if the store is unavailable. */
  feedbackReport(options?: { limit?: number }): Promise<FeedbackReport | undefined>;
  /** Remembers a user's question in a channel (`scope`: the guild id, or `'dm'`/null) for 10 minutes. */
  rememberQuestion(scope: string | null, channelId: string, userId: string, question: string): Promise<void>;
  /** The question remembered by {@link rememberQuestion}, if still fresh. */
  previousQuestion(scope: string | null, channelId: string, userId: string): Promise<string | undefined>;
  /**
   * Counts an import in a guild and declines it past 10 in an hour (`limits`). Like the flood
   * limit, it lets the import through when the store is unavailable.
   */
  hitImportLimit(guildId: string, limits?: FloodLimits): Promise<RateDecision>;
  /** Keeps what a confirmation button will act on, for 15 minutes. Resolves to whether it was saved. */
  savePendingConfirmation(token: string, pending: PendingConfirmation): Promise<boolean>;
  /**
   * The confirmation saved under `token`, removed as it is read so that two clicks cannot both act
   * on it; undefined when expired, already taken, malformed, or the store is unavailable.
   */
  takePendingConfirmation(token: string): Promise<PendingConfirmation | undefined>;
  /** Drops a confirmation (Cancel). */
  dropPendingConfirmation(token: string): Promise<void>;
  /** The keys of a feed's items already handled; undefined when the store is unavailable (skip the poll). */
  seenFeedItems(feedUrl: string): Promise<ReadonlySet<string> | undefined>;
  /** Adds keys to a feed's handled items (the newest 2,000 are kept). Resolves to whether it was saved. */
  markFeedItemsSeen(feedUrl: string, keys: readonly string[]): Promise<boolean>;
  /**
   * Claims the turn `name` for `windowMs` if no one holds it, or says how long until the holder's
   * lapses; `undefined` when the store is unavailable. On Redis the turn is shared by every
   * process on every host (the gateway's identify limit); on SQLite and memory, by this process
   * only. A turn is never given back early: it lapses, so a holder that dies blocks no one for
   * longer than the window.
   */
  claimTurn(name: string, windowMs: number): Promise<TurnClaim | undefined>;
  /**
   * Claims this round of polling `feedUrl` for `windowMs` (a turn, as above, named by a hash of
   * the URL): true when this process is to poll it, false when another holds the round or the
   * store is unavailable (then what was seen is unknown anyway).
   */
  claimFeedRound(feedUrl: string, windowMs: number): Promise<boolean>;
  /**
   * Imported briefings shared by every host, on Redis (the source of truth that each host's
   * import folder copies); undefined on SQLite and memory, where imports stay on the host that
   * made them. Its calls resolve to undefined when the store is unavailable, within their
   * deadline (5 s for those that carry texts or list every briefing).
   */
  readonly sharedBriefings: SharedBriefings | undefined;
  /** Closes connections. Later calls return fallbacks without touching the backend. */
  close(): Promise<void>;
}

const OK: RateDecision = Object.freeze({ ok: true });
const MAX_QUESTION_LENGTH = 2000;
const MAX_PASSAGES = 25;
const PRUNE_EVERY_MS = 10 * 60_000;

/**
 * Opens the store chosen by `url` (STORE_URL). A Redis server that is down is not an error: the
 * bot starts with defaults and the store reconnects by itself.
 *
 * @throws StoreConfigError on a malformed STORE_URL (password masked) or an unusable DATA_DIR
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const dataDir =
    options.dataDir === undefined || options.dataDir.trim() === '' ? DEFAULT_DATA_DIR : options.dataDir;
  const target = parseStoreUrl(options.url, dataDir);
  const timeoutMs = options.timeoutMs ?? DEFAULT_STORE_TIMEOUT_MS;
  const description = target.kind === 'sqlite' ? `sqlite:${target.file}` : describeStoreUrl(options.url);
  const health = new StoreHealth(options.logger, description, timeoutMs);
  const backendOptions = {
    timeoutMs,
    health,
    reconnectMaxDelayMs: options.reconnectMaxDelayMs ?? 2000,
    connectTimeoutMs: options.connectTimeoutMs ?? 2000,
  };
  const backend =
    target.kind === 'memory'
      ? memoryBackend()
      : target.kind === 'sqlite'
        ? await sqliteBackend(target.file, backendOptions)
        : await redisBackend(target.url, backendOptions);
  return new KeyvStore(backend, health, description, options);
}

/** Keys, all in the state namespace. Snowflakes hold no ':'; DMs use the scope 'dm'. */
const keys = {
  settings: (guildId: string) => `settings:${guildId}`,
  cooldown: (guildId: string, userId: string) => `cooldown:${guildId}:${userId}`,
  followUp: (scope: string | null, channelId: string, userId: string) =>
    `followup:${scope ?? 'dm'}:${channelId}:${userId}`,
  pending: (token: string) => `pending:${token}`,
  feedSeen: (feedUrl: string) => `feed-seen:${feedKey(feedUrl)}`,
  // Counted by the flood counter, whose keys are user ids: no snowflake starts with "import:".
  importLimit: (guildId: string) => `import:${guildId}`,
  turn: (name: string) => `turn:${name}`,
};

class KeyvStore implements Store {
  readonly kind: StoreTarget['kind'];
  #closed = false;
  #salt: Promise<string> | undefined;
  readonly #taking = new Set<string>();
  readonly #pruneTimer: NodeJS.Timeout | undefined;
  readonly #followUpMs: number;
  readonly #reportTimeoutMs: number;
  readonly sharedBriefings: SharedBriefings | undefined;

  constructor(
    private readonly backend: Backend,
    private readonly health: StoreHealth,
    readonly description: string,
    private readonly options: OpenStoreOptions,
  ) {
    this.kind = backend.kind;
    this.#followUpMs = Math.ceil((options.followUpTtlSeconds ?? FOLLOW_UP_TTL_SECONDS) * 1000);
    this.#reportTimeoutMs = options.reportTimeoutMs ?? 30_000;
    this.sharedBriefings = backend.shared ? this.#guardShared(backend.shared) : undefined;
    if (backend.kind === 'sqlite') {
      void this.#prune();
      this.#pruneTimer = setInterval(() => void this.#prune(), PRUNE_EVERY_MS).unref();
    }
  }

  get healthy(): boolean {
    return this.health.healthy;
  }

  /** A guarded call, or the fallback at once after close(). */
  #call<T>(op: string, run: () => Promise<T>, fallback: T, timeoutMs?: number): Promise<T> {
    if (this.#closed) return Promise.resolve(fallback);
    return this.health.guard(op, run, fallback, timeoutMs);
  }

  async getSettings(guildId: string): Promise<Settings> {
    return this.#call(
      'getSettings',
      async () => sanitizeSettings(await this.backend.state.get(keys.settings(guildId))),
      { ...DEFAULT_SETTINGS },
    );
  }

  async updateSettings(guildId: string, patch: SettingsPatch): Promise<SettingsUpdate> {
    checkSettingsPatch(patch);
    const change = Object.fromEntries(
      Object.entries(patch).filter(([, v]) => v !== undefined),
    ) as SettingsPatch;
    // Merged in one atomic step by the backend: two admins changing different settings of one
    // guild at the same moment both keep their change.
    return this.#call<SettingsUpdate>(
      'updateSettings',
      async () => {
        await this.backend.patchObject(keys.settings(guildId), change);
        const settings = sanitizeSettings(await this.backend.state.get(keys.settings(guildId)));
        return { settings, saved: true };
      },
      { settings: { ...DEFAULT_SETTINGS, ...change }, saved: false },
    );
  }

  async hitCooldown(guildId: string, userId: string, seconds: number): Promise<RateDecision> {
    if (!(seconds > 0)) return OK;
    const windowMs = Math.ceil(Math.min(seconds, MAX_COOLDOWN_SECONDS) * 1000);
    return this.#call<RateDecision>(
      'hitCooldown',
      // The time of the last accepted question is stored (not its end), so a changed cooldown
      // applies at once; read and written in one atomic step by the backend.
      () => this.backend.claimCooldown(keys.cooldown(guildId, userId), Date.now(), windowMs),
      OK,
    );
  }

  async hitFlood(userId: string, limits: FloodLimits = DEFAULT_FLOOD_LIMITS): Promise<RateDecision> {
    floodWindow(limits);
    if (this.#closed) return OK;
    // In-process counting cannot fail, and must not mark a failing store healthy again.
    if (this.backend.floodInProcess) return this.backend.hitFlood(userId, limits);
    return this.#call<RateDecision>('hitFlood', () => this.backend.hitFlood(userId, limits), OK);
  }

  async recordFeedback(vote: FeedbackInput): Promise<boolean> {
    const question = vote.question.trim().slice(0, MAX_QUESTION_LENGTH);
    const qKey = questionKey(question);
    const record: FeedbackRecord = {
      questionKey: qKey,
      question,
      passages: vote.passages.slice(0, MAX_PASSAGES).map(String),
      vote: vote.vote === 'down' ? 'down' : 'up',
      guildId: vote.guildId === null || vote.guildId === 'dm' ? null : vote.guildId,
      at: voteTime(vote.at),
    };
    return this.#call(
      'recordFeedback',
      async () => {
        const salt = await this.#loadSalt();
        // One key per question and voter: a revote overwrites it, with nothing to read first.
        await this.backend.feedback.set(`${qKey}:${voterKey(salt, qKey, vote.userId)}`, record);
        return true;
      },
      false,
    );
  }

  async feedbackReport(options: { limit?: number } = {}): Promise<FeedbackReport | undefined> {
    const limit = options.limit ?? 20;
    const { feedback } = this.backend;
    return this.#call(
      'feedbackReport',
      async () => {
        // Every backend used here (Map, SQLite, Redis) is one keyv can iterate: no index to keep.
        if (feedback.iterator === undefined) throw new Error(`the ${this.kind} store cannot list feedback`);
        const records: FeedbackRecord[] = [];
        for await (const entry of feedback.iterator(feedback.namespace) as AsyncIterable<[string, unknown]>) {
          if (isFeedbackRecord(entry[1])) records.push(entry[1]);
        }
        return buildFeedbackReport(records, limit);
      },
      undefined,
      Math.max(this.#reportTimeoutMs, this.health.timeoutMs),
    );
  }

  async rememberQuestion(
    scope: string | null,
    channelId: string,
    userId: string,
    question: string,
  ): Promise<void> {
    await this.#call(
      'rememberQuestion',
      async () => {
        await this.backend.state.set(
          keys.followUp(scope, channelId, userId),
          question.slice(0, MAX_QUESTION_LENGTH),
          this.#followUpMs,
        );
      },
      undefined,
    );
  }

  async previousQuestion(
    scope: string | null,
    channelId: string,
    userId: string,
  ): Promise<string | undefined> {
    return this.#call(
      'previousQuestion',
      async () => {
        const question = await this.backend.state.get<unknown>(keys.followUp(scope, channelId, userId));
        return typeof question === 'string' ? question : undefined;
      },
      undefined,
    );
  }

  async hitImportLimit(guildId: string, limits: FloodLimits = IMPORT_LIMITS): Promise<RateDecision> {
    floodWindow(limits);
    if (this.#closed) return OK;
    const key = keys.importLimit(guildId);
    if (this.backend.floodInProcess) return this.backend.hitFlood(key, limits);
    return this.#call<RateDecision>('hitImportLimit', () => this.backend.hitFlood(key, limits), OK);
  }

  async savePendingConfirmation(token: string, pending: PendingConfirmation): Promise<boolean> {
    return this.#call(
      'savePendingConfirmation',
      async () => {
        await this.backend.state.set(keys.pending(token), pending, PENDING_TTL_SECONDS * 1000);
        return true;
      },
      false,
    );
  }

  async takePendingConfirmation(token: string): Promise<PendingConfirmation | undefined> {
    // Two clicks in this process: the second finds it being taken. Across processes, whoever
    // deletes it first acts on it (Redis's DEL says which; SQLite's is a select then a delete).
    if (this.#taking.has(token)) return undefined;
    this.#taking.add(token);
    try {
      return await this.#call(
        'takePendingConfirmation',
        async () => {
          const stored = await this.backend.state.get<unknown>(keys.pending(token));
          if (stored === undefined) return undefined;
          if (!(await this.backend.state.delete(keys.pending(token)))) return undefined;
          return readPendingConfirmation(stored);
        },
        undefined,
      );
    } finally {
      this.#taking.delete(token);
    }
  }

  async dropPendingConfirmation(token: string): Promise<void> {
    await this.#call(
      'dropPendingConfirmation',
      async () => {
        await this.backend.state.delete(keys.pending(token));
      },
      undefined,
    );
  }

  async claimTurn(name: string, windowMs: number): Promise<TurnClaim | undefined> {
    if (!(windowMs > 0)) throw new RangeError(`a turn lasts more than 0 ms, got ${windowMs}`);
    return this.#call<TurnClaim | undefined>(
      'claimTurn',
      () => this.backend.claimTurn(keys.turn(name), windowMs),
      undefined,
    );
  }

  async claimFeedRound(feedUrl: string, windowMs: number): Promise<boolean> {
    return (await this.claimTurn(`feed-round:${feedKey(feedUrl)}`, windowMs))?.claimed === true;
  }

  async seenFeedItems(feedUrl: string): Promise<ReadonlySet<string> | undefined> {
    return this.#call(
      'seenFeedItems',
      async () => new Set(readSeenItems(await this.backend.state.get<unknown>(keys.feedSeen(feedUrl)))),
      undefined,
    );
  }

  async markFeedItemsSeen(feedUrl: string, added: readonly string[]): Promise<boolean> {
    // One poller per bot (the first shard) writes a feed's list: a read and a write suffice.
    return this.#call(
      'markFeedItemsSeen',
      async () => {
        const key = keys.feedSeen(feedUrl);
        const current = readSeenItems(await this.backend.state.get<unknown>(key));
        const fresh = added.filter((k) => !current.includes(k));
        await this.backend.state.set(key, [...current, ...fresh].slice(-MAX_SEEN_PER_FEED));
        return true;
      },
      false,
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#pruneTimer);
    await this.backend.close();
  }

  /** The backend's shared briefings behind the store's guard: deadlines, fallbacks, health. */
  #guardShared(shared: SharedBriefingsBackend): SharedBriefings {
    const long = Math.max(SHARED_BRIEFINGS_TIMEOUT_MS, this.health.timeoutMs);
    return {
      maxBytes: MAX_SHARED_BRIEFING_BYTES,
      claim: async (claim) => {
        const bytes = Buffer.byteLength(claim.text, 'utf8');
        if (bytes > MAX_SHARED_BRIEFING_BYTES) {
          return { outcome: 'too-large', bytes, maxBytes: MAX_SHARED_BRIEFING_BYTES };
        }
        return this.#call('claimSharedBriefing', () => shared.claim(claim), undefined, long);
      },
      retract: (file, title) =>
        this.#call(
          'retractSharedBriefing',
          async () => {
            const rev = await shared.retract(file, title);
            return rev === 0 ? null : { rev };
          },
          undefined,
        ),
      entries: () => this.#call('sharedBriefings', () => shared.entries(), undefined, long),
      entry: (file) => this.#call('sharedBriefing', () => shared.entry(file), undefined),
      text: (file) => this.#call('sharedBriefingText', () => shared.text(file), undefined, long),
      revision: () => this.#call('sharedBriefingsRevision', () => shared.revision(), undefined),
      follow: (listener) => shared.follow(listener),
    };
  }

  #loadSalt(): Promise<string> {
    if (this.options.feedbackSalt !== undefined && this.options.feedbackSalt !== '') {
      return Promise.resolve(this.options.feedbackSalt);
    }
    // Cached once loaded; a failed load is retried on the next vote.
    this.#salt ??= this.backend.loadSalt().catch((error: unknown) => {
      this.#salt = undefined;
      throw error;
    });
    return this.#salt;
  }

  async #prune(): Promise<void> {
    await this.#call('prune', () => this.backend.prune(), undefined, this.#reportTimeoutMs);
  }
}
