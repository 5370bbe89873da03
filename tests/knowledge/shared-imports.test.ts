/**
 * Imported briefings shared between hosts, with a real redis-server: two "hosts" (an import
 * folder, a copy of the knowledge folder, a store and an ImportMirror each) in one test process.
 * An import or a removal on one reaches the other's folder; a host that was away catches up when
 * it starts; announcements lost while Redis restarts, or never sent, are caught by the full
 * comparison; a Redis that lost its data is filled again from the hosts' copies; what the store
 * holds is checked before anything is written, and only ever inside the import folder.
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '@keyv/redis';
import { passageSentences } from '../../src/importing.js';
import { Importer } from '../../src/knowledge/importer.js';
import { ImportRefusal } from '../../src/knowledge/refusal.js';
import { ImportMirror } from '../../src/knowledge/import-mirror.js';
import type { MirrorChange } from '../../src/knowledge/import-mirror.js';
import { textHash } from '../../src/knowledge/shared-imports.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/index.js';
import { captureLogger } from '../store/logs.js';
import type { CapturedLogger } from '../store/logs.js';
import { redisAvailability, startOwnRedis, waitFor } from '../store/redis-server.js';
import type { OwnRedis } from '../store/redis-server.js';

const redis = redisAvailability();

const FERRY = `---
title: Ferry Link to Strömstad Resumes After Harbour Repairs
source: Varden Council
url: https://varden.example/news/ferry
---

The ferry link between Varden and Strömstad resumes on Monday after six weeks of harbour repairs.

In summer the ferry will run four times a day.
`;
const LIBRARY = `---
title: New Library Opens in the Old Customs House
source: Varden Council
url: https://varden.example/news/library
---

The new public library opened on Saturday in the old customs house by the harbour.
`;

interface Host {
  name: string;
  root: string;
  importDir: string;
  knowledgeDir: string;
  store: Store;
  importer: Importer;
  mirror: ImportMirror;
  logger: CapturedLogger;
  changes: MirrorChange[];
}

describe.skipIf(redis.mode !== 'own')('imported briefings shared between two hosts', () => {
  let server: OwnRedis;
  let raw: ReturnType<typeof createClient>;
  let hosts: Host[] = [];
  let sources: string;

  async function host(name: string, options: { checkEveryMs?: number; start?: boolean } = {}): Promise<Host> {
    const root = await mkdtemp(path.join(tmpdir(), `shared-${name}-`));
    const knowledgeDir = path.join(root, 'knowledge');
    const importDir = path.join(root, 'data', 'knowledge');
    await cp('knowledge', knowledgeDir, { recursive: true });
    const logger = captureLogger();
    const store = await openStore({ url: server.url, logger, timeoutMs: 300, reconnectMaxDelayMs: 100 });
    const shared = store.sharedBriefings!;
    const changes: MirrorChange[] = [];
    const made: Host = {
      name,
      root,
      importDir,
      knowledgeDir,
      store,
      logger,
      changes,
      importer: new Importer({ knowledgeDir, importDir, sentences: passageSentences, shared }),
      mirror: new ImportMirror({
        importDir,
        knowledgeDir,
        shared,
        logger,
        checkEveryMs: options.checkEveryMs ?? 0,
        onChanged: (change) => {
          changes.push(change);
        },
      }),
    };
    hosts.push(made);
    if (options.start !== false) {
      await made.mirror.start();
      await waitFor(() => subscribed(made), 5000, `${name}'s subscription`);
    }
    return made;
  }

  /** Whether the mirror's first pass after subscribing is done (its line is logged at debug or info). */
  const subscribed = (h: Host) =>
    h.logger.lines.filter((l) => /^shared briefings (synced|already in sync)$/.test(l.msg)).length >= 2;

  const files = async (h: Host) =>
    (await readdir(h.importDir).catch(() => [] as string[])).filter((f) => !f.startsWith('.')).sort();

  async function importText(h: Host, name: string, text: string, options: { title?: string } = {}) {
    const file = path.join(sources, name);
    await writeFile(file, text);
    const prepared = await h.importer.prepare({ kind: 'file', path: file }, options);
    return h.importer.commit(prepared);
  }

  async function refusal(promise: Promise<unknown>): Promise<ImportRefusal> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ImportRefusal);
    return error as ImportRefusal;
  }

  beforeAll(async () => {
    server = await startOwnRedis((redis as { bin: string }).bin);
    raw = createClient({ url: server.url });
    raw.on('error', () => undefined);
    await raw.connect();
    sources = await mkdtemp(path.join(tmpdir(), 'shared-sources-'));
  });
  beforeEach(async () => {
    await raw.flushDb();
  });
  afterEach(async () => {
    for (const h of hosts) {
      await h.mirror.stop();
      await h.store.close();
      await rm(h.root, { recursive: true, force: true });
    }
    hosts = [];
    await server.start();
    if (!raw.isReady) await waitFor(() => raw.isReady, 5000, 'the test client to reconnect');
  });
  afterAll(async () => {
    raw.destroy();
    await server.dispose();
    await rm(sources, { recursive: true, force: true });
  });

  it('an import on one host is in the other’s folder within a second, byte for byte; a removal deletes it there', async () => {
    const [a, b] = [await host('a'), await host('b')];
    const started = performance.now();
    const written = await importText(a, 'ferry.md', FERRY);
    expect(written.file).toBe('ferry-link-to-stromstad-resumes-after-harbour-repairs.md');
    await waitFor(async () => (await files(b)).includes(written.file), 1000, 'the file on host b');
    const ms = performance.now() - started;
    expect(await readFile(path.join(b.importDir, written.file), 'utf8')).toBe(FERRY);
    await b.mirror.settled();
    expect(b.changes.at(-1)).toMatchObject({ written: [written.file], announced: true });
    // Host a's mirror hears its own import too, and says so whether or not it had to write the file
    // (the claim comes before the importer's write): the host's other shards reload.
    await waitFor(() => a.changes.some((c) => c.announced), 1000, 'host a told of its own import');
    expect(await readFile(path.join(a.importDir, written.file), 'utf8')).toBe(FERRY);
    console.log(`shared import reached the other host's folder in ${Math.round(ms)} ms`);

    await a.importer.remove(written.id);
    expect(await files(a)).toEqual([]);
    await waitFor(async () => (await files(b)).length === 0, 1000, 'the file gone from host b');
    await b.mirror.settled();
    expect(b.changes.at(-1)).toMatchObject({ removed: [written.file], announced: true });
  });

  it('a host that was down catches up when it starts: new imports written, removals deleted', async () => {
    const a = await host('a');
    const b = await host('b');
    const ferry = await importText(a, 'ferry.md', FERRY);
    const library = await importText(a, 'library.md', LIBRARY);
    await waitFor(async () => (await files(b)).length === 2, 2000, 'both files on host b');
    await b.mirror.stop();
    // While b is down: the ferry is removed, a third briefing imported.
    await a.importer.remove(ferry.id);
    const bridge = await importText(
      a,
      'bridge.md',
      FERRY.replace('ferry', 'bridge').replace('news/ferry', 'news/bridge').replace('Ferry Link', 'Bridge'),
    );
    expect(await files(b)).toEqual([ferry.file, library.file].sort());
    const restarted = new ImportMirror({
      importDir: b.importDir,
      knowledgeDir: b.knowledgeDir,
      shared: b.store.sharedBriefings!,
      logger: b.logger,
      checkEveryMs: 0,
    });
    b.mirror = restarted;
    const started = performance.now();
    const caughtUp = await restarted.start();
    console.log(`a host that was down caught up in ${Math.round(performance.now() - started)} ms`);
    expect(caughtUp).toMatchObject({ written: [bridge.file], removed: [ferry.file], adopted: [], shared: 2 });
    expect(await files(b)).toEqual([bridge.file, library.file].sort());
  });

  /** Stores the ferry briefing as the claim script does, but announces it to nobody. */
  async function shareUnannounced(): Promise<void> {
    await raw.hSet('briefings::shared-briefings:texts', 'ferry.md', FERRY);
    await raw.hSet(
      'briefings::shared-briefings:entries',
      'ferry.md',
      JSON.stringify({ rev: 1, sha: textHash(FERRY), title: 'Ferry', at: 1, bytes: FERRY.length, urls: [], body: 'x' }),
    );
    await raw.incr('briefings::shared-briefings:rev');
  }

  it('compares the whole folder again when it subscribes again after Redis restarted (announcements were lost)', async () => {
    const [a, b] = [await host('a'), await host('b')];
    // Made the way the claim script makes it, but not announced: a message lost in the restart.
    await shareUnannounced();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await files(b)).toEqual([]);
    await server.kill();
    await server.start();
    await waitFor(
      async () => (await files(b)).includes('ferry.md'),
      10_000,
      'host b caught up after subscribing again',
    );
    await waitFor(
      async () => (await files(a)).includes('ferry.md'),
      10_000,
      'host a caught up after subscribing again',
    );
  });

  it('sees a change it was never told of at the next periodic check of the revision', async () => {
    const b = await host('b', { checkEveryMs: 200 });
    await shareUnannounced();
    await waitFor(async () => (await files(b)).includes('ferry.md'), 2000, 'the periodic check');
  });

  it('fills a store that lost its data again from the hosts’ copies, and keeps every host’s files', async () => {
    const [a, b] = [await host('a', { checkEveryMs: 200 }), await host('b', { checkEveryMs: 200 })];
    const ferry = await importText(a, 'ferry.md', FERRY);
    await waitFor(async () => (await files(b)).length === 1, 2000, 'the file on host b');
    await raw.flushDb();
    await waitFor(
      async () => (await raw.hLen('briefings::shared-briefings:entries')) === 1,
      3000,
      'the store filled again',
    );
    expect(await raw.hGet('briefings::shared-briefings:texts', ferry.file)).toBe(FERRY);
    expect(await files(a)).toEqual([ferry.file]);
    expect(await files(b)).toEqual([ferry.file]);
    // And the store works as before: the same page again is a duplicate.
    const again = await refusal(importText(b, 'ferry-again.md', FERRY, { title: 'Ferry again' }));
    expect(again.message).toMatch(/^the same (URL|text) is already imported as ferry-link/);
  });

  it('shares briefings already in a host’s folder when sharing starts, and deletes a copy whose removal was recorded', async () => {
    const a = await host('a', { start: false });
    await mkdir(a.importDir, { recursive: true });
    await writeFile(path.join(a.importDir, 'ferry.md'), FERRY);
    await writeFile(path.join(a.importDir, 'library.md'), LIBRARY);
    await a.store.sharedBriefings!.retract('library.md', 'Library');
    const first = await a.mirror.start();
    expect(first).toMatchObject({ adopted: ['ferry.md'], removed: ['library.md'] });
    expect(await files(a)).toEqual(['ferry.md']);
    const b = await host('b');
    expect(await files(b)).toEqual(['ferry.md']);
  });

  it('a duplicate the store refuses (another host’s import, not yet copied here) is flagged as a duplicate', async () => {
    const a = await host('a');
    const b = await host('b', { start: false });
    const ferry = await importText(a, 'ferry.md', FERRY);
    expect(await files(b)).toEqual([]);
    const again = await refusal(importText(b, 'ferry-b.md', FERRY, { title: 'Ferry as host b saw it' }));
    expect(again.message).toBe(
      `the same URL is already imported as ${ferry.file} (“Ferry Link to Strömstad Resumes After Harbour Repairs”)`,
    );
    expect(again.duplicate).toBe(true);
    expect(again.transient).toBe(false);
    expect(await files(b)).toEqual([]);
  });

  it('two hosts importing the same page at the same moment: one is added, the other refused naming it', async () => {
    const [a, b] = [await host('a'), await host('b')];
    const results = await Promise.allSettled([
      importText(a, 'ferry-a.md', FERRY, { title: 'Ferry as host a saw it' }),
      importText(b, 'ferry-b.md', FERRY, { title: 'Ferry as host b saw it' }),
    ]);
    const added = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(added).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.reason).toBeInstanceOf(ImportRefusal);
    expect(String(refused[0]!.reason.message)).toMatch(
      /^the same (URL|text) is already imported as ferry-as-host-[ab]-saw-it\.md/,
    );
    await a.mirror.settled();
    await b.mirror.settled();
    await waitFor(
      async () => (await files(a)).length === 1 && (await files(b)).length === 1,
      2000,
      'one file on each',
    );
    expect(await files(a)).toEqual(await files(b));
  });

  it('an import whose name another host took meanwhile gets the next free name', async () => {
    const [a, b] = [await host('a'), await host('b')];
    const prepared = await a.importer.prepare({ kind: 'file', path: await source('ferry.md', FERRY) });
    // Host b takes the name with another page before host a's Add is clicked.
    const other = await importText(
      b,
      'other.md',
      LIBRARY.replace('New Library Opens in the Old Customs House', prepared.title),
    );
    expect(other.file).toBe(prepared.file);
    const written = await a.importer.commit(prepared);
    expect(written.file).toBe(prepared.file.replace(/\.md$/, '-2.md'));
    await waitFor(async () => (await files(b)).includes(written.file), 2000, 'host a’s import on host b');
    expect(await readFile(path.join(b.importDir, written.file), 'utf8')).toBe(FERRY);
  });

  it('refuses, writing nothing, when the store is down or the briefing too large to share', async () => {
    const a = await host('a');
    const ferry = await importText(a, 'ferry.md', FERRY);
    await server.kill();
    const down = await refusal(importText(a, 'library.md', LIBRARY));
    expect(down.message).toBe(
      'the store shared by the bot’s hosts is unavailable, so the others would not get it; nothing was written: try again later',
    );
    expect(down.transient).toBe(true);
    const notRemoved = await refusal(a.importer.remove(ferry.id));
    expect(notRemoved.message).toMatch(
      /^the store shared by the bot’s hosts is unavailable, so the others would keep it; nothing was removed/,
    );
    expect(await files(a)).toEqual([ferry.file]);
    await server.start();
    const huge =
      LIBRARY.replace('url: https://varden.example/news/library', 'url: https://varden.example/news/huge') +
      '\nThe catalogue lists every book. '.repeat(40_000);
    const tooLarge = await refusal(
      waitFor(async () => (await a.store.sharedBriefings!.revision()) !== undefined, 5000, 'redis back').then(
        () => importText(a, 'huge.md', huge),
      ),
    );
    expect(tooLarge.message).toMatch(
      /^the briefing is 1\.\d MB, more than the 1 MB that is shared between hosts$/,
    );
    expect(await files(a)).toEqual([ferry.file]);
  });

  it('refuses a briefing too large to share as too large even while the store is down: its size is checked before any call', async () => {
    const a = await host('a');
    await server.kill();
    const huge = LIBRARY + '\nThe catalogue lists every book. '.repeat(40_000);
    const tooLarge = await refusal(importText(a, 'huge.md', huge));
    expect(tooLarge.message).toMatch(/^the briefing is 1\.\d MB, more than the 1 MB that is shared between hosts$/);
    expect(tooLarge.transient).toBe(false);
    expect(await files(a)).toEqual([]);
  });

  it('an announced import, and a local copy offered to the store, are not written or shared when this host’s knowledge folder has the id', async () => {
    const a = await host('a');
    const b = await host('b', { start: false });
    await writeFile(path.join(b.knowledgeDir, 'clash.md'), LIBRARY.replace('/news/library', '/news/clash-here'));
    await mkdir(b.importDir, { recursive: true });
    await writeFile(path.join(b.importDir, 'us-official-russia-north-korea-cooperation.md'), FERRY);
    await b.mirror.start();
    await waitFor(() => subscribed(b), 5000, 'b’s subscription');
    const clash = await importText(a, 'clash.md', FERRY, { title: 'Clash' });
    expect(clash.file).toBe('clash.md');
    await waitFor(
      () => b.logger.lines.some((l) => l.msg === 'shared briefings: announcement applied' && l.obj.file === 'clash.md'),
      3000,
      'the announcement on host b',
    );
    expect(await files(b)).toEqual(['us-official-russia-north-korea-cooperation.md']);
    const skipped = b.logger.at('warn').filter((l) => l.msg === 'shared briefings: not written on this host');
    expect(skipped.map((l) => [l.obj.file, l.obj.reason]).sort()).toEqual([
      ['clash.md', 'a briefing in this host’s knowledge folder has the same id'],
      [
        'us-official-russia-north-korea-cooperation.md',
        'not shared: a briefing in this host’s knowledge folder has the same id',
      ],
    ]);
    expect(await raw.hGet('briefings::shared-briefings:texts', 'us-official-russia-north-korea-cooperation.md')).toBeNull();
  });

  it('writes nothing the loader would refuse, nothing outside the folder, and nothing whose id this host’s knowledge folder has', async () => {
    const b = await host('b', { checkEveryMs: 100 });
    const put = async (file: string, text: string) => {
      await raw.hSet('briefings::shared-briefings:texts', file, text);
      await raw.hSet(
        'briefings::shared-briefings:entries',
        file,
        JSON.stringify({
          rev: 1,
          sha: textHash(text),
          title: file,
          at: 1,
          bytes: text.length,
          urls: [],
          body: file,
        }),
      );
    };
    await put('../escape.md', FERRY);
    await put('no-source.md', '---\ntitle: No source\n---\n\nText.\n');
    await put(
      'other-id.md',
      FERRY.replace('source: Varden Council', 'source: Varden Council\nid: something-else'),
    );
    await put('us-official-russia-north-korea-cooperation.md', FERRY);
    await put('Fine.md', LIBRARY.replace('/news/library', '/news/library-upper'));
    await put('fine.md', LIBRARY);
    // The text changed after it was listed: nothing is written until the entry says so.
    await raw.hSet(
      'briefings::shared-briefings:entries',
      'changing.md',
      JSON.stringify({
        rev: 1,
        sha: textHash('other text'),
        title: 'x',
        at: 1,
        bytes: 10,
        urls: [],
        body: 'y',
      }),
    );
    await raw.hSet('briefings::shared-briefings:texts', 'changing.md', FERRY);
    await raw.incr('briefings::shared-briefings:rev');
    const skippedLines = () =>
      b.logger.at('warn').filter((l) => l.msg === 'shared briefings: not written on this host');
    // The store lists entries in no set order: the pass may write fine.md before it reaches the
    // files it skips, so the check waits for the whole pass.
    await waitFor(
      async () => (await files(b)).includes('fine.md') && skippedLines().length >= 5,
      3000,
      'the periodic check',
    );
    expect(await files(b)).toEqual(['fine.md']);
    expect(await readdir(path.dirname(b.importDir))).toEqual(['knowledge']);
    const skipped = skippedLines();
    expect(skipped.map((l) => [l.obj.file, l.obj.reason]).sort()).toEqual([
      ['../escape.md', 'its name is not a briefing file name'],
      ['Fine.md', 'its name has capital letters (shared briefings are named in lower case)'],
      ['no-source.md', 'it does not load: source is required'],
      ['other-id.md', 'its front matter gives another id (something-else)'],
      [
        'us-official-russia-north-korea-cooperation.md',
        'a briefing in this host’s knowledge folder has the same id',
      ],
    ]);
    // Each is said once, however many passes see it.
    await raw.incr('briefings::shared-briefings:rev');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(skippedLines()).toHaveLength(5);
  });

  async function source(name: string, text: string): Promise<string> {
    const file = path.join(sources, name);
    await writeFile(file, text);
    return file;
  }
});
