/**
 * Running the bot as several shards, one process each, through discord.js's ShardingManager.
 * Discord requires sharding past 2,500 servers; each shard process runs the ordinary bot
 * (src/main) and learns its shard from the environment the manager gives it. Shards share
 * state only through the store, so sharded bots want `STORE_URL=redis://…`.
 */
import { REST, Routes, ShardingManager } from 'discord.js';
import type { Shard } from 'discord.js';
import type { Logger } from '../logger.js';

export interface ShardOptions {
  token: string;
  /** REST base URL (Discord's, a proxy's, or the tests' fake). */
  apiUrl: string;
  /** A number, or 'auto' for Discord's recommendation. */
  shards: number | 'auto';
  /** The script each shard runs, and the node flags to run it with (e.g. tsx's loader in development). */
  entry: string;
  execArgv: string[];
  /** Wait between two shard starts; Discord allows one IDENTIFY per 5 s per bucket. */
  spawnDelayMs?: number;
  logger: Logger;
}

export interface ShardManagerHandle {
  count: number;
  /** Stops every shard process (SIGTERM) and waits for them. */
  stop(): Promise<void>;
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
  return String(env.SHARDS)
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n >= 0);
}

/** Starts the shard processes and resolves once each has connected. */
export async function startShards(options: ShardOptions): Promise<ShardManagerHandle> {
  const { logger } = options;
  const count =
    options.shards === 'auto' ? await recommendedShards(options.token, options.apiUrl) : options.shards;
  const manager = new ShardingManager(options.entry, {
    token: options.token,
    totalShards: count,
    mode: 'process',
    respawn: true,
    execArgv: options.execArgv,
  });
  manager.on('shardCreate', (shard: Shard) => {
    logger.info({ shardId: shard.id, count }, 'shard starting');
    shard.on('death', () => logger.warn({ shardId: shard.id }, 'shard process exited; restarting it'));
    shard.on('ready', () => logger.info({ shardId: shard.id }, 'shard ready'));
  });
  await manager.spawn({ amount: count, delay: options.spawnDelayMs ?? 5_500, timeout: 120_000 });
  return {
    count,
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
