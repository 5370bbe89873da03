import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEngine } from '../../src/answer/load.js';
import { prepareCorpusDir } from '../../bench/corpus.js';
import { isGold as containsGold, type DevQuestions } from '../../bench/quality.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const KNOWLEDGE = path.join(ROOT, 'knowledge');
const dev = JSON.parse(fs.readFileSync(path.join(ROOT, 'tests/dev-questions.json'), 'utf8')) as DevQuestions;

type EngineLike = Awaited<ReturnType<typeof loadEngine>>;
const load = (dir: string) => loadEngine(dir);

function score(engine: EngineLike): { hits: number; declined: number; fromDistractors: string[] } {
  let hits = 0;
  const fromDistractors: string[] = [];
  for (const { q, gold } of dev.answerable) {
    const a = engine.ask(q);
    const first = a.answered ? a.excerpts[0] : undefined;
    if (first && containsGold(first.text, gold)) hits++;
    if (first?.briefing.startsWith('distractor-')) fromDistractors.push(`${q} → ${first.text}`);
  }
  const declined = dev.unanswerable.filter((q) => !engine.ask(q).answered).length;
  return { hits, declined, fromDistractors };
}

describe('the engine among 200 distractor briefings', () => {
  it('keeps its hit@1 and its declines', { timeout: 120_000 }, async () => {
    const alone = score(await load(KNOWLEDGE));
    // Seed 4242: a corpus no other test uses (parallel test files never share a folder).
    const among = score(await load(prepareCorpusDir(KNOWLEDGE, 200, 4242)));
    const n = dev.answerable.length;
    expect(among.hits, 'hit@1 among distractors').toBeGreaterThanOrEqual(Math.ceil(0.9 * n));
    expect(among.hits, 'hit@1 lost to distractors').toBeGreaterThanOrEqual(alone.hits - 2);
    expect(among.fromDistractors.length, among.fromDistractors.join('\n')).toBeLessThanOrEqual(1);
    expect(among.declined, 'unanswerables declined').toBeGreaterThanOrEqual(
      Math.min(alone.declined, dev.unanswerable.length - 2),
    );
  });
});
