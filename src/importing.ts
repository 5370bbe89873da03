/**
 * Wiring for imports, shared by the bot and `npm run import`: an {@link Importer} configured from
 * {@link Config}, counting passages with the engine's own sentence splitter; and, on Redis, the
 * mirror that keeps a host's import folder a copy of the briefings every host imported.
 */
import { analyse } from './answer/nlp.js';
import type { Config } from './config.js';
import { ImportMirror } from './knowledge/import-mirror.js';
import { Importer } from './knowledge/importer.js';
import type { ImporterOptions } from './knowledge/importer.js';
import type { Logger } from './logger.js';
import type { Store } from './store/index.js';

/**
 * A paragraph's passages as the engine indexes them (wink-nlp sentences), so that a preview's
 * count and opening are what `/sources` and answers will show.
 */
export function passageSentences(paragraph: string): string[] {
  return analyse(paragraph)
    .sentences.map((s) => paragraph.slice(s.start, s.end).trim())
    .filter((s) => s !== '');
}

/** An importer for the configured folders and allow list. */
export function createImporter(
  config: Pick<Config, 'knowledgeDir' | 'importDir' | 'importAllowHosts'>,
  options: Partial<ImporterOptions> = {},
): Importer {
  return new Importer({
    knowledgeDir: config.knowledgeDir,
    importDir: config.importDir,
    allowHosts: config.importAllowHosts,
    sentences: passageSentences,
    ...options,
  });
}

/** What {@link followSharedImports} needs of the store. */
export type SharingStore = Pick<Store, 'sharedBriefings' | 'description'>;

/**
 * With a shared store (Redis): keeps this host's import folder a copy of the briefings every host
 * imported, one {@link ImportMirror} per host, and resolves once its first pass has run (so the
 * briefings load caught up). Undefined on SQLite and memory, where imports stay on their host.
 * `onChanged` is told after each change to the folder and each announcement: reload there.
 */
export async function followSharedImports(
  config: Pick<Config, 'knowledgeDir' | 'importDir'>,
  store: SharingStore,
  logger: Logger,
  onChanged: () => void,
): Promise<ImportMirror | undefined> {
  const shared = store.sharedBriefings;
  if (!shared) return undefined;
  const mirror = new ImportMirror({
    importDir: config.importDir,
    knowledgeDir: config.knowledgeDir,
    shared,
    logger,
    onChanged,
  });
  const started = performance.now();
  const first = await mirror.start();
  const ms = Math.round(performance.now() - started);
  if (first) {
    const { written, removed, adopted, skipped } = first;
    logger.info(
      {
        store: store.description,
        dir: config.importDir,
        shared: first.shared,
        written,
        removed,
        adopted,
        skipped: skipped.length,
        ms,
      },
      'following shared briefings',
    );
  } else {
    logger.warn(
      { store: store.description, dir: config.importDir, ms },
      'following shared briefings; the store is unavailable, so this host starts with its own copies',
    );
  }
  return mirror;
}
