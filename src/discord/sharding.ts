/**
 * Running the bot as several shards, one process each, through discord.js's ShardingManager.
 * Discord requires sharding past 2,500 servers; each shard process runs the ordinary bot
 * (src/main) and learns its shard from the environment the manager gives it. A host may run all
 * the shards or only some of them (`SHARDS=0-3` of `SHARD_COUNT=8`), other hosts running the
 * rest. Shards share state only through the store, so sharded bots want `STORE_URL=redis://…`.
 */
import { REST, Routes, ShardingManager } from 'discord.js';
import type { Shard } from 'discord.js';
import type { ShardPlan } from '../config.js';
import type { Logger } from '../logger.js';
import { IDENTIFY_TURN_MS } from './identify.js';

/**
 * Set by the manager for its shard processes: the shard ids this host runs, in order, so that a
 * shard knows its place among them (its health server listens on HEALTH_PORT + that place).
 */
export const HOST_SHARDS_ENV = 'BRIEFINGS_HOST_SHARDS';

/** How long one shard may take to start, beyond waiting for its turn to identify. */
const SHARD_START_TIMEOUT_MS = 120_000;

export interface ShardOptions {
  token: string;
  /** REST base URL (Discord's, a proxy's, or the tests' fake). */
  apiUrl: string;
  /** Which shards to run here: all of a number, Discord's recommendation ('auto'), or some ids of a total. */
  plan: ShardPlan;
  /** The script each shard runs, and the node flags to run it with (e.g. tsx's loader in development). */
  entry: string;
  execArgv: string[];
  /** Wait between two shard starts; Discord allows one IDENTIFY per 5 s per bucket. */
  spawnDelayMs?: number;
  logger: Logger;
}

export interface ShardManagerHandle {
  /** Shards in all (on every host). */
  total: number;
  /** The shards this host runs. */
  ids: readonly number[];
  /**
   * Tells every running shard process of this host that its import folder changed, so that each
   * reloads (a shard still starting reads the folder as it is when it loads).
   */
  importsChanged(): void;
  /** Stops every shard process (SIGTERM) and waits for them. */
  stop(): Promise<void>;
}

/** A shard manager made, its shard processes not started yet. */
export interface PreparedShards extends ShardManagerHandle {
  /** Starts this host's shard processes and resolves once each has connected. */
  spawn(): Promise<void>;
}

/** The IPC message a manager sends its shard processes when the import folder changed. */
const IMPORTS_CHANGED = { briefings: 'imports-changed' } as const;

const isImportsChanged = (message: unknown): boolean =>
  typeof message === 'object' &&
  message !== null &&
  (message as Record<string, unknown>).briefings === IMPORTS_CHANGED.briefings;

/**
 * Calls `onChange` whenever this shard process's manager says the import folder changed. Does
 * nothing outside a shard process. Register it early: a message that comes before is lost.
 */
export function onImportsChanged(onChange: () => void): void {
  if (!isShardProcess() || typeof process.send !== 'function') return;
  process.on('message', (message) => {
    if (isImportsChanged(message)) onChange();
  });
}

/** Discord's recommended shard count for this bot, asked through our own REST base. */
export async function recommendedShards(token: string, apiUrl: string): Promise<number> {
  const rest = new REST({ api: apiUrl }).setToken(token);
  const { shards } = (await rest.get(Routes.gatewayBot())) as { shards: number };
  return Math.max(1, shards);
}

/** True in a process that a ShardingManager started. */
export function isShardProcess(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.SHARDING_MANAGER === 'true' && env.SHARDS !== undefined;
}

/** The shard ids this process runs (from the manager's environment), or [] when not sharded. */
export function shardIds(env: NodeJS.ProcessEnv = process.env): number[] {
  if (!isShardProcess(env)) return [];
  return idList(env.SHARDS);
}

/**
 * This shard process's place among the shards its host runs (0 for the host's first shard), or
 * 0 when not sharded. A host running every shard has them in order, so the place is the id.
 */
export function hostShardIndex(env: NodeJS.ProcessEnv = process.env): number {
  const own = shardIds(env)[0];
  if (own === undefined) return 0;
  const index = idList(env[HOST_SHARDS_ENV]).indexOf(own);
  return index >= 0 ? index : own;
}

function idList(text: string | undefined): number[] {
  return String(text ?? '')
    .split(',')
    .filter((s) => s.trim() !== '')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n >= 0);
}

/**
 * Calls `onGone` when the manager that started this shard process goes away (killed, crashed):
 * a shard left running on its own would keep its gateway session while the manager, restarted,
 * starts the same shard again. Does nothing outside a shard process.
 */
export function onManagerGone(onGone: () => void): void {
  if (!isShardProcess() || typeof process.send !== 'function') return;
  process.once('disconnect', onGone);
}

/**
 * Makes this host's shard manager (asking Discord for the shard count when `auto`) without
 * starting the shards, so that the host can be told of changes while they start.
 */
export async function prepareShards(options: ShardOptions): Promise<PreparedShards> {
  const { logger, plan } = options;
  const total = plan.total === 'auto' ? await recommendedShards(options.token, options.apiUrl) : plan.total;
  const ids = plan.ids ?? [...Array(total).keys()];
  // Inherited by every shard process the manager forks (it copies this process's environment).
  process.env[HOST_SHARDS_ENV] = ids.join(',');
  const manager = new ShardingManager(options.entry, {
    token: options.token,
    totalShards: total,
    shardList: [...ids],
    mode: 'process',
    respawn: true,
    execArgv: options.execArgv,
  });
  manager.on('shardCreate', (shard: Shard) => {
    logger.info({ shardId: shard.id, total }, 'shard starting');
    shard.on('death', () => logger.warn({ shardId: shard.id }, 'shard process exited; restarting it'));
    shard.on('ready', () => logger.info({ shardId: shard.id }, 'shard ready'));
  });
  // A shard may wait its turn behind every other shard of its bucket, on every host.
  const timeout = SHARD_START_TIMEOUT_MS + total * IDENTIFY_TURN_MS;
  return {
    total,
    ids,
    async spawn() {
      await manager.spawn({ amount: total, delay: options.spawnDelayMs ?? 5_500, timeout });
    },
    importsChanged() {
      for (const shard of manager.shards.values()) {
        const child = shard.process;
        if (!child || child.exitCode !== null || !child.connected) continue;
        shard
          .send(IMPORTS_CHANGED)
          .catch((error: unknown) =>
            logger.warn({ err: error, shardId: shard.id }, 'could not tell a shard that the imports changed'),
          );
      }
    },
    async stop() {
      await Promise.all(
        [...manager.shards.values()].map(
          (shard) =>
            new Promise<void>((resolve) => {
              const child = shard.process;
              if (!child || child.exitCode !== null) return resolve();
              child.once('exit', () => resolve());
              // kill() also stops the manager from respawning it.
              shard.kill();
            }),
        ),
      );
    },
  };
}
