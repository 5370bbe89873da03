import { cp, mkdir, mkdtemp, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LiveEngine } from '../../src/answer/live.js';
import { loadEngineWithReport } from '../../src/answer/load.js';
import { watchKnowledge } from '../../src/knowledge/watch.js';
import { prepareCorpusDir } from '../../bench/corpus.js';

const NEW_BRIEFING = `---
title: Lunar Fisheries Accord Signed
source: Test wire
---

The Veloria fisheries ministry signed the lunar fisheries accord with eleven coastal states on Tuesday.
`;
const QUESTION = 'Who signed the lunar fisheries accord?';

let dir: string;
beforeEach(async () => {
  dir = path.join(await mkdtemp(path.join(tmpdir(), 'live-')), 'knowledge');
  await cp('knowledge', dir, { recursive: true });
});
afterEach(async () => {
  await rm(path.dirname(dir), { recursive: true, force: true });
});

describe('LiveEngine', () => {
  it('answers from a briefing added after start-up once reloaded, and reports what changed', async () => {
    const live = await LiveEngine.open(dir);
    expect(live.ask(QUESTION).answered).toBe(false);
    await writeFile(path.join(dir, 'lunar-fisheries.md'), NEW_BRIEFING);
    const result = await live.reload();
    expect(result).toMatchObject({
      ok: true,
      changed: true,
      added: ['lunar-fisheries'],
      removed: [],
      edited: [],
    });
    const answer = live.ask(QUESTION);
    expect(answer.answered).toBe(true);
    expect(answer.excerpts[0]?.briefing).toBe('lunar-fisheries');

    await unlink(path.join(dir, 'lunar-fisheries.md'));
    expect(await live.reload()).toMatchObject({ ok: true, changed: true, removed: ['lunar-fisheries'] });
    expect(live.ask(QUESTION).answered).toBe(false);
  });

  it('reads the import folder beside the knowledge folder, naming its briefings by id', async () => {
    const importDir = path.join(path.dirname(dir), 'imported');
    const live = await LiveEngine.open(dir, { importDir });
    expect(live.ask(QUESTION).answered).toBe(false);
    await mkdir(importDir);
    await writeFile(path.join(importDir, 'lunar-fisheries.md'), NEW_BRIEFING);
    expect(await live.reload()).toMatchObject({ ok: true, changed: true, added: ['lunar-fisheries'] });
    expect(live.ask(QUESTION).excerpts[0]?.briefing).toBe('lunar-fisheries');
    await unlink(path.join(importDir, 'lunar-fisheries.md'));
    expect(await live.reload()).toMatchObject({ ok: true, changed: true, removed: ['lunar-fisheries'] });
    expect(live.ask(QUESTION).answered).toBe(false);
  });

  it('says nothing changed when nothing did', async () => {
    const live = await LiveEngine.open(dir);
    const engine = live.current;
    expect(await live.reload()).toMatchObject({
      ok: true,
      changed: false,
      added: [],
      removed: [],
      edited: [],
    });
    expect(live.current).toBe(engine);
  });

  it('reads the files but builds nothing when they are unchanged (neither the index nor its saved copy)', async () => {
    const cacheDir = path.join(path.dirname(dir), 'index-cache');
    const live = await LiveEngine.open(dir, { cacheDir });
    expect(await readdir(cacheDir)).toHaveLength(1);
    await rm(cacheDir, { recursive: true });
    expect(await live.reload()).toMatchObject({ ok: true, changed: false });
    // A rebuild would have loaded the saved index, found it missing, and saved it again.
    await expect(readdir(cacheDir)).rejects.toThrow(/ENOENT/);
    await writeFile(path.join(dir, 'lunar-fisheries.md'), NEW_BRIEFING);
    expect(await live.reload()).toMatchObject({ ok: true, changed: true, added: ['lunar-fisheries'] });
    expect(await readdir(cacheDir)).toHaveLength(1);
  });

  it('keeps the previous index serving when a file turns invalid, and names the file and field', async () => {
    const live = await LiveEngine.open(dir);
    const before = live.ask('Who is Pranay Vaddi?');
    await writeFile(path.join(dir, 'broken.md'), '---\ntitle: No source here\n---\n\nText.\n');
    const result = await live.reload();
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain('broken.md: source: is required');
    expect(live.ask('Who is Pranay Vaddi?')).toEqual(before);
  });

  it('analyses only the briefing added or edited, and saves the index for the next start', async () => {
    const cacheDir = path.join(path.dirname(dir), 'cache');
    const live = await LiveEngine.open(dir, { cacheDir });
    const file = path.join(dir, 'lunar-fisheries.md');
    await writeFile(file, NEW_BRIEFING);
    expect(await live.reload()).toMatchObject({ ok: true, added: ['lunar-fisheries'], analysed: 1 });
    await writeFile(file, NEW_BRIEFING.replace('eleven', 'twelve'));
    expect(await live.reload()).toMatchObject({ ok: true, edited: ['lunar-fisheries'], analysed: 1 });
    expect(live.ask(QUESTION).excerpts[0]?.text).toContain('twelve coastal states');
    const saved = await loadEngineWithReport(dir, { cacheDir });
    expect(saved.report.cached).toBe(true);
    expect(JSON.stringify(saved.engine.ask(QUESTION))).toBe(JSON.stringify(live.ask(QUESTION)));
    await unlink(file);
    expect(await live.reload()).toMatchObject({ ok: true, removed: ['lunar-fisheries'], analysed: 0 });
  });

  it('serves the reloaded index when it cannot be saved, and says why', async () => {
    const blocked = path.join(path.dirname(dir), 'a-file');
    await writeFile(blocked, '');
    const errors: Error[] = [];
    const live = await LiveEngine.open(dir, {
      cacheDir: path.join(blocked, 'cache'),
      onCacheError: (e) => errors.push(e),
    });
    await writeFile(path.join(dir, 'lunar-fisheries.md'), NEW_BRIEFING);
    expect(await live.reload()).toMatchObject({ ok: true, added: ['lunar-fisheries'] });
    expect(live.ask(QUESTION).excerpts[0]?.briefing).toBe('lunar-fisheries');
    expect(errors).toHaveLength(2);
  });

  it('after a failed reload, reloads the mended folder from the index that kept serving', async () => {
    const live = await LiveEngine.open(dir);
    const serving = live.current;
    const broken = path.join(dir, 'lunar-fisheries.md');
    await writeFile(broken, NEW_BRIEFING.replace('source: Test wire\n', ''));
    expect(await live.reload()).toMatchObject({ ok: false });
    expect(live.current).toBe(serving);
    expect(live.ask(QUESTION).answered).toBe(false);
    await writeFile(broken, NEW_BRIEFING);
    expect(await live.reload()).toMatchObject({ ok: true, added: ['lunar-fisheries'], analysed: 1 });
    expect(live.ask(QUESTION).excerpts[0]?.briefing).toBe('lunar-fisheries');
  });

  it('keeps the event loop free while rebuilding a large folder', async () => {
    const live = await LiveEngine.open(dir);
    const seedPassages = live.passageCount;
    await cp(prepareCorpusDir('knowledge', 200, 7), dir, { recursive: true });
    // How late does a 10 ms timer fire while 200 briefings are analysed?
    let worstLag = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      worstLag = Math.max(worstLag, now - last - 10);
      last = now;
    }, 10);
    const result = await live.reload();
    clearInterval(ticker);
    expect(result).toMatchObject({ ok: true, changed: true });
    if (result.ok) expect(result.added).toHaveLength(200);
    expect(live.passageCount).toBeGreaterThan(seedPassages * 50);
    // The build takes seconds; between steps the loop is handed back, so timers stay on time.
    expect(worstLag).toBeLessThan(1000);
  }, 60_000);
});

describe('watchKnowledge', () => {
  it('calls back once after a burst of changes settles', async () => {
    let calls = 0;
    const changed = new Promise<void>((resolve) => {
      const w = watchKnowledge(
        dir,
        () => {
          calls++;
          setTimeout(() => {
            w.close();
            resolve();
          }, 300);
        },
        { debounceMs: 100 },
      );
    });
    await writeFile(path.join(dir, 'a.md'), NEW_BRIEFING);
    await writeFile(path.join(dir, 'b.md'), NEW_BRIEFING);
    await writeFile(path.join(dir, 'a.md'), NEW_BRIEFING + '\nMore.\n');
    await changed;
    expect(calls).toBe(1);
  });
});
