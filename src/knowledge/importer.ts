/**
 * Importing a briefing: from a URL, a file or uploaded content to a validated file in the import
 * folder, in two steps so that a person can look first: {@link Importer.prepare} fetches,
 * extracts and checks for duplicates without writing anything; {@link Importer.commit} writes.
 * Every refusal is an {@link ImportRefusal} with a one-line reason, and nothing is written.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { bodyKey, renderBriefingFile, slugify, uniqueFileName, urlKeys } from './briefing-file.js';
import type { BriefingDraft } from './briefing-file.js';
import { extractFromHtml, extractFromMarkdown, extractFromText, normaliseDate } from './extract.js';
import type { ArticleParts } from './extract.js';
import { MAX_FETCH_BYTES, PAGE_TYPES, decodeText, formatBytes, safeFetch } from './fetch.js';
import type { FetchedDocument, Resolver } from './fetch.js';
import { findDuplicate, removeBriefingFile, scanFolder, writeBriefingFile } from './import-folder.js';
import type { Duplicate, FolderContents, ScanCache, StoredBriefing } from './import-folder.js';
import { MAX_SOURCE_LENGTH, MAX_TITLE_LENGTH, parseBriefing } from './load.js';
import { splitFrontMatter } from './markdown.js';
import { ImportRefusal } from './refusal.js';
import type { SharedBriefings } from './shared-imports.js';
import type { Briefing } from './types.js';

/** What kind of document a file name or content type says it is. */
export type DocumentKind = 'html' | 'markdown' | 'text';

/** File name endings that can be imported, and what they are. */
const EXTENSIONS: Record<string, DocumentKind> = {
  '.html': 'html',
  '.htm': 'html',
  '.xhtml': 'html',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.txt': 'text',
};

/** The kind of a file from its name; undefined when it cannot be imported. */
function kindOfFile(name: string): DocumentKind | undefined {
  return EXTENSIONS[path.extname(name).toLowerCase()];
}

function kindOfContentType(type: string): DocumentKind | undefined {
  if (type === 'text/html' || type === 'application/xhtml+xml') return 'html';
  if (type === 'text/markdown') return 'markdown';
  if (type === 'text/plain') return 'text';
  return undefined;
}

/** Where a briefing comes from. */
export type ImportSource =
  | { kind: 'url'; url: string }
  /** A file on this machine (the command line). */
  | { kind: 'file'; path: string }
  /** A file someone uploaded (a Discord attachment): fetched from `url`, read as its name says. */
  | { kind: 'upload'; url: string; name: string; size?: number };

/** Fields given by the person importing; they win over what the page says. */
export interface ImportOverrides {
  title?: string;
  source?: string;
  /** `YYYY-MM-DD`. */
  date?: string;
}

export interface PrepareOptions extends ImportOverrides {
  /** Replace an imported briefing with the same URL or text instead of refusing. */
  force?: boolean;
}

/** A briefing ready to be written: everything a preview shows, and the file's text. Plain data. */
export interface PreparedImport {
  /** The file name it will have in the import folder, e.g. `salmon-habitat.md`. */
  file: string;
  /** The briefing's id (the file name without `.md`). */
  id: string;
  /** The file's text, validated by the loader's own parser. */
  text: string;
  title: string;
  source: string;
  date?: string;
  url?: string;
  /** Passages the engine will index (sentences). */
  passages: number;
  /** The first two of them. */
  opening: string[];
  /** What was asked for: a URL, a path, or an uploaded file's name (for logs and replies). */
  origin: string;
  /** With `force`: the imported briefing this one replaces. */
  replaces?: { file: string; title: string };
}

/** How the person importing gives an option: `--title` on the command line, `title:` on Discord. */
export type OptionNamer = (option: 'title' | 'source' | 'date') => string;

export interface ImporterOptions {
  /** The knowledge folder (read for duplicates and ids; never written). */
  knowledgeDir: string;
  /** Where imports are written (created when missing). */
  importDir: string;
  /** IMPORT_ALLOW_HOSTS. */
  allowHosts?: readonly string[];
  /** Splits a paragraph into the passages the engine will index (for counts and the preview). */
  sentences: (paragraph: string) => string[];
  /** Names options in refusals; default `--title`. */
  option?: OptionNamer;
  /** Added to a duplicate's refusal, e.g. `--force replaces it`. */
  duplicateHint?: string;
  resolve?: Resolver;
  timeoutMs?: number;
  maxBytes?: number;
  /**
   * The store every host shares (Redis), when there is one: an import is claimed there before it
   * is written here (the store refuses a duplicate another host made meanwhile), and a removal is
   * recorded there first; every host’s `ImportMirror` then copies the change. Without it,
   * imports stay in this host's folder.
   */
  shared?: SharedBriefings;
}

