import { loadKnowledge } from '../knowledge/load.js';
import { Engine, type EngineOptions } from './engine.js';

/**
 * Loads and validates the knowledge folder and builds the engine.
 * Throws `KnowledgeError` (naming file and field) when the folder is broken.
 */
export async function loadEngine(
  knowledgeDir: string,
  options: Partial<EngineOptions> = {},
): Promise<Engine> {
  return Engine.build(await loadKnowledge(knowledgeDir), options);
}
