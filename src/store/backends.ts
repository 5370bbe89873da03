/**
 * The three places state can live (SQLite file, Redis, memory), each as two keyv instances (the
 * bot's state, and feedback kept apart so it can be listed) plus what keyv's plain get/set cannot
 * do safely: flood counting and creating the feedback salt once.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { Keyv } from 'keyv';
import { textHash } from '../knowledge/shared-imports.js';
import type {
  AnnouncementListener,
  ClaimOutcome,
  SharedClaim,
  SharedEntry,
} from '../knowledge/shared-imports.js';
import { REDIS_FLOOD_SCRIPT, SlidingWindow, floodWindow, retryAfter } from './flood.js';
import type { FloodLimits, RateDecision } from './flood.js';
import type { StoreHealth } from './health.js';
import { MAX_COOLDOWN_SECONDS } from './settings.js';
import {
  CLAIM_SCRIPT,
  RETRACT_SCRIPT,
  SHARED_KEYS,
  claimArguments,
  readAnnouncement,
  readClaimReply,
  readEntry,
  retractArguments,
} from './shared-briefings.js';
import { StoreConfigError } from './url.js';
import type { StoreTarget } from './url.js';

/** keyv namespaces: distinctive, since a Redis server may be shared with other programs. */
export const STATE_NAMESPACE = 'briefings';
export const FEEDBACK_NAMESPACE = 'briefings-feedback';
const SALT_KEY = 'meta:feedback-salt';

/** One backend, as the store uses it. Its calls may throw or hang: the store guards them. */
export interface Backend {
  kind: StoreTarget['kind'];
  /** Settings, cooldowns, follow-up questions (and the salt on SQLite/memory). */
  state: Keyv;
  /** Feedback votes only, so that iterating it lists votes and nothing else. */
  feedback: Keyv;
  /** Whether flood counting is in this process (never fails) or in the store (may fail). */
  floodInProcess: boolean;
  hitFlood(userId: string, limits: FloodLimits): Promise<RateDecision>;
  /**
   * One step, atomic for every process sharing the store: refuses when `key` took a question
   * less than `windowMs` before `now`, else records `now` for it. Two questions from one user
   * at the same moment (two shards, two clicks) cannot both pass.
   */
  claimCooldown(key: string, now: number, windowMs: number): Promise<RateDecision>;
  /**
   * Merges `patch` into the object stored at `key` (in `state`, as keyv stores it) in one atomic
   * step: two changes to different fields at the same moment both stay.
   */
  patchObject(key: string, patch: Record<string, unknown>): Promise<void>;
  /** The feedback salt, created on first use; every process sharing the store gets the same one. */
  loadSalt(): Promise<string>;
  /**
   * Claims `key` for `windowMs` if no one holds it: among every process sharing the store on
   * Redis, within this process on SQLite and memory. A claim is never given back; it lapses after
   * its window, so a holder that dies blocks the others no longer than that.
   */
  claimTurn(key: string, windowMs: number): Promise<TurnClaim>;
  /** Drops expired entries that the backend does not expire by itself (SQLite). */
  prune(): Promise<void>;
  /** Imported briefings shared by every host: Redis only. */
  shared?: SharedBriefingsBackend;
  close(): Promise<void>;
}

/** The shared briefings as a backend keeps them; calls may throw or hang (the store guards them). */
export interface SharedBriefingsBackend {
  claim(claim: SharedClaim): Promise<ClaimOutcome>;
  /** The removal's revision; 0 when it was already removed. */
  retract(file: string, title: string): Promise<number>;
  entries(): Promise<SharedEntry[]>;
  entry(file: string): Promise<SharedEntry | null>;
  text(file: string): Promise<string | null>;
  revision(): Promise<number>;
  follow(listener: AnnouncementListener): { close(): Promise<void> };
}

/** A turn claimed, or how long until the current holder's lapses. */
export type TurnClaim = { claimed: true } | { claimed: false; retryAfterMs: number };