/**
 * Imports briefings into one folder.
 *
 * @example
 * const importer = new Importer({ knowledgeDir: 'knowledge', importDir: 'data/knowledge', sentences });
 * const prepared = await importer.prepare({ kind: 'url', url: 'https://example.org/news/1' });
 * await importer.commit(prepared); // data/knowledge/<slug>.md
 */
export class Importer {
  readonly knowledgeDir: string;
  readonly importDir: string;
  private readonly option: OptionNamer;
  /** Both folders' files as last scanned: only a file changed since is read and parsed again. */
  private readonly scans: ScanCache = new Map();

  constructor(private readonly options: ImporterOptions) {
    this.knowledgeDir = options.knowledgeDir;
    this.importDir = options.importDir;
    this.option = options.option ?? ((name) => `--${name}`);
  }

  /** Fetches a URL as a page, with the importer's safety settings. */
  fetchPage(url: string, accept: readonly string[] = PAGE_TYPES): Promise<FetchedDocument> {
    return safeFetch(url, {
      accept,
      ...(this.options.allowHosts ? { allowHosts: this.options.allowHosts } : {}),
      ...(this.options.resolve ? { resolve: this.options.resolve } : {}),
      ...(this.options.timeoutMs !== undefined ? { timeoutMs: this.options.timeoutMs } : {}),
      ...(this.options.maxBytes !== undefined ? { maxBytes: this.options.maxBytes } : {}),
    });
  }

  /**
   * Reads and checks a briefing without writing anything.
   *
   * @throws ImportRefusal: the fetch or the file was refused, there is no article text, a title or
   *   source is missing, an override is malformed, or the same URL or text is already there
   */
  async prepare(source: ImportSource, options: PrepareOptions = {}): Promise<PreparedImport> {
    const overrides = this.checkOverrides(options);
    const { parts, urls, origin, kind, raw } = await this.read(source, overrides);
    const draft = this.draft(parts, overrides, kind);
    const [imported, knowledge] = await Promise.all([scanFolder(this.importDir, this.scans), this.scanKnowledge()]);
    const duplicate = findDuplicate(
      [
        { folder: 'imported', contents: imported },
        { folder: 'knowledge', contents: knowledge },
      ],
      [...urls, draft.url],
      bodyKey(draft.paragraphs),
    );
    let file: string;
    let replaces: PreparedImport['replaces'];
    if (duplicate) {
      if (!options.force || duplicate.folder === 'knowledge') {
        throw this.duplicateRefusal(duplicate.folder, duplicate.by, duplicate.briefing, options.force);
      }
      file = duplicate.briefing.file;
      replaces = { file, title: duplicate.briefing.title };
    } else {
      file = uniqueFileName(slugify(draft.title), takenNames(imported, knowledge));
    }
    // A Markdown file with complete front matter is kept as written (without an id of its own,
    // which would override the file name); anything else is written from the draft.
    const asIs = kind === 'markdown' && raw !== undefined && keepsAsIs(raw, overrides) ? raw : undefined;
    const text = asIs ?? renderBriefingFile(draft);
    return { ...this.checked(file, text), origin, ...(replaces ? { replaces } : {}) };
  }

  /**
   * Writes a prepared briefing. Duplicates are checked again (another import may have come first);
   * a name taken meanwhile gets the next free one.
   *
   * @returns the file written, and its path
   * @throws ImportRefusal when a duplicate appeared since it was prepared
   */
  async commit(prepared: PreparedImport): Promise<{ file: string; id: string; path: string }> {
    // The loader's checks again (a prepared import is plain data), parsed once: passages are not counted again.
    const body = bodyKey(loadable(prepared.file, prepared.text).paragraphs);
    const [imported, knowledge] = await Promise.all([scanFolder(this.importDir, this.scans), this.scanKnowledge()]);
    const duplicate = findDuplicate(
      [
        { folder: 'imported', contents: imported },
        { folder: 'knowledge', contents: knowledge },
      ],
      [prepared.url],
      body,
    );
    const replacing = prepared.replaces !== undefined;
    if (duplicate && !(replacing && duplicate.folder === 'imported' && duplicate.briefing.file === prepared.file)) {
      throw this.duplicateRefusal(duplicate.folder, duplicate.by, duplicate.briefing, false);
    }
    if (this.options.shared) {
      return this.commitShared(this.options.shared, prepared, body, takenNames(imported, knowledge));
    }
    let file = prepared.file;
    for (let attempt = 0; attempt < 5; attempt++) {
      if (await writeBriefingFile(this.importDir, file, prepared.text, { replace: replacing })) {
        return { file, id: file.replace(/\.md$/, ''), path: path.join(this.importDir, file) };
      }
      const again = await scanFolder(this.importDir, this.scans);
      file = uniqueFileName(slugify(prepared.title), takenNames(again, knowledge));
    }
    throw new ImportRefusal('could not find a free file name in the import folder');
  }

