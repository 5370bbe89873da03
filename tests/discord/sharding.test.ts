import { describe, expect, it } from 'vitest';
import { HOST_SHARDS_ENV, hostShardIndex, isShardProcess, shardIds } from '../../src/discord/sharding.js';

/** The environment discord.js's ShardingManager gives a shard process, plus what ours adds. */
const shardEnv = (id: number, total: number, hostShards?: string): NodeJS.ProcessEnv => ({
  SHARDING_MANAGER: 'true',
  SHARDS: String(id),
  SHARD_COUNT: String(total),
  ...(hostShards === undefined ? {} : { [HOST_SHARDS_ENV]: hostShards }),
});

describe('shard processes', () => {
  it('read their shard from the manager, and nothing outside one', () => {
    expect(isShardProcess(shardEnv(5, 8))).toBe(true);
    expect(shardIds(shardEnv(5, 8))).toEqual([5]);
    // SHARDS set by a person (the manager's own configuration) is not a shard process's.
    expect(isShardProcess({ SHARDS: '0-3', SHARD_COUNT: '8' })).toBe(false);
    expect(shardIds({ SHARDS: '0-3', SHARD_COUNT: '8' })).toEqual([]);
  });

  it("know their place among their host's shards, for HEALTH_PORT + place", () => {
    // A host running shards 4–7 of 8: shard 4 is its first (HEALTH_PORT), shard 6 its third.
    expect(hostShardIndex(shardEnv(4, 8, '4,5,6,7'))).toBe(0);
    expect(hostShardIndex(shardEnv(6, 8, '4,5,6,7'))).toBe(2);
    expect(hostShardIndex(shardEnv(3, 8, '1,3'))).toBe(1);
    // Without the list (an older manager), the shard id, as on a host running every shard.
    expect(hostShardIndex(shardEnv(6, 8))).toBe(6);
    expect(hostShardIndex({})).toBe(0);
  });
});
