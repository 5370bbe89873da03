import { Client, GatewayIntentBits } from 'discord.js';
import { afterAll, describe, expect, it } from 'vitest';
import { gatewayHealth } from '../../src/health/discord.js';
import { FakeDiscord } from '../e2e/fake-discord.js';

const TOKEN = 'fake-token-for-health-tests';
let fake: FakeDiscord | undefined;
let client: Client | undefined;

afterAll(async () => {
  await client?.destroy();
  await fake?.stop();
});

describe('gatewayHealth', () => {
  it('is down without a client, and for a client that has not logged in', () => {
    expect(gatewayHealth(undefined)).toEqual({ gateway: false });
    const idle = new Client({ intents: [GatewayIntentBits.Guilds] });
    expect(gatewayHealth(idle)).toEqual({ gateway: false, shards: [] });
  });

  it('is up once the client is ready, with the shard ready, and down after destroy()', async () => {
    fake = await FakeDiscord.start({ token: TOKEN });
    client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
    const ready = new Promise<void>((resolve) => client!.once('clientReady', () => resolve()));
    await client.login(TOKEN);
    await ready;
    const health = gatewayHealth(client);
    expect(health.gateway).toBe(true);
    expect(health.shards).toEqual([{ id: 0, status: 'Ready', ping: expect.any(Number) as number }]);
    await client.destroy();
    expect(gatewayHealth(client).gateway).toBe(false);
  });
});
