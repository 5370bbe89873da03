/**
 * Two hosts, end to end: two real bot processes (`src/main.ts`, each a shard manager with its own
 * shard processes, DATA_DIR and health port) standing for two machines, one real redis-server, and
 * one fake Discord serving every shard.
 *
 * 1. `SHARD_COUNT=2`, host A `SHARDS=0`, host B `SHARDS=1`, `max_concurrency` 1: both hosts reach
 *    the gateway at the same instant (the fake holds their `GET /gateway/bot` together) and must
 *    still IDENTIFY at least 5 s apart, which only the Redis-backed throttler achieves; commands
 *    come from the host running shard 0 only; /ask, /sources and mentions are answered on each
 *    host's shard, DMs on shard 0; health and metrics per shard; answer latency on each host;
 *    killing host B (the whole process group) leaves host A answering, and restarting it resumes
 *    shard 1.
 * 2. `SHARD_COUNT=4` over the same two hosts, two shards each (`0-1`, `2-3`), `max_concurrency` 2:
 *    four IDENTIFYs, never two of one bucket within 5 s; every shard answers; the /settings changed
 *    in step 1 apply on the host that now serves those servers (resharding moved them).
 *
 * Imported briefings are shared through the same Redis: in step 1 a briefing added with
 * `/briefings add` on host A is answered on host B within 5 s, and one removed on host B is
 * declined on host A; while host B is dead, one briefing is removed and another added on host A,
 * and host B has caught up when it is ready again. In step 2 the two new hosts start with empty
 * import folders and answer the shared briefing on every shard at once; one added on shard 2 is
 * answered on shard 3 (the same host: its manager tells its shards) and on host A's shards. The
 * hosts run with KNOWLEDGE_WATCH=false, so nothing but the sharing makes a host reload.
 *
 * The steps run in order and build on each other. Figures are printed and written to
 * `bench/out/multihost-figures.json` (the README's Scaling section quotes them).
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotProcess, EPHEMERAL, ROOT, bodyText, finalBody, killAll } from './bot-process.js';
import type { LogLine } from './bot-process.js';
import { FakeDiscord, guildIdForShard, shardForGuild } from './fake-discord.js';
import type { InteractionReply, OptionValue } from './fake-discord.js';
import { startFixtureServer } from '../knowledge/fixture-server.js';
import type { FixtureServer } from '../knowledge/fixture-server.js';
import { redisAvailability, startOwnRedis } from '../store/redis-server.js';
import type { OwnRedis } from '../store/redis-server.js';

const TOKEN = 'multihost-token-Vq83kLz';
const redis = redisAvailability();
const work = mkdtempSync(join(tmpdir(), 'multihost-'));
const figures: Record<string, unknown> = {};
/** Guild i is served by shard i of 4, and by shard i % 2 of 2. */
const GUILDS = [0, 1, 2, 3].map((shard) => guildIdForShard(shard, 4));
const QUESTION = 'Where were Putin and Kim supposed to meet?';
const ANSWER = 'Vostochny';
const TITLE = 'US Official Highlights Rising Russia–North Korea Military Cooperation';
const READY_TIMEOUT_MS = 120_000;
const DECLINED = "The briefings don't cover this.";

/** Pages of the fixture server imported with /briefings add, the question each answers, and the words of its answer. */
const PAGES = {
  salmon: {
    path: '/pressreleases/salmon-habitat',
    id: 'interior-department-announces-12-million-to-restore-salmon-habitat-in-the',
    question: 'How many culverts will the funding replace?',
    answer: '38 culverts',
  },
  dock: {
    path: '/business/2024/feb/09/halden-dock-strike-ends',
    id: 'dock-workers-end-11-day-strike-at-port-of-halden-after-pay-deal',
    question: 'How much do the wages of the Halden dock workers rise?',
    answer: '9.5%',
  },
  ferry: {
    path: '/news/ferry-link-resumes',
    id: 'ferry-link-to-stromstad-resumes-after-harbour-repairs',
    question: 'How often will the ferry to Strömstad run in summer?',
    answer: 'four times a day',
  },
  library: {
    path: '/news/new-library-opens',
    id: 'new-library-opens-in-the-old-customs-house',
    question: 'How many books does the library in the old customs house hold?',
    answer: '48,000',
  },
} as const;
type Page = (typeof PAGES)[keyof typeof PAGES];

