/**
 * The environment, read once into a typed, validated {@link Config}. Nothing else in the code
 * reads `process.env`: it is passed this object instead.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { DEFAULT_FLOOD_LIMITS } from './store/flood.js';
import type { FloodLimits } from './store/flood.js';
import { DEFAULT_DATA_DIR, StoreConfigError, parseStoreUrl } from './store/url.js';
import type { StoreTarget } from './store/url.js';

/** pino's level names, lowest to highest, plus `silent`. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where discord.js sends REST requests unless told otherwise. */
export const DEFAULT_DISCORD_API_URL = 'https://discord.com/api';

/** The bot's configuration. */
export interface Config {
  /** Bot token; without it `npm start` opens the local chat instead of connecting to Discord. */
  discordToken?: string;
  /** Register the commands for this guild only (instant updates while developing) instead of globally. */
  discordGuildId?: string;
  /** Base URL of Discord's REST API (tests point it at a fake Discord). */
  discordApiUrl: string;
  /** Folder of briefings (`*.md`) and `aliases.yaml`. */
  knowledgeDir: string;
  logLevel: LogLevel;
  /**
   * Where the bot keeps its state: `redis://…`/`rediss://…` (shared by several processes) or
   * `memory://` (tests); unset means a SQLite file in {@link dataDir}. Checked at start-up.
   */
  storeUrl?: string;
  /** Folder of the SQLite store when {@link storeUrl} is unset; the store's default (`data`) when unset. */
  dataDir?: string;
  /** Secret that voters are hashed with in the feedback; without it the store keeps a random one. */
  feedbackSalt?: string;
  /** FLOOD_LIMIT questions per FLOOD_WINDOW_SECONDS from one user; the store's default (5 in 10 s) when unset. */
  flood?: FloodLimits;
  /** Port of the /healthz and /metrics server (HEALTH_PORT); unset → no server. */
  healthPort?: number;
  /** Address that server binds (HEALTH_HOST); default 127.0.0.1 (the container image sets 0.0.0.0). */
  healthHost: string;
  /** The shards this host runs, one process each (SHARDS, SHARD_COUNT); unset → one process, unsharded. */
  shards?: ShardPlan;
  /** Wait between two shard starts (SHARD_SPAWN_DELAY_MS); Discord allows one login per 5 s. */
  shardSpawnDelayMs: number;
  /** Rebuild the index when the knowledge folder changes (KNOWLEDGE_WATCH, default on). */
  watchKnowledge: boolean;
  /**
   * Where imported briefings are written, and read beside {@link knowledgeDir} (IMPORT_DIR;
   * default `<DATA_DIR>/knowledge`, since the knowledge folder may be mounted read-only).
   */
  importDir: string;
  /** Hosts an import may fetch from although they resolve to private or loopback addresses (IMPORT_ALLOW_HOSTS). */
  importAllowHosts: string[];
  /** RSS/Atom feeds the bot follows, importing new items (FEEDS). */
  feeds: string[];
  /** Minutes between two polls of a feed (FEED_INTERVAL_MINUTES, default 60). */
  feedIntervalMinutes: number;
}

/**
 * Which shards this host runs. `total: 'auto'` asks Discord for the count (all shards here);
 * `ids` undefined means every shard of `total`; otherwise this host runs exactly `ids` of `total`,
 * and other hosts run the rest.
 */
export interface ShardPlan {
  total: number | 'auto';
  ids?: readonly number[];
}

/** The most shards SHARDS or SHARD_COUNT may name. */
export const MAX_SHARDS = 9999;

/** Variables whose values are never echoed in an error message. */
const SECRET_VARIABLES = new Set(['DISCORD_TOKEN', 'FEEDBACK_SALT', 'STORE_URL']);

/** The least length of FEEDBACK_SALT: a short salt could be guessed, and then voters tested against it. */
export const MIN_FEEDBACK_SALT_LENGTH = 16;

