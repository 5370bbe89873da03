/**
 * `npm start`: configuration → knowledge → engine → store → the Discord bot (with DISCORD_TOKEN),
 * or the local chat (without it, in a terminal; it needs no store). Thin wiring; the parts live
 * in their own modules.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { stdin, stdout } from 'node:process';
import { fileURLToPath } from 'node:url';
import { Events } from 'discord.js';
import { LiveEngine } from './answer/live.js';
import { sharedWordVectors } from './answer/vectors.js';
import { runChat } from './cli/chat.js';
import { ConfigError, configSecrets, loadConfig } from './config.js';
import type { Config } from './config.js';
import { startBot } from './discord/bot.js';
import type { BotHandle } from './discord/bot.js';
import {
  hostShardIndex,
  isShardProcess,
  onImportsChanged,
  onManagerGone,
  prepareShards,
  shardIds,
} from './discord/sharding.js';
import { gatewayHealth } from './health/discord.js';
import { Metrics, meterEngine } from './health/metrics.js';
import { startHealthServer } from './health/server.js';
import { createImporter, followSharedImports } from './importing.js';
import { FeedPoller } from './knowledge/feeds.js';
import { watchKnowledge } from './knowledge/watch.js';
import { KnowledgeError } from './knowledge/load.js';
import { createLogger, logStrayErrors, redactSecrets, redactUrl } from './logger.js';
import type { Logger } from './logger.js';
import { DEFAULT_DATA_DIR, StoreConfigError, openStore, parseStoreUrl } from './store/index.js';

/** After a SIGINT/SIGTERM, the process exits within this long even if closing hangs. */
const SHUTDOWN_GRACE_MS = 5000;

/** Prints one line (or a KnowledgeError's list) to stderr and exits 1. */
function die(message: string): never {
  console.error(message);
  process.exit(1);
}

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) die(`Configuration error: ${error.message}`);
    throw error;
  }
}

/** Closes what it is given, last opened first (the bot stops taking questions before the store closes). */
async function closeAll(closers: ReadonlyArray<() => Promise<void>>, logger: Logger): Promise<void> {
  for (const close of [...closers].reverse()) {
    try {
      await close();
    } catch (error) {
      logger.error({ err: error }, 'error while closing');
    }
  }
}

/**
 * On SIGINT/SIGTERM: run the closers (disconnect the bot, then close the store…) and exit 0,
 * forced after {@link SHUTDOWN_GRACE_MS}. Returns the list to add closers to as things open.
 */
function exitOnSignal(logger: Logger): Array<() => Promise<void>> {
  const closers: Array<() => Promise<void>> = [];
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals | 'manager gone'): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.warn('shutdown took too long; exiting anyway');
      process.exit(0);
    }, SHUTDOWN_GRACE_MS).unref();
    void closeAll(closers, logger).finally(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  // A shard process whose manager died stops too, rather than hold its shard against the restarted one.
  onManagerGone(() => shutdown('manager gone'));
  return closers;
}

/**
 * A shard manager on Redis: opens the store for the shared briefings alone and follows them
 * (see {@link followSharedImports}), with its own import folder made if missing. Nothing on
 * SQLite, where imports stay on their host.
 */
async function followSharedImportsOnce(
  config: Config,
  logger: Logger,
  closers: Array<() => Promise<void>>,
  fail: (message: string) => never,
  onChanged: () => void,
): Promise<void> {
  if (parseStoreUrl(config.storeUrl, config.dataDir).kind !== 'redis') return;
  try {
    await mkdir(config.importDir, { recursive: true });
  } catch (error) {
    logger.warn(
      { err: error, dir: config.importDir },
      'cannot create the import folder; briefings imported on other hosts are not followed',
    );
    return;
  }
  const store = await openStore({ url: config.storeUrl, dataDir: config.dataDir, logger }).catch(
    (error: unknown) => {
      if (error instanceof StoreConfigError) fail(error.message);
      throw error;
    },
  );
  closers.push(() => store.close());
  const mirror = await followSharedImports(config, store, logger, onChanged);
  if (mirror) closers.push(() => mirror.stop());
}

const HELP = `Start the bot: npm start (in the image: node dist/main.js)

With DISCORD_TOKEN set, it connects to Discord and answers /ask, mentions and DMs from the
briefings in KNOWLEDGE_DIR (and the import folder); without it, in a terminal, it opens a local
chat over the same briefings.

It takes no arguments: it is configured by environment variables, or a .env file beside it
(every variable is described in .env.example). Other commands: npm run ask, import, register,
feedback (each with --help).`;

/** `--help` prints the usage; any other argument is a mistake (the bot reads only its environment). */
function readArguments(argv: readonly string[]): void {
  if (argv.length === 0) return;
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) {
    console.log(HELP);
    process.exit(0);
  }
  console.error(
    `npm start takes no arguments (got ${argv.map((a) => JSON.stringify(a)).join(' ')}): configure it in .env; see npm start -- --help.`,
  );
  process.exit(2);
}

