/**
 * Example questions for /help and for empty mentions.
 */
import type { AnswerEngine } from './context.js';

/** Questions about the seed briefings; a deployment with other briefings shows only those its briefings answer. */
export const CANDIDATE_EXAMPLES: readonly string[] = [
  'Who is Pranay Vaddi?',
  'Where were Putin and Kim supposed to meet?',
  'What have UN resolutions banned since 2006?',
  'Who is Daniel Kritenbrink?',
  'What measures does the US plan against Russia–North Korea defense ties?',
];

/** The candidates the engine actually answers, so no example leads to "the briefings don't cover this". */
export function exampleQuestions(
  engine: Pick<AnswerEngine, 'ask'>,
  candidates: readonly string[] = CANDIDATE_EXAMPLES,
): string[] {
  return candidates.filter((q) => engine.ask(q, { top: 1 }).answered);
}
