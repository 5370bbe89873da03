import { describe, expect, it } from 'vitest';
import { measure, type DevQuestions } from '../../bench/quality.js';

const SET: DevQuestions = {
  answerable: [
    { q: 'first', gold: ['harbour'] },
    { q: 'second', gold: ['drills'] },
    { q: 'declined', gold: ['talks'] },
  ],
  unanswerable: ['nothing', 'something'],
};

const ANSWERS: Record<string, string[] | null> = {
  first: ['The minister visited the Harbour.', 'Drills went on.'],
  second: ['The minister visited the harbour.', 'Naval drills were larger.'],
  declined: null,
  nothing: null,
  something: ['A loosely related sentence.'],
};

describe('measure', () => {
  const q = measure(SET, (question) => ANSWERS[question] ?? null);

  it('counts a declined answerable question as a miss and a wrong decline', () => {
    expect(q).toMatchObject({ answerable: 3, wronglyDeclined: 1, unanswerable: 2, declined: 1 });
    expect(q.hit1).toBeCloseTo(1 / 3);
    expect(q.hit3).toBeCloseTo(2 / 3);
    expect(q.mrr).toBeCloseTo((1 + 1 / 2) / 3);
  });

  it('lists the questions answered first, for comparing systems question by question', () => {
    expect(q.firstHits).toEqual(['first']);
    expect(q.misses).toEqual([
      'rank 2: second → The minister visited the harbour.',
      'declined: declined',
      'answered unanswerable: something → A loosely related sentence.',
    ]);
  });
});