/** Turns held within this process: a claim is a time until which no one else gets the key. */
function inProcessTurns(): Backend['claimTurn'] {
  const until = new Map<string, number>();
  return async (key, windowMs) => {
    const now = Date.now();
    const held = until.get(key);
    if (held !== undefined && held > now) return { claimed: false, retryAfterMs: held - now };
    if (until.size >= 10_000) for (const [k, t] of until) if (t <= now) until.delete(k);
    until.set(key, now + windowMs);
    return { claimed: true };
  };
}

/**
 * A turn on Redis, one script: SET NX PX claims KEYS[1] for ARGV[2] ms (ARGV[1] names the
 * holder, for whoever looks at the key); otherwise the ms left on the holder's claim. A key left
 * without an expiry (written by hand) is given one, so it cannot block forever.
 */
const REDIS_TURN_SCRIPT = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
local left = redis.call('PTTL', KEYS[1])
if left == -1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return tonumber(ARGV[2])
end
if left < 1 then return 1 end
return left
`;

/**
 * How long a cooldown's last question is kept: as long as the longest cooldown, so that a cooldown
 * raised by an admin applies at once to questions already asked.
 */
const COOLDOWN_KEEP_MS = MAX_COOLDOWN_SECONDS * 1000;

/** The wait left, when a question at `now` comes within `windowMs` of the last one at `last`. */
function cooldownDecision(last: number | undefined, now: number, windowMs: number): RateDecision | undefined {
  return last !== undefined && now - last < windowMs
    ? { ok: false, retryAfterSeconds: retryAfter(last + windowMs - now) }
    : undefined;
}

/**
 * The cooldown claim on Redis, one script: KEYS[1] holds the time of the last question let in.
 * ARGV: now (ms), window (ms), how long to keep the key (ms).
 * Returns {1, 0} when the question is let in, {0, ms left} when not.
 */
const REDIS_COOLDOWN_SCRIPT = `
local last = tonumber(redis.call('GET', KEYS[1]))
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
if last and now - last < window then
  return {0, last + window - now}
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return {1, 0}
`;

/**
 * The object merge on Redis, one script: KEYS[1] holds keyv's JSON (`{"value":{…}}`), ARGV[1]
 * the patch as JSON. Anything unreadable there is replaced.
 */
const REDIS_PATCH_SCRIPT = `
local raw = redis.call('GET', KEYS[1])
local ok, stored = pcall(cjson.decode, raw or '')
if not ok or type(stored) ~= 'table' then stored = {} end
if type(stored.value) ~= 'table' then stored.value = {} end
for k, v in pairs(cjson.decode(ARGV[1])) do stored.value[k] = v end
redis.call('SET', KEYS[1], cjson.encode(stored))
return 1
`;

/** The {1, 0} / {0, ms left} reply of the flood and cooldown scripts, as a decision. */
function scriptDecision(reply: unknown, script: string): RateDecision {
  if (!Array.isArray(reply) || typeof reply[0] !== 'number' || typeof reply[1] !== 'number') {
    throw new Error(`unexpected reply from the ${script} script: ${JSON.stringify(reply)}`);
  }
  return reply[0] === 1 ? { ok: true } : { ok: false, retryAfterSeconds: retryAfter(reply[1]) };
}

/** Runs read-modify-write steps on one key one after another, within this process. */
function keyedQueue(): <T>(key: string, step: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  return (key, step) => {
    const run = (tails.get(key) ?? Promise.resolve()).then(step);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Options the backends need from {@link openStore}'s. */
export interface BackendOptions {
  timeoutMs: number;
  reconnectMaxDelayMs: number;
  connectTimeoutMs: number;
  health: StoreHealth;
}

const newSalt = () => randomBytes(32).toString('hex');

/** The memory backend: keyv's default Map, one per namespace. For tests. */
export function memoryBackend(): Backend {
  const state = new Keyv({ store: new Map(), namespace: STATE_NAMESPACE });
  const feedback = new Keyv({ store: new Map(), namespace: FEEDBACK_NAMESPACE });
  const flood = new SlidingWindow();
  const cooldowns = new Map<string, number>();
  const queue = keyedQueue();
  let salt: string | undefined;
  return {
    kind: 'memory',
    state,
    feedback,
    floodInProcess: true,
    hitFlood: async (userId, limits) => flood.hit(userId, limits),
    // Synchronous between the read and the write, so atomic within the process.
    claimCooldown: async (key, now, windowMs) => {
      const refused = cooldownDecision(cooldowns.get(key), now, windowMs);
      if (refused) return refused;
      if (cooldowns.size >= 100_000) {
        for (const [k, at] of cooldowns) if (now - at >= COOLDOWN_KEEP_MS) cooldowns.delete(k);
      }
      cooldowns.set(key, now);
      return { ok: true };
    },
    // One process holds a memory store: queuing the steps per key makes them atomic.
    patchObject: (key, patch) =>
      queue(key, async () => {
        const current: unknown = await state.get(key);
        await state.set(key, { ...(isObject(current) ? current : {}), ...patch });
      }),
    loadSalt: async () => (salt ??= newSalt()),
    claimTurn: inProcessTurns(),
    prune: async () => undefined,
    close: async () => undefined,
  };
}

/**
 * The SQLite backend: one file, two connections (one per keyv namespace, since a keyv adapter
 * holds a single namespace). WAL mode so that `npm run feedback` can read while the bot writes.
 *
 * @throws StoreConfigError naming DATA_DIR when the folder cannot be created or the file opened
 */
export async function sqliteBackend(file: string, options: BackendOptions): Promise<Backend> {
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (error) {
    throw new StoreConfigError(
      'DATA_DIR',
      `DATA_DIR: cannot create ${dirname(file)}: ${(error as Error).message}`,
    );
  }
  // Loaded here, not at the top: a process uses one backend, and each pulls in a native or large module.
  const { default: KeyvSqlite } = await import('@keyv/sqlite');
  const uri = `sqlite://${file}`;
  // One connection at a time: each creates its table as it connects, and two connections writing
  // to a new file at once can deadlock, which SQLite reports as SQLITE_BUSY without waiting. The
  // first switches the file to WAL (kept in the file), so that `npm run feedback` can read while
  // the bot writes; the second then only finds its table there.
  let stateAdapter: InstanceType<typeof KeyvSqlite> | undefined;
  let feedbackAdapter: InstanceType<typeof KeyvSqlite> | undefined;
  try {
    const open = (setup: string) =>
      openSqlite(
        () => new KeyvSqlite({ uri, busyTimeout: options.timeoutMs }),
        setup,
        options.connectTimeoutMs,
      );
    stateAdapter = await open('PRAGMA journal_mode=WAL');
    feedbackAdapter = await open('SELECT 1');
  } catch (error) {
    await Promise.allSettled([stateAdapter?.disconnect(), feedbackAdapter?.disconnect()]);
    throw new StoreConfigError('DATA_DIR', `DATA_DIR: cannot open ${file}: ${(error as Error).message}`);
  }
  const state = new Keyv({ store: stateAdapter, namespace: STATE_NAMESPACE, throwOnErrors: true });
  const feedback = new Keyv({ store: feedbackAdapter, namespace: FEEDBACK_NAMESPACE, throwOnErrors: true });
  const flood = new SlidingWindow();
  // The table and row keys as keyv writes them, for the statements keyv's get/set cannot express.
  const table = stateAdapter.opts.table ?? 'keyv';
  const row = (key: string) => `${STATE_NAMESPACE}:${key}`;
  return {
    kind: 'sqlite',
    state,
    feedback,
    floodInProcess: true,
    hitFlood: async (userId, limits) => flood.hit(userId, limits),
    claimCooldown: async (key, now, windowMs) => {
      // One statement: the row is written only when no question was let in within the window,
      // and RETURNING says whether it was. The row is the one keyv would write.
      const claimed = (await stateAdapter.query(
        `INSERT INTO ${table} (key, value) VALUES (?, ?)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value
         WHERE NOT (json_valid(${table}.value)
           AND json_extract(${table}.value, '$.value') > ?
           AND coalesce(json_extract(${table}.value, '$.expires'), ?) >= ?)
         RETURNING key`,
        row(key),
        JSON.stringify({ value: now, expires: now + COOLDOWN_KEEP_MS }),
        now - windowMs,
        now,
        now,
      )) as unknown[];
      if (claimed.length > 0) return { ok: true };
      const [held] = (await stateAdapter.query(
        `SELECT json_extract(value, '$.value') AS last FROM ${table} WHERE key = ?`,
        row(key),
      )) as Array<{ last: unknown }>;
      const last = typeof held?.last === 'number' ? held.last : now;
      return cooldownDecision(last, now, windowMs) ?? { ok: false, retryAfterSeconds: retryAfter(windowMs) };
    },
    patchObject: async (key, patch) => {
      // One statement; json_patch merges like RFC 7396. A stored value that is not an object
      // (or not JSON at all) is replaced.
      await stateAdapter.query(
        `INSERT INTO ${table} (key, value) VALUES (?, json_object('value', json(?)))
         ON CONFLICT(key) DO UPDATE SET value = json_object('value', json_patch(
           CASE WHEN json_valid(${table}.value) AND json_type(${table}.value, '$.value') = 'object'
             THEN json_extract(${table}.value, '$.value') ELSE '{}' END,
           json_extract(excluded.value, '$.value')))`,
        row(key),
        JSON.stringify(patch),
      );
    },
    loadSalt: async () => {
      // INSERT OR IGNORE: when two processes start at once, both end up with the first one's salt.
      // The row is written the way keyv writes one, so that keyv reads it back.
      await stateAdapter.query(
        `INSERT OR IGNORE INTO ${table} (key, value) VALUES (?, ?)`,
        row(SALT_KEY),
        JSON.stringify({ value: newSalt(), expires: null }),
      );
      const salt = await state.get<string>(SALT_KEY);
      if (typeof salt !== 'string') throw new Error('the feedback salt vanished after it was set');
      return salt;
    },
    // Turns matter only between hosts, which share Redis, never a SQLite file.
    claimTurn: inProcessTurns(),
    // keyv stores `{"value":…,"expires":ms}` and deletes an expired row only when it is read.
    prune: async () => {
      await stateAdapter.query(
        `DELETE FROM ${table} WHERE key LIKE ? AND json_valid(value) AND json_extract(value, '$.expires') < ?`,
        `${STATE_NAMESPACE}:%`,
        Date.now(),
      );
    },
    close: async () => {
      await Promise.allSettled([stateAdapter.disconnect(), feedbackAdapter.disconnect()]);
    },
  };
}

