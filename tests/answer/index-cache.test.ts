import { appendFile, cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { prepareCorpusDir } from '../../bench/corpus.js';
import { readDevQuestions } from '../../bench/quality.js';
import {
  deserializeIndex,
  INDEX_FORMAT,
  SAVED_INDEX_FILE,
  serializeIndex,
  type SavedIndex,
} from '../../src/answer/index-cache.js';
import { loadEngineWithReport, type LoadOptions } from '../../src/answer/load.js';

let work: string;
let knowledge: string;
let cacheDir: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'index-cache-'));
});
beforeEach(async () => {
  knowledge = await mkdtemp(path.join(work, 'knowledge-'));
  cacheDir = await mkdtemp(path.join(work, 'cache-'));
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

const savedFile = () => path.join(cacheDir, SAVED_INDEX_FILE);

/** Loads with the cache folder, collecting the warnings. */
async function load(options: LoadOptions = {}) {
  const warnings: string[] = [];
  const loaded = await loadEngineWithReport(knowledge, {
    cacheDir,
    onCacheWarning: (w) => warnings.push(w),
    ...options,
  });
  return { ...loaded, warnings };
}

describe('the saved index', () => {
  it('is written on the first start and gives exactly the same answers when loaded', async () => {
    const built = await load();
    expect(built.report).toMatchObject({ cached: false, analysed: 2 });
    expect(await readdir(cacheDir)).toEqual([SAVED_INDEX_FILE]);
    const loaded = await load();
    expect(loaded.report).toMatchObject({ cached: true, analysed: 0, hash: built.report.hash });
    for (const q of questions)
      expect(JSON.stringify(loaded.engine.ask(q, { top: 5 }))).toBe(
        JSON.stringify(built.engine.ask(q, { top: 5 })),
      );
    expect(loaded.engine.briefings()).toEqual(built.engine.briefings());
    expect(loaded.warnings).toEqual([]);
  });

  it('round-trips every array, term, text and briefing field', async () => {
    const { engine, report } = await load();
    const index = engine.index;
    // A field the format does not know of is kept too.
    const saved: SavedIndex = {
      index: { ...index, briefings: index.briefings.map((b, i) => (i ? b : { ...b, origin: 'import' })) },
      files: report.files,
    };
    const back = deserializeIndex(serializeIndex(saved));
    if ('problem' in back) throw new Error(back.problem);
    expect(back.files).toEqual(report.files);
    expect(back.index.briefings).toEqual(saved.index.briefings);
    expect([...back.index.termIds]).toEqual([...index.termIds]);
    expect(back.index.texts).toEqual(index.texts);
    for (const key of [
      'sequence',
      'sequenceFrom',
      'sequenceKind',
      'postingPassage',
      'postingTf',
      'df',
    ] as const)
      expect(Array.from(back.index[key]), key).toEqual(Array.from(index[key]));
  });

  it('round-trips an index of 200 briefings through the file', async () => {
    const big = await mkdtemp(path.join(work, 'big-'));
    await cp(prepareCorpusDir('knowledge', 200, 7), big, { recursive: true });
    const built = await loadEngineWithReport(big, { cacheDir });
    const loaded = await loadEngineWithReport(big, { cacheDir });
    expect(loaded.report).toMatchObject({ cached: true });
    expect(loaded.engine.passages()).toEqual(built.engine.passages());
    expect(Array.from(loaded.engine.index.postingPassage)).toEqual(
      Array.from(built.engine.index.postingPassage),
    );
    expect(JSON.stringify(loaded.engine.ask('What did the ministry say about sanctions?'))).toBe(
      JSON.stringify(built.engine.ask('What did the ministry say about sanctions?')),
    );
  }, 60_000);

  it('analyses only the briefing that changed since it was saved, and is saved again', async () => {
    const before = await load();
    const written = await readFile(savedFile());
    await appendFile(
      path.join(knowledge, 'us-official-russia-north-korea-cooperation.md'),
      '\nA new closing sentence.\n',
    );
    const after = await load();
    expect(after.report).toMatchObject({ cached: false, analysed: 1 });
    expect(after.report.hash).not.toBe(before.report.hash);
    expect(after.engine.passageCount).toBe(before.engine.passageCount + 1);
    expect((await readFile(savedFile())).equals(written)).toBe(false);
    expect((await load()).report).toMatchObject({ cached: true });
  });

  it('analyses everything again when the alias entities changed', async () => {
    await load();
    const aliases = path.join(knowledge, 'aliases.yaml');
    await writeFile(
      aliases,
      (await readFile(aliases, 'utf8')).replace('aliases: [DPRK,', 'aliases: [Hermit Kingdom, DPRK,'),
    );
    expect((await load()).report).toMatchObject({ cached: false, analysed: 2 });
  });

  it('removes saved indexes of the earlier format (one file per folder hash)', async () => {
    await writeFile(path.join(cacheDir, 'index-0123456789abcdef0123456789abcdef.bin'), 'BRIDX\x06old');
    await load();
    expect(await readdir(cacheDir)).toEqual([SAVED_INDEX_FILE]);
  });

  const damage: Array<[string, (data: Buffer) => Buffer, RegExp]> = [
    ['truncated', (data) => data.subarray(0, Math.floor(data.length * 0.7)), /truncated/],
    ['cut in its header', (data) => data.subarray(0, 30), /truncated/],
    [
      'damaged in the middle',
      (data) => {
        const copy = Buffer.from(data);
        copy[Math.floor(copy.length / 2)]! ^= 0x55;
        return copy;
      },
      /checksum/,
    ],
    [
      'of an older format version',
      (data) => {
        const copy = Buffer.from(data);
        copy[5] = INDEX_FORMAT - 1;
        return copy;
      },
      new RegExp(`format ${INDEX_FORMAT - 1}, made by an older version`),
    ],
    ['not an index at all', () => Buffer.from('not an index'), /not a saved index/],
  ];
  for (const [what, spoil, reason] of damage) {
    it(`is rebuilt, with a warning, when ${what}`, async () => {
      const built = await load();
      await writeFile(savedFile(), spoil(await readFile(savedFile())));
      const again = await load();
      expect(again.report).toMatchObject({ cached: false, analysed: 2 });
      expect(again.warnings).toHaveLength(1);
      expect(again.warnings[0]).toMatch(reason);
      expect(again.warnings[0]).toContain('rebuilding');
      for (const q of questions.slice(0, 5))
        expect(JSON.stringify(again.engine.ask(q))).toBe(JSON.stringify(built.engine.ask(q)));
      // …and saved whole again.
      expect((await load()).report).toMatchObject({ cached: true });
    });
  }

  it('is not trusted for another folder: only briefings with the same content are taken from it', async () => {
    await load();
    const other = await mkdtemp(path.join(work, 'other-'));
    await cp('tests/other-domain/superbowl-knowledge', other, { recursive: true });
    const loaded = await loadEngineWithReport(other, { cacheDir });
    expect(loaded.report).toMatchObject({ cached: false, analysed: 7 });
    expect(loaded.engine.briefings().map((b) => b.id)).not.toContain(
      'us-official-russia-north-korea-cooperation',
    );
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
