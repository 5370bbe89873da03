/**
 * The Discord client: connects, registers the commands when they changed, and hands every
 * interaction to the router and every message to the message handler.
 */
import { Client, Events, GatewayIntentBits, Options, Partials } from 'discord.js';
import type { Interaction, Message, WebSocketOptions } from 'discord.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/index.js';
import { commandDefinitions } from './commands/index.js';
import type { AnswerEngine, BotContext } from './context.js';
import { exampleQuestions } from './examples.js';
import { sharedIdentifyThrottler } from './identify.js';
import type { FeedbackHook } from './feedback.js';
import { createMessageHandler } from './messages.js';
import { syncCommands } from './register.js';
import { createRouter } from './router.js';

/** The parts of the bot made elsewhere (the store), and optional ones. */
export interface BotOptions {
  /** Settings, cooldowns, flood counts, feedback and follow-ups; the caller opens and closes it. */
  store: Store;
  /** Told of each 👍/👎 vote after the store recorded it. */
  onFeedback?: FeedbackHook;
  /** Example questions for /help; by default the built-in ones the engine answers. */
  examples?: readonly string[];
  /** Compare and register the commands once connected (default true). */
  registerCommands?: boolean;
  /** Rebuilds the index (`/reload`). */
  reload?: BotContext['reload'];
  /** Told of each error the router caught. */
  onError?: BotContext['onError'];
  /** Imports briefings (`/briefings add` and `remove`). */
  imports?: BotContext['imports'];
}

/** A running bot. */
export interface BotHandle {
  client: Client<true>;
  /** Disconnects from Discord. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * The bot reads nothing back from discord.js's caches: every handler answers from what its event
 * carries (the interaction's member permissions, the message it replies to). So the caches that
 * grow with each user, member and message seen stay empty, except for the bot's own user and
 * member; guilds, channels and roles, which discord.js needs, keep their defaults.
 */
const LEAN_CACHES = Options.cacheWithLimits({
  ...Options.DefaultMakeCacheSettings,
  MessageManager: 0,
  ReactionManager: 0,
  ReactionUserManager: 0,
  UserManager: { maxSize: 0, keepOverLimit: (user) => user.id === user.client.user?.id },
  GuildMemberManager: { maxSize: 0, keepOverLimit: (member) => member.id === member.client.user?.id },
  ThreadMemberManager: 0,
  PresenceManager: 0,
  VoiceStateManager: 0,
  GuildBanManager: 0,
  GuildInviteManager: 0,
  GuildScheduledEventManager: 0,
  StageInstanceManager: 0,
  GuildEmojiManager: 0,
  GuildStickerManager: 0,
  AutoModerationRuleManager: 0,
});

/**
 * How often the REST client drops its idle per-route queues. Each answer is sent through its own
 * interaction's webhook, so each question leaves a queue behind (about 1 KB); the default sweep
 * (hourly) would hold an hour of questions. A queue still waiting on a rate limit is never dropped.
 */
export const REST_HANDLER_SWEEP_MS = 10_000;

/**
 * The discord.js client, configured as the bot needs it: no privileged intents (mentions and DMs
 * carry their text without MessageContent), DM channels as partials so DMs arrive, no mention
 * ever parsed from anything the bot sends, and no cache that grows with the people it serves.
 * `ws` takes gateway options such as a shared identify throttler.
 */
export function createClient(config: Pick<Config, 'discordApiUrl'>, ws: WebSocketOptions = {}): Client {
  return new Client({
    ws,
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages],
    partials: [Partials.Channel],
    allowedMentions: { parse: [], repliedUser: false },
    rest: { api: config.discordApiUrl, handlerSweepInterval: REST_HANDLER_SWEEP_MS },
    makeCache: LEAN_CACHES,
  });
}

/**
 * Connects the bot to Discord and resolves once it is ready (and the commands are registered,
 * when they had to be; a registration failure is logged, not fatal).
 *
 * @throws when there is no token, or Discord refuses the login (e.g. an invalid token)
 */
export async function startBot(
  config: Config,
  engine: AnswerEngine,
  logger: Logger,
  options: BotOptions,
): Promise<BotHandle> {
  const token = config.discordToken;
  if (!token) throw new Error('DISCORD_TOKEN is not set');
  const ctx: BotContext = {
    engine,
    store: options.store,
    logger,
    examples: options.examples ?? exampleQuestions(engine),
    ...(config.flood ? { floodLimits: config.flood } : {}),
    ...(options.onFeedback ? { onFeedback: options.onFeedback } : {}),
    ...(options.reload ? { reload: options.reload } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
    ...(options.imports ? { imports: options.imports } : {}),
  };
  // On Redis, the shards of every host take turns to IDENTIFY through it (Discord's limit is per
  // bot, not per process); otherwise discord.js spaces them within this process, as before.
  const client = createClient(
    config,
    options.store.kind === 'redis'
      ? { buildIdentifyThrottler: sharedIdentifyThrottler(options.store, { logger }) }
      : {},
  );
  const route = createRouter({ ctx });
  const onMessage = createMessageHandler(ctx);
  const onInteractionCreate = (interaction: Interaction): void => void route(interaction);
  const onMessageCreate = (message: Message): void => void onMessage(message);
  client.on(Events.InteractionCreate, onInteractionCreate);
  client.on(Events.MessageCreate, onMessageCreate);
  client.on(Events.Error, (error) => logger.error({ err: error }, 'discord client error'));
  client.on(Events.Warn, (message) => logger.warn({ detail: message }, 'discord client warning'));
  client.on(Events.ShardDisconnect, (event, shardId) =>
    logger.warn({ shardId, code: event.code }, 'gateway disconnected'),
  );
  client.on(Events.ShardResume, (shardId, replayed) => logger.info({ shardId, replayed }, 'gateway resumed'));
  if (logger.isLevelEnabled('trace'))
    client.on(Events.Debug, (message) => logger.trace({ detail: message }, 'discord.js'));

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    // Stop taking new work; the error listeners stay so a late error is logged, not thrown.
    client.off(Events.InteractionCreate, onInteractionCreate);
    client.off(Events.MessageCreate, onMessageCreate);
    await client.destroy();
  };

  const ready = new Promise<Client<true>>((resolve) => client.once(Events.ClientReady, resolve));
  try {
    await client.login(token);
  } catch (error) {
    await stop();
    throw error;
  }
  const readyClient = await ready;
  logger.info(
    { user: readyClient.user.tag, userId: readyClient.user.id, guilds: readyClient.guilds.cache.size },
    'connected to Discord',
  );
  if (options.registerCommands ?? true) {
    try {
      await syncCommands(
        readyClient.rest,
        {
          applicationId: readyClient.application.id,
          guildId: config.discordGuildId,
          commands: commandDefinitions(),
        },
        logger,
      );
    } catch (error) {
      logger.error({ err: error, guildId: config.discordGuildId ?? null }, 'command registration failed');
    }
  }
  logger.info('bot ready');
  return { client: readyClient, stop };
}
