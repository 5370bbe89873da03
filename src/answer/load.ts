import { type KnowledgeFiles, parseBriefing, parseKnowledge, readKnowledgeFiles } from '../knowledge/load.js';
import type { Briefing, Knowledge } from '../knowledge/types.js';
import { AnalysisCache } from './analysis-cache.js';
import { Engine, type EngineOptions } from './engine.js';
import { folderHash, readSavedIndex, type SavedIndex, writeSavedIndex } from './index-cache.js';
import {
  type BriefingInfo,
  buildPassageIndex,
  buildPassageIndexInBackground,
  type IndexReuse,
  type PassageIndex,
} from './passage-index.js';

export interface LoadOptions extends Partial<EngineOptions> {
  /**
   * Folder for the saved index (e.g. `<DATA_DIR>/index-cache`). When set, a start-up with
   * unchanged briefings loads the saved index instead of analysing them again, and one after
   * some changed analyses only those. Default: none.
   */
  cacheDir?: string;
  /** Told when the saved index could not be written (the engine still works). */
  onCacheError?: (error: Error) => void;
  /** Told when a saved index was there but could not be trusted (truncated, damaged, another version): it is rebuilt. */
  onCacheWarning?: (message: string) => void;
  /** Build in small steps, handing the event loop back between them (for a live bot). */
  background?: boolean;
  /** The import folder, read beside the knowledge folder (see `readKnowledgeFiles`). */
  importDir?: string;
  /**
   * What a load of the same folder gave before: files whose content is unchanged since are
   * neither parsed nor analysed again (their passages are copied from its index), and when no
   * file changed its engine is returned as it is.
   */
  previous?: { engine: Engine; report: LoadReport };
  /** Return without waiting for the saved index to be written; `saved` settles when it is. */
  deferSave?: boolean;
}

/** How the engine was obtained, for logs and the benchmark. */
export interface LoadReport {
  /** True when the index came from the cache. */
  cached: boolean;
  hash: string;
  /** Each file's name and a hash of its content: what a reload compares to say what changed. */
  files: Record<string, string>;
  /** Briefings analysed with wink-nlp by this load (the others' analyses were reused). */
  analysed: number;
}

/**
 * Loads and validates the knowledge folder and builds the engine (or loads the saved index when
 * the files are unchanged). Throws `KnowledgeError` (naming file and field) when the folder is broken.
 *
 * @example
 * const engine = await loadEngine('knowledge', { cacheDir: 'data/index-cache' });
 * engine.ask('Who is Pranay Vaddi?').answered; // true
 */
export async function loadEngine(knowledgeDir: string, options: LoadOptions = {}): Promise<Engine> {
  return (await loadEngineWithReport(knowledgeDir, options)).engine;
}