/** The pause between two tries to open a SQLite file that another process holds locked. */
const SQLITE_OPEN_RETRY_MS = 50;

/**
 * Connects one keyv SQLite adapter and runs `setup` on it. A file locked by someone else (another
 * shard or bot process creating it at the same moment) is tried again until `patienceMs` has
 * passed; any other error (no such folder, not a database) fails at once.
 */
async function openSqlite<A extends { query(sql: string): Promise<unknown>; disconnect(): Promise<void> }>(
  connect: () => A,
  setup: string,
  patienceMs: number,
): Promise<A> {
  const deadline = Date.now() + patienceMs;
  for (;;) {
    const adapter = connect();
    try {
      await adapter.query(setup);
      return adapter;
    } catch (error) {
      await adapter.disconnect().catch(() => undefined);
      const busy = (error as { code?: string }).code === 'SQLITE_BUSY';
      if (!busy || Date.now() + SQLITE_OPEN_RETRY_MS > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, SQLITE_OPEN_RETRY_MS));
    }
  }
}

/**
 * The Redis backend. The client is made here rather than by @keyv/redis, to choose how it fails:
 * - `disableOfflineQueue`: while disconnected a command fails at once instead of waiting in a
 *   queue (a reply would hang, and a dropped write would be replayed minutes later);
 * - a reconnect strategy that never gives up (capped backoff), so the store recovers by itself;
 * - `commandOptions.timeout`: a command not yet sent within the call deadline is dropped.
 * The connection is started, not awaited to the end: openStore waits up to `connectTimeoutMs`
 * for the first success or failure, and a Redis that is down at start-up is an outage like any
 * other (the bot starts, with defaults).
 */
