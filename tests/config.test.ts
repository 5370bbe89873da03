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
      shards: 'auto',
      shardSpawnDelayMs: 100,
      watchKnowledge: false,
      importDir: join('/data', 'knowledge'),
      importAllowHosts: ['intranet.example', '10.0.0.5', '[::1]'],
      feeds: ['https://example.org/feed.xml', 'http://news.example/rss'],
      feedIntervalMinutes: 15,
    });
    expect(parseConfig({ SHARDS: '4' }).shards).toBe(4);
    expect(parseConfig({ IMPORT_DIR: '/srv/imports', DATA_DIR: '/data' }).importDir).toBe('/srv/imports');
  });

  it('ignores SHARDS in a shard process, where discord.js sets it to the shard ids', () => {
    expect(parseConfig({ SHARDING_MANAGER: 'true', SHARDS: '0', SHARD_COUNT: '2' }).shards).toBeUndefined();
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
