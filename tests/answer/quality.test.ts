import { beforeAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../../src/answer/load.js';
import type { Engine } from '../../src/answer/engine.js';
import { measure, readDevQuestions } from '../../bench/quality.js';

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine('knowledge');
});

describe('answer quality on the dev questions', () => {
  it('holds the floor: hit@1 >= 0.93, hit@3 = 1, >= 8/10 unanswerable declined, <= 1 wrongly declined', () => {
    const q = measure(readDevQuestions(), (question) => {
      const a = engine.ask(question, { top: 10 });
      return a.answered ? a.excerpts.map((e) => e.text) : null;
    });
    expect(q.hit1, q.misses.join('\n')).toBeGreaterThanOrEqual(0.93);
    expect(q.hit3, q.misses.join('\n')).toBe(1);
    expect(q.declined, q.misses.join('\n')).toBeGreaterThanOrEqual(8);
    expect(q.wronglyDeclined, q.misses.join('\n')).toBeLessThanOrEqual(1);
  });

  it('holds a floor on tests/more-questions.json too: hit@1 >= 0.9, >= 14/20 declined, <= 3 wrongly declined', () => {
    const q = measure(readDevQuestions(new URL('../more-questions.json', import.meta.url)), (question) => {
      const a = engine.ask(question, { top: 10 });
      return a.answered ? a.excerpts.map((e) => e.text) : null;
    });
    expect(q.hit1, q.misses.join('\n')).toBeGreaterThanOrEqual(0.9);
    expect(q.declined, q.misses.join('\n')).toBeGreaterThanOrEqual(14);
    expect(q.wronglyDeclined, q.misses.join('\n')).toBeLessThanOrEqual(3);
  });

  it.each([
    ['What goods were banned?', 'banned the import of coal'],
    ["Who's Vaddi?", 'Pranay Vaddi'],
    ['Where were Putin and Kim supposed to meet?', 'Vostochny Cosmodrome'],
    ['Is there a pact between Russia and North Korea?', 'military partnership'],
  ])('answers the paraphrase %j, quoting the passage among its excerpts', (question, phrase) => {
    const a = engine.ask(question);
    expect(a.answered).toBe(true);
    expect(a.excerpts.map((e) => e.text)).toContainEqual(expect.stringContaining(phrase));
  });

  it.each([
    ['What is the capital of France?', 'france'],
    ['What did China say?', 'china'],
  ])('declines %j and names what the briefings never mention', (question, word) => {
    const a = engine.ask(question);
    expect(a.answered).toBe(false);
    expect(a.reason).toBe('not_covered');
    expect(a.notCovered).toContain(word);
    expect(a.excerpts).toEqual([]);
  });
});
