import { mkdtemp, rename, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scanFolder } from '../../src/knowledge/import-folder.js';
import type { ScanCache } from '../../src/knowledge/import-folder.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'scan-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const briefing = (title: string, body: string, url?: string) =>
  `---\ntitle: ${title}\nsource: Varden Council\n${url ? `url: ${url}\n` : ''}---\n\n${body}\n`;

describe('scanFolder with a cache', () => {
  it('gives an unchanged folder the same contents again without reading its files again, and sees every change', async () => {
    await writeFile(path.join(dir, 'ferry.md'), briefing('Ferry', 'The ferry runs again.', 'https://varden.example/ferry'));
    await writeFile(path.join(dir, 'library.md'), briefing('Library', 'The library opens.'));
    await writeFile(path.join(dir, 'broken.md'), 'no front matter');
    const cache: ScanCache = new Map();

    const first = await scanFolder(dir, cache);
    expect(first).toEqual(await scanFolder(dir));
    expect(first.briefings.map((b) => b.file)).toEqual(['ferry.md', 'library.md']);
    expect(first.names).toEqual(['broken.md', 'ferry.md', 'library.md']);
    const entries = new Map(cache);
    expect([...entries.keys()].map((k) => path.basename(k)).sort()).toEqual(['broken.md', 'ferry.md', 'library.md']);

    const second = await scanFolder(dir, cache);
    expect(second).toEqual(first);
    // Nothing was read and parsed again: every cached entry is the one the first scan made.
    for (const [key, entry] of cache) expect(entry).toBe(entries.get(key));
    // What a caller does with a result does not reach the next one.
    second.briefings[0]!.title = 'changed by a caller';
    expect(await scanFolder(dir, cache)).toEqual(first);

    // An edit of another size.
    await writeFile(path.join(dir, 'library.md'), briefing('Library', 'The new library opens on Saturday.'));
    // An edit of the same size, with a later modification time.
    const ferry = path.join(dir, 'ferry.md');
    const before = await stat(ferry);
    await writeFile(ferry, briefing('Ferri', 'The ferry runs again.', 'https://varden.example/ferry'));
    await utimes(ferry, before.atime, new Date(before.mtimeMs + 2000));
    expect((await stat(ferry)).size).toBe(before.size);
    // The broken file fixed.
    await writeFile(path.join(dir, 'broken.md'), briefing('Fixed', 'It loads now.'));
    // A file added.
    await writeFile(path.join(dir, 'bridge.md'), briefing('Bridge', 'The bridge is inspected.'));

    const third = await scanFolder(dir, cache);
    expect(third).toEqual(await scanFolder(dir));
    expect(third.briefings.map((b) => [b.file, b.title])).toEqual([
      ['bridge.md', 'Bridge'],
      ['broken.md', 'Fixed'],
      ['ferry.md', 'Ferri'],
      ['library.md', 'Library'],
    ]);
    expect(third.briefings.find((b) => b.file === 'library.md')!.body).not.toBe(
      first.briefings.find((b) => b.file === 'library.md')!.body,
    );

    // A file removed is gone, and forgotten.
    await unlink(path.join(dir, 'bridge.md'));
    const fourth = await scanFolder(dir, cache);
    expect(fourth).toEqual(await scanFolder(dir));
    expect(fourth.names).toEqual(['broken.md', 'ferry.md', 'library.md']);
    expect([...cache.keys()].map((k) => path.basename(k)).sort()).toEqual(['broken.md', 'ferry.md', 'library.md']);
  });

  it('sees a file replaced in one step (a new inode) even with the same size and modification time', async () => {
    const file = path.join(dir, 'ferry.md');
    const when = new Date('2024-05-02T09:00:00Z');
    await writeFile(file, briefing('Ferry A', 'The ferry runs again.'));
    await utimes(file, when, when);
    const cache: ScanCache = new Map();
    expect((await scanFolder(dir, cache)).briefings[0]!.title).toBe('Ferry A');
    const info = await stat(file);
    const temp = path.join(dir, '.ferry.md.tmp');
    await writeFile(temp, briefing('Ferry B', 'The ferry runs again.'));
    await utimes(temp, when, when);
    await rename(temp, file);
    const after = await stat(file);
    expect([after.size, after.mtimeMs]).toEqual([info.size, info.mtimeMs]);
    expect((await scanFolder(dir, cache)).briefings[0]!.title).toBe('Ferry B');
  });

  it('forgets a folder’s files when the folder is gone, and keeps other folders’ files', async () => {
    const other = await mkdtemp(path.join(tmpdir(), 'scan-other-'));
    try {
      await writeFile(path.join(dir, 'ferry.md'), briefing('Ferry', 'The ferry runs again.'));
      await writeFile(path.join(other, 'library.md'), briefing('Library', 'The library opens.'));
      const cache: ScanCache = new Map();
      await scanFolder(dir, cache);
      await scanFolder(other, cache);
      expect(cache.size).toBe(2);
      await rm(dir, { recursive: true, force: true });
      expect(await scanFolder(dir, cache)).toEqual({ dir, briefings: [], names: [] });
      expect([...cache.keys()]).toEqual([path.join(other, 'library.md')]);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});
