import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KnowledgeError, loadKnowledge, readKnowledgeFiles } from '../../src/knowledge/load.js';

const GOOD = `---\ntitle: A briefing\nsource: A wire service\n---\n\nOne sentence. Another sentence.\n`;
const dirs: string[] = [];
async function folder(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'knowledge-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function problems(files: Record<string, string>) {
  const err = await loadKnowledge(await folder(files)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(KnowledgeError);
  return (err as KnowledgeError).problems;
}

describe('loadKnowledge', () => {
  it('loads the project knowledge folder: every briefing valid, aliases and synonyms parsed', async () => {
    const k = await loadKnowledge('knowledge');
    expect(k.briefings.length).toBeGreaterThanOrEqual(2);
    for (const b of k.briefings) {
      expect(b.title.trim()).not.toBe('');
      expect(b.source.trim()).not.toBe('');
      expect(b.paragraphs.length).toBeGreaterThan(0);
    }
    expect(k.entities.find((e) => e.name === 'North Korea')?.aliases).toContain('DPRK');
    expect(k.synonyms.length).toBeGreaterThan(0);
  });

  it('reads front matter, paragraphs and optional fields', async () => {
    const dir = await folder({
      'one.md': `---\ntitle: "Title: with colon"\nsource: Wire\ndate: 2024-03-05\nurl: https://example.org/a\n---\n\n# Heading\n\nFirst line\nwrapped on. *Emphasis* and [a link](https://x.y).\n\n- item\n`,
    });
    const k = await loadKnowledge(dir);
    expect(k.briefings[0]).toMatchObject({
      id: 'one',
      title: 'Title: with colon',
      date: '2024-03-05',
      url: 'https://example.org/a',
      paragraphs: ['Heading', 'First line wrapped on. Emphasis and a link.', 'item'],
    });
  });

  it.each([
    ['a missing title', { 'a.md': `---\nsource: S\n---\n\nText.` }, 'a.md', 'title', 'is required'],
    ['a missing source', { 'a.md': `---\ntitle: T\n---\n\nText.` }, 'a.md', 'source', 'is required'],
    ['an empty title', { 'a.md': `---\ntitle: "  "\nsource: S\n---\n\nText.` }, 'a.md', 'title', 'must not be empty'],
    ['an empty body', { 'a.md': `---\ntitle: T\nsource: S\n---\n\n   \n` }, 'a.md', 'body', 'is empty'],
    ['no front matter', { 'a.md': `Just text.` }, 'a.md', 'front matter', 'is missing'],
    ['malformed front matter', { 'a.md': `---\ntitle: [unclosed\nsource: S\n---\n\nText.` }, 'a.md', 'front matter', 'not valid YAML'],
    ['a bad date', { 'a.md': `---\ntitle: T\nsource: S\ndate: yesterday\n---\n\nText.` }, 'a.md', 'date', 'YYYY-MM-DD'],
    ['a non-http url', { 'a.md': `---\ntitle: T\nsource: S\nurl: javascript:alert(1)\n---\n\nText.` }, 'a.md', 'url', 'http'],
    ['a malformed alias file', { 'a.md': GOOD, 'aliases.yaml': 'entities: [ {name: ' }, 'aliases.yaml', undefined, 'not valid YAML'],
    ['an alias entry without a name', { 'a.md': GOOD, 'aliases.yaml': 'entities:\n  - aliases: [X]\n' }, 'aliases.yaml', 'entities.0.name', 'is required'],
    ['an alias claimed twice', { 'a.md': GOOD, 'aliases.yaml': 'entities:\n  - name: A\n    aliases: [Z]\n  - name: B\n    aliases: [z]\n' }, 'aliases.yaml', 'entities.1.aliases', 'already names'],
    ['a duplicate id', { 'a.md': GOOD, 'b.md': `---\nid: a\ntitle: T\nsource: S\n---\n\nText.` }, 'b.md', 'id', 'also the id of a.md'],
  ])('refuses %s, naming the file and field', async (_label, files, file, field, message) => {
    const found = await problems(files as Record<string, string>);
    const p = found.find((x) => x.file === file && x.field === field);
    expect(p, JSON.stringify(found)).toBeDefined();
    expect(p!.message).toContain(message);
  });

  it('reports every problem at once, each with its file, in the error message', async () => {
    const dir = await folder({ 'a.md': `---\nsource: S\n---\n\nText.`, 'b.md': `---\ntitle: T\n---\n\n` });
    const err = (await loadKnowledge(dir).catch((e: unknown) => e)) as KnowledgeError;
    expect(err.message).toContain('a.md: title: is required');
    expect(err.message).toContain('b.md: source: is required');
  });

  it('never follows a link out of the knowledge folder', async () => {
    const outside = await folder({ 'secret.md': GOOD });
    const dir = await folder({ 'a.md': GOOD });
    await symlink(path.join(outside, 'secret.md'), path.join(dir, 'leak.md'));
    const err = (await loadKnowledge(dir).catch((e: unknown) => e)) as KnowledgeError;
    expect(err).toBeInstanceOf(KnowledgeError);
    expect(err.problems).toEqual([{ file: 'leak.md', message: expect.stringContaining('outside the knowledge folder') }]);
  });

  it('follows a link that stays inside the folder, and skips sub-folders and README.md', async () => {
    const dir = await folder({ 'a.md': GOOD, 'README.md': 'No front matter here.' });
    await mkdir(path.join(dir, 'drafts'));
    await writeFile(path.join(dir, 'drafts', 'x.md'), 'broken');
    await symlink(path.join(dir, 'a.md'), path.join(dir, 'b.md'));
    const k = await loadKnowledge(dir);
    expect(k.briefings.map((b) => b.id)).toEqual(['a', 'b']);
  });

  it('refuses an empty folder', async () => {
    const found = await problems({});
    expect(found[0]?.message).toContain('has no briefings');
  });

  it('refuses a missing folder with a clear message', async () => {
    await expect(loadKnowledge('/nonexistent/knowledge')).rejects.toThrow(/cannot be read: ENOENT/);
  });
});

describe('loadKnowledge: headings', () => {
  it('lists which paragraphs are headings and list items, and none for prose alone', async () => {
    const dir = await folder({
      'a.md': `---\ntitle: A\nsource: S\n---\n\n# Title line\n\nA sentence.\n\n## Section\n\n- An item\n`,
      'b.md': GOOD,
    });
    const { briefings } = await loadKnowledge(dir);
    const a = briefings.find((b) => b.id === 'a')!;
    expect(a.paragraphs).toEqual(['Title line', 'A sentence.', 'Section', 'An item']);
    expect(a.headings).toEqual([0, 2]);
    expect(a.items).toEqual([3]);
    expect(briefings.find((b) => b.id === 'b')!.headings).toBeUndefined();
  });
});

describe('loadKnowledge: chat-language.yaml', () => {
  it('reads a valid file into chatWords, lower-casing its keys', async () => {
    const k = await loadKnowledge(
      await folder({ 'a.md': GOOD, 'chat-language.yaml': 'words:\n  NK: Nakhodka\n  fwiw: ""\n' }),
    );
    expect(k.chatWords).toEqual({ nk: 'Nakhodka', fwiw: '' });
  });

  it('leaves chatWords empty when the folder has no such file', async () => {
    expect((await loadKnowledge(await folder({ 'a.md': GOOD }))).chatWords).toEqual({});
  });

  it.each([
    ['a value too long', `words:\n  nk: ${'x'.repeat(81)}\n`, 'words.nk', '80 characters'],
    ['a key of four words', 'words:\n  one two three four: x\n', 'words.one two three four', ''],
    ['a value that is not text', 'words:\n  nk: [North, Korea]\n', 'words.nk', ''],
    ['no words map', 'other: 1\n', 'words', ''],
    ['text that is not YAML', 'words: [unclosed', undefined, 'not valid YAML'],
  ])('refuses %s with a KnowledgeError naming the file and field', async (_label, text, field, message) => {
    const err = await loadKnowledge(await folder({ 'a.md': GOOD, 'chat-language.yaml': text })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KnowledgeError);
    const found = (err as KnowledgeError).problems;
    const p = found.find((x) => x.file === 'chat-language.yaml' && x.field === field);
    expect(p, JSON.stringify(found)).toBeDefined();
    expect(p!.message).toContain(message);
    expect((err as KnowledgeError).message).toContain(`chat-language.yaml${field ? `: ${field}` : ''}: `);
  });

  it('reports a broken chat-language file beside the other problems of the folder', async () => {
    const found = await problems({
      'a.md': `---\nsource: S\n---\n\nText.`,
      'chat-language.yaml': `words:\n  nk: ${'x'.repeat(81)}\n`,
    });
    expect(found.map((p) => `${p.file}: ${p.field}`).sort()).toEqual(['a.md: title', 'chat-language.yaml: words.nk']);
  });
});

describe('the import folder, read beside the knowledge folder', () => {
  const imported = `---\ntitle: An imported briefing\nsource: A feed\n---\n\nImported text. More of it.\n`;

  it('adds its briefings, named by folder and file, with ids from the file name', async () => {
    const dir = await folder({ 'own.md': GOOD, 'aliases.yaml': 'entities: []\n' });
    const importDir = await folder({ 'from-the-web.md': imported, 'aliases.yaml': 'not: [read' });
    const k = await loadKnowledge(dir, { importDir });
    expect(k.briefings.map((b) => [b.id, b.file])).toEqual([
      ['own', 'own.md'],
      ['from-the-web', path.join(importDir, 'from-the-web.md')],
    ]);
  });

  it('holds nothing when missing, and is read once when it is the knowledge folder itself', async () => {
    const dir = await folder({ 'own.md': GOOD });
    expect((await loadKnowledge(dir, { importDir: path.join(dir, 'not-yet') })).briefings).toHaveLength(1);
    expect((await loadKnowledge(dir, { importDir: dir })).briefings).toHaveLength(1);
  });

  it('is enough on its own when the knowledge folder has no briefings', async () => {
    const dir = await folder({ 'aliases.yaml': 'entities: []\n' });
    const importDir = await folder({ 'a.md': imported });
    expect((await loadKnowledge(dir, { importDir })).briefings.map((b) => b.id)).toEqual(['a']);
  });

  it('has the same validation, and ids unique across both folders', async () => {
    const dir = await folder({ 'same.md': GOOD });
    const importDir = await folder({ 'same.md': imported, 'broken.md': '---\ntitle: T\n---\n\nText.' });
    const err = (await loadKnowledge(dir, { importDir }).catch((e: unknown) => e)) as KnowledgeError;
    expect(err).toBeInstanceOf(KnowledgeError);
    expect(err.problems).toEqual(
      expect.arrayContaining([
        { file: path.join(importDir, 'broken.md'), field: 'source', message: 'is required' },
        { file: path.join(importDir, 'same.md'), field: 'id', message: '"same" is also the id of same.md' },
      ]),
    );
  });

  it('skips its dot-files (half-written imports) and never follows a link out of it', async () => {
    const dir = await folder({ 'own.md': GOOD });
    const outside = await folder({ 'secret.md': imported });
    const importDir = await folder({ '.x.md.1234.tmp': imported, '.hidden.md': imported });
    await symlink(path.join(outside, 'secret.md'), path.join(importDir, 'link.md'));
    const read = await readKnowledgeFiles(dir, { importDir });
    expect(read.files.map((f) => f.name)).toEqual(['own.md']);
    expect(read.problems).toEqual([
      { file: path.join(importDir, 'link.md'), message: 'is a link to outside the import folder; refused' },
    ]);
  });
});