  /**
   * {@link commit} with a shared store: claimed there first, in one atomic step that refuses a
   * duplicate or a taken name (another host may have imported the same page a moment ago), then
   * written here; the other hosts copy it from the store. A text larger than the store shares is
   * refused by the store itself (`too-large`: its guard checks the size before any call to Redis).
   *
   * @param body {@link bodyKey} of the prepared text's paragraphs
   */
  private async commitShared(
    shared: SharedBriefings,
    prepared: PreparedImport,
    body: string,
    taken: Set<string>,
  ): Promise<{ file: string; id: string; path: string }> {
    const { text, title } = prepared;
    // Where it was asked from too (a feed item's link, the URL typed), so that neither comes in twice.
    const urls = urlKeys([prepared.url, prepared.origin]);
    const mode = prepared.replaces !== undefined ? 'replace' : 'new';
    let file = prepared.file;
    for (let attempt = 0; attempt < 5; attempt++) {
      const outcome = await shared.claim({ file, text, title, urls, body, mode });
      if (outcome === undefined) {
        throw new ImportRefusal(
          'the store shared by the bot’s hosts is unavailable, so the others would not get it; nothing was written: try again later',
          { transient: true },
        );
      }
      switch (outcome.outcome) {
        case 'claimed':
        case 'unchanged':
          await writeBriefingFile(this.importDir, file, text, { replace: true });
          return { file, id: file.replace(/\.md$/, ''), path: path.join(this.importDir, file) };
        case 'duplicate':
          throw this.duplicateRefusal('imported', outcome.by, outcome);
        case 'too-large':
          throw new ImportRefusal(
            `the briefing is ${formatBytes(outcome.bytes)}, more than the ${formatBytes(outcome.maxBytes)} that is shared between hosts`,
          );
        case 'taken':
        case 'removed':
          // Another host's import took the name meanwhile: the next free one.
          taken.add(file.replace(/\.md$/, '').toLowerCase());
          file = uniqueFileName(slugify(prepared.title), taken);
      }
    }
    throw new ImportRefusal('could not find a free file name in the import folder');
  }

  /** The URLs of every briefing in both folders (a feed skips its items already there). */
  async knownUrls(): Promise<string[]> {
    const [imported, knowledge] = await Promise.all([scanFolder(this.importDir, this.scans), this.scanKnowledge()]);
    return [...imported.briefings, ...knowledge.briefings].flatMap((b) => (b.url ? [b.url] : []));
  }

  /** The briefings in the import folder (the ones that can be removed). */
  async imported(): Promise<StoredBriefing[]> {
    return (await scanFolder(this.importDir, this.scans)).briefings;
  }

  /**
   * Removes an imported briefing, by id or file name.
   *
   * @returns what was removed
   * @throws ImportRefusal when no imported briefing has that name (naming the knowledge folder
   *   when the briefing is there: those are not removed from here)
   */
  async remove(name: string): Promise<StoredBriefing> {
    const wanted = name.trim().toLowerCase().replace(/\.md$/, '');
    const found = (await this.imported()).find((b) => b.id.toLowerCase() === wanted || b.file.toLowerCase() === `${wanted}.md`);
    if (!found) {
      const inKnowledge = (await this.scanKnowledge()).briefings.find((b) => b.id.toLowerCase() === wanted);
      throw new ImportRefusal(
        inKnowledge
          ? `“${inKnowledge.title}” is in the knowledge folder, not imported: only imported briefings can be removed here`
          : `no imported briefing is called “${name.trim().slice(0, 100)}”`,
      );
    }
    if (this.options.shared) {
      // Recorded in the store first: a host that is down now deletes its copy when it starts.
      const retracted = await this.options.shared.retract(found.file, found.title);
      if (retracted === undefined) {
        throw new ImportRefusal(
          'the store shared by the bot’s hosts is unavailable, so the others would keep it; nothing was removed: try again later',
          { transient: true },
        );
      }
      // Already recorded by another host (its removal is on its way here): the outcome is the same.
      await removeBriefingFile(this.importDir, found.file);
      return found;
    }
    if (!(await removeBriefingFile(this.importDir, found.file))) {
      throw new ImportRefusal(`“${found.title}” was already removed`);
    }
    return found;
  }