export async function redisBackend(url: string, options: BackendOptions): Promise<Backend> {
  const { health } = options;
  const { default: KeyvRedis, createClient } = await import('@keyv/redis');
  const client = createClient({
    url,
    disableOfflineQueue: true,
    commandOptions: { timeout: options.timeoutMs },
    socket: {
      connectTimeout: options.connectTimeoutMs,
      reconnectStrategy: (retries: number) =>
        Math.min(50 * 2 ** Math.min(retries, 10), options.reconnectMaxDelayMs) +
        Math.floor(Math.random() * 50),
    },
  });
  // node-redis emits 'error' on every failed reconnect: the health tracker logs only the first.
  client.on('error', (error: unknown) => health.failed('connection', error));
  client.on('ready', () => health.succeeded());

  // With throwOnErrors the adapter and keyv rethrow failures, so the store's guard sees them
  // (by default both would swallow them and return undefined, which reads like "no value").
  const adapter = (namespace: string) =>
    new Keyv(new KeyvRedis(client, { throwOnErrors: true, throwOnConnectError: true }), {
      namespace,
      // The adapter prefixes keys with its namespace itself (`briefings::settings:…`).
      useKeyPrefix: false,
      throwOnErrors: true,
    });
  const state = adapter(STATE_NAMESPACE);
  const feedback = adapter(FEEDBACK_NAMESPACE);

  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done);
      client.off('error', done);
      resolve();
    };
    const timer = setTimeout(done, options.connectTimeoutMs);
    client.once('ready', done);
    client.once('error', done);
    // connect() resolves once connected, however many retries that takes; failures arrive as 'error'.
    client.connect().catch((error: unknown) => health.failed('connect', error));
  });
  if (!client.isReady)
    health.failed('connect', new Error(`no connection within ${options.connectTimeoutMs} ms`));

  const rawKey = (key: string) => `${STATE_NAMESPACE}::${key}`;
  const holder = `${hostname()}:${process.pid}`;
  const sharedKeys = [
    SHARED_KEYS.entries,
    SHARED_KEYS.texts,
    SHARED_KEYS.urls,
    SHARED_KEYS.bodies,
    SHARED_KEYS.rev,
  ].map(rawKey);
  const channel = rawKey(SHARED_KEYS.channel);
  const subscribers = new Set<{ close(): Promise<void> }>();
  const shared: SharedBriefingsBackend = {
    claim: async (claim) =>
      readClaimReply(
        await client.eval(CLAIM_SCRIPT, {
          keys: sharedKeys,
          arguments: claimArguments(claim, textHash(claim.text), channel, holder),
        }),
      ),
    retract: async (file, title) => {
      const reply = await client.eval(RETRACT_SCRIPT, {
        keys: sharedKeys,
        arguments: retractArguments(file, title, channel, holder),
      });
      if (typeof reply !== 'number')
        throw new Error(`unexpected reply from the retract script: ${JSON.stringify(reply)}`);
      return reply;
    },
    entries: async () =>
      Object.entries(await client.hGetAll(rawKey(SHARED_KEYS.entries))).flatMap(([file, raw]) => {
        const entry = readEntry(file, raw);
        return entry ? [entry] : [];
      }),
    entry: async (file) => readEntry(file, await client.hGet(rawKey(SHARED_KEYS.entries), file)) ?? null,
    text: async (file) => {
      const text = await client.hGet(rawKey(SHARED_KEYS.texts), file);
      return typeof text === 'string' ? text : null;
    },
    revision: async () => {
      const rev = await client.get(rawKey(SHARED_KEYS.rev));
      return rev === null ? 0 : Number(rev);
    },
    follow: (listener) => {
      const subscription = followChannel(client.duplicate(), channel, listener, () =>
        subscribers.delete(subscription),
      );
      subscribers.add(subscription);
      return subscription;
    },
  };
  return {
    kind: 'redis',
    state,
    feedback,
    floodInProcess: false,
    hitFlood: async (userId, limits) => {
      const { limit, windowMs } = floodWindow(limits);
      const now = Date.now();
      const reply = await client.eval(REDIS_FLOOD_SCRIPT, {
        keys: [rawKey(`flood:${userId}`)],
        arguments: [String(now), String(windowMs), String(limit), `${now}-${randomBytes(6).toString('hex')}`],
      });
      return scriptDecision(reply, 'flood');
    },
    claimCooldown: async (key, now, windowMs) => {
      const reply = await client.eval(REDIS_COOLDOWN_SCRIPT, {
        keys: [rawKey(key)],
        arguments: [String(now), String(windowMs), String(COOLDOWN_KEEP_MS)],
      });
      return scriptDecision(reply, 'cooldown');
    },
    patchObject: async (key, patch) => {
      await client.eval(REDIS_PATCH_SCRIPT, { keys: [rawKey(key)], arguments: [JSON.stringify(patch)] });
    },
    loadSalt: async () => {
      // SET NX: when two processes start at once, both end up with the first one's salt.
      await client.set(rawKey(SALT_KEY), newSalt(), { condition: 'NX' });
      const salt = await client.get(rawKey(SALT_KEY));
      if (typeof salt !== 'string') throw new Error('the feedback salt vanished after it was set');
      return salt;
    },
    claimTurn: async (key, windowMs) => {
      const reply = await client.eval(REDIS_TURN_SCRIPT, {
        keys: [rawKey(key)],
        arguments: [holder, String(Math.max(1, Math.ceil(windowMs)))],
      });
      if (typeof reply !== 'number')
        throw new Error(`unexpected reply from the turn script: ${JSON.stringify(reply)}`);
      return reply === 0 ? { claimed: true } : { claimed: false, retryAfterMs: reply };
    },
    prune: async () => undefined,
    shared,
    close: async () => {
      await Promise.all([...subscribers].map((s) => s.close()));
      if (client.isReady) {
        // Graceful: let replies to commands already sent arrive, but do not wait on a hung server.
        await Promise.race([
          client.close(),
          new Promise((resolve) => setTimeout(resolve, options.timeoutMs).unref()),
        ]);
      } else if (client.isOpen) {
        client.destroy();
      }
    },
  };
}

