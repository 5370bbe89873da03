/**
 * Reliability and hostile input, end to end: the real bot process against the fake Discord,
 * under a burst and a sustained load, with faults injected by the fake, and with hostile text by
 * slash command, mention and DM. The figures of the run are printed and written to
 * `bench/out/reliability-figures.json` (docs/reliability.md quotes them).
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REST_HANDLER_SWEEP_MS } from '../../src/discord/bot.js';
import { payloadViolations } from '../../src/render/limits.js';
import { readDevQuestions } from '../../bench/quality.js';
import { BotProcess, ROOT, bodyText, finalBody, killAll } from './bot-process.js';
import { FakeDiscord, route } from './fake-discord.js';
import type { InteractionReply, RecordedRequest } from './fake-discord.js';

const TOKEN = 'reliability-token-Zq9xV3';
const figures: Record<string, unknown> = {};
const work = mkdtempSync(join(tmpdir(), 'reliability-'));
const knowledgeDir = join(work, 'knowledge');
cpSync(join(ROOT, 'knowledge'), knowledgeDir, { recursive: true });

let fake: FakeDiscord;
let guildId: string;
let bot: BotProcess;

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    DISCORD_TOKEN: TOKEN,
    DISCORD_API_URL: fake.apiUrl,
    DISCORD_GUILD_ID: guildId,
    KNOWLEDGE_DIR: knowledgeDir,
    DATA_DIR: join(work, 'data'),
    LOG_LEVEL: 'info',
    ...extra,
  };
}

async function startBot(
  extra: Record<string, string> = {},
  options: { inspect?: boolean } = {},
): Promise<BotProcess> {
  const p = new BotProcess(['src/main.ts'], env(extra), options);
  await p.waitForLog((l) => l.msg === 'bot ready', 60_000, '"bot ready"');
  return p;
}

/** Strips the renderer's markup (bold, escapes, zero-width breaks) to compare with briefing text. */
const plain = (s: string) =>
  s
    .replace(/\*\*/g, '')
    .replace(/\\(.)/g, '$1')
    .replace(/\u200b/g, '')
    .toLowerCase();

const dev = readDevQuestions();

async function ask(question: string, userId?: string): Promise<{ reply: InteractionReply; sentAt: number }> {
  const sentAt = Date.now();
  const sent = await fake.sendInteraction({
    kind: 'command',
    name: 'ask',
    options: { question },
    ...(userId ? { userId } : {}),
  });
  return { reply: await fake.waitForReply(sent, { timeoutMs: 20_000 }), sentAt };
}

