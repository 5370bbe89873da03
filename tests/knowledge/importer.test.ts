import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LiveEngine } from '../../src/answer/live.js';
import { passageSentences } from '../../src/importing.js';
import { extractFromHtml } from '../../src/knowledge/extract.js';
import { decodeText } from '../../src/knowledge/fetch.js';
import { writeBriefingFile } from '../../src/knowledge/import-folder.js';
import { Importer } from '../../src/knowledge/importer.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { ImportRefusal } from '../../src/knowledge/refusal.js';
import { FIXTURES, fixture, startFixtureServer } from './fixture-server.js';
import type { FixtureServer } from './fixture-server.js';

let server: FixtureServer;
let root: string;
let knowledgeDir: string;
let importDir: string;
let importer: Importer;

beforeAll(async () => {
  server = await startFixtureServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'import-'));
  knowledgeDir = path.join(root, 'knowledge');
  importDir = path.join(root, 'data', 'knowledge');
  await cp('knowledge', knowledgeDir, { recursive: true });
  importer = new Importer({
    knowledgeDir,
    importDir,
    allowHosts: ['127.0.0.1'],
    sentences: passageSentences,
    duplicateHint: '--force replaces it',
  });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const url = (p: string) => `${server.base}${p}`;
const PRESS = '/pressreleases/salmon-habitat';

async function refused(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImportRefusal);
  return (error as Error).message;
}

/** Every file under the temporary root except the knowledge copy: what an import wrote. */
async function written(): Promise<string[]> {
  const names = await readdir(importDir).catch(() => [] as string[]);
  return names.sort();
}

describe('Importer.prepare → commit, from a URL', () => {
  it('previews without writing, then writes a file the loader accepts, with the page’s text intact', async () => {
    const prepared = await importer.prepare({ kind: 'url', url: url(PRESS) });
    expect(prepared).toMatchObject({
      // The slug is cut at a word, within 80 characters.
      file: 'interior-department-announces-12-million-to-restore-salmon-habitat-in-the.md',
      id: 'interior-department-announces-12-million-to-restore-salmon-habitat-in-the',
      title: 'Interior Department Announces $12 Million to Restore Salmon Habitat in the Columbia River Basin',
      source: 'U.S. Department of the Interior',
      date: '2024-04-18',
      // The canonical link is on another host than the loopback server: the fetched URL is kept.
      url: url(PRESS),
      origin: url(PRESS),
    });
    expect(prepared.passages).toBe(10);
    expect(prepared.opening).toEqual([
      'WASHINGTON — The Department of the Interior today announced $12 million to restore salmon habitat in the Columbia River Basin, part of a plan to reopen 140 miles of spawning streams in Oregon, Washington and Idaho by 2027.',
      'The funding will replace 38 culverts that block fish passage, remove two obsolete irrigation dams on the Lemhi River and replant native vegetation along 25 miles of riverbank.',
    ]);
    expect(await written()).toEqual([]);

    const done = await importer.commit(prepared);
    expect(done.file).toBe(prepared.file);
    expect(await written()).toEqual([prepared.file]);
    const k = await loadKnowledge(knowledgeDir, { importDir });
    const loaded = k.briefings.find((b) => b.id === prepared.id)!;
    const page = await extractFromHtml(decodeText(fixture('press-release.html'), undefined, true), url(PRESS));
    expect(loaded.paragraphs).toEqual(page.paragraphs);
    expect(loaded).toMatchObject({ title: prepared.title, source: prepared.source, date: '2024-04-18', url: url(PRESS) });
    // The preview counted the passages the engine indexes, and opened with its first two.
    const summary = (await LiveEngine.open(knowledgeDir, { importDir })).briefing(prepared.id)!;
    expect(summary.passages).toBe(prepared.passages);
    expect(summary.opening).toBe(prepared.opening[0]);
  });

  it('refuses the same URL again, and the same text under another URL, naming the file; --force replaces it', async () => {
    const first = await importer.commit(await importer.prepare({ kind: 'url', url: url(PRESS) }));
    expect(await refused(importer.prepare({ kind: 'url', url: `${url(PRESS)}#top` }))).toBe(
      `the same URL is already imported as ${first.file} (“Interior Department Announces $12 Million to Restore Salmon Habitat in the Columbia River Basin”); --force replaces it`,
    );
    expect(await refused(importer.prepare({ kind: 'url', url: url(`/gzip${PRESS}`) }))).toMatch(
      new RegExp(`^the same text is already imported as ${first.file} `),
    );
    const again = await importer.prepare({ kind: 'url', url: url(PRESS) }, { force: true, title: 'Salmon habitat funding' });
    expect(again.replaces).toEqual({ file: first.file, title: expect.stringMatching(/^Interior Department/) });
    await importer.commit(again);
    expect(await written()).toEqual([first.file]);
    expect(await readFile(path.join(importDir, first.file), 'utf8')).toMatch(/^---\ntitle: Salmon habitat funding\n/);
  });

  it('refuses a briefing that is already in the knowledge folder, even with --force', async () => {
    const copy = path.join(root, 'copy.md');
    await writeFile(copy, await readFile(path.join(knowledgeDir, 'us-official-russia-north-korea-cooperation.md')));
    const message = await refused(importer.prepare({ kind: 'file', path: copy }, { force: true }));
    expect(message).toMatch(
      /^the same text is already in the knowledge folder as us-official-russia-north-korea-cooperation\.md \(“US Official .*”\); only imported briefings are replaced$/,
    );
    expect(await written()).toEqual([]);
  });

  it('gives two briefings with the same title distinct files, and never reuses an id of the knowledge folder', async () => {
    const a = await importer.commit(
      await importer.prepare({ kind: 'url', url: url('/news/ferry-link-resumes') }, { title: 'Harbour news' }),
    );
    const b = await importer.commit(
      await importer.prepare({ kind: 'url', url: url('/news/new-library-opens') }, { title: 'Harbour news' }),
    );
    const c = await importer.commit(
      await importer.prepare(
        { kind: 'url', url: url('/news/svinesund-inspection') },
        { title: 'US official: Russia–North Korea cooperation' },
      ),
    );
    expect([a.file, b.file]).toEqual(['harbour-news.md', 'harbour-news-2.md']);
    expect(c.file).toBe('us-official-russia-north-korea-cooperation-2.md');
    await expect(loadKnowledge(knowledgeDir, { importDir })).resolves.toBeDefined();
  });

  it('refuses, writing nothing: 404, JSON, a page without article text, a private address, bad overrides', async () => {
    expect(await refused(importer.prepare({ kind: 'url', url: url('/gone') }))).toBe('127.0.0.1 answered 404 Not Found');
    expect(await refused(importer.prepare({ kind: 'url', url: url('/json') }))).toMatch(/sent application\/json/);
    expect(await refused(importer.prepare({ kind: 'url', url: url('/navigation-only') }))).toBe(
      'the page has no article text that could be extracted',
    );
    const strict = new Importer({ knowledgeDir, importDir, sentences: passageSentences });
    expect(await refused(strict.prepare({ kind: 'url', url: url(PRESS) }))).toMatch(/^127\.0\.0\.1 is a loopback address/);
    expect(await refused(importer.prepare({ kind: 'url', url: url(PRESS) }, { date: '18/04/2024' }))).toBe(
      '--date must be a date as YYYY-MM-DD',
    );
    expect(await refused(importer.prepare({ kind: 'url', url: url(PRESS) }, { title: '   ' }))).toBe('--title must not be empty');
    expect(await refused(importer.prepare({ kind: 'url', url: url(PRESS) }, { source: 'x'.repeat(513) }))).toBe(
      '--source must be at most 512 characters',
    );
    expect(await written()).toEqual([]);
  });
});