/** {@link loadEngine}, also telling whether the cache was used. */
export async function loadEngineWithReport(
  knowledgeDir: string,
  options: LoadOptions = {},
): Promise<{ engine: Engine; report: LoadReport; saved: Promise<void> }> {
  const {
    cacheDir,
    onCacheError,
    onCacheWarning,
    background,
    previous,
    deferSave,
    importDir,
    ...engineOptions
  } = options;
  // The saved index is read (off the main thread) while the knowledge files are.
  const savedRead = cacheDir && !previous ? readSavedIndex(cacheDir) : undefined;
  // A reload keeps the text only of files it has not parsed before (the others die young).
  const parsedBefore = previous && parsedBriefings(previous.engine.index, previous.report.files);
  const unchanged = (name: string, hash: string) =>
    parsedBefore?.get(name) !== undefined && previous!.report.files[name] === hash;
  let { files, fileHashes, hash } = await readFolder(knowledgeDir, importDir, parsedBefore && unchanged);
  const readable = files.problems.length === 0;
  const done = Promise.resolve();
  if (previous && readable && previous.report.hash === hash) return { ...previous, saved: done };

  let base: SavedIndex | undefined = previous && {
    index: previous.engine.index,
    files: previous.report.files,
  };
  if (savedRead && readable) {
    const read = await savedRead;
    if (read.kind === 'unusable')
      onCacheWarning?.(`the saved index is not used (${read.reason}); rebuilding it`);
    else if (read.kind === 'ok') {
      if (folderHash(read.saved.files) === hash) {
        return {
          engine: Engine.fromIndex(read.saved.index, engineOptions),
          report: { cached: true, hash, files: fileHashes, analysed: 0 },
          saved: done,
        };
      }
      base = read.saved;
    }
  }

  let parsed = parseReusing(knowledgeDir, files, fileHashes, base);
  if (!parsed) {
    // The alias entities changed: every briefing is parsed and analysed again.
    if (parsedBefore) ({ files, fileHashes, hash } = await readFolder(knowledgeDir, importDir));
    parsed = { knowledge: parseKnowledge(knowledgeDir, files) };
  }
  const { knowledge, reuse } = parsed;
  const buildOptions = { ...engineOptions, ...(reuse ? { reuse } : {}) };
  const index = background
    ? await buildPassageIndexInBackground(knowledge, buildOptions)
    : buildPassageIndex(knowledge, buildOptions);
  const analysed = reuse
    ? reuse.hashes.filter((h) => reuse.cache.find(h) === undefined).length
    : knowledge.briefings.length;
  const saved = cacheDir
    ? writeSavedIndex(cacheDir, { index, files: fileHashes }).then((error) => {
        if (error) onCacheError?.(error);
      })
    : done;
  if (!deferSave) await saved;
  return {
    engine: Engine.fromIndex(index, engineOptions),
    report: { cached: false, hash, files: fileHashes, analysed },
    saved,
  };
}

/** Reads the folders' files (the import folder's too); `drop(name, hash)` says which texts need not be kept. */
async function readFolder(
  dir: string,
  importDir: string | undefined,
  drop?: (name: string, hash: string) => boolean,
): Promise<{ files: KnowledgeFiles; fileHashes: Record<string, string>; hash: string }> {
  const files = await readKnowledgeFiles(dir, {
    ...(importDir === undefined ? {} : { importDir }),
    ...(drop ? { keep: (name: string, hash: string) => !drop(name, hash) } : {}),
  });
  const fileHashes = Object.fromEntries(files.files.map((f) => [f.name, f.hash]));
  return { files, fileHashes, hash: folderHash(fileHashes) };
}

/**
 * A parsed briefing whose passages are copied rather than analysed: its info and no body. Made
 * once per briefing: an unchanged briefing keeps its info object from index to index.
 */
const bodiless = new WeakMap<BriefingInfo, Briefing>();
function withoutBody(info: BriefingInfo): Briefing {
  let briefing = bodiless.get(info);
  if (!briefing) bodiless.set(info, (briefing = { ...info, paragraphs: [] }));
  return briefing;
}

/** The briefings of an index by file name, for the files whose content hash is known. */
function parsedBriefings(index: PassageIndex, files: Record<string, string>): Map<string, BriefingInfo> {
  return new Map(index.briefings.filter((b) => files[b.file] !== undefined).map((b) => [b.file, b]));
}

/**
 * Parses the folder, giving back for each file whose content `base` has seen the briefing it
 * parsed then (without its body: its passages are taken from `base`'s index, never re-read).
 * Undefined when the alias entities changed: every analysis is void then.
 */
function parseReusing(
  dir: string,
  files: KnowledgeFiles,
  fileHashes: Record<string, string>,
  base: SavedIndex | undefined,
): { knowledge: Knowledge; reuse?: IndexReuse } | undefined {
  if (!base) return { knowledge: parseKnowledge(dir, files) };
  const cache = AnalysisCache.fromFiles(base.index, base.files);
  const seen = parsedBriefings(base.index, base.files);
  const knowledge = parseKnowledge(dir, files, (name, text) => {
    const info = seen.get(name);
    return info && base.files[name] === fileHashes[name]
      ? { problems: [], briefing: withoutBody(info) }
      : parseBriefing(name, text);
  });
  if (!cache.fits(knowledge.entities)) return undefined;
  return {
    knowledge,
    reuse: { cache, hashes: knowledge.briefings.map((b) => fileHashes[b.file]!) },
  };
}