function expectSafe(body: Record<string, unknown>): void {
  expect(payloadViolations(body as Parameters<typeof payloadViolations>[0])).toEqual([]);
  expect(body.allowed_mentions).toMatchObject({ parse: [] });
  const text = bodyText(body);
  expect(text).not.toMatch(/@(everyone|here)\b/);
  expect(text).not.toMatch(/<(@[!&]?|#)\d+>/);
}

beforeAll(async () => {
  fake = await FakeDiscord.start({ token: TOKEN });
  guildId = fake.guilds[0]!.id;
  // With the inspector, so that the sustained run can weigh the heap after a full collection.
  bot = await startBot({}, { inspect: true });
}, 90_000);

afterAll(async () => {
  await killAll();
  await fake?.stop();
  mkdirSync(join(ROOT, 'bench/out'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/out/reliability-figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
  console.log(`reliability figures: ${JSON.stringify(figures)}`);
  rmSync(work, { recursive: true, force: true });
});

describe('load', () => {
  it('acknowledges 100 /ask from 100 users sent at the same instant within 3 s, and answers each correctly', async () => {
    const questions = dev.answerable;
    const users = Array.from({ length: 100 }, () => fake.createUser().id);
    const results = await Promise.all(users.map((u, i) => ask(questions[i % questions.length]!.q, u)));
    const acks = results.map(({ reply, sentAt }) => reply.callback.time - sentAt);
    const slowest = Math.max(...acks);
    figures.burst = {
      questions: 100,
      users: 100,
      slowestAckMs: slowest,
      medianAckMs: acks.sort((a, b) => a - b)[50],
    };
    expect(slowest).toBeLessThan(3000);
    results.forEach(({ reply }, i) => {
      const body = finalBody(reply);
      expectSafe(body);
      const { gold } = questions[i % questions.length]!;
      expect(gold.some((g) => plain(bodyText(body)).includes(g.toLowerCase()))).toBe(true);
    });
  }, 60_000);

  it('keeps memory flat over a sustained run of 2,500 questions in about a minute and a quarter', async () => {
    const users = Array.from({ length: 100 }, () => fake.createUser().id);
    const all = [...dev.answerable.map((a) => a.q), ...dev.unanswerable];
    // Weighed once the replies are in and the REST client's sweep of idle queues has run.
    const weigh = async () => {
      await new Promise((r) => setTimeout(r, REST_HANDLER_SWEEP_MS + 1000));
      return { rss: bot.rssMb(), heap: await bot.heapAfterGcMb() };
    };
    const before = { rss: bot.rssMb(), heap: await bot.heapAfterGcMb() };
    const started = Date.now();
    const pending: Array<Promise<{ reply: InteractionReply }>> = [];
    let mid = before;
    let paused = 0;
    for (let i = 0; i < 2500; i++) {
      pending.push(ask(all[i % all.length]!, users[i % users.length]));
      if (i === 1500) {
        // Every question and user has been seen by now: any cache is as full as it will get, and
        // the compiler has optimised what it will (its code weighs on the heap too: the engine
        // alone grows ~0.4 MB of optimised code between 1,000 and 2,000 questions, then levels off).
        await Promise.all(pending);
        const pausedAt = Date.now();
        mid = await weigh();
        paused = Date.now() - pausedAt;
      }
      await new Promise((r) => setTimeout(r, 28));
    }
    const replies = await Promise.all(pending);
    const seconds = Math.round((Date.now() - started - paused) / 1000);
    const after = await weigh();
    figures.sustained = {
      questions: 2500,
      seconds,
      rssBeforeMb: Math.round(before.rss),
      rssMidMb: Math.round(mid.rss),
      rssAfterMb: Math.round(after.rss),
      heapBeforeMb: Number(before.heap.toFixed(1)),
      heapMidMb: Number(mid.heap.toFixed(1)),
      heapAfterMb: Number(after.heap.toFixed(1)),
    };
    for (const { reply } of replies) expectSafe(finalBody(reply));
    // Flat: what the heap keeps after a full collection grows by less than 0.5 MB over the last
    // 1,000 questions, i.e. under half a KB per question (a REST queue left behind by each
    // answer, about 1 KB, failed this). RSS is reported, not judged: it swings with garbage not
    // yet collected and memory the allocator keeps.
    expect(after.heap - mid.heap).toBeLessThan(0.5);
    expect(bot.alive).toBe(true);
  }, 240_000);
});

describe('faults injected by Discord', () => {
  it('retries a 500 on the interaction callback and answers', async () => {
    const fault = fake.failNext({ method: 'POST', route: '/interactions/:id/:token/callback', status: 500 });
    const { reply } = await ask('Who is Pranay Vaddi?');
    expect(fault.hits).toBe(1);
    expect(plain(bodyText(finalBody(reply)))).toContain('pranay vaddi');
  });

  it('waits out a 429 on a channel message and sends the reply once', async () => {
    const fault = fake.rateLimitNext({
      method: 'POST',
      route: '/channels/:id/messages',
      retryAfterSeconds: 1,
    });
    const since = fake.requests.length;
    await fake.sendMessage({ content: 'where is Vostochny?', mentionBot: true });
    const sent = await fake.waitFor(
      (r) => r.seq >= since && route('POST', '/channels/:id/messages')(r) && r.status === 200,
      15_000,
    );
    expect(fault.hits).toBe(1);
    // Give a duplicate the chance to appear, then count the successful posts.
    await new Promise((r) => setTimeout(r, 1500));
    const posts = fake.requests.filter(
      (r: RecordedRequest) =>
        r.seq >= since && route('POST', '/channels/:id/messages')(r) && r.status === 200,
    );
    expect(posts).toHaveLength(1);
    expect(plain(bodyText(sent.body as Record<string, unknown>))).toContain('vostochny');
  });

  it('logs an expired interaction (10062), survives, and serves the next one', async () => {
    fake.unknownInteractionNext();
    const sent = await fake.sendInteraction({
      kind: 'command',
      name: 'ask',
      options: { question: 'Who is Vaddi?' },
    });
    await bot.waitForLog((l) => JSON.stringify(l).includes('10062'), 10_000, 'a 10062 log line');
    expect(sent.id).toBeTruthy();
    const { reply } = await ask('Who is Daniel Kritenbrink?');
    expect(plain(bodyText(finalBody(reply)))).toContain('kritenbrink');
  });

  it('resumes or reconnects after the gateway connection drops, and keeps answering', async () => {
    await fake.dropGateway();
    await bot.waitForLog((l) => l.msg === 'gateway resumed' || l.msg === 'bot ready', 20_000, 'a resume');
    const { reply } = await ask('Where was the planned meeting between Putin and Kim Jong-un?');
    expect(plain(bodyText(finalBody(reply)))).toContain('vostochny');
  }, 40_000);

  it('keeps answering when the store is unreachable, and never logs the token or store credentials', async () => {
    const other = await startBot({
      STORE_URL: 'redis://briefings:S3cretStorePass@127.0.0.1:1/0',
      DATA_DIR: join(work, 'data-unreachable'),
    });
    const { reply } = await ask('Which North Korean exports were banned?');
    expect(plain(bodyText(finalBody(reply)))).toContain('coal, iron, lead, and seafood');
    await other.stop();
    for (const p of [other, bot]) {
      expect(p.stdout + p.stderr).not.toContain('S3cretStorePass');
      expect(p.stdout + p.stderr).not.toContain(TOKEN);
    }
  }, 90_000);
});

const HOSTILE: Array<[string, string]> = [
  ['whitespace only', '   '],
  ['a lone question mark', '?'],
  ['control characters', 'Who is\u0000\u0007 Vaddi\u001b[31m?'],
  ['zero-width and bidi marks', 'Who\u200b is\u200f Pr\u200danay\u202e Vaddi?'],
  ['6,000 characters', 'Where did Putin meet Kim? '.repeat(230).slice(0, 6000)],
  ['zalgo', 'W̴̢̛̛h̷̡̛o̶̧̧ ̸i̵s̶ ̷V̴a̵d̶d̷i̸?̸̨'],
  ['emoji', '🇰🇵🤝🇷🇺❓🔥💣'],
  ['non-Latin scripts', 'Кто такой Вадди? 金正恩在哪里? من هو فادي؟ कौन है?'],
  ['markdown and code fences', '**Who** is `Vaddi`? ||spoiler|| ~~x~~ __u__\n```js\nprocess.exit(1)\n```'],
  ['a masked link', '[Who is Vaddi](https://evil.example/phish) [click](<https://x.y>)'],
  ['@everyone', '@everyone who is Vaddi?'],
  ['@here', '@here where is Vostochny?'],
  ['a role mention', '<@&123456789012345678> who is Vaddi?'],
  ['a user mention', '<@123456789012345678> <@!123456789012345679> who is Vaddi?'],
  ['a channel mention', '<#123456789012345678> who is Vaddi?'],
  ['prototype names', '__proto__ constructor prototype toString'],
  ['template syntax', '${process.env.DISCORD_TOKEN} {{7*7}} <%= 7*7 %> `${1}`'],
  ['path-like strings', '../../etc/passwd ..\\..\\windows\\system32 file:///etc/shadow'],
  ['a heading and quote', '# HEADING\n> quoted @everyone\n- list'],
  ['HTML and script', '<script>alert(1)</script><img src=x onerror=alert(1)>'],
];

describe('hostile and odd input', () => {
  let tried = 0;
  afterAll(() => {
    figures.hostile = { inputs: HOSTILE.length, channels: 3, tried };
  });

  it.each(HOSTILE)('answers %s by slash command safely', async (_label, text) => {
    const { reply } = await ask(text);
    tried++;
    expectSafe(finalBody(reply));
  });

  it.each(HOSTILE)('answers %s by mention safely, without pinging', async (_label, text) => {
    const since = fake.requests.length;
    const sent = await fake.sendMessage({ content: `<@${fake.botUser.id}> ${text}`, mentionBot: true });
    const post = await fake.waitFor(
      (r) => r.seq >= since && route('POST', '/channels/:id/messages')(r) && r.status === 200,
      15_000,
    );
    tried++;
    const body = post.body as Record<string, unknown>;
    expectSafe(body);
    expect(body.allowed_mentions).toMatchObject({ parse: [], replied_user: false });
    expect(body.message_reference).toMatchObject({ message_id: sent.id });
  });

  it.each(HOSTILE.filter(([, t]) => t.trim() !== ''))('answers %s by DM safely', async (_label, text) => {
    const since = fake.requests.length;
    await fake.sendMessage({ content: text, dm: true });
    const post = await fake.waitFor(
      (r) => r.seq >= since && route('POST', '/channels/:id/messages')(r) && r.status === 200,
      15_000,
    );
    tried++;
    expectSafe(post.body as Record<string, unknown>);
  });

  it('is still running after all of it', () => {
    expect(bot.alive).toBe(true);
  });
});