  private async scanKnowledge(): Promise<FolderContents> {
    // The import folder is never also the knowledge folder; if configured so, it is read once.
    if (path.resolve(this.knowledgeDir) === path.resolve(this.importDir)) {
      return { dir: this.knowledgeDir, briefings: [], names: [] };
    }
    return scanFolder(this.knowledgeDir, this.scans);
  }

  private checkOverrides(options: ImportOverrides): ImportOverrides {
    const out: ImportOverrides = {};
    const title = options.title?.replace(/\s+/g, ' ').trim();
    const source = options.source?.replace(/\s+/g, ' ').trim();
    if (options.title !== undefined) {
      if (!title) throw new ImportRefusal(`${this.option('title')} must not be empty`);
      if (title.length > MAX_TITLE_LENGTH)
        throw new ImportRefusal(`${this.option('title')} must be at most ${MAX_TITLE_LENGTH} characters`);
      out.title = title;
    }
    if (options.source !== undefined) {
      if (!source) throw new ImportRefusal(`${this.option('source')} must not be empty`);
      if (source.length > MAX_SOURCE_LENGTH)
        throw new ImportRefusal(`${this.option('source')} must be at most ${MAX_SOURCE_LENGTH} characters`);
      out.source = source;
    }
    if (options.date !== undefined) {
      const date = /^\d{4}-\d{2}-\d{2}$/.test(options.date.trim()) ? normaliseDate(options.date) : undefined;
      if (!date) throw new ImportRefusal(`${this.option('date')} must be a date as YYYY-MM-DD`);
      out.date = date;
    }
    return out;
  }