async function main(): Promise<void> {
  // Shard processes are started without arguments (ShardingManager's shardArgs are left empty).
  readArguments(process.argv.slice(2));
  const config = readConfig();
  if (!config.discordToken && !stdin.isTTY) {
    die(
      'DISCORD_TOKEN is not set and there is no terminal for the local chat: set DISCORD_TOKEN in .env (see README).',
    );
  }
  // In the local chat, log lines go to stderr, and only warnings by default, so they do not mix with the answers.
  const chat = !config.discordToken;
  // The token, the STORE_URL password and the feedback salt never reach a log line or an error.
  const secrets = configSecrets(config);
  const rootLogger = createLogger({
    level: chat && config.logLevel === 'info' ? 'warn' : config.logLevel,
    secrets,
    destination: chat ? 'stderr' : 'stdout',
  });
  // The shard processes of a host share its stdout: each line says which shard wrote it.
  const shards = shardIds();
  const logger = shards.length > 0 ? rootLogger.child({ shard: shards.join(',') }) : rootLogger;
  logStrayErrors(logger);
  const closers = exitOnSignal(logger);
  const fail: (message: string) => never = (message) => die(redactSecrets(message, secrets));

  // Sharded: this process only manages one process per shard, each running this same file.
  if (config.shards !== undefined && config.discordToken && !isShardProcess()) {
    const started = performance.now();
    // On Redis the manager follows the briefings imported on every host, once for all its shards:
    // it is the one process that lives as long as the host, a single writer of the import folder,
    // and one subscription per host; its shards are told to reload when the folder changes. It
    // catches up before it starts them, so that they load the briefings as they are now.
    let tellShards = (): void => undefined;
    await followSharedImportsOnce(config, logger, closers, fail, () => tellShards());
    const unstarted = (error: unknown): never =>
      fail(`Could not start the shards: ${error instanceof Error ? error.message : String(error)}`);
    const manager = await prepareShards({
      token: config.discordToken,
      apiUrl: config.discordApiUrl,
      plan: config.shards,
      entry: fileURLToPath(import.meta.url),
      execArgv: process.execArgv,
      spawnDelayMs: config.shardSpawnDelayMs,
      logger,
    }).catch(unstarted);
    tellShards = () => manager.importsChanged();
    closers.push(manager.stop);
    await manager.spawn().catch(unstarted);
    logger.info(
      { shards: manager.ids, total: manager.total, ms: Math.round(performance.now() - started) },
      'all shards ready',
    );
    return;
  }

  // Told by the manager when it changed the import folder (a shared import or removal): listened
  // for from the start, since a message that comes before is lost; acted on once loaded.
  let reloadForImports: (() => void) | undefined = undefined;
  let importsChangedEarly = false;
  onImportsChanged(() => {
    if (reloadForImports) reloadForImports();
    else importsChangedEarly = true;
  });

  // Every series says which shard it comes from, so one Prometheus can scrape every host.
  const metrics = new Metrics(shards.length > 0 ? { labels: { shard: shards.join(',') } } : {});
  let indexLoaded = false;
  let bot: BotHandle | undefined;
  if (!chat && config.healthPort !== undefined) {
    // One health server per shard process: HEALTH_PORT for this host's first shard, +1 for its
    // second, and so on (on a host running every shard, HEALTH_PORT + shard id).
    const port = config.healthPort + hostShardIndex();
    const health = await startHealthServer({
      port,
      host: config.healthHost,
      metrics,
      status: () => ({ indexLoaded, ...gatewayHealth(bot?.client) }),
    }).catch((error: unknown) => fail(`Could not start the health server on port ${port}: ${String(error)}`));
    closers.push(health.close);
    logger.info({ url: health.url }, 'health server listening');
  }

  // Imports are written to a folder of their own (knowledge/ may be read-only); made here so it can be watched.
  const importsWritable = await mkdir(config.importDir, { recursive: true }).then(
    () => true,
    (error: unknown) => {
      logger.warn(
        { err: error, dir: config.importDir },
        'cannot create the import folder; /briefings add and FEEDS are off',
      );
      return false;
    },
  );

  const started = performance.now();
  const live = await LiveEngine.open(config.knowledgeDir, {
    importDir: config.importDir,
    cacheDir: path.join(config.dataDir ?? DEFAULT_DATA_DIR, 'index-cache'),
    onCacheError: (error) =>
      logger.warn({ err: error }, 'could not save the index; the next start-up will rebuild it'),
    onCacheWarning: (message) => logger.warn(message),
  }).catch((error: unknown) => {
    if (error instanceof KnowledgeError) fail(error.message);
    throw error;
  });
  metrics.setPassages(live.passageCount);
  indexLoaded = true;
  if (!sharedWordVectors())
    logger.warn(
      'no word vectors (lexicon/word-vectors.bin): answers match fewer paraphrases; npm run distil-vectors makes them',
    );
  logger.info(
    {
      dir: config.knowledgeDir,
      importDir: config.importDir,
      briefings: live.briefings().length,
      passages: live.passageCount,
      savedIndex: live.loadedFromCache,
      ms: Math.round(performance.now() - started),
    },
    'knowledge loaded',
  );

  /** Rebuilds and swaps in the index; logs what changed, or why the old one keeps serving. */
  const reload = async () => {
    const result = await live.reload();
    if (!result.ok) {
      metrics.error('knowledge');
      logger.error(
        { err: result.error, ms: result.ms },
        'knowledge reload failed; the previous index keeps serving',
      );
    } else if (result.changed) {
      metrics.setPassages(result.passages);
      const { added, edited, removed, briefings, passages, analysed, ms } = result;
      logger.info({ added, edited, removed, briefings, passages, analysed, ms }, 'knowledge reloaded');
    }
    return result;
  };
  // Every source of change calls reload(): the folder watchers, /reload, an import, and the
  // briefings shared between hosts through Redis (followed by this host's manager, which tells its
  // shards; or by this process when it is the whole host).
  reloadForImports = () => void reload();
  if (importsChangedEarly) reloadForImports();
  if (config.watchKnowledge) {
    const watcher = watchKnowledge(config.knowledgeDir, () => void reload(), {
      onError: (error) =>
        logger.warn({ err: error }, 'cannot watch the knowledge folder; use /reload after changes'),
    });
    closers.push(async () => watcher.close());
    if (importsWritable) {
      const importWatcher = watchKnowledge(config.importDir, () => void reload(), {
        onError: (error) =>
          logger.warn({ err: error }, 'cannot watch the import folder; use /reload after changes'),
      });
      closers.push(async () => importWatcher.close());
    }
  }

  if (chat) {
    await runChat(live, { input: stdin, output: stdout });
    process.exit(0);
  }

  // A Redis server that is down is not fatal: the store starts with defaults and reconnects.
  const store = await openStore({
    url: config.storeUrl,
    dataDir: config.dataDir,
    feedbackSalt: config.feedbackSalt,
    logger,
  }).catch((error: unknown) => {
    if (error instanceof StoreConfigError) fail(error.message);
    throw error;
  });
  closers.push(() => store.close());
  logger.info({ store: store.description, healthy: store.healthy }, 'store opened');

  // A process that is the whole host (not sharded) follows the shared briefings itself, and
  // catches up before it connects.
  if (importsWritable && !isShardProcess()) {
    // The first pass reloads only if it changed the folder; that reload is waited for.
    let caughtUp: Promise<unknown> | undefined;
    const mirror = await followSharedImports(config, store, logger, () => {
      caughtUp = reload();
    });
    if (mirror) {
      closers.push(() => mirror.stop());
      await caughtUp;
    }
  }

  const firstShard = shards.length === 0 || shards.includes(0);
  const importer = importsWritable
    ? createImporter(config, {
        option: (name) => `${name}:`,
        duplicateHint: 'remove it first with /briefings remove to import it again',
        // On Redis, an import or removal goes to the store first, and from there to every host.
        ...(store.sharedBriefings ? { shared: store.sharedBriefings } : {}),
      })
    : undefined;
  try {
    bot = await startBot(config, meterEngine(live, metrics), logger, {
      store,
      reload,
      onError: (kind) => metrics.error(kind),
      // Shards share the commands: only the first registers them.
      registerCommands: firstShard,
      ...(importer ? { imports: importer } : {}),
    });
  } catch (error) {
    logger.fatal({ err: error }, 'could not connect to Discord');
    await store.close();
    fail(`Could not connect to Discord: ${error instanceof Error ? error.message : String(error)}`);
  }
  const client = bot.client;
  client.on(Events.ShardDisconnect, () => metrics.setGateway(false));
  client.on(Events.ShardResume, () => metrics.setGateway(true));
  client.on(Events.Error, () => metrics.error('gateway'));
  metrics.setGateway(true);
  closers.push(bot.stop);

  // Followed feeds. On Redis every shard process of every host follows them, and each round of a
  // feed is polled by the one that claims it there (what it imports reaches every host), so the
  // feeds are still followed while any host is up. Otherwise only the first shard polls them.
  const sharedFeeds = store.sharedBriefings !== undefined;
  if (importer && (firstShard || sharedFeeds) && config.feeds.length > 0) {
    const poller = new FeedPoller({
      feeds: config.feeds,
      intervalMs: config.feedIntervalMinutes * 60_000,
      importer,
      seen: store,
      logger,
      describe: redactUrl,
      ...(sharedFeeds ? { claimRound: (feed: string, ms: number) => store.claimFeedRound(feed, ms) } : {}),
      onImported: async () => {
        await reload();
      },
    });
    poller.start();
    closers.push(async () => poller.stop());
    logger.info(
      { feeds: config.feeds.map(redactUrl), everyMinutes: config.feedIntervalMinutes },
      'following feeds',
    );
  }
}

await main();
