import { beforeAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../../src/answer/load.js';
import type { Engine } from '../../src/answer/engine.js';
import { miniSearchPeer } from '../../bench/peers.js';
import {
  measure,
  OFF_TOPIC_SETS,
  offTopicSet,
  QUESTION_SETS,
  questionSetFile,
  questionSetKnowledge,
  readDevQuestions,
  splitQuestions,
} from '../../bench/quality.js';

/**
 * Floors on the held-back part of every question set (what `npm run eval` prints last): the
 * figures that count, since nothing was tuned on them. A change that loses ground on any of them
 * fails here. `hit1` and `declined` are least shares, `wronglyDeclined` a greatest share;
 * `beatsMiniSearch` says whether this engine's hit@1 must stay above MiniSearch's on that part.
 *
 * The answer-quality issue's targets, for comparison: casual hit@1 ≥ 0.60, analyst ≥ 0.90,
 * adversarial ≥ 0.45, dev and more ≥ 0.90; wrongly declined ≤ 8 %, unanswerable declined ≥ 75 %
 * (adversarial ≥ 60 %); above MiniSearch on every set. Where a floor is below its target, the
 * engine does not reach it yet (see README, Answer quality).
 */
const FLOORS: Record<
  (typeof QUESTION_SETS)[number],
  { hit1: number; wronglyDeclined: number; declined: number; beatsMiniSearch: boolean }
> = {
  dev: { hit1: 1, wronglyDeclined: 0, declined: 1, beatsMiniSearch: true },
  more: { hit1: 0.95, wronglyDeclined: 0.05, declined: 0.75, beatsMiniSearch: true },
  casual: { hit1: 0.5, wronglyDeclined: 0.08, declined: 0.66, beatsMiniSearch: true },
  analyst: { hit1: 0.857, wronglyDeclined: 0, declined: 0.83, beatsMiniSearch: false },
  // Wrongly declined 1 of 12: a question that shares too little with its answer.
  adversarial: { hit1: 0.66, wronglyDeclined: 0.09, declined: 0.6, beatsMiniSearch: true },
  superbowl: { hit1: 0.63, wronglyDeclined: 0.04, declined: 0, beatsMiniSearch: true },
  // SQuAD 2.0's unanswerable questions are written to look answerable from the paragraph beside
  // them: few are declined. wink-bm25 is ahead on this part (0.650).
  squad2: { hit1: 0.63, wronglyDeclined: 0.06, declined: 0.18, beatsMiniSearch: true },
};

const engines = new Map<string, Engine>();
beforeAll(async () => {
  for (const name of QUESTION_SETS) {
    const dir = questionSetKnowledge(name);
    if (!engines.has(dir)) engines.set(dir, await loadEngine(dir));
  }
});

describe('answer quality on the held-back questions', () => {
  it.each(QUESTION_SETS)('holds the floor on the held-back part of %s', (name) => {
    const engine = engines.get(questionSetKnowledge(name))!;
    const { heldBack } = splitQuestions(readDevQuestions(questionSetFile(name)));
    const q = measure(heldBack, (question) => {
      const a = engine.ask(question, { top: 10 });
      return a.answered ? a.excerpts.map((e) => e.text) : null;
    });
    const floor = FLOORS[name];
    const misses = q.misses.join('\n');
    expect(q.hit1, misses).toBeGreaterThanOrEqual(floor.hit1 - 1e-9);
    expect(q.wronglyDeclined / q.answerable, misses).toBeLessThanOrEqual(floor.wronglyDeclined + 1e-9);
    if (q.unanswerable)
      expect(q.declined / q.unanswerable, misses).toBeGreaterThanOrEqual(floor.declined - 1e-9);
    if (floor.beatsMiniSearch) {
      const passages = engine.passages();
      const textOf = new Map(passages.map((p) => [p.id, p.text]));
      const mini = miniSearchPeer(passages, { stopWords: false });
      const peer = measure(heldBack, (question) => {
        const ids = mini.search(question, 10);
        return ids.length ? ids.map((id) => textOf.get(id) ?? '') : null;
      });
      expect(q.hit1, misses).toBeGreaterThan(peer.hit1);
    }
  });
});

/**
 * Floors on the held-back parts of the off-topic sets (each set's questions asked of the other
 * folder, which answers none of them): least shares declined.
 */
const OFF_TOPIC_FLOORS: Record<(typeof OFF_TOPIC_SETS)[number], number> = {
  'offtopic-seeds': 0.975,
  'offtopic-superbowl': 0.84,
};

describe('declining questions about something else', () => {
  it.each(OFF_TOPIC_SETS)('holds the floor on the held-back part of %s', async (name) => {
    const { knowledge, heldBack } = offTopicSet(name);
    const engine = engines.get(knowledge) ?? (await loadEngine(knowledge));
    const q = measure(heldBack, (question) => {
      const a = engine.ask(question, { top: 10 });
      return a.answered ? a.excerpts.map((e) => e.text) : null;
    });
    expect(q.unanswerable).toBeGreaterThan(100);
    expect(q.declined / q.unanswerable, q.misses.slice(0, 20).join('\n')).toBeGreaterThanOrEqual(
      OFF_TOPIC_FLOORS[name],
    );
  });
});

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine('knowledge');
});

describe('answer quality on the seed briefings', () => {
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
