/**
 * `npm start`: configuration → knowledge → engine → store → the Discord bot (with DISCORD_TOKEN),
 * or the local chat (without it, in a terminal; it needs no store). Thin wiring; the parts live
 * in their own modules.
 */
import { stdin, stdout } from 'node:process';
import { loadEngine } from './answer/load.js';
import { runChat } from './cli/chat.js';
import { ConfigError, configSecrets, loadConfig } from './config.js';
import type { Config } from './config.js';
import { startBot } from './discord/bot.js';
import { KnowledgeError } from './knowledge/load.js';
import { createLogger, redactSecrets } from './logger.js';
import type { Logger } from './logger.js';
import { StoreConfigError, openStore } from './store/index.js';

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

/** Keeps the process alive through stray errors, with enough context in the log to find them. */
function logStrayErrors(logger: Logger): void {
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
  process.on('uncaughtException', (error, origin) =>
    logger.error({ err: error, origin }, 'uncaught exception'),
  );
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
  const shutdown = (signal: NodeJS.Signals): void => {
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
  return closers;
}

async function main(): Promise<void> {
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
  const logger = createLogger({
    level: chat && config.logLevel === 'info' ? 'warn' : config.logLevel,
    secrets,
    destination: chat ? 'stderr' : 'stdout',
  });
  logStrayErrors(logger);
  const closers = exitOnSignal(logger);
  const fail: (message: string) => never = (message) => die(redactSecrets(message, secrets));

  const started = performance.now();
  const engine = await loadEngine(config.knowledgeDir).catch((error: unknown) => {
    if (error instanceof KnowledgeError) fail(error.message);
    throw error;
  });
  logger.info(
    {
      dir: config.knowledgeDir,
      briefings: engine.briefings().length,
      passages: engine.passageCount,
      ms: Math.round(performance.now() - started),
    },
    'knowledge loaded',
  );

  if (chat) {
    await runChat(engine, { input: stdin, output: stdout });
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

  let bot;
  try {
    bot = await startBot(config, engine, logger, { store });
  } catch (error) {
    logger.fatal({ err: error }, 'could not connect to Discord');
    await store.close();
    fail(`Could not connect to Discord: ${error instanceof Error ? error.message : String(error)}`);
  }
  closers.push(bot.stop);
}

await main();
