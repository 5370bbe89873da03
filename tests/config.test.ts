import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_DISCORD_API_URL, loadDotEnv, parseConfig } from '../src/config.js';

describe('parseConfig', () => {
  it('applies the defaults to an empty environment', () => {
    expect(parseConfig({})).toEqual({
      discordApiUrl: DEFAULT_DISCORD_API_URL,
      knowledgeDir: 'knowledge',
      logLevel: 'info',
      healthHost: '127.0.0.1',
      shardSpawnDelayMs: 5500,
      watchKnowledge: true,
      importDir: join('data', 'knowledge'),
      importAllowHosts: [],
      feeds: [],
      feedIntervalMinutes: 60,
    });
  });

  it('reads every variable', () => {
    expect(
      parseConfig({
        DISCORD_TOKEN: ' abc.def-ghi_jkl ',
        DISCORD_GUILD_ID: '123456789012345678',
        DISCORD_API_URL: 'http://127.0.0.1:4000/api/',
        KNOWLEDGE_DIR: '/srv/knowledge',
        LOG_LEVEL: 'DEBUG',
        STORE_URL: 'redis://bot:pw@127.0.0.1:6379/2',
        DATA_DIR: '/data',
        FEEDBACK_SALT: '0123456789abcdef0123',
        FLOOD_LIMIT: '7',
        FLOOD_WINDOW_SECONDS: '20',
        HEALTH_PORT: '8080',
        HEALTH_HOST: '0.0.0.0',
        SHARDS: 'auto',
        SHARD_SPAWN_DELAY_MS: '100',
        KNOWLEDGE_WATCH: 'off',
        IMPORT_ALLOW_HOSTS: 'intranet.example, 10.0.0.5,[::1],',
        FEEDS: 'https://example.org/feed.xml,http://news.example/rss',
        FEED_INTERVAL_MINUTES: '15',
      }),
    ).toEqual({
      discordToken: 'abc.def-ghi_jkl',
      discordGuildId: '123456789012345678',
      discordApiUrl: 'http://127.0.0.1:4000/api',
      knowledgeDir: '/srv/knowledge',
      logLevel: 'debug',
      storeUrl: 'redis://bot:pw@127.0.0.1:6379/2',
      dataDir: '/data',
      feedbackSalt: '0123456789abcdef0123',
      flood: { limit: 7, windowSeconds: 20 },
      healthPort: 8080,
      healthHost: '0.0.0.0',
      shards: { total: 'auto' },
      shardSpawnDelayMs: 100,
      watchKnowledge: false,
      importDir: join('/data', 'knowledge'),
      importAllowHosts: ['intranet.example', '10.0.0.5', '[::1]'],
      feeds: ['https://example.org/feed.xml', 'http://news.example/rss'],
      feedIntervalMinutes: 15,
    });
    expect(parseConfig({ SHARDS: '4' }).shards).toEqual({ total: 4 });
    expect(parseConfig({ IMPORT_DIR: '/srv/imports', DATA_DIR: '/data' }).importDir).toBe('/srv/imports');
  });

  it("reads a host's shard list out of SHARD_COUNT, as ranges and ids in any order", () => {
    const redis = { STORE_URL: 'redis://127.0.0.1:6379' };
    expect(parseConfig({ ...redis, SHARDS: '0-3', SHARD_COUNT: '8' }).shards).toEqual({
      total: 8,
      ids: [0, 1, 2, 3],
    });
    expect(parseConfig({ ...redis, SHARDS: '7, 4,5-6', SHARD_COUNT: '16' }).shards).toEqual({
      total: 16,
      ids: [4, 5, 6, 7],
    });
    expect(parseConfig({ ...redis, SHARDS: '1', SHARD_COUNT: '2' }).shards).toEqual({ total: 2, ids: [1] });
    // Every shard of the total on this host: the same as SHARD_COUNT alone, and no Redis needed.
    expect(parseConfig({ SHARDS: '0-3', SHARD_COUNT: '4' }).shards).toEqual({ total: 4 });
    expect(parseConfig({ SHARD_COUNT: '4' }).shards).toEqual({ total: 4 });
  });

  it('ignores SHARDS and SHARD_COUNT in a shard process, where discord.js sets them to its shard', () => {
    expect(parseConfig({ SHARDING_MANAGER: 'true', SHARDS: '0', SHARD_COUNT: '2' }).shards).toBeUndefined();
    // The manager checked the host's list; the shard process needs no Redis to accept its own.
    expect(parseConfig({ SHARDING_MANAGER: 'true', SHARDS: '5', SHARD_COUNT: '8' }).shards).toBeUndefined();
  });

  it.each([
    [
      { SHARDS: '5', SHARD_COUNT: '4', STORE_URL: 'redis://r:6379' },
      'SHARDS',
      /^SHARDS names shard 5, but SHARD_COUNT is 4: shard ids run from 0 to 3$/,
    ],
    [
      { SHARDS: '0-3', STORE_URL: 'redis://r:6379' },
      'SHARD_COUNT',
      /^SHARD_COUNT must be set to the total number of shards on all hosts when SHARDS lists shard ids \(0-3\)$/,
    ],
    [{ SHARDS: '0,1' }, 'SHARD_COUNT', /^SHARD_COUNT must be set/],
    [
      { SHARDS: '0-1', SHARD_COUNT: '4' },
      'STORE_URL',
      /^STORE_URL must be a redis:\/\/ URL when SHARDS \(0-1\) runs only some of SHARD_COUNT \(4\) shards/,
    ],
    [{ SHARDS: '0-1', SHARD_COUNT: '4', STORE_URL: 'memory://' }, 'STORE_URL', /^STORE_URL must be a redis/],
    [
      { SHARDS: '0-2,2', SHARD_COUNT: '4', STORE_URL: 'redis://r:6379' },
      'SHARDS',
      /^SHARDS names shard 2 twice$/,
    ],
    [
      { SHARDS: '3-1', SHARD_COUNT: '4', STORE_URL: 'redis://r:6379' },
      'SHARDS',
      /^SHARDS has a range that runs backwards: 3-1$/,
    ],
    [{ SHARDS: 'auto', SHARD_COUNT: '4' }, 'SHARDS', /^SHARDS must list this host's shard ids/],
    [
      { SHARDS: '0-', SHARD_COUNT: '4' },
      'SHARDS',
      /^SHARDS must be "auto", a number of shards, or shard ids/,
    ],
    [{ SHARD_COUNT: '0' }, 'SHARD_COUNT', /^SHARD_COUNT must be 1–9999 shards/],
  ])('stops on %j naming %s in one line', (env, variable, message) => {
    let error: unknown;
    try {
      parseConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as ConfigError).message).toMatch(message);
    expect((error as ConfigError).message).not.toContain('\n');
  });

  it.each([
    [{ STORE_URL: 'http://user:hunter2hunter2@host' }, 'STORE_URL'],
    [{ FEEDBACK_SALT: 'short' }, 'FEEDBACK_SALT'],
    [{ FLOOD_LIMIT: '0' }, 'FLOOD_LIMIT'],
    [{ HEALTH_PORT: '70000' }, 'HEALTH_PORT'],
    [{ SHARDS: 'many' }, 'SHARDS'],
    [{ SHARDS: '0' }, 'SHARDS'],
    [{ KNOWLEDGE_WATCH: 'maybe' }, 'KNOWLEDGE_WATCH'],
    [{ IMPORT_ALLOW_HOSTS: 'http://intranet.example/' }, 'IMPORT_ALLOW_HOSTS'],
    [{ IMPORT_ALLOW_HOSTS: 'host:8080' }, 'IMPORT_ALLOW_HOSTS'],
    [{ FEEDS: 'https://example.org/feed.xml,file:///etc/passwd' }, 'FEEDS'],
    [{ FEED_INTERVAL_MINUTES: '0' }, 'FEED_INTERVAL_MINUTES'],
    [{ IMPORT_DIR: 'knowledge' }, 'IMPORT_DIR'],
    [{ IMPORT_DIR: './kb/', KNOWLEDGE_DIR: 'kb' }, 'IMPORT_DIR'],
  ])('refuses %j naming %s in one line, echoing no secret', (env, variable) => {
    let error: unknown;
    try {
      parseConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect((error as ConfigError).variable).toBe(variable);
    expect(message.startsWith(variable)).toBe(true);
    expect(message).not.toContain('\n');
    expect(message).not.toContain('hunter2hunter2');
    expect(message).not.toContain('short');
  });

  it('treats empty values as unset and accepts a "Bot " prefix on the token', () => {
    expect(parseConfig({ DISCORD_TOKEN: '', DISCORD_GUILD_ID: ' ', LOG_LEVEL: '' })).toEqual(parseConfig({}));
    expect(parseConfig({ DISCORD_TOKEN: 'Bot abcdefgh' }).discordToken).toBe('abcdefgh');
  });

  it('names the malformed variable in one line, without echoing a token', () => {
    const cases: Array<[Record<string, string>, string, RegExp]> = [
      [
        { DISCORD_GUILD_ID: 'my-server' },
        'DISCORD_GUILD_ID',
        /^DISCORD_GUILD_ID must be a server id .*got "my-server"$/,
      ],
      [{ DISCORD_API_URL: 'discord.com' }, 'DISCORD_API_URL', /^DISCORD_API_URL must be an http\(s\) URL/],
      [{ DISCORD_API_URL: 'ftp://discord.com' }, 'DISCORD_API_URL', /^DISCORD_API_URL /],
      [
        { LOG_LEVEL: 'verbose' },
        'LOG_LEVEL',
        /^LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent, got "verbose"$/,
      ],
      [
        { DISCORD_TOKEN: 'two words secret' },
        'DISCORD_TOKEN',
        /^DISCORD_TOKEN must be the bot token alone, without spaces$/,
      ],
    ];
    for (const [env, variable, message] of cases) {
      let error: unknown;
      try {
        parseConfig(env);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).variable).toBe(variable);
      expect((error as ConfigError).message).toMatch(message);
      expect((error as ConfigError).message).not.toContain('\n');
      expect((error as ConfigError).message).not.toContain('secret');
    }
  });
});

describe('loadDotEnv', () => {
  it('loads a .env file without overriding the environment, and ignores a missing one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-test-'));
    const file = join(dir, '.env');
    writeFileSync(file, 'CONFIG_TEST_FROM_FILE=file\nCONFIG_TEST_BOTH=file\n');
    process.env.CONFIG_TEST_BOTH = 'env';
    try {
      expect(loadDotEnv(file)).toBe(true);
      expect(process.env.CONFIG_TEST_FROM_FILE).toBe('file');
      expect(process.env.CONFIG_TEST_BOTH).toBe('env');
      expect(loadDotEnv(join(dir, 'missing.env'))).toBe(false);
    } finally {
      delete process.env.CONFIG_TEST_FROM_FILE;
      delete process.env.CONFIG_TEST_BOTH;
    }
  });
});