/** A malformed environment variable; the message is one line naming it. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

// An empty value (`DISCORD_GUILD_ID=` in .env) means "not set", as people expect from .env files.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

const schema = z.object({
  DISCORD_TOKEN: optional(
    z
      .string()
      .trim()
      .regex(/^(?:Bot\s+)?\S+$/i, 'must be the bot token alone, without spaces'),
  ),
  DISCORD_GUILD_ID: optional(
    z
      .string()
      .trim()
      .regex(/^\d{17,20}$/, 'must be a server id (a snowflake: 17–20 digits)'),
  ),
  DISCORD_API_URL: optional(
    z
      .string()
      .trim()
      .refine(
        (v) => /^https?:$/.test(safeUrl(v)?.protocol ?? ''),
        'must be an http(s) URL such as https://discord.com/api',
      ),
  ),
  KNOWLEDGE_DIR: optional(z.string()),
  // Checked with the store's own parser after the schema, for its masked, more precise messages.
  STORE_URL: optional(z.string().trim()),
  DATA_DIR: optional(z.string().trim()),
  FEEDBACK_SALT: optional(
    z
      .string()
      .trim()
      .min(
        MIN_FEEDBACK_SALT_LENGTH,
        `must be at least ${MIN_FEEDBACK_SALT_LENGTH} characters (a long random string, e.g. from \`openssl rand -hex 32\`)`,
      ),
  ),
  FLOOD_LIMIT: optional(wholeNumber(1, 1000, 'questions')),
  FLOOD_WINDOW_SECONDS: optional(wholeNumber(1, 3600, 'seconds')),
  HEALTH_PORT: optional(wholeNumber(1, 65535, 'port')),
  HEALTH_HOST: optional(z.string().trim()),
  // Its meaning depends on SHARD_COUNT: read by parseShardPlan after the schema.
  SHARDS: optional(z.string().trim()),
  SHARD_COUNT: optional(wholeNumber(1, MAX_SHARDS, 'shards')),
  SHARD_SPAWN_DELAY_MS: optional(wholeNumber(0, 60_000, 'milliseconds')),
  KNOWLEDGE_WATCH: optional(
    z
      .string()
      .trim()
      .regex(/^(true|false|1|0|on|off|yes|no)$/i, 'must be true or false'),
  ),
  LOG_LEVEL: optional(
    z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(LOG_LEVELS, `must be one of ${LOG_LEVELS.join(', ')}`)),
  ),
  IMPORT_DIR: optional(z.string().trim()),
  IMPORT_ALLOW_HOSTS: optional(
    commaList().refine(
      (hosts) => hosts.every(isHostName),
      'must list host names or IP addresses separated by commas, without scheme, port or path (e.g. intranet.example,10.0.0.5)',
    ),
  ),
  FEEDS: optional(
    commaList().refine(
      (urls) => urls.every((u) => /^https?:$/.test(safeUrl(u)?.protocol ?? '')),
      'must list http(s) feed URLs separated by commas',
    ),
  ),
  FEED_INTERVAL_MINUTES: optional(wholeNumber(1, 10_080, 'minutes')),
});

/** Where imports go unless IMPORT_DIR says: `knowledge` in DATA_DIR (default `data`). */
export function defaultImportDir(dataDir: string | undefined): string {
  return path.join(dataDir || DEFAULT_DATA_DIR, 'knowledge');
}

/** A comma-separated list, entries trimmed, empty entries dropped. */
function commaList() {
  return z.string().transform((v) =>
    v
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x !== ''),
  );
}

/** A host name (letters, digits, hyphens, dots) or an IP address (IPv6 with or without brackets). */
function isHostName(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  return (
    ipaddr.isValid(bare) ||
    /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/.test(
      bare,
    )
  );
}

/** A whole number from an environment string, within `[min, max]`. */
function wholeNumber(min: number, max: number, unit: string) {
  return z
    .string()
    .trim()
    .regex(/^\d+$/, `must be a whole number of ${unit} from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be ${min}–${max} ${unit}`).max(max, `must be ${min}–${max} ${unit}`));
}

function safeUrl(s: string): URL | undefined {
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
}

/**
 * Validates environment variables into a {@link Config}. Pure: pass `process.env` (after
 * {@link loadDotEnv}) or a test's own record.
 *
 * @throws ConfigError naming the first malformed variable, e.g.
 *   `DISCORD_GUILD_ID must be a server id (a snowflake: 17–20 digits), got "abc"`.
 */