describe('ImportRefusal.duplicate', () => {
  it('flags a refusal of the same URL or text, in either folder, and no other refusal', async () => {
    const refusal = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (e: unknown) => e as ImportRefusal,
      );
    const first = await importer.prepare({ kind: 'url', url: url(PRESS) });
    await importer.commit(first);
    const again = await refusal(importer.prepare({ kind: 'url', url: url(PRESS) }));
    expect(again).toBeInstanceOf(ImportRefusal);
    expect(again!.duplicate).toBe(true);
    // Prepared before the first was written: refused at commit.
    expect((await refusal(importer.commit(first)))!.duplicate).toBe(true);
    const copy = path.join(root, 'copy.md');
    await writeFile(copy, await readFile(path.join(knowledgeDir, 'us-official-russia-north-korea-cooperation.md')));
    expect((await refusal(importer.prepare({ kind: 'file', path: copy })))!.duplicate).toBe(true);
    const gone = await refusal(importer.prepare({ kind: 'url', url: url('/gone') }));
    expect(gone).toBeInstanceOf(ImportRefusal);
    expect(gone!.duplicate).toBe(false);
  });
});

describe('Importer.commit', () => {
  it('refuses a prepared text that would not load, as prepare does, writing nothing', async () => {
    const prepared = await importer.prepare({ kind: 'url', url: url(PRESS) });
    const broken = { ...prepared, text: prepared.text.replace(/^title: .*$/m, 'title: ""') };
    expect(await refused(importer.commit(broken))).toBe('the briefing would not load: title must not be empty');
    expect(await written()).toEqual([]);
  });
});

