/**
 * The store's shared briefings, on a real redis-server of the test's own: claims and their
 * refusals (duplicates by URL and by text, taken names, removals), announcements to every
 * subscriber, the size cap, and what a restarted or unreachable Redis does to them. Skipped
 * without a redis-server binary: the tests empty the database between them, which they may only
 * do to a server of their own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '@keyv/redis';
import { MAX_SHARED_BRIEFING_BYTES, textHash } from '../../src/knowledge/shared-imports.js';
import type { Announcement, SharedBriefings, SharedClaim } from '../../src/knowledge/shared-imports.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/index.js';
import { captureLogger } from './logs.js';
import { redisAvailability, startOwnRedis, waitFor } from './redis-server.js';
import type { OwnRedis } from './redis-server.js';

const redis = redisAvailability();

const briefing = (title: string, url: string, body = `${title}: the council met on Monday.`) =>
  `---\ntitle: ${title}\nsource: Varden Council\nurl: ${url}\n---\n\n${body}\n`;

function claim(file: string, text: string, extra: Partial<SharedClaim> = {}): SharedClaim {
  return {
    file,
    text,
    title: file.replace(/\.md$/, ''),
    urls: [],
    body: textHash(text).slice(0, 32),
    mode: 'new',
    ...extra,
  };
}

describe.skipIf(redis.mode !== 'own')('shared briefings on Redis', () => {
  let server: OwnRedis;
  let raw: ReturnType<typeof createClient>;
  const stores: Store[] = [];
  const open = async (timeoutMs = 300): Promise<SharedBriefings> => {
    const store = await openStore({
      url: server.url,
      logger: captureLogger(),
      timeoutMs,
      reconnectMaxDelayMs: 100,
    });
    stores.push(store);
    expect(store.sharedBriefings).toBeDefined();
    return store.sharedBriefings!;
  };

  beforeAll(async () => {
    server = await startOwnRedis((redis as { bin: string }).bin);
    raw = createClient({ url: server.url });
    raw.on('error', () => undefined);
    await raw.connect();
  });
  beforeEach(async () => {
    await raw.flushDb();
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await server.start();
    if (!raw.isReady) await waitFor(() => raw.isReady, 5000, 'the test client to reconnect');
  });
  afterAll(async () => {
    raw.destroy();
    await server.dispose();
  });

  it('keeps a claimed briefing’s text and entry, each change taking the next revision', async () => {
    const shared = await open();
    expect(await shared.revision()).toBe(0);
    const text = briefing('Ferry resumes', 'https://varden.example/ferry');
    expect(
      await shared.claim(
        claim('ferry.md', text, { title: 'Ferry resumes', urls: ['https://varden.example/ferry'] }),
      ),
    ).toEqual({
      outcome: 'claimed',
      rev: 1,
    });
    expect(await shared.text('ferry.md')).toBe(text);
    expect(await shared.entry('ferry.md')).toMatchObject({
      file: 'ferry.md',
      removed: false,
      sha: textHash(text),
      title: 'Ferry resumes',
      rev: 1,
      bytes: Buffer.byteLength(text),
    });
    expect(await shared.entries()).toHaveLength(1);
    expect(await shared.entry('other.md')).toBeNull();
    expect(await shared.text('other.md')).toBeNull();
    expect(await shared.claim(claim('ferry.md', text, { mode: 'adopt' }))).toEqual({
      outcome: 'unchanged',
      rev: 1,
    });
    // Imported again under the same name: a duplicate, as on one host.
    expect(await shared.claim(claim('ferry.md', text, { urls: ['https://varden.example/ferry'] }))).toEqual({
      outcome: 'duplicate',
      file: 'ferry.md',
      title: 'Ferry resumes',
      by: 'url',
    });
    expect(await shared.revision()).toBe(1);
  });

  it('refuses the same URL or the same text under another name, and another text under a taken name', async () => {
    const shared = await open();
    const text = briefing('Ferry resumes', 'https://varden.example/ferry');
    await shared.claim(
      claim('ferry.md', text, { title: 'Ferry resumes', urls: ['https://varden.example/ferry'], body: 'b1' }),
    );
    expect(
      await shared.claim(
        claim('ferry-2.md', `${text}\nMore.\n`, { urls: ['https://varden.example/ferry'], body: 'b2' }),
      ),
    ).toEqual({ outcome: 'duplicate', file: 'ferry.md', title: 'Ferry resumes', by: 'url' });
    expect(await shared.claim(claim('ferry-3.md', `${text}\nOther.\n`, { body: 'b1' }))).toEqual({
      outcome: 'duplicate',
      file: 'ferry.md',
      title: 'Ferry resumes',
      by: 'body',
    });
    expect(
      await shared.claim(claim('ferry.md', briefing('Library opens', 'https://varden.example/library'))),
    ).toEqual({
      outcome: 'taken',
    });
    expect(await shared.entries()).toHaveLength(1);
    expect(await shared.revision()).toBe(1);
  });

  it('replaces a briefing of the same name, dropping what its old version was found by', async () => {
    const shared = await open();
    const first = briefing('Ferry resumes', 'https://varden.example/ferry');
    await shared.claim(claim('ferry.md', first, { urls: ['https://varden.example/ferry'], body: 'b1' }));
    const second = briefing('Ferry resumes', 'https://varden.example/ferry-v2', 'New text.');
    expect(
      await shared.claim(
        claim('ferry.md', second, { urls: ['https://varden.example/ferry-v2'], body: 'b2', mode: 'replace' }),
      ),
    ).toEqual({ outcome: 'claimed', rev: 2 });
    expect(await shared.text('ferry.md')).toBe(second);
    // The old URL and text no longer belong to anything.
    expect(
      await shared.claim(
        claim('old-ferry.md', first, { urls: ['https://varden.example/ferry'], body: 'b1' }),
      ),
    ).toEqual({ outcome: 'claimed', rev: 3 });
  });

  it('records a removal: the text goes, the name and URL are free again, and a copy offered back is refused', async () => {
    const shared = await open();
    const text = briefing('Ferry resumes', 'https://varden.example/ferry');
    await shared.claim(
      claim('ferry.md', text, { title: 'Ferry resumes', urls: ['https://varden.example/ferry'], body: 'b1' }),
    );
    expect(await shared.retract('ferry.md', 'Ferry resumes')).toEqual({ rev: 2 });
    expect(await shared.retract('ferry.md', 'Ferry resumes')).toBeNull();
    expect(await shared.text('ferry.md')).toBeNull();
    expect(await shared.entry('ferry.md')).toMatchObject({
      file: 'ferry.md',
      removed: true,
      title: 'Ferry resumes',
      rev: 2,
    });
    // A host that was away offers its copy: the removal wins.
    expect(
      await shared.claim(
        claim('ferry.md', text, { mode: 'adopt', urls: ['https://varden.example/ferry'], body: 'b1' }),
      ),
    ).toEqual({
      outcome: 'removed',
    });
    // Someone imports it again: allowed.
    expect(
      await shared.claim(claim('ferry.md', text, { urls: ['https://varden.example/ferry'], body: 'b1' })),
    ).toEqual({
      outcome: 'claimed',
      rev: 3,
    });
    // A name the store never knew is recorded as removed too, so that no host offers its copy.
    expect(await shared.retract('hand-made.md', 'Hand made')).toEqual({ rev: 4 });
    expect(await shared.entry('hand-made.md')).toMatchObject({ removed: true });
  });

  it('lets exactly one of two hosts claim the same page at the same moment', async () => {
    const [a, b] = [await open(), await open()];
    const url = 'https://varden.example/ferry';
    const attempts = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b).claim(
          claim(`ferry-${i}.md`, briefing(`Ferry ${i}`, url), { urls: [url], body: `b${i}` }),
        ),
      ),
    );
    expect(attempts.filter((o) => o?.outcome === 'claimed')).toHaveLength(1);
    expect(attempts.filter((o) => o?.outcome === 'duplicate')).toHaveLength(19);
    expect((await a.entries())?.filter((e) => !e.removed)).toHaveLength(1);
  });

  it('announces every claim and removal to every subscriber, in order', async () => {
    const [a, b] = [await open(), await open()];
    const heard: Announcement[] = [];
    let subscribed = 0;
    const follow = b.follow({ onAnnouncement: (x) => heard.push(x), onSubscribed: () => subscribed++ });
    await waitFor(() => subscribed === 1, 5000, 'the subscription');
    await a.claim(claim('ferry.md', briefing('Ferry', 'https://varden.example/ferry')));
    await a.claim(claim('library.md', briefing('Library', 'https://varden.example/library')));
    await a.retract('ferry.md', 'Ferry');
    await waitFor(() => heard.length === 3, 5000, 'three announcements');
    expect(heard.map(({ file, rev, op }) => [file, rev, op])).toEqual([
      ['ferry.md', 1, 'put'],
      ['library.md', 2, 'put'],
      ['ferry.md', 3, 'remove'],
    ]);
    expect(heard[0]!.by).toMatch(/:\d+$/);
    // Refused claims change nothing and announce nothing.
    await a.claim(claim('library.md', briefing('Other', 'https://varden.example/other')));
    await follow.close();
    await a.claim(claim('after.md', briefing('After', 'https://varden.example/after')));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(heard).toHaveLength(3);
  });

  it('takes at most 1 MB of text, and writes nothing larger', async () => {
    const shared = await open();
    const big = briefing(
      'Long',
      'https://varden.example/long',
      'word '.repeat(MAX_SHARED_BRIEFING_BYTES / 5),
    );
    expect(await shared.claim(claim('long.md', big))).toEqual({
      outcome: 'too-large',
      bytes: Buffer.byteLength(big),
      maxBytes: MAX_SHARED_BRIEFING_BYTES,
    });
    expect(await shared.entries()).toEqual([]);
    expect(await raw.get('briefings::shared-briefings:rev')).toBeNull();
  });

  it('lists nothing malformed that someone wrote by hand', async () => {
    const shared = await open();
    await raw.hSet('briefings::shared-briefings:entries', {
      'broken.md': 'not json',
      'no-sha.md': '{"rev":1,"title":"x"}',
      'bad-sha.md': '{"rev":1,"sha":"zz"}',
      'fine.md': `{"rev":2,"sha":"${textHash('x')}","title":"Fine","at":1,"bytes":1}`,
      'gone.md': '{"rev":3,"removed":true,"title":"Gone","at":1}',
    });
    expect((await shared.entries())?.map((e) => [e.file, e.removed]).sort()).toEqual([
      ['fine.md', false],
      ['gone.md', true],
    ]);
  });

  it('resubscribes after Redis restarts, telling the subscriber that announcements may have been lost', async () => {
    const [a, b] = [await open(), await open()];
    const heard: Announcement[] = [];
    let subscribed = 0;
    b.follow({ onAnnouncement: (x) => heard.push(x), onSubscribed: () => subscribed++ });
    await waitFor(() => subscribed === 1, 5000, 'the subscription');
    await server.kill();
    // Down: every call gives up within its deadline, never rejects.
    const started = performance.now();
    expect(
      await a.claim(claim('ferry.md', briefing('Ferry', 'https://varden.example/ferry'))),
    ).toBeUndefined();
    expect(await a.entries()).toBeUndefined();
    expect(await a.retract('ferry.md', 'Ferry')).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(3 * 5000);
    await server.start();
    await waitFor(() => subscribed === 2, 10_000, 'the subscription made again');
    await waitFor(
      async () =>
        (await a.claim(claim('library.md', briefing('Library', 'https://varden.example/library'))))
          ?.outcome === 'claimed',
      10_000,
      'a claim after the restart',
    );
    await waitFor(() => heard.length === 1, 5000, 'the announcement after the restart');
    expect(heard[0]).toMatchObject({ file: 'library.md', op: 'put' });
  });

  it('is not offered by SQLite or memory stores: imports stay on their host', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'shared-sqlite-'));
    try {
      for (const url of ['memory://', undefined]) {
        const store = await openStore({ url, dataDir, logger: captureLogger() });
        expect(store.kind).toBe(url ? 'memory' : 'sqlite');
        expect(store.sharedBriefings).toBeUndefined();
        await store.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
