/**
 * One host's import folder kept a copy of the shared store's briefings (see shared-imports.ts for
 * the design): each announced change applied to its one file, and a full comparison when the
 * mirror starts, when its subscription is made again, and when a periodic check sees the store's
 * revision moved without an announcement for it.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { isImportFileName, removeBriefingFile, scanFolder, writeBriefingFile } from './import-folder.js';
import type { ScanCache } from './import-folder.js';
import { parseBriefing } from './load.js';
import { claimFor, textHash } from './shared-imports.js';
import type { Announcement, SharedBriefings, SharedEntry } from './shared-imports.js';

/** How often a mirror asks the store whether it missed a change (one small read). */
const DEFAULT_CHECK_EVERY_MS = 60_000;

/** After a pass found the store unavailable, the next comes this much later, doubling up to {@link RETRY_MAX_MS}. */
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 30_000;

/** The logger methods a mirror uses (pino's). */
export interface MirrorLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/** What one pass changed in the folder. */
export interface MirrorChange {
  /** Files written (new or replaced), and files deleted. */
  written: string[];
  removed: string[];
  /** Local briefings the store did not know, offered to it and taken. */
  adopted: string[];
  /**
   * Whether an announcement was applied (the folder may already have been right: another process
   * of this host wrote the file).
   */
  announced: boolean;
}

export interface ImportMirrorOptions {
  /** The import folder this host reads. */
  importDir: string;
  /** The knowledge folder (read only): a shared briefing whose id is taken there is not written. */
  knowledgeDir: string;
  shared: SharedBriefings;
  logger: MirrorLogger;
  /** After a pass that changed the folder, and after every announcement: reload the briefings. */
  onChanged?: (change: MirrorChange) => void | Promise<void>;
  /** How often to ask the store's revision (default {@link DEFAULT_CHECK_EVERY_MS}); 0: never. */
  checkEveryMs?: number;
}

/** What a full pass did. */
export interface ReconcileResult extends MirrorChange {
  /** Shared briefings (not removed) the folder now holds a copy of. */
  shared: number;
  /** Shared briefings not written here, each with the reason (logged once). */
  skipped: Array<{ file: string; reason: string }>;
  ms: number;
}

interface LocalFile {
  mtimeMs: number;
  size: number;
  sha: string;
}

const stem = (file: string) => file.replace(/\.md$/, '').toLowerCase();

/**
 * Keeps one host's import folder a copy of the shared store. Runs each step (an announcement, a
 * full pass) one at a time. Never throws: a store that is unavailable leaves the folder as it is
 * until the next chance.
 *
 * @example
 * const mirror = new ImportMirror({ importDir, knowledgeDir, shared: store.sharedBriefings!, logger,
 *   onChanged: () => reload() });
 * await mirror.start(); // the first full pass: the folder has caught up
 */
export class ImportMirror {
  #queue: Promise<unknown> = Promise.resolve();
  #follow: { close(): Promise<void> } | undefined;
  #timer: NodeJS.Timeout | undefined;
  #retry: NodeJS.Timeout | undefined;
  /** Full passes in a row that found the store unavailable. */
  #failures = 0;
  #stopped = false;
  /** The store's revision this folder is known to be up to date with. */
  #rev: number | undefined;
  readonly #local = new Map<string, LocalFile>();
  /**
   * The knowledge folder's ids (lowercase), read when a step first needs them (a file about to be
   * written or offered), at most once per step: a step that writes nothing does not read them.
   */
  #knowledgeIds: Promise<Set<string>> | undefined;
  /** The knowledge folder's files as last read: an unchanged file is not parsed again. */
  readonly #knowledgeScans: ScanCache = new Map();
  /** Reasons already logged, so that each is said once per file and text. */
  readonly #told = new Set<string>();

  constructor(private readonly options: ImportMirrorOptions) {}