describe('hostile input', () => {
  it('a path-traversal title names a file inside the import folder, and nothing outside it', async () => {
    const prepared = await importer.prepare({ kind: 'url', url: url(PRESS) }, { title: '../../x' });
    expect(prepared.file).toBe('x.md');
    await importer.commit(prepared);
    expect(await written()).toEqual(['x.md']);
    expect((await readdir(root)).sort()).toEqual(['data', 'knowledge']);
    const dots = await importer.prepare({ kind: 'url', url: url('/news/ferry-link-resumes') }, { title: '../..' });
    expect(dots.file).toBe('briefing.md');
    await expect(writeBriefingFile(importDir, '../escape.md', 'x')).rejects.toThrow(/refusing a file named/);
  });

  it('HTML with scripts and event handlers: none of it reaches the Markdown, and markup-like text is escaped', async () => {
    const prepared = await importer.prepare({ kind: 'url', url: url('/council/security-audit') });
    const { text } = prepared;
    for (const bad of ['fetch(', 'onload', 'onmouseover', 'javascript:', 'alert(7)', 'alert(9)', '<svg', '<iframe', 'written by script']) {
      expect(text, bad).not.toContain(bad);
    }
    // Every "<" left is escaped: no tag can be read out of the file.
    expect(text.replace(/\\</g, '')).not.toContain('<');
    await importer.commit(prepared);
    const loaded = (await loadKnowledge(knowledgeDir, { importDir })).briefings.find((b) => b.id === prepared.id)!;
    expect(loaded.paragraphs[1]).toContain('such as <img src=x onerror=alert(1)> or <script>alert(1)</script> was stored');
    expect(loaded.paragraphs[2]).toMatch(/^# Not a heading: .*\*asterisks\*, _underscores_ and \[brackets\]/);
    expect(loaded.paragraphs[3]).toMatch(/^1\. The audit recommends/);
  });
});

describe('files', () => {
  it('a saved copy of a press-release page: the canonical URL and the site name from the page', async () => {
    const prepared = await importer.prepare({ kind: 'file', path: path.join(FIXTURES, 'press-release.html') });
    expect(prepared).toMatchObject({
      source: 'U.S. Department of the Interior',
      url: 'https://www.doi.example/pressreleases/interior-department-announces-12-million-restore-salmon-habitat',
      date: '2024-04-18',
    });
  });

  it('a .txt needs a source; its first line is the title unless --title is given', async () => {
    const notes = path.join(root, 'notes.txt');
    await writeFile(notes, 'Harbour board minutes\n\nThe harbour board agreed on Monday to dredge the inner basin to nine metres before the storms.\n');
    expect(await refused(importer.prepare({ kind: 'file', path: notes }))).toBe(
      'a text file names no publisher: give one with --source',
    );
    const prepared = await importer.prepare({ kind: 'file', path: notes }, { source: 'Harbour board' });
    expect(prepared).toMatchObject({ title: 'Harbour board minutes', source: 'Harbour board', passages: 1 });
    const titled = await importer.prepare({ kind: 'file', path: notes }, { source: 'Harbour board', title: 'Dredging' });
    expect(titled.opening[0]).toBe('Harbour board minutes');
  });

  it('a .md with valid front matter is written as it is; one with an id of its own is rewritten without it', async () => {
    const md = '---\ntitle: Dredging the inner basin\nsource: Harbour board\ndate: 2024-06-03\n---\n\nThe harbour board agreed on Monday to dredge the inner basin to a depth of nine metres.\n';
    await writeFile(path.join(root, 'a.md'), md);
    const asIs = await importer.prepare({ kind: 'file', path: path.join(root, 'a.md') });
    expect(asIs.text).toBe(md);
    expect(asIs.file).toBe('dredging-the-inner-basin.md');
    await writeFile(path.join(root, 'b.md'), md.replace('---\ntitle', '---\nid: ../../evil\ntitle'));
    const rewritten = await importer.prepare({ kind: 'file', path: path.join(root, 'b.md') });
    expect(rewritten.text).not.toContain('id:');
    expect(rewritten.id).toBe('dredging-the-inner-basin');
  });

  it('refuses other file types, missing files and files over 5 MB', async () => {
    expect(await refused(importer.prepare({ kind: 'file', path: '/etc/passwd' }))).toBe(
      'passwd: only .html, .md and .txt files can be imported',
    );
    expect(await refused(importer.prepare({ kind: 'file', path: path.join(root, 'none.html') }))).toMatch(/no such file$/);
    const big = path.join(root, 'big.html');
    await writeFile(big, Buffer.alloc(5 * 1024 * 1024 + 1, 0x61));
    expect(await refused(importer.prepare({ kind: 'file', path: big }))).toMatch(/is larger than 5 MB; refused$/);
  });

  it('an upload is read as its name says, whatever content type it was served with', async () => {
    server.override('/attachments/1/notes.md', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end('# Harbour board minutes\n\nThe harbour board agreed on Monday to dredge the inner basin to a depth of nine metres.\n');
    });
    const prepared = await importer.prepare(
      { kind: 'upload', url: url('/attachments/1/notes.md'), name: 'notes.md', size: 120 },
      { source: 'Harbour board' },
    );
    expect(prepared).toMatchObject({ title: 'Harbour board minutes', source: 'Harbour board', origin: 'notes.md' });
    expect(await refused(importer.prepare({ kind: 'upload', url: url('/x.pdf'), name: 'x.pdf' }))).toBe(
      'x.pdf: only .html, .md and .txt files can be imported',
    );
    expect(await refused(importer.prepare({ kind: 'upload', url: url('/big.html'), name: 'big.html', size: 6e6 }))).toBe(
      'big.html is larger than 5 MB; refused',
    );
  });
});

