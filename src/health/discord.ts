/**
 * The gateway half of the health status, read from a discord.js client.
 */
import { Status } from 'discord.js';
import type { Client } from 'discord.js';
import type { HealthStatus } from './server.js';

/**
 * Whether `client` is connected (every shard ready), with each shard's state and heartbeat ping.
 * `undefined` (no client yet, or no longer) counts as not connected.
 *
 * @example
 * status: () => ({ indexLoaded: engine !== undefined, ...gatewayHealth(bot?.client) })
 */
export function gatewayHealth(client: Client | undefined): Pick<HealthStatus, 'gateway' | 'shards'> {
  if (!client) return { gateway: false };
  const shards = [...client.ws.shards.values()].map((shard) => ({
    id: shard.id,
    status: Status[shard.status] ?? String(shard.status),
    ping: shard.ping,
  }));
  return { gateway: client.ws.status === Status.Ready && client.isReady(), shards };
}