export function parseConfig(env: Readonly<Record<string, string | undefined>>): Config {
  // In a shard process, discord.js's ShardingManager sets SHARDS and SHARD_COUNT to the shard
  // it runs: that is the manager's instruction to the client, not these variables.
  const { SHARDS: _shardIds, SHARD_COUNT: _shardCount, ...unsharded } = env;
  const result = schema.safeParse(env.SHARDING_MANAGER === 'true' ? unsharded : env);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    // Never echo a secret back, even a malformed one.
    const raw = env[variable];
    const shown =
      SECRET_VARIABLES.has(variable) || raw === undefined ? '' : `, got ${JSON.stringify(raw.slice(0, 80))}`;
    throw new ConfigError(variable, `${variable} ${issue.message}${shown}`);
  }
  const e = result.data;
  let storeKind: StoreTarget['kind'];
  try {
    storeKind = parseStoreUrl(e.STORE_URL, e.DATA_DIR).kind;
  } catch (error) {
    // Its message is one line naming STORE_URL, the password masked.
    if (error instanceof StoreConfigError) throw new ConfigError(error.variable, error.message);
    throw error;
  }
  const knowledgeDir = e.KNOWLEDGE_DIR ?? 'knowledge';
  const importDir = e.IMPORT_DIR ?? defaultImportDir(e.DATA_DIR);
  if (path.resolve(importDir) === path.resolve(knowledgeDir)) {
    throw new ConfigError(
      'IMPORT_DIR',
      `IMPORT_DIR must be a folder other than KNOWLEDGE_DIR (imports are written to it, and only imports can be removed), got ${JSON.stringify(importDir)}`,
    );
  }
  const shards = parseShardPlan(e.SHARDS, e.SHARD_COUNT);
  if (shards?.ids !== undefined && shards.total !== 'auto' && shards.ids.length < shards.total) {
    if (storeKind !== 'redis') {
      throw new ConfigError(
        'STORE_URL',
        `STORE_URL must be a redis:// URL when SHARDS (${e.SHARDS}) runs only some of SHARD_COUNT (${shards.total}) shards: the other hosts share settings and take turns to connect through it`,
      );
    }
  }
  const config: Config = {
    discordApiUrl: (e.DISCORD_API_URL ?? DEFAULT_DISCORD_API_URL).replace(/\/+$/, ''),
    knowledgeDir,
    importDir,
    importAllowHosts: e.IMPORT_ALLOW_HOSTS ?? [],
    feeds: e.FEEDS ?? [],
    feedIntervalMinutes: e.FEED_INTERVAL_MINUTES ?? 60,
    logLevel: e.LOG_LEVEL ?? 'info',
    healthHost: e.HEALTH_HOST ?? '127.0.0.1',
    shardSpawnDelayMs: e.SHARD_SPAWN_DELAY_MS ?? 5_500,
    watchKnowledge: !/^(false|0|off|no)$/i.test(e.KNOWLEDGE_WATCH ?? 'true'),
  };
  if (e.HEALTH_PORT !== undefined) config.healthPort = e.HEALTH_PORT;
  if (shards !== undefined) config.shards = shards;
  if (e.DISCORD_TOKEN !== undefined) config.discordToken = e.DISCORD_TOKEN.replace(/^Bot\s+/i, '');
  if (e.DISCORD_GUILD_ID !== undefined) config.discordGuildId = e.DISCORD_GUILD_ID;
  if (e.STORE_URL !== undefined) config.storeUrl = e.STORE_URL;
  if (e.DATA_DIR !== undefined) config.dataDir = e.DATA_DIR;
  if (e.FEEDBACK_SALT !== undefined) config.feedbackSalt = e.FEEDBACK_SALT;
  if (e.FLOOD_LIMIT !== undefined || e.FLOOD_WINDOW_SECONDS !== undefined) {
    config.flood = {
      limit: e.FLOOD_LIMIT ?? DEFAULT_FLOOD_LIMITS.limit,
      windowSeconds: e.FLOOD_WINDOW_SECONDS ?? DEFAULT_FLOOD_LIMITS.windowSeconds,
    };
  }
  return config;
}

/** A shard id or a range of them (`4`, `0-3`), as SHARDS lists them. */
const SHARD_LIST = /^\d+(-\d+)?(,\d+(-\d+)?)*$/;

