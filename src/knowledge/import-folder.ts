/**
 * The import folder on disk: what briefings it (and the knowledge folder) holds, for duplicates
 * and unique ids; writing a briefing atomically, so that a reload never reads half a file; and
 * removing one. Only file names made here from a slug are written: no path from any input.
 */
import { randomBytes } from 'node:crypto';
import { lstat, link, mkdir, open, readdir, readFile, realpath, rename, unlink } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { bodyKey, urlKey, urlKeys } from './briefing-file.js';
import { parseBriefing } from './load.js';

/** One briefing file found in a folder. */
export interface StoredBriefing {
  /** The file name, e.g. `salmon-habitat.md`. */
  file: string;
  /** The briefing's id (the file name without `.md` unless its front matter says otherwise). */
  id: string;
  title: string;
  source: string;
  url?: string;
  /** {@link bodyKey} of its paragraphs. */
  body: string;
}

/** What a folder holds: its briefings, and every `.md` name in it (broken files too). */
export interface FolderContents {
  dir: string;
  briefings: StoredBriefing[];
  names: string[];
}

/** Names the import may write or remove: the loader's ids, plus `.md`; never a path. */
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}\.md$/;

/** Whether `name` is a file name an import may write (and the loader reads): `<id>.md`, no path, no dot-file. */
export function isImportFileName(name: string): boolean {
  return FILE_NAME.test(name) && !/^readme\.md$/i.test(name);
}

const isBriefingName = (name: string) =>
  name.toLowerCase().endsWith('.md') && !name.startsWith('.') && !/^readme\.md$/i.test(name);

/** One file as an earlier {@link scanFolder} read it: its entry (none when it did not parse), and its stat then. */
interface ScannedFile {
  mtimeMs: number;
  size: number;
  ino: number;
  briefing: StoredBriefing | undefined;
}

/**
 * What {@link scanFolder} remembers between calls, by each file's absolute path: a file whose
 * modification time, size and inode are unchanged is not read and parsed again. Keep one for as
 * long as the folders are looked at (an importer keeps one for its life).
 */
export type ScanCache = Map<string, ScannedFile>;

/**
 * Reads the briefings of a folder (a missing folder is empty). Files that do not parse count as
 * names only; a folder is read as the loader reads it (no sub-folders, no dot-files). With a
 * `cache`, a file unchanged since an earlier scan is not read again (every file is still looked
 * at, so an edited, added or removed file is seen).
 */
export async function scanFolder(dir: string, cache?: ScanCache): Promise<FolderContents> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter(isBriefingName).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      if (cache) forgetOthers(cache, dir, new Set());
      return { dir, briefings: [], names: [] };
    }
    throw error;
  }
  const briefings: StoredBriefing[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    const full = path.join(dir, name);
    const key = path.resolve(full);
    let info: Stats;
    let unchanged: ScannedFile | undefined;
    let text = '';
    try {
      info = await lstat(full);
      if (!info.isFile()) continue;
      unchanged = sameFile(cache?.get(key), info);
      if (!unchanged) text = await readFile(full, 'utf8');
    } catch {
      continue;
    }
    seen.add(key);
    let briefing: StoredBriefing | undefined;
    if (unchanged) {
      briefing = unchanged.briefing;
    } else {
      briefing = storedBriefing(name, text);
      cache?.set(key, { mtimeMs: info.mtimeMs, size: info.size, ino: info.ino, briefing });
    }
    // A copy: what a caller does with it never reaches the cache.
    if (briefing) briefings.push({ ...briefing });
  }
  if (cache) forgetOthers(cache, dir, seen);
  return { dir, briefings, names };
}

/** What was scanned of a file, when its modification time, size and inode are still those of `info`. */
function sameFile(scanned: ScannedFile | undefined, info: Stats): ScannedFile | undefined {
  return scanned && scanned.mtimeMs === info.mtimeMs && scanned.size === info.size && scanned.ino === info.ino
    ? scanned
    : undefined;
}

/** The entry of a file's text, or undefined when it does not parse. */
function storedBriefing(name: string, text: string): StoredBriefing | undefined {
  const { briefing } = parseBriefing(name, text);
  if (!briefing) return undefined;
  return {
    file: name,
    id: briefing.id,
    title: briefing.title,
    source: briefing.source,
    ...(briefing.url ? { url: briefing.url } : {}),
    body: bodyKey(briefing.paragraphs),
  };
}

/** Drops the cached files of `dir` that this scan did not read (removed, or no longer a briefing file). */
function forgetOthers(cache: ScanCache, dir: string, seen: ReadonlySet<string>): void {
  const folder = path.resolve(dir);
  for (const key of cache.keys()) if (path.dirname(key) === folder && !seen.has(key)) cache.delete(key);
}

/** Where an earlier copy of a briefing is. */
export interface Duplicate {
  /** `imported` when it is in the import folder (and may be replaced), `knowledge` otherwise. */
  folder: 'imported' | 'knowledge';
  briefing: StoredBriefing;
  /** What matched. */
  by: 'url' | 'body';
}

/** The first briefing in `folders` with one of `urls` or the same body text. */
export function findDuplicate(
  folders: ReadonlyArray<{ folder: Duplicate['folder']; contents: FolderContents }>,
  urls: ReadonlyArray<string | undefined>,
  body: string,
): Duplicate | undefined {
  const keys = new Set(urlKeys(urls));
  for (const { folder, contents } of folders) {
    for (const briefing of contents.briefings) {
      const key = urlKey(briefing.url);
      if (key !== undefined && keys.has(key)) return { folder, briefing, by: 'url' };
    }
  }
  for (const { folder, contents } of folders) {
    for (const briefing of contents.briefings) {
      if (briefing.body === body) return { folder, briefing, by: 'body' };
    }
  }
  return undefined;
}

/** The path of `name` inside the folder `root` (absolute), refusing any name that is not a plain file name. */
function inside(root: string, name: string): string {
  if (!FILE_NAME.test(name)) throw new Error(`refusing a file named ${JSON.stringify(name)}`);
  const full = path.join(root, name);
  if (path.dirname(full) !== root) throw new Error(`refusing a file outside ${root}`);
  return full;
}

/**
 * Writes `text` to `dir/name` atomically: a dot-file beside it (which the loader and the watcher
 * ignore) is written and flushed, then linked into place. Without `replace`, an existing file is
 * never overwritten (the link fails); with it, the rename replaces it in one step.
 *
 * @returns false when the file exists and `replace` is not set (nothing was written)
 */
export async function writeBriefingFile(
  dir: string,
  name: string,
  text: string,
  options: { replace?: boolean } = {},
): Promise<boolean> {
  await mkdir(dir, { recursive: true });
  const root = await realpath(dir);
  const target = inside(root, name);
  const temp = path.join(root, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o644);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.datasync();
  } finally {
    await handle.close();
  }
  try {
    if (options.replace) {
      await rename(temp, target);
      return true;
    }
    try {
      await link(temp, target);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      // A file system without hard links: check, then rename (a narrow race, but still atomic for readers).
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
      if (await lstat(target).then(() => true, () => false)) return false;
      await rename(temp, target);
      return true;
    }
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** Deletes `dir/name` (a slug file name). @returns false when it was not there. */
export async function removeBriefingFile(dir: string, name: string): Promise<boolean> {
  const root = await realpath(dir).catch(() => undefined);
  if (root === undefined) return false;
  try {
    await unlink(inside(root, name));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