/** A port p with p + 1 free as well: a host's two shards listen on HEALTH_PORT and HEALTH_PORT + 1. */
async function freePortPair(): Promise<number> {
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const bound = (server.address() as { port: number }).port;
        server.close(() => resolve(bound));
      });
    });
  for (;;) {
    const port = await listen(0);
    if (
      port < 65535 &&
      (await listen(port + 1).then(
        () => true,
        () => false,
      ))
    )
      return port;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

interface Host {
  name: string;
  bot: BotProcess;
  healthPort: number;
  env: Record<string, string>;
}

/** Starts one host: a shard manager running `shards` of `total`, with a DATA_DIR of its own. */
function startHost(
  name: string,
  fake: FakeDiscord,
  storeUrl: string,
  shards: string,
  total: number,
  healthPort: number,
): Host {
  const dataDir = join(work, `data-${name}`);
  mkdirSync(dataDir, { recursive: true });
  const env = {
    DISCORD_TOKEN: TOKEN,
    DISCORD_API_URL: fake.apiUrl,
    KNOWLEDGE_DIR: join(ROOT, 'knowledge'),
    KNOWLEDGE_WATCH: 'false',
    DATA_DIR: dataDir,
    STORE_URL: storeUrl,
    SHARD_COUNT: String(total),
    SHARDS: shards,
    // Safe with Redis: the shards take turns to IDENTIFY through it, whatever the spawn order.
    SHARD_SPAWN_DELAY_MS: '0',
    HEALTH_PORT: String(healthPort),
    LOG_LEVEL: 'info',
    // The fixture site, on loopback, is where /briefings add fetches pages from.
    IMPORT_ALLOW_HOSTS: '127.0.0.1',
  };
  return { name, bot: new BotProcess(['src/main.ts'], env, { group: true }), healthPort, env };
}

const allReady = (host: Host, after = 0) =>
  host.bot.waitForLog(
    (l) => l.msg === 'all shards ready' && Number(l.time) >= after,
    READY_TIMEOUT_MS,
    `${host.name}: "all shards ready"`,
  );

/** Sends a command in `guildId` and waits for the complete reply; returns it with its latency. */
async function command(
  fake: FakeDiscord,
  guildId: string | undefined,
  name: string,
  options: Record<string, OptionValue> = {},
  extra: { subcommand?: string; userId?: string } = {},
): Promise<{ reply: InteractionReply; shardId: number; ms: number }> {
  const sent = Date.now();
  const interaction = await fake.sendInteraction({
    kind: 'command',
    name,
    options,
    ...(guildId === undefined ? { dm: true } : { guildId }),
    // A user of its own each time, unless told: the flood limit counts questions per user.
    userId: fake.createUser().id,
    ...extra,
  });
  const reply = await fake.waitForReply(interaction, { timeoutMs: 15_000 });
  const done = reply.edits.at(-1)?.time ?? reply.followUps.at(-1)?.time ?? reply.callback.time;
  return { reply, shardId: interaction.shardId, ms: done - sent };
}

/** A mention of the bot in `guildId`; resolves with the bot's reply text and the shard it came through. */
async function mention(fake: FakeDiscord, guildId: string): Promise<{ text: string; shardId: number }> {
  const msg = await fake.sendMessage({ content: QUESTION, guildId, mentionBot: true });
  const reply = await fake.waitFor(
    (r) =>
      r.route === 'POST /channels/:channel/messages' &&
      (r.body as { message_reference?: { message_id?: string } }).message_reference?.message_id === msg.id,
    15_000,
    `the reply to the mention in ${guildId}`,
  );
  return { text: bodyText(reply.body as Record<string, unknown>), shardId: msg.shardId };
}

async function healthz(port: number): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function metric(port: number, series: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? Number.NaN : Number(line.slice(series.length + 1));
}

const buttons = (body: Record<string, unknown>): Array<{ custom_id: string; label: string }> =>
  ((body.components ?? []) as { components: { custom_id: string; label: string }[] }[]).flatMap(
    (r) => r.components,
  );

/**
 * `/briefings add url:` (or `remove name:`) in `guildId`, then the confirming button, by one
 * manager; resolves with the outcome's text, the shard that did it and when the button was sent.
 */
async function briefingsChange(
  fake: FakeDiscord,
  guildId: string,
  change: { add: string } | { remove: string },
): Promise<{ text: string; shardId: number; confirmedAt: number }> {
  const userId = fake.user.id;
  const asked = await command(
    fake,
    guildId,
    'briefings',
    'add' in change ? { url: change.add } : { name: change.remove },
    { subcommand: 'add' in change ? 'add' : 'remove', userId },
  );
  const label = 'add' in change ? 'Add' : 'Remove';
  const button = buttons(finalBody(asked.reply)).find((b) => b.label === label);
  expect(button, `a "${label}" button in: ${bodyText(finalBody(asked.reply))}`).toBeDefined();
  const confirmedAt = Date.now();
  const click = await fake.sendInteraction({
    kind: 'button',
    customId: button!.custom_id,
    messageId: asked.reply.original!.id,
    guildId,
    userId,
  });
  const reply = await fake.waitForReply(click, { timeoutMs: 20_000 });
  return { text: bodyText(finalBody(reply)), shardId: click.shardId, confirmedAt };
}

/**
 * Asks `page`'s question in `guildId` every 100 ms until the answer quotes it (or, `answered:
 * false`, until it is declined); resolves with the last answer and when it came.
 */
async function askUntil(
  fake: FakeDiscord,
  guildId: string,
  page: Page,
  answered: boolean,
  timeoutMs: number,
): Promise<{ text: string; shardId: number; at: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const asked = await command(fake, guildId, 'ask', { question: page.question });
    const text = bodyText(finalBody(asked.reply)).replace(/\*\*/g, '');
    const quoted = text.includes(page.answer) && !text.includes(DECLINED);
    if (quoted === answered) return { text, shardId: asked.shardId, at: Date.now() };
    if (Date.now() > deadline) {
      throw new Error(
        `"${page.question}" still ${answered ? 'not answered' : 'answered'} after ${timeoutMs} ms: ${text}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The "knowledge reloaded" line of `shard` on `host` that names `id` as added (or removed). */
const reloadedWith = (host: Host, shard: number, id: string, how: 'added' | 'removed', after: number) =>
  host.bot.waitForLog(
    (l) =>
      l.msg === 'knowledge reloaded' &&
      l.shard === String(shard) &&
      Number(l.time) >= after &&
      Array.isArray(l[how]) &&
      (l[how] as string[]).includes(id),
    10_000,
    `shard ${shard} on ${host.name} reloading with ${id} ${how}`,
  );

/** The gaps between consecutive IDENTIFYs of each bucket, in ms. */
function bucketGaps(fake: FakeDiscord): Record<string, number[]> {
  const byBucket = new Map<number, number[]>();
  for (const record of fake.identifyLog()) {
    byBucket.set(record.bucket, [...(byBucket.get(record.bucket) ?? []), record.time]);
  }
  return Object.fromEntries(
    [...byBucket].map(([bucket, times]) => [bucket, times.slice(1).map((t, i) => t - times[i]!)]),
  );
}

/** Log lines a host's shard processes wrote, by shard. */
const shardLines = (host: Host, shard: number, msg: string): LogLine[] =>
  host.bot.logs.filter((l) => l.shard === String(shard) && l.msg === msg);

afterAll(async () => {
  await killAll();
  mkdirSync(join(ROOT, 'bench/out'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/out/multihost-figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
  console.log(`multihost figures: ${JSON.stringify(figures)}`);
  rmSync(work, { recursive: true, force: true });
});

describe.skipIf(redis.mode === 'none')('two hosts sharing one Redis', () => {
  let server: OwnRedis | undefined;
  let site: FixtureServer;
  let storeUrl = '';
  let portA = 0;
  let portB = 0;
  const url = (page: Page) => `${site.base}${page.path}`;

  beforeAll(async () => {
    site = await startFixtureServer();
    if (redis.mode === 'own') server = await startOwnRedis(redis.bin);
    storeUrl = server?.url ?? (redis.mode === 'url' ? redis.url : '');
    portA = await freePortPair();
    do portB = await freePortPair();
    while (Math.abs(portB - portA) < 2);
    expect(GUILDS.map((g) => [shardForGuild(g, 4), shardForGuild(g, 2)])).toEqual([
      [0, 0],
      [1, 1],
      [2, 0],
      [3, 1],
    ]);
  });
  afterAll(async () => {
    await server?.dispose();
    await site?.close();
  });

  describe('SHARD_COUNT=2: host A runs shard 0, host B shard 1, max_concurrency 1', () => {
    let fake: FakeDiscord;
    let a: Host;
    let b: Host;

    beforeAll(async () => {
      fake = await FakeDiscord.start({
        token: TOKEN,
        maxConcurrency: 1,
        guilds: GUILDS.map((id, i) => ({ id, name: `server ${i}` })),
        defaultTimeoutMs: 15_000,
      });
      // Both hosts reach the gateway in the same instant: the worst case for the identify limit.
      fake.holdTogether({ method: 'GET', route: '/gateway/bot', count: 2 });
      const started = Date.now();
      a = startHost('a', fake, storeUrl, '0', 2, portA);
      b = startHost('b', fake, storeUrl, '1', 2, portB);
      const [readyA, readyB] = await Promise.all([allReady(a), allReady(b)]);
      const identified = fake.identifyLog();
      figures.twoShards = {
        maxConcurrency: 1,
        allShardsReadyMs: Math.max(Number(readyA.time), Number(readyB.time)) - started,
        hostReadyMs: { a: Number(readyA.time) - started, b: Number(readyB.time) - started },
        identifyAfterStartMs: identified.map((r) => ({ shard: r.shardId, ms: r.time - started })),
        identifyGapsMs: bucketGaps(fake),
      };
    }, READY_TIMEOUT_MS + 30_000);
    afterAll(async () => {
      for (const host of [a, b]) if (host?.bot.alive) expect((await host.bot.stop('SIGTERM')).code).toBe(0);
      await fake?.stop();
    });

    it('identifies both shards, never two IDENTIFYs of the bucket within 5 s', () => {
      const log = fake.identifyLog();
      expect(log.map((r) => [r.shardId, r.shardCount]).sort()).toEqual([
        [0, 2],
        [1, 2],
      ]);
      expect(fake.identifyViolations()).toEqual([]);
      expect(log[1]!.time - log[0]!.time).toBeGreaterThanOrEqual(5000);
      // The second waited its turn, told by the throttler; the first did not wait.
      const turns = [...a.bot.logs, ...b.bot.logs].filter((l) => l.msg === 'identify turn');
      expect(turns.map((l) => Number(l.waitedMs)).sort((x, y) => x - y)).toEqual([
        expect.any(Number),
        expect.any(Number),
      ]);
      const waited = turns.map((l) => Number(l.waitedMs)).sort((x, y) => x - y);
      expect(waited[0]).toBeLessThan(1000);
      expect(waited[1]).toBeGreaterThanOrEqual(4500);
      expect(a.bot.logs.find((l) => l.msg === 'all shards ready')).toMatchObject({ shards: [0], total: 2 });
      expect(b.bot.logs.find((l) => l.msg === 'all shards ready')).toMatchObject({ shards: [1], total: 2 });
    });

    it('registers the commands from the host running shard 0 only', async () => {
      // "bot ready" comes after the registration step, on every shard.
      await a.bot.waitForLog((l) => l.msg === 'bot ready' && l.shard === '0', 15_000, 'shard 0 ready');
      await b.bot.waitForLog((l) => l.msg === 'bot ready' && l.shard === '1', 15_000, 'shard 1 ready');
      const registration = (l: LogLine) => l.msg === 'commands registered' || l.msg === 'commands unchanged';
      expect(a.bot.logs.filter(registration).map((l) => l.shard)).toEqual(['0']);
      expect(b.bot.logs.filter(registration)).toEqual([]);
      expect(fake.commands().map((c) => c.name)).toContain('ask');
    });

    it('answers /ask, /sources and mentions on each host’s shard, and DMs on shard 0', async () => {
      const answered = (host: Host, shard: number) =>
        metric(host.healthPort, `briefings_questions_total{outcome="answered",shard="${shard}"}`);
      const before = { a: await answered(a, 0), b: await answered(b, 1) };
      for (const [shard, guildId] of [
        [0, GUILDS[0]!],
        [1, GUILDS[1]!],
      ] as const) {
        const asked = await command(fake, guildId, 'ask', { question: QUESTION });
        expect(asked.shardId).toBe(shard);
        expect(bodyText(finalBody(asked.reply))).toContain(ANSWER);
        const sources = await command(fake, guildId, 'sources');
        expect(sources.shardId).toBe(shard);
        expect(bodyText(finalBody(sources.reply))).toContain(TITLE);
        const mentioned = await mention(fake, guildId);
        expect(mentioned.shardId).toBe(shard);
        expect(mentioned.text).toContain(ANSWER);
      }
      const dm = await command(fake, undefined, 'ask', { question: QUESTION });
      expect(dm.shardId).toBe(0);
      expect(bodyText(finalBody(dm.reply))).toContain(ANSWER);
      // Each host's shard counted its own questions: host B's two, host A's three (with the DM).
      expect((await answered(b, 1)) - before.b).toBe(2);
      expect((await answered(a, 0)) - before.a).toBe(3);
    });

    it('serves /healthz on each host’s shard, at its HEALTH_PORT', async () => {
      for (const [host, shard] of [
        [a, 0],
        [b, 1],
      ] as const) {
        const health = await healthz(host.healthPort);
        expect(health.status).toBe(200);
        expect(health.body).toMatchObject({
          status: 'ok',
          gateway: true,
          shards: [{ id: shard, status: 'Ready' }],
        });
      }
    });

    it('answers within a second on each host (20 questions each)', async () => {
      const latency: Record<string, { medianMs: number; p95Ms: number; maxMs: number }> = {};
      for (const [host, guildId] of [
        ['a', GUILDS[0]!],
        ['b', GUILDS[1]!],
      ] as const) {
        const times: number[] = [];
        for (let i = 0; i < 20; i++) {
          const asked = await command(
            fake,
            guildId,
            'ask',
            { question: QUESTION },
            { userId: fake.createUser().id },
          );
          expect(bodyText(finalBody(asked.reply))).toContain(ANSWER);
          times.push(asked.ms);
        }
        latency[host] = { medianMs: median(times), p95Ms: percentile(times, 95), maxMs: Math.max(...times) };
        expect(latency[host].p95Ms).toBeLessThan(1000);
      }
      figures.answerLatency = latency;
    }, 60_000);

    it('keeps a /settings change in Redis, where any host reads it (checked after resharding, below)', async () => {
      // Server 1 is on host B now; server 2 on host A. After resharding to 4, the other way round.
      const privately = await command(
        fake,
        GUILDS[1],
        'settings',
        { mode: 'private' },
        { subcommand: 'visibility' },
      );
      expect(bodyText(finalBody(privately.reply))).toMatch(/private/);
      expect(privately.shardId).toBe(1);
      const cooldown = await command(
        fake,
        GUILDS[2],
        'settings',
        { seconds: 600 },
        { subcommand: 'cooldown' },
      );
      expect(bodyText(finalBody(cooldown.reply))).toMatch(/600|10 min/);
      expect(cooldown.shardId).toBe(0);
      const asked = await command(fake, GUILDS[1], 'ask', { question: QUESTION });
      expect(Number(asked.reply.data?.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
    });

    it('answers a briefing added through /briefings add on host A on host B within 5 s', async () => {
      await askUntil(fake, GUILDS[1]!, PAGES.salmon, false, 0);
      const added = await briefingsChange(fake, GUILDS[0]!, { add: url(PAGES.salmon) });
      expect(added.shardId).toBe(0);
      expect(added.text).toContain('It is answerable now');
      const onB = await askUntil(fake, GUILDS[1]!, PAGES.salmon, true, 5000);
      expect(onB.shardId).toBe(1);
      expect(onB.text).toContain('U.S. Department of the Interior');
      const reloaded = await reloadedWith(b, 1, PAGES.salmon.id, 'added', added.confirmedAt);
      expect(onB.at - added.confirmedAt).toBeLessThan(5000);
      // Host B wrote the file itself, from the store: its own import folder holds it.
      expect(readFileSync(join(work, 'data-b', 'knowledge', `${PAGES.salmon.id}.md`), 'utf8')).toContain(
        'source: U.S. Department of the Interior',
      );
      figures.sharedImport = {
        confirmToReloadedOnOtherHostMs: Number(reloaded.time) - added.confirmedAt,
        confirmToAnsweredOnOtherHostMs: onB.at - added.confirmedAt,
      };
    });

    it('declines on host A a briefing removed through /briefings remove on host B', async () => {
      const removed = await briefingsChange(fake, GUILDS[1]!, { remove: PAGES.salmon.id });
      expect(removed.shardId).toBe(1);
      expect(removed.text).toMatch(/^Removed \*\*Interior Department/);
      const onA = await askUntil(fake, GUILDS[0]!, PAGES.salmon, false, 5000);
      expect(onA.shardId).toBe(0);
      const reloaded = await reloadedWith(a, 0, PAGES.salmon.id, 'removed', removed.confirmedAt);
      figures.sharedRemoval = {
        confirmToReloadedOnOtherHostMs: Number(reloaded.time) - removed.confirmedAt,
        confirmToDeclinedOnOtherHostMs: onA.at - removed.confirmedAt,
      };
    });

    it(
      'keeps host A answering when host B dies, resumes shard 1 when B restarts, with what changed meanwhile',
      async () => {
        // Both hosts have the dock strike briefing; it is removed while host B is dead.
        const dock = await briefingsChange(fake, GUILDS[0]!, { add: url(PAGES.dock) });
        await reloadedWith(b, 1, PAGES.dock.id, 'added', dock.confirmedAt);
        await b.bot.killGroup();
        await expect.poll(() => fake.liveShards(), { timeout: 10_000 }).toEqual([0]);
        const onA = await command(fake, GUILDS[0], 'ask', { question: QUESTION });
        expect(bodyText(finalBody(onA.reply))).toContain(ANSWER);
        // Nobody serves shard 1: its servers get nothing until B is back.
        await expect(
          fake.sendInteraction({ kind: 'command', name: 'ask', guildId: GUILDS[1], timeoutMs: 1000 }),
        ).rejects.toThrow(/waiting for a live gateway connection/);
        // Meanwhile, on host A: the dock strike removed, the ferry added.
        expect((await briefingsChange(fake, GUILDS[0]!, { remove: PAGES.dock.id })).text).toMatch(/^Removed/);
        expect((await briefingsChange(fake, GUILDS[0]!, { add: url(PAGES.ferry) })).text).toContain(
          'It is answerable now',
        );

        const restarted = Date.now();
        b = { ...b, bot: new BotProcess(['src/main.ts'], b.env, { group: true }) };
        const ready = await allReady(b);
        figures.restartReadyMs = Number(ready.time) - restarted;
        // Its manager caught up from the store before it started its shard.
        const caughtUp = b.bot.logs.find(
          (l) => l.msg === 'following shared briefings' && l.shard === undefined,
        );
        expect(caughtUp).toMatchObject({
          written: [`${PAGES.ferry.id}.md`],
          removed: [`${PAGES.dock.id}.md`],
          shared: 1,
        });
        figures.catchUpOnStart = { passMs: caughtUp!.ms, startToReadyMs: figures.restartReadyMs };
        expect((await askUntil(fake, GUILDS[1]!, PAGES.ferry, true, 0)).shardId).toBe(1);
        expect((await askUntil(fake, GUILDS[3]!, PAGES.dock, false, 0)).shardId).toBe(1);
        expect(fake.liveShards()).toEqual([0, 1]);
        const onB = await command(fake, GUILDS[3], 'ask', { question: QUESTION });
        expect(onB.shardId).toBe(1);
        expect(bodyText(finalBody(onB.reply))).toContain(ANSWER);
        expect(fake.identifyLog().map((r) => r.shardId)).toEqual([expect.any(Number), expect.any(Number), 1]);
        expect(fake.identifyViolations()).toEqual([]);
        expect((await healthz(b.healthPort)).status).toBe(200);
      },
      READY_TIMEOUT_MS,
    );
  });

  describe('SHARD_COUNT=4 over two hosts of two shards (0-1, 2-3), max_concurrency 2', () => {
    let fake: FakeDiscord;
    let a: Host;
    let b: Host;

    beforeAll(async () => {
      fake = await FakeDiscord.start({
        token: TOKEN,
        maxConcurrency: 2,
        guilds: GUILDS.map((id, i) => ({ id, name: `server ${i}` })),
        defaultTimeoutMs: 15_000,
      });
      // Each host's first shard (0 and 2, one bucket) reaches the gateway in the same instant.
      fake.holdTogether({ method: 'GET', route: '/gateway/bot', count: 2 });
      const started = Date.now();
      a = startHost('a4', fake, storeUrl, '0-1', 4, portA);
      b = startHost('b4', fake, storeUrl, '2-3', 4, portB);
      const [readyA, readyB] = await Promise.all([allReady(a), allReady(b)]);
      figures.fourShards = {
        maxConcurrency: 2,
        allShardsReadyMs: Math.max(Number(readyA.time), Number(readyB.time)) - started,
        hostReadyMs: { a: Number(readyA.time) - started, b: Number(readyB.time) - started },
        identifyAfterStartMs: fake.identifyLog().map((r) => ({ shard: r.shardId, ms: r.time - started })),
        identifyGapsMs: bucketGaps(fake),
      };
    }, READY_TIMEOUT_MS + 30_000);
    afterAll(async () => {
      for (const host of [a, b]) if (host?.bot.alive) expect((await host.bot.stop('SIGTERM')).code).toBe(0);
      await fake?.stop();
    });

    it('identifies all four shards, never two IDENTIFYs of one bucket within 5 s', async () => {
      for (const [host, shard] of [
        [a, 0],
        [a, 1],
        [b, 2],
        [b, 3],
      ] as const) {
        await host.bot.waitForLog((l) => l.msg === 'bot ready' && l.shard === String(shard), 15_000);
      }
      const log = fake.identifyLog();
      expect(log.map((r) => r.shardId).sort()).toEqual([0, 1, 2, 3]);
      expect(log.every((r) => r.shardCount === 4 && r.bucket === r.shardId % 2)).toBe(true);
      expect(fake.identifyViolations()).toEqual([]);
      const gaps = bucketGaps(fake);
      expect(gaps['0']).toHaveLength(1);
      expect(gaps['1']).toHaveLength(1);
      expect(Math.min(...gaps['0']!, ...gaps['1']!)).toBeGreaterThanOrEqual(5000);
      expect(a.bot.logs.find((l) => l.msg === 'all shards ready')).toMatchObject({
        shards: [0, 1],
        total: 4,
      });
      expect(b.bot.logs.find((l) => l.msg === 'all shards ready')).toMatchObject({
        shards: [2, 3],
        total: 4,
      });
      expect(
        shardLines(a, 0, 'commands unchanged').length + shardLines(a, 0, 'commands registered').length,
      ).toBe(1);
      expect(b.bot.logs.filter((l) => /^commands (registered|unchanged)$/.test(String(l.msg)))).toEqual([]);
    });

    it('answers on every shard, each with /healthz at its host’s HEALTH_PORT + its place there', async () => {
      const hostOf = [a, a, b, b];
      for (const shard of [0, 1, 2, 3]) {
        const port = hostOf[shard]!.healthPort + (shard % 2);
        const series = `briefings_questions_total{outcome="answered",shard="${shard}"}`;
        const before = await metric(port, series);
        const asked = await command(fake, GUILDS[shard], 'ask', { question: QUESTION });
        expect(asked.shardId).toBe(shard);
        expect(bodyText(finalBody(asked.reply))).toContain(ANSWER);
        const health = await healthz(port);
        expect(health.status).toBe(200);
        expect(health.body).toMatchObject({ shards: [{ id: shard, status: 'Ready' }] });
        expect((await metric(port, series)) - before).toBe(1);
      }
      // Each shard process holds its own index: what a host pays per shard.
      const rssMb = (pid: number) =>
        Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
      const shardPids = [a, b].flatMap((host) =>
        host.bot.groupPids().filter((pid) => pid !== host.bot.child.pid),
      );
      expect(shardPids).toHaveLength(4);
      figures.shardProcessRssMb = shardPids.map((pid) => Math.round(rssMb(pid)));
      figures.managerRssMb = [a, b].map((host) => Math.round(rssMb(host.bot.child.pid!)));
    });

    it('starts two new hosts with empty import folders that answer the shared briefing on every shard', async () => {
      for (const host of [a, b]) {
        expect(host.bot.logs.find((l) => l.msg === 'following shared briefings')).toMatchObject({
          written: [`${PAGES.ferry.id}.md`],
          shared: 1,
        });
      }
      for (const shard of [0, 1, 2, 3]) {
        expect((await askUntil(fake, GUILDS[shard]!, PAGES.ferry, true, 0)).shardId).toBe(shard);
      }
    });

    it('answers a briefing added on shard 2 on shard 3 (the same host: its manager tells it) and on the other host', async () => {
      const added = await briefingsChange(fake, GUILDS[2]!, { add: url(PAGES.library) });
      expect(added.shardId).toBe(2);
      const times: Record<string, number> = {};
      for (const shard of [3, 0, 1]) {
        const asked = await askUntil(fake, GUILDS[shard]!, PAGES.library, true, 5000);
        expect(asked.shardId).toBe(shard);
        times[shard] = asked.at - added.confirmedAt;
      }
      expect(Math.max(...Object.values(times))).toBeLessThan(5000);
      figures.fourShardsSharedImportMs = times;
    });

    it('applies the /settings changed on the other host before resharding', async () => {
      // Server 1 was set private through host B; shard 1 is now on host A.
      const onA = await command(
        fake,
        GUILDS[1],
        'ask',
        { question: QUESTION },
        { userId: fake.createUser().id },
      );
      expect(onA.shardId).toBe(1);
      expect(Number(onA.reply.data?.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
      expect(shardLines(a, 1, 'store opened')).toHaveLength(1);
      // Server 2 got a 600 s cooldown through host A; shard 2 is now on host B.
      const user = fake.createUser().id;
      const first = await command(fake, GUILDS[2], 'ask', { question: QUESTION }, { userId: user });
      expect(first.shardId).toBe(2);
      expect(bodyText(finalBody(first.reply))).toContain(ANSWER);
      const second = await command(fake, GUILDS[2], 'ask', { question: QUESTION }, { userId: user });
      expect(Number(second.reply.data?.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
      expect(bodyText(finalBody(second.reply))).not.toContain(ANSWER);
      expect(bodyText(finalBody(second.reply))).toMatch(/wait|again in/i);
    });

    it('stops a host’s shard processes when its manager dies, rather than leave them holding their shards', async () => {
      expect(b.bot.groupPids().length).toBe(3); // the manager and shards 2 and 3
      b.bot.child.kill('SIGKILL'); // the manager alone
      await b.bot.exited;
      await b.bot.groupGone(10_000);
      await expect.poll(() => fake.liveShards(), { timeout: 10_000 }).toEqual([0, 1]);
      expect(
        b.bot.logs
          .filter((l) => l.msg === 'shutting down')
          .map((l) => [l.shard, l.signal])
          .sort(),
      ).toEqual([
        ['2', 'manager gone'],
        ['3', 'manager gone'],
      ]);
    });
  });
});
