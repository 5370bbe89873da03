import { cp, mkdtemp, readdir, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngineWithReport } from '../../src/answer/load.js';
import { readDevQuestions } from '../../bench/quality.js';

let work: string;
let knowledge: string;
let cacheDir: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'index-cache-'));
  knowledge = path.join(work, 'knowledge');
  cacheDir = path.join(work, 'cache');
  await cp('knowledge', knowledge, { recursive: true });
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const questions = (() => {
  const dev = readDevQuestions();
  return [
    ...dev.answerable.map((a) => a.q),
    ...dev.unanswerable,
    'who is kritenbrinck',
    'What goods were banned?',
  ];
})();

describe('the saved index', () => {
  it('is written on the first start and gives exactly the same answers when loaded', async () => {
    const built = await loadEngineWithReport(knowledge, { cacheDir });
    expect(built.report.cached).toBe(false);
    expect((await readdir(cacheDir)).filter((f) => f.endsWith('.bin'))).toHaveLength(1);
    const loaded = await loadEngineWithReport(knowledge, { cacheDir });
    expect(loaded.report.cached).toBe(true);
    expect(loaded.report.hash).toBe(built.report.hash);
    for (const q of questions)
      expect(loaded.engine.ask(q, { top: 5 })).toEqual(built.engine.ask(q, { top: 5 }));
    expect(loaded.engine.briefings()).toEqual(built.engine.briefings());
  });

  it('is rebuilt when a briefing changes, and the stale file is removed', async () => {
    const before = await loadEngineWithReport(knowledge, { cacheDir });
    await appendFile(
      path.join(knowledge, 'us-official-russia-north-korea-cooperation.md'),
      '\nA new closing sentence.\n',
    );
    const after = await loadEngineWithReport(knowledge, { cacheDir });
    expect(after.report.cached).toBe(false);
    expect(after.report.hash).not.toBe(before.report.hash);
    expect(after.engine.passageCount).toBe(before.engine.passageCount + 1);
    expect(await readdir(cacheDir)).toEqual([`index-${after.report.hash}.bin`]);
  });

  it('ignores a damaged file and rebuilds', async () => {
    const { report } = await loadEngineWithReport(knowledge, { cacheDir });
    await writeFile(path.join(cacheDir, `index-${report.hash}.bin`), 'not an index');
    const again = await loadEngineWithReport(knowledge, { cacheDir });
    expect(again.report.cached).toBe(false);
    expect(again.engine.ask('Who is Pranay Vaddi?').answered).toBe(true);
  });

  it('still answers when the cache folder cannot be written, and says why', async () => {
    const errors: Error[] = [];
    const blocked = path.join(work, 'a-file');
    await writeFile(blocked, '');
    const { engine } = await loadEngineWithReport(knowledge, {
      cacheDir: path.join(blocked, 'cache'),
      onCacheError: (e) => errors.push(e),
    });
    expect(engine.ask('Who is Pranay Vaddi?').answered).toBe(true);
    expect(errors).toHaveLength(1);
  });
});