  /**
   * Subscribes, runs the first full pass and resolves with it (`undefined` when the store was
   * unavailable: the pass is made again once the subscription connects). Then checks the store's
   * revision every `checkEveryMs`.
   */
  start(): Promise<ReconcileResult | undefined> {
    this.#stopped = false;
    const first = this.reconcile();
    this.#follow = this.options.shared.follow({
      onAnnouncement: (announcement) => void this.#step(() => this.#apply(announcement)),
      onSubscribed: () => void this.reconcile(),
    });
    const every = this.options.checkEveryMs ?? DEFAULT_CHECK_EVERY_MS;
    if (every > 0) {
      this.#timer = setInterval(() => void this.#step(() => this.#check()), every);
      this.#timer.unref();
    }
    return first;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    clearTimeout(this.#retry);
    await this.#follow?.close();
    this.#follow = undefined;
    await this.#queue;
  }

  /** One full pass, after whatever is already queued. `undefined` when the store was unavailable. */
  reconcile(): Promise<ReconcileResult | undefined> {
    return this.#step(() => this.#reconcile());
  }

  /** Waits for every step queued so far (tests). */
  async settled(): Promise<void> {
    await this.#queue;
  }

  #step<T>(run: () => Promise<T>): Promise<T | undefined> {
    const next = this.#queue.then(async () => {
      if (this.#stopped) return undefined;
      try {
        return await run();
      } catch (error) {
        // A full disk, a folder removed under us: the next pass tries again.
        this.options.logger.warn(
          { err: error, dir: this.options.importDir },
          'shared briefings: sync step failed',
        );
        return undefined;
      }
    });
    this.#queue = next;
    return next;
  }

  #retryLater(): void {
    clearTimeout(this.#retry);
    const ms = Math.min(RETRY_FIRST_MS * 2 ** Math.min(this.#failures - 1, 10), RETRY_MAX_MS);
    this.#retry = setTimeout(() => void this.reconcile(), ms);
    this.#retry.unref();
  }

  async #check(): Promise<void> {
    const rev = await this.options.shared.revision();
    if (rev === undefined || rev === this.#rev) return;
    this.options.logger.debug(
      { rev, known: this.#rev },
      'shared briefings: revision moved; comparing the folder',
    );
    await this.#reconcile();
  }

  /**
   * The store failed during a step: said once per outage, and a full pass is tried again with
   * backoff (the subscription may come back before the store's own connection does).
   */
  #unavailable(): void {
    if (this.#failures++ === 0) {
      this.options.logger.warn(
        { dir: this.options.importDir },
        'shared briefings: the store is unavailable; this host keeps its own copies until it is back',
      );
    }
    this.#retryLater();
  }

  async #reconcile(): Promise<ReconcileResult | undefined> {
    const result = await this.#pass();
    if (result === undefined) {
      this.#unavailable();
    } else {
      if (this.#failures > 0)
        this.options.logger.info({ failures: this.#failures }, 'shared briefings: the store is back');
      this.#failures = 0;
    }
    return result;
  }

  async #pass(): Promise<ReconcileResult | undefined> {
    const started = performance.now();
    const { shared, logger } = this.options;
    // Read before the entries: a change made during the pass moves it again, and is caught next time.
    const rev = await shared.revision();
    const entries = rev === undefined ? undefined : await shared.entries();
    if (entries === undefined) return undefined;
    this.#knowledgeIds = undefined;
    const local = await this.#scanLocal();
    const known = new Map(entries.map((e) => [e.file, e]));
    const change: ReconcileResult = {
      written: [],
      removed: [],
      adopted: [],
      announced: false,
      shared: 0,
      skipped: [],
      ms: 0,
    };
    // Offered first: a copy the store never knew may be all that is left of it.
    for (const file of local.keys()) {
      if (known.has(file)) continue;
      const adopted = await this.#adopt(file, change);
      if (adopted === undefined) return undefined;
      if (adopted !== null) known.set(file, adopted);
    }
    for (const entry of known.values()) {
      const done = await this.#materialise(entry, local.get(entry.file), change);
      if (done === undefined) return undefined;
    }
    change.shared = [...known.values()].filter(
      (e) => !e.removed && !change.skipped.some((s) => s.file === e.file),
    ).length;
    this.#rev = rev;
    change.ms = Math.round(performance.now() - started);
    const changed = change.written.length + change.removed.length + change.adopted.length > 0;
    const { written, removed, adopted, skipped, ms } = change;
    const detail = { written, removed, adopted, shared: change.shared, skipped: skipped.length, rev, ms };
    if (changed) logger.info(detail, 'shared briefings synced');
    else logger.debug(detail, 'shared briefings already in sync');
    if (changed) await this.#changed(change);
    return change;
  }

  /** One announced file: brought to what the store holds now (which may be newer than the announcement). */
  async #apply(announcement: Announcement): Promise<void> {
    const { shared, logger } = this.options;
    if (!isImportFileName(announcement.file)) {
      this.#tell(
        `name:${announcement.file}`,
        { file: announcement.file },
        'shared briefings: ignoring an announcement for a name that is not a briefing file',
      );
      return;
    }
    const started = performance.now();
    this.#knowledgeIds = undefined;
    const entry = await shared.entry(announcement.file);
    if (entry === undefined) {
      this.#unavailable();
      return;
    }
    const change: MirrorChange & { skipped: ReconcileResult['skipped'] } = {
      written: [],
      removed: [],
      adopted: [],
      announced: true,
      skipped: [],
    };
    if (entry !== null) {
      const local = await this.#localFile(entry.file);
      if ((await this.#materialise(entry, local, change)) === undefined) {
        this.#unavailable();
        return;
      }
    }
    if (this.#rev !== undefined && announcement.rev === this.#rev + 1) this.#rev = announcement.rev;
    logger.debug(
      {
        ...announcement,
        written: change.written,
        removed: change.removed,
        ms: Math.round(performance.now() - started),
      },
      'shared briefings: announcement applied',
    );
    await this.#changed(change);
  }

  /**
   * Brings one file to the entry: deleted when removed, written when its text differs. Resolves
   * to false when it was skipped (a reason is logged once), undefined when the store failed.
   */
  async #materialise(
    entry: SharedEntry,
    local: LocalFile | undefined,
    change: MirrorChange & { skipped: Array<{ file: string; reason: string }> },
  ): Promise<boolean | undefined> {
    const { importDir } = this.options;
    if (!isImportFileName(entry.file)) {
      this.#skip(change, entry.file, 'its name is not a briefing file name');
      return false;
    }
    if (entry.removed) {
      if (local === undefined) return true;
      if (await removeBriefingFile(importDir, entry.file)) change.removed.push(entry.file);
      this.#local.delete(entry.file);
      return true;
    }
    if (local?.sha === entry.sha) return true;
    const text = await this.options.shared.text(entry.file);
    if (text === undefined) return undefined;
    // Changed or removed since it was listed: the announcement of that change follows.
    if (text === null || textHash(text) !== entry.sha) return true;
    const problem = await this.#problem(entry.file, text);
    if (problem) {
      this.#skip(change, entry.file, problem, entry.sha);
      return false;
    }
    await writeBriefingFile(importDir, entry.file, text, { replace: true });
    this.#local.delete(entry.file);
    if (local !== undefined) {
      this.options.logger.info(
        { file: entry.file },
        'shared briefings: this host’s copy differed and was replaced by the shared one',
      );
    }
    change.written.push(entry.file);
    return true;
  }

  /**
   * Offers a local briefing the store does not know. Resolves to its entry when the store took it
   * (or had the same text), `null` when it stays local only (or was removed here, as recorded),
   * `undefined` when the store failed.
   */
  async #adopt(file: string, change: ReconcileResult): Promise<SharedEntry | null | undefined> {
    const { shared, importDir } = this.options;
    let text: string;
    try {
      text = await readFile(path.join(importDir, file), 'utf8');
    } catch {
      return null;
    }
    const sha = textHash(text);
    const claim = claimFor(file, text, 'adopt');
    const problem = await this.#problem(file, text);
    if (!claim || problem) {
      this.#skip(change, file, `not shared: ${problem ?? 'it does not load as a briefing'}`, sha);
      return null;
    }
    const outcome = await shared.claim(claim);
    if (outcome === undefined) return undefined;
    const at = Date.now();
    switch (outcome.outcome) {
      case 'claimed':
      case 'unchanged':
        if (outcome.outcome === 'claimed') change.adopted.push(file);
        return {
          file,
          removed: false,
          sha,
          title: claim.title,
          rev: outcome.rev,
          at,
          bytes: Buffer.byteLength(text),
        };
      case 'removed':
        // Removed on another host while this one was away.
        if (await removeBriefingFile(importDir, file)) change.removed.push(file);
        this.#local.delete(file);
        return null;
      case 'duplicate':
        this.#skip(
          change,
          file,
          `not shared: the same ${outcome.by === 'url' ? 'URL' : 'text'} is shared as ${outcome.file}`,
          sha,
        );
        return null;
      case 'too-large':
        this.#skip(
          change,
          file,
          `not shared: ${outcome.bytes} bytes, more than the ${outcome.maxBytes} the store takes`,
          sha,
        );
        return null;
      case 'taken':
        // Taken meanwhile by an import on another host: the entry is read again next time.
        return null;
    }
  }

  /** Why a text must not be written as `file` on this host, or undefined: the loader's checks and a few more. */
  async #problem(file: string, text: string): Promise<string | undefined> {
    // Two names that differ by case alone are one id to the loader, and one file on some systems.
    if (file !== file.toLowerCase())
      return 'its name has capital letters (shared briefings are named in lower case)';
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > this.options.shared.maxBytes)
      return `it is ${bytes} bytes, more than ${this.options.shared.maxBytes}`;
    const { briefing, problems } = parseBriefing(file, text);
    if (!briefing) {
      const p = problems[0];
      return `it does not load: ${p?.field ? `${p.field} ` : ''}${p?.message ?? 'invalid'}`;
    }
    // The importer never writes an id of its own: the file name is the id.
    if (briefing.id.toLowerCase() !== stem(file)) return `its front matter gives another id (${briefing.id})`;
    this.#knowledgeIds ??= this.#readKnowledgeIds();
    if ((await this.#knowledgeIds).has(stem(file)))
      return 'a briefing in this host’s knowledge folder has the same id';
    return undefined;
  }

  #skip(
    change: { skipped: Array<{ file: string; reason: string }> },
    file: string,
    reason: string,
    sha = '',
  ): void {
    change.skipped.push({ file, reason });
    this.#tell(`${file}:${sha}:${reason}`, { file, reason }, 'shared briefings: not written on this host');
  }

  #tell(key: string, detail: object, message: string): void {
    if (this.#told.has(key)) return;
    if (this.#told.size > 10_000) this.#told.clear();
    this.#told.add(key);
    this.options.logger.warn(detail, message);
  }

  async #changed(change: MirrorChange): Promise<void> {
    try {
      await this.options.onChanged?.(change);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'shared briefings: reloading after a change failed');
    }
  }

  async #readKnowledgeIds(): Promise<Set<string>> {
    const { knowledgeDir, importDir } = this.options;
    if (path.resolve(knowledgeDir) === path.resolve(importDir)) return new Set();
    const contents = await scanFolder(knowledgeDir, this.#knowledgeScans).catch(() => undefined);
    return new Set((contents?.briefings ?? []).map((b) => b.id.toLowerCase()));
  }

  /** The folder's briefing files with their hashes; a file unchanged since the last look is not read again. */
  async #scanLocal(): Promise<Map<string, LocalFile>> {
    let names: string[];
    try {
      names = (await readdir(this.options.importDir)).filter(isImportFileName);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      names = [];
    }
    const found = new Map<string, LocalFile>();
    for (const name of names) {
      const file = await this.#localFile(name);
      if (file) found.set(name, file);
    }
    for (const name of this.#local.keys()) if (!found.has(name)) this.#local.delete(name);
    return found;
  }

  async #localFile(name: string): Promise<LocalFile | undefined> {
    const full = path.join(this.options.importDir, name);
    try {
      const info = await lstat(full);
      if (!info.isFile()) return undefined;
      const known = this.#local.get(name);
      if (known && known.mtimeMs === info.mtimeMs && known.size === info.size) return known;
      const file = { mtimeMs: info.mtimeMs, size: info.size, sha: textHash(await readFile(full, 'utf8')) };
      this.#local.set(name, file);
      return file;
    } catch {
      this.#local.delete(name);
      return undefined;
    }
  }
}