/**
 * SHARDS and SHARD_COUNT as a {@link ShardPlan}:
 * - neither: unsharded (undefined);
 * - `SHARDS=auto` or `SHARDS=4` alone: that many shards, all on this host (Discord's count for auto);
 * - `SHARD_COUNT=8` alone: all 8 here; with `SHARDS=0-3` (or `0,1,2,3`, `0-1,6`): those ids of 8.
 *
 * @throws ConfigError naming SHARDS or SHARD_COUNT, in one line
 */
export function parseShardPlan(shards: string | undefined, count: number | undefined): ShardPlan | undefined {
  if (shards === undefined) return count === undefined ? undefined : { total: count };
  const compact = shards.replace(/\s+/g, '');
  if (/^auto$/i.test(compact)) {
    if (count !== undefined) {
      throw new ConfigError(
        'SHARDS',
        `SHARDS must list this host's shard ids (e.g. 0-3) when SHARD_COUNT is set, got "auto"`,
      );
    }
    return { total: 'auto' };
  }
  if (!SHARD_LIST.test(compact)) {
    throw new ConfigError(
      'SHARDS',
      `SHARDS must be "auto", a number of shards, or shard ids with SHARD_COUNT (0-3, 4,5,6,7), got ${JSON.stringify(shards.slice(0, 80))}`,
    );
  }
  if (count === undefined) {
    if (/^[1-9]\d*$/.test(compact) && Number(compact) <= MAX_SHARDS) return { total: Number(compact) };
    if (/^\d+$/.test(compact)) {
      throw new ConfigError(
        'SHARDS',
        `SHARDS must be "auto" or a number of shards (1–${MAX_SHARDS}), got "${compact}"`,
      );
    }
    throw new ConfigError(
      'SHARD_COUNT',
      `SHARD_COUNT must be set to the total number of shards on all hosts when SHARDS lists shard ids (${compact})`,
    );
  }
  const ids: number[] = [];
  const seen = new Set<number>();
  for (const part of compact.split(',')) {
    const [from, to = from] = part.split('-').map(Number) as [number, number?];
    if (to < from) throw new ConfigError('SHARDS', `SHARDS has a range that runs backwards: ${part}`);
    if (to >= count) {
      throw new ConfigError(
        'SHARDS',
        `SHARDS names shard ${to}, but SHARD_COUNT is ${count}: shard ids run from 0 to ${count - 1}`,
      );
    }
    for (let id = from; id <= to; id++) {
      if (seen.has(id)) throw new ConfigError('SHARDS', `SHARDS names shard ${id} twice`);
      seen.add(id);
      ids.push(id);
    }
  }
  ids.sort((a, b) => a - b);
  return ids.length === count ? { total: count } : { total: count, ids };
}

/**
 * The secret values in a configuration, for the logger to replace wherever they appear: the bot
 * token, the feedback salt, and the STORE_URL password (as written, and percent-decoded).
 */
export function configSecrets(config: Config): string[] {
  const secrets = [config.discordToken, config.feedbackSalt];
  if (config.storeUrl !== undefined) {
    const password = safeUrl(config.storeUrl)?.password ?? '';
    if (password !== '') {
      secrets.push(password);
      try {
        secrets.push(decodeURIComponent(password));
      } catch {
        // parseConfig rejects malformed escapes; nothing more to add.
      }
    }
  }
  return [...new Set(secrets.filter((s): s is string => s !== undefined && s !== ''))];
}

/**
 * Loads `path` (default `.env` in the working directory) into `process.env` when the file exists.
 * Variables already set in the environment win over the file. Node 20.12+ has
 * `process.loadEnvFile`; on older versions the file is ignored (set the variables in the shell).
 *
 * @returns whether a file was loaded
 */
export function loadDotEnv(path = '.env'): boolean {
  const load = (process as { loadEnvFile?: (path: string) => void }).loadEnvFile;
  if (typeof load !== 'function' || !existsSync(path)) return false;
  load.call(process, path);
  return true;
}

/**
 * Reads the configuration once: `.env` (when present), then the environment.
 *
 * @throws ConfigError when a variable is malformed
 */
export function loadConfig(): Config {
  loadDotEnv();
  return parseConfig(process.env);
}
