/**
 * The discord.js client as the bot configures it: caches that would grow with every person,
 * member and message the bot sees stay empty, while the bot's own user and member, and the
 * guilds and channels discord.js needs, are kept. (discord.js's `_add` is what its gateway
 * handlers call for each event; it is internal, hence the casts.)
 */
import { ClientUser } from 'discord.js';
import type { Client } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/discord/bot.js';

type Adder = { _add(data: unknown, cache?: boolean): unknown };
const adder = (manager: unknown): Adder => manager as Adder;

const BOT_ID = '100000000000000001';
const rawUser = (id: string, name: string) => ({
  id,
  username: name,
  discriminator: '0',
  global_name: name,
  avatar: null,
});

function readyClient(): Client {
  const client = createClient({ discordApiUrl: 'http://127.0.0.1:9/api' });
  // What discord.js does on READY.
  client.user = new (ClientUser as unknown as new (c: Client, d: unknown) => ClientUser)(client, {
    ...rawUser(BOT_ID, 'bot'),
    bot: true,
  });
  client.users.cache.set(BOT_ID, client.user);
  return client;
}

describe('the client’s caches', () => {
  it('keep no user the bot is sent, but keep the bot itself', () => {
    const client = readyClient();
    for (let i = 0; i < 50; i++) adder(client.users)._add(rawUser(`2000000000000000${10 + i}`, `user${i}`));
    expect([...client.users.cache.keys()]).toEqual([BOT_ID]);
    void client.destroy();
  });

  it('keep guilds and channels, but no member other than the bot and no message', () => {
    const client = readyClient();
    const guildId = '300000000000000001';
    const channelId = '300000000000000002';
    adder(client.guilds)._add({
      id: guildId,
      name: 'A server',
      owner_id: '200000000000000099',
      roles: [
        {
          id: guildId,
          name: '@everyone',
          permissions: '0',
          position: 0,
          color: 0,
          hoist: false,
          managed: false,
          mentionable: false,
        },
      ],
      channels: [{ id: channelId, type: 0, name: 'general', position: 0, permission_overwrites: [] }],
      members: [
        {
          user: rawUser(BOT_ID, 'bot'),
          roles: [],
          joined_at: new Date().toISOString(),
          deaf: false,
          mute: false,
        },
        {
          user: rawUser('200000000000000050', 'someone'),
          roles: [],
          joined_at: new Date().toISOString(),
          deaf: false,
          mute: false,
        },
      ],
      emojis: [],
      stickers: [],
    });
    const guild = client.guilds.cache.get(guildId)!;
    expect(guild).toBeDefined();
    expect(client.channels.cache.has(channelId)).toBe(true);
    expect([...guild.members.cache.keys()]).toEqual([BOT_ID]);
    const channel = client.channels.cache.get(channelId) as unknown as {
      messages: { cache: Map<string, unknown> };
    };
    for (let i = 0; i < 20; i++) {
      adder(channel.messages)._add({
        id: `4000000000000000${10 + i}`,
        channel_id: channelId,
        guild_id: guildId,
        author: rawUser('200000000000000050', 'someone'),
        content: `<@${BOT_ID}> question ${i}`,
        timestamp: new Date().toISOString(),
        edited_timestamp: null,
        tts: false,
        mention_everyone: false,
        mentions: [],
        mention_roles: [],
        attachments: [],
        embeds: [],
        pinned: false,
        type: 0,
      });
    }
    expect(channel.messages.cache.size).toBe(0);
    void client.destroy();
  });
});
