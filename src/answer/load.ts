import { parseKnowledge, readKnowledgeFiles } from '../knowledge/load.js';
import type { KnowledgeFiles } from '../knowledge/load.js';
import { Engine, type EngineOptions } from './engine.js';
import { knowledgeHash, readCachedIndex, writeCachedIndex } from './index-cache.js';
import { createHash } from 'node:crypto';
import { buildPassageIndex, buildPassageIndexInBackground } from './passage-index.js';

export interface LoadOptions extends Partial<EngineOptions> {
  /**
   * Folder for the saved index (e.g. `<DATA_DIR>/index-cache`). When set, a start-up with
   * unchanged briefings loads the saved index instead of analysing them again. Default: none.
   */
  cacheDir?: string;
  /** Told when the saved index could not be written (the engine still works). */
  onCacheError?: (error: Error) => void;
  /** Build in small steps, handing the event loop back between them (for a live bot). */
  background?: boolean;
  /** The import folder, read beside the knowledge folder (see `readKnowledgeFiles`). */
  importDir?: string;
}

/** How the engine was obtained, for logs and the benchmark. */
export interface LoadReport {
  /** True when the index came from the cache. */
  cached: boolean;
  hash: string;
  /** Each file's name and a hash of its content: what a reload compares to say what changed. */
  files: Record<string, string>;
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
): Promise<{ engine: Engine; report: LoadReport }> {
  const files = await readKnowledgeFiles(
    knowledgeDir,
    options.importDir === undefined ? {} : { importDir: options.importDir },
  );
  return buildFromFiles(knowledgeDir, files, knowledgeHash(files.files), options);
}

/**
 * {@link loadEngineWithReport}, unless the files are exactly those whose {@link LoadReport.hash}
 * is `currentHash`: then undefined, without building anything. A reload asked for when nothing
 * changed (another shard's import, an echo of this one's) costs a read of the files, not a
 * rebuild or a load of the saved index.
 */
export async function reloadEngineIfChanged(
  knowledgeDir: string,
  currentHash: string,
  options: LoadOptions = {},
): Promise<{ engine: Engine; report: LoadReport } | undefined> {
  const files = await readKnowledgeFiles(
    knowledgeDir,
    options.importDir === undefined ? {} : { importDir: options.importDir },
  );
  const hash = knowledgeHash(files.files);
  if (hash === currentHash && files.problems.length === 0) return undefined;
  return buildFromFiles(knowledgeDir, files, hash, options);
}

async function buildFromFiles(
  knowledgeDir: string,
  files: KnowledgeFiles,
  hash: string,
  options: LoadOptions,
): Promise<{ engine: Engine; report: LoadReport }> {
  const { cacheDir, onCacheError, background, importDir: _importDir, ...engineOptions } = options;
  const fileHashes = Object.fromEntries(
    files.files.map(({ name, text }) => [name, createHash('sha1').update(text).digest('hex').slice(0, 16)]),
  );
  if (cacheDir && files.problems.length === 0) {
    const cached = await readCachedIndex(cacheDir, hash);
    if (cached) {
      return {
        engine: Engine.fromIndex(cached, engineOptions),
        report: { cached: true, hash, files: fileHashes },
      };
    }
  }
  const knowledge = parseKnowledge(knowledgeDir, files);
  const index = background
    ? await buildPassageIndexInBackground(knowledge, engineOptions)
    : buildPassageIndex(knowledge, engineOptions);
  if (cacheDir) {
    const error = await writeCachedIndex(cacheDir, hash, index);
    if (error) onCacheError?.(error);
  }
  return {
    engine: Engine.fromIndex(index, engineOptions),
    report: { cached: false, hash, files: fileHashes },
  };
}
