/**
 * Wiring for imports, shared by the bot and `npm run import`: an {@link Importer} configured from
 * {@link Config}, counting passages with the engine's own sentence splitter.
 */
import { analyse } from './answer/nlp.js';
import type { Config } from './config.js';
import { Importer } from './knowledge/importer.js';
import type { ImporterOptions } from './knowledge/importer.js';

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
