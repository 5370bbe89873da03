/**
 * Self-hosting, end to end with the real bot process: a briefing dropped into the knowledge
 * folder is answered without a restart, /reload says what changed (and keeps the old index when a
 * file breaks), /healthz and /metrics on HEALTH_PORT, and SHARDS=2 starting two shard processes
 * that both answer.
 */
import { cpSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotProcess, EPHEMERAL, ROOT, bodyText, finalBody, killAll } from './bot-process.js';
import { FakeDiscord, guildIdForShard } from './fake-discord.js';

const TOKEN = 'hosting-token-8HqLw2';
const work = mkdtempSync(join(tmpdir(), 'hosting-'));
const knowledgeDir = join(work, 'knowledge');
cpSync(join(ROOT, 'knowledge'), knowledgeDir, { recursive: true });

const NEW_BRIEFING = `---
title: Veloria Signs Lunar Fisheries Accord
source: Test wire
---

The Veloria fisheries ministry signed the lunar fisheries accord with eleven coastal states on Tuesday.
`;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

afterAll(async () => {
  await killAll();
  rmSync(work, { recursive: true, force: true });
});

describe('one bot process', () => {
  let fake: FakeDiscord;
  let bot: BotProcess;
  let healthPort: number;

  beforeAll(async () => {
    fake = await FakeDiscord.start({ token: TOKEN });
    healthPort = await freePort();
    bot = new BotProcess(['src/main.ts'], {
      DISCORD_TOKEN: TOKEN,
      DISCORD_API_URL: fake.apiUrl,
      DISCORD_GUILD_ID: fake.guilds[0]!.id,
      KNOWLEDGE_DIR: knowledgeDir,
      DATA_DIR: join(work, 'data'),
      HEALTH_PORT: String(healthPort),
      LOG_LEVEL: 'info',
    });
    await bot.waitForLog((l) => l.msg === 'bot ready', 60_000, '"bot ready"');
  }, 90_000);
  afterAll(async () => {
    await bot?.stop();
    await fake?.stop();
  });

  const ask = async (question: string, extra: { permissions?: string } = {}) =>
    finalBody(
      await fake.waitForReply(
        await fake.sendInteraction({ kind: 'command', name: 'ask', options: { question }, ...extra }),
      ),
    );
  /** /reload's final text, and whether it was private (settled when the reply was deferred or sent). */
  const reloadCommand = async (permissions?: string) => {
    const reply = await fake.waitForReply(
      await fake.sendInteraction({
        kind: 'command',
        name: 'reload',
        ...(permissions ? { permissions } : {}),
      }),
    );
    return {
      text: bodyText(finalBody(reply)),
      private: ((reply.data?.flags as number) & EPHEMERAL) === EPHEMERAL,
    };
  };

  it('serves /healthz (200 while connected with the index loaded) and /metrics that count questions', async () => {
    const health = await fetch(`http://127.0.0.1:${healthPort}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', gateway: true, indexLoaded: true });
    await ask('Who is Pranay Vaddi?');
    await ask('What is the capital of France?');
    const metrics = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
    expect(metrics).toMatch(/briefings_questions_total\{outcome="answered"\} [1-9]/);
    expect(metrics).toMatch(/briefings_questions_total\{outcome="declined"\} [1-9]/);
    expect(metrics).toMatch(/briefings_passages_loaded \d+/);
    expect(metrics).toContain('briefings_answer_seconds_bucket');
  });

  it('answers from a briefing dropped into the folder, without a restart', async () => {
    expect(bodyText(await ask('Who signed the lunar fisheries accord?'))).not.toContain(
      'eleven coastal states',
    );
    writeFileSync(join(knowledgeDir, 'lunar-fisheries.md'), NEW_BRIEFING);
    await bot.waitForLog(
      (l) => l.msg === 'knowledge reloaded' && JSON.stringify(l.added).includes('lunar-fisheries'),
      30_000,
      'the reload',
    );
    expect(bodyText(await ask('Who signed the lunar fisheries accord?'))).toContain('eleven coastal states');
  }, 60_000);

  it('keeps the previous index serving when a file breaks, and /reload names the file and field', async () => {
    writeFileSync(join(knowledgeDir, 'broken.md'), '---\ntitle: No source\n---\n\nText.\n');
    await bot.waitForLog(
      (l) => l.msg === 'knowledge reload failed; the previous index keeps serving',
      30_000,
    );
    expect(bodyText(await ask('Who signed the lunar fisheries accord?'))).toContain('eleven coastal states');
    const reply = await reloadCommand();
    expect(reply.private).toBe(true);
    expect(reply.text).toContain('broken.md: source: is required');
    expect(reply.text).toContain('kept the briefings I had');
    unlinkSync(join(knowledgeDir, 'broken.md'));
    unlinkSync(join(knowledgeDir, 'lunar-fisheries.md'));
    await bot.waitForLog(
      (l) => l.msg === 'knowledge reloaded' && JSON.stringify(l.removed).includes('lunar'),
      30_000,
    );
    expect((await reloadCommand()).text).toContain('Nothing changed');
  }, 90_000);

  it('refuses /reload at run time to a member without Manage Server', async () => {
    const reply = await reloadCommand('0');
    expect(reply.text).toContain('Manage Server');
    expect(reply.private).toBe(true);
  });

  it('exits 0 on SIGTERM, and /healthz stops answering', async () => {
    const exit = await bot.stop('SIGTERM');
    expect(exit.code).toBe(0);
    await expect(fetch(`http://127.0.0.1:${healthPort}/healthz`)).rejects.toThrow();
  });
});

describe('SHARDS=2', () => {
  it('starts two shard processes that each identify with their shard and both answer', async () => {
    const guilds = [0, 1].map((shard) => ({ id: guildIdForShard(shard, 2), name: `shard ${shard} server` }));
    const fake = await FakeDiscord.start({ token: TOKEN, guilds, recommendedShards: 2 });
    const healthPort = await freePort();
    const manager = new BotProcess(['src/main.ts'], {
      DISCORD_TOKEN: TOKEN,
      DISCORD_API_URL: fake.apiUrl,
      KNOWLEDGE_DIR: knowledgeDir,
      DATA_DIR: join(work, 'data-shards'),
      STORE_URL: 'memory://',
      SHARDS: 'auto',
      SHARD_SPAWN_DELAY_MS: '0',
      HEALTH_PORT: String(healthPort),
      LOG_LEVEL: 'info',
    });
    try {
      await manager.waitForLog((l) => l.msg === 'all shards ready', 120_000, '"all shards ready"');
      const shardsSeen = fake.identifies.map((r) => (r.data as { shard: number[] }).shard.join('/')).sort();
      expect(shardsSeen).toEqual(['0/2', '1/2']);
      for (const [shard, guild] of guilds.entries()) {
        const sent = await fake.sendInteraction({
          kind: 'command',
          name: 'ask',
          guildId: guild.id,
          options: { question: 'Where is Vostochny?' },
        });
        expect(sent.shardId).toBe(shard);
        expect(bodyText(finalBody(await fake.waitForReply(sent)))).toContain('Vostochny');
        // Each shard process has its own health server: HEALTH_PORT + shard id.
        const health = await fetch(`http://127.0.0.1:${healthPort + shard}/healthz`);
        expect(health.status).toBe(200);
      }
      const exit = await manager.stop('SIGTERM');
      expect(exit.code).toBe(0);
    } finally {
      await manager.stop('SIGKILL');
      await fake.stop();
    }
  }, 180_000);
});
