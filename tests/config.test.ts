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
      }),
    ).toEqual({
      discordToken: 'abc.def-ghi_jkl',
      discordGuildId: '123456789012345678',
      discordApiUrl: 'http://127.0.0.1:4000/api',
      knowledgeDir: '/srv/knowledge',
      logLevel: 'debug',
    });
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