/** A connection of the same client, as far as subscribing needs it. */
interface Subscriber {
  readonly isOpen: boolean;
  on(event: 'ready' | 'error', listener: (...args: unknown[]) => void): unknown;
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  destroy(): void;
}

/** The pause before subscribing again when a SUBSCRIBE failed on a working connection. */
const RESUBSCRIBE_RETRY_MS = 1000;

/**
 * Follows `channel` on a connection of its own (a subscribed connection runs no other command).
 * It reconnects as the client does, and node-redis subscribes again before it reports `ready`:
 * `onSubscribed` then tells the listener that announcements may have been lost meanwhile. A
 * store that is down at first is not waited for.
 */
function followChannel(
  subscriber: Subscriber,
  channel: string,
  listener: AnnouncementListener,
  onClose: () => void,
): { close(): Promise<void> } {
  let subscribed = false;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const subscribe = async (): Promise<void> => {
    if (closed) return;
    if (subscribed) {
      listener.onSubscribed();
      return;
    }
    try {
      await subscriber.subscribe(channel, (message) => {
        const announcement = readAnnouncement(message);
        if (announcement) listener.onAnnouncement(announcement);
      });
      subscribed = true;
      listener.onSubscribed();
    } catch {
      clearTimeout(retry);
      retry = setTimeout(() => void subscribe(), RESUBSCRIBE_RETRY_MS);
      retry.unref();
    }
  };
  // The main connection's errors are logged by the store's health tracker; these are the same outage.
  subscriber.on('error', () => undefined);
  subscriber.on('ready', () => void subscribe());
  subscriber.connect().catch(() => undefined);
  return {
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(retry);
      onClose();
      if (subscriber.isOpen) subscriber.destroy();
    },
  };
}