  /** Fetches or reads the source and extracts its parts. */
  private async read(
    source: ImportSource,
    overrides: ImportOverrides,
  ): Promise<{ parts: ArticleParts; urls: string[]; origin: string; kind: DocumentKind; raw?: string }> {
    if (source.kind === 'file') {
      const kind = kindOfFile(source.path);
      if (!kind) throw new ImportRefusal(`${path.basename(source.path)}: only .html, .md and .txt files can be imported`);
      const maxBytes = this.options.maxBytes ?? MAX_FETCH_BYTES;
      let size: number;
      try {
        const info = await stat(source.path);
        if (!info.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
        size = info.size;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new ImportRefusal(
          code === 'ENOENT' ? `${source.path}: no such file` : `${source.path} cannot be read (${code ?? String(error)})`,
        );
      }
      if (size > maxBytes) throw new ImportRefusal(`${source.path} is larger than ${formatBytes(maxBytes)}; refused`);
      const raw = decodeText(await readFile(source.path), undefined, kind === 'html');
      return { ...(await this.extract(kind, raw, undefined, overrides)), urls: [], origin: source.path, kind, raw };
    }
    if (source.kind === 'upload') {
      const kind = kindOfFile(source.name);
      if (!kind) throw new ImportRefusal(`${source.name}: only .html, .md and .txt files can be imported`);
      const maxBytes = this.options.maxBytes ?? MAX_FETCH_BYTES;
      if (source.size !== undefined && source.size > maxBytes)
        throw new ImportRefusal(`${source.name} is larger than ${formatBytes(maxBytes)}; refused`);
      // Upload services label .md and .txt files loosely: the name says what it is.
      const fetched = await this.fetchPage(source.url, [...PAGE_TYPES, 'application/octet-stream']);
      const raw = decodeText(fetched.body, fetched.charset, kind === 'html');
      return { ...(await this.extract(kind, raw, undefined, overrides)), urls: [], origin: source.name, kind, raw };
    }
    const fetched = await this.fetchPage(source.url);
    const kind = kindOfContentType(fetched.contentType) ?? 'html';
    const raw = decodeText(fetched.body, fetched.charset, kind === 'html');
    const { parts } = await this.extract(kind, raw, fetched.finalUrl, overrides);
    // A page's own URL, where the text came from, is kept when it gave none.
    const withUrl = kind === 'html' || parts.url ? parts : { ...parts, url: fetched.finalUrl };
    return { parts: withUrl, urls: [source.url, fetched.finalUrl], origin: source.url, kind, raw };
  }

  private async extract(
    kind: DocumentKind,
    raw: string,
    pageUrl: string | undefined,
    overrides: ImportOverrides,
  ): Promise<{ parts: ArticleParts }> {
    if (kind === 'html') return { parts: await extractFromHtml(raw, pageUrl) };
    if (kind === 'markdown') return { parts: extractFromMarkdown(raw) };
    return { parts: extractFromText(raw, overrides.title ? { title: overrides.title } : {}) };
  }

  /** The front matter fields, overrides first; refuses what the loader would refuse. */
  private draft(parts: ArticleParts, overrides: ImportOverrides, kind: DocumentKind): BriefingDraft {
    const title = overrides.title ?? parts.title;
    // Plain text carries no publisher: it must be given.
    const source = overrides.source ?? (kind === 'text' ? undefined : parts.source);
    if (!title) throw new ImportRefusal(`no title was found: give one with ${this.option('title')}`);
    if (!source) {
      throw new ImportRefusal(
        kind === 'text'
          ? `a text file names no publisher: give one with ${this.option('source')}`
          : `no publisher was found: give one with ${this.option('source')}`,
      );
    }
    const date = overrides.date ?? parts.date;
    return {
      title,
      source,
      ...(date ? { date } : {}),
      ...(parts.url && /^https?:\/\/\S+$/.test(parts.url) ? { url: parts.url } : {}),
      ...(parts.aliases?.length ? { aliases: parts.aliases } : {}),
      paragraphs: parts.paragraphs,
      ...(parts.headings?.length ? { headings: parts.headings } : {}),
      ...(parts.items?.length ? { items: parts.items } : {}),
    };
  }

  /** Parses the file as the loader will, and counts its passages. */
  private checked(file: string, text: string): Omit<PreparedImport, 'origin' | 'replaces'> {
    const briefing = loadable(file, text);
    const sentences = briefing.paragraphs.flatMap((p) => this.options.sentences(p));
    return {
      file,
      id: briefing.id,
      text,
      title: briefing.title,
      source: briefing.source,
      ...(briefing.date ? { date: briefing.date } : {}),
      ...(briefing.url ? { url: briefing.url } : {}),
      passages: sentences.length,
      opening: sentences.slice(0, 2),
    };
  }

  /**
   * The refusal of a briefing whose URL or text is already there (found in a folder, or by the
   * shared store in another host's import), flagged `duplicate`: one wording wherever it is found.
   *
   * @param force whether `--force` was asked for (a briefing of the knowledge folder is never replaced)
   */
  private duplicateRefusal(
    folder: Duplicate['folder'],
    by: Duplicate['by'],
    { file, title }: { file: string; title: string },
    force?: boolean,
  ): ImportRefusal {
    const what = by === 'url' ? 'the same URL' : 'the same text';
    const reason =
      folder === 'knowledge'
        ? `${what} is already in the knowledge folder as ${file} (“${title}”)${force ? '; only imported briefings are replaced' : ''}`
        : `${what} is already imported as ${file} (“${title}”)${this.options.duplicateHint ? `; ${this.options.duplicateHint}` : ''}`;
    return new ImportRefusal(reason, { duplicate: true });
  }
}

/**
 * The briefing `text` is as the loader parses it.
 *
 * @throws ImportRefusal naming the first problem when it would not load
 */
function loadable(file: string, text: string): Briefing {
  const { briefing, problems } = parseBriefing(file, text);
  if (!briefing) {
    const p = problems[0];
    throw new ImportRefusal(`the briefing would not load: ${p?.field ? `${p.field} ` : ''}${p?.message ?? 'invalid'}`);
  }
  return briefing;
}

/** Ids and names taken in either folder, lowercase, without `.md`. */
function takenNames(...folders: FolderContents[]): Set<string> {
  const taken = new Set<string>();
  for (const folder of folders) {
    for (const b of folder.briefings) taken.add(b.id.toLowerCase());
    for (const n of folder.names) taken.add(n.toLowerCase().replace(/\.md$/, ''));
  }
  return taken;
}

/** A Markdown file is written as it is when it loads as it is, names no id, and nothing overrides it. */
function keepsAsIs(raw: string, overrides: ImportOverrides): boolean {
  if (overrides.title || overrides.source || overrides.date) return false;
  const { yaml } = splitFrontMatter(raw);
  if (yaml === null || /^id\s*:/m.test(yaml)) return false;
  return parseBriefing('import.md', raw).briefing !== undefined;
}