describe('Importer.remove', () => {
  it('removes an imported briefing by id, and refuses the knowledge folder’s and unknown ones', async () => {
    const done = await importer.commit(await importer.prepare({ kind: 'url', url: url('/news/ferry-link-resumes') }));
    expect((await importer.imported()).map((b) => b.id)).toEqual([done.id]);
    expect(await refused(importer.remove('us-official-russia-north-korea-cooperation'))).toMatch(
      /is in the knowledge folder, not imported: only imported briefings can be removed here$/,
    );
    expect(await refused(importer.remove('no-such-briefing'))).toBe('no imported briefing is called “no-such-briefing”');
    expect((await importer.remove(done.id)).title).toBe('Ferry link to Strömstad resumes after harbour repairs');
    expect(await written()).toEqual([]);
    expect(await refused(importer.remove('../knowledge/us-official-russia-north-korea-cooperation'))).toMatch(/^no imported briefing/);
    expect(await readdir(knowledgeDir)).toContain('us-official-russia-north-korea-cooperation.md');
  });
});

describe('Importer.imported', () => {
  it('lists the same briefings again, and sees a file edited, added or removed by hand since', async () => {
    const done = await importer.commit(await importer.prepare({ kind: 'url', url: url('/news/ferry-link-resumes') }));
    const first = await importer.imported();
    expect(await importer.imported()).toEqual(first);
    const file = path.join(importDir, done.file);
    await writeFile(file, (await readFile(file, 'utf8')).replace(/^title: .*$/m, 'title: Ferry link edited by hand'));
    await writeFile(path.join(importDir, 'by-hand.md'), '---\ntitle: By hand\nsource: Varden Council\n---\n\nWritten by hand.\n');
    expect((await importer.imported()).map((b) => [b.file, b.title])).toEqual([
      ['by-hand.md', 'By hand'],
      [done.file, 'Ferry link edited by hand'],
    ]);
    await rm(path.join(importDir, 'by-hand.md'));
    expect((await importer.imported()).map((b) => b.file)).toEqual([done.file]);
  });
});

describe('writing', () => {
  it('leaves no temporary file, never overwrites without replace, and replaces in one step with it', async () => {
    await mkdir(importDir, { recursive: true });
    expect(await writeBriefingFile(importDir, 'a.md', 'first')).toBe(true);
    expect(await writeBriefingFile(importDir, 'a.md', 'second')).toBe(false);
    expect(await readFile(path.join(importDir, 'a.md'), 'utf8')).toBe('first');
    expect(await writeBriefingFile(importDir, 'a.md', 'third', { replace: true })).toBe(true);
    expect(await readFile(path.join(importDir, 'a.md'), 'utf8')).toBe('third');
    expect(await readdir(importDir)).toEqual(['a.md']);
  });
});

describe('tried as a new user would', () => {
  it('a saved press-release page and a news article, imported, answer questions with their title and source', async () => {
    for (const source of [path.join(FIXTURES, 'press-release.html'), path.join(FIXTURES, 'news-article.html')]) {
      await importer.commit(await importer.prepare({ kind: 'file', path: source }));
    }
    const live = await LiveEngine.open(knowledgeDir, { importDir });
    const culverts = live.ask('How many culverts will the funding replace?');
    expect(culverts.answered).toBe(true);
    expect(culverts.excerpts[0]).toMatchObject({
      title: 'Interior Department Announces $12 Million to Restore Salmon Habitat in the Columbia River Basin',
      source: 'U.S. Department of the Interior',
      date: '2024-04-18',
    });
    expect(culverts.excerpts[0]!.text).toContain('38 culverts');
    const strike = live.ask('How long did the Halden dock strike last?');
    expect(strike.answered).toBe(true);
    expect(strike.excerpts[0]).toMatchObject({ source: 'The Northern Ledger' });
    expect(strike.excerpts[0]!.text).toMatch(/11-day strike/);
    // The seed briefings still answer as before.
    expect(live.ask('Who is Pranay Vaddi?').excerpts[0]?.source).toMatch(/TASS/);
  });
});
