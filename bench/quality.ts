import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The dev questions: answerable ones with gold phrases, and ones the briefings don't answer. */
export interface DevQuestions {
  answerable: Array<{ q: string; gold: string[] }>;
  unanswerable: string[];
}

/** The question sets the project has, in `tests/`: the answer-quality figures are given per set. */
export const QUESTION_SETS = [
  'dev',
  'more',
  'casual',
  'analyst',
  'adversarial',
  'superbowl',
  'squad2',
] as const;

/**
 * The sets about other folders than the seeds, in `tests/other-domain/`: SQuAD articles as
 * briefings, so that quality is also measured on briefings the engine was not built around.
 * `superbowl`: SQuAD 1.1's "Super Bowl 50" article as seven briefings (all answerable);
 * `squad2`: the first two articles of SQuAD 2.0 (the Normans, computational complexity theory)
 * as eleven, with SQuAD 2.0's unanswerable questions.
 */
const OTHER_DOMAIN: ReadonlySet<string> = new Set(['superbowl', 'squad2']);

/** The file of a set in `tests/` (`dev` → `tests/dev-questions.json`). */
export function questionSetFile(name: string): URL {
  return OTHER_DOMAIN.has(name)
    ? new URL(`../tests/other-domain/${name}-questions.json`, import.meta.url)
    : new URL(`../tests/${name}-questions.json`, import.meta.url);
}

/** The knowledge folder a set asks about: the seed briefings, or its own (see OTHER_DOMAIN). */
export function questionSetKnowledge(name: string, seeds = 'knowledge'): string {
  return OTHER_DOMAIN.has(name)
    ? fileURLToPath(new URL(`../tests/other-domain/${name}-knowledge`, import.meta.url))
    : seeds;
}

/**
 * Off-topic questions: every question of the sets about one folder asked of the other folder,
 * where none of them is answered (football questions of the seed briefings, policy questions of
 * the Super Bowl briefings). They measure declining on what the briefings are not about, which
 * the sets' own unanswerable questions (written about the briefings) measure only in part. Each
 * question keeps the part (tuning or held-back) it has in its own set.
 */
export const OFF_TOPIC_SETS = ['offtopic-seeds', 'offtopic-superbowl'] as const;

/** An off-topic set's folder and its two parts, from its source sets' splits. */
export function offTopicSet(
  name: (typeof OFF_TOPIC_SETS)[number],
  seeds = 'knowledge',
): { knowledge: string; tuning: DevQuestions; heldBack: DevQuestions } {
  // The Super Bowl questions asked of the seeds, and the seed sets' questions of the Super Bowl.
  const from =
    name === 'offtopic-seeds' ? ['superbowl'] : QUESTION_SETS.filter((set) => !OTHER_DOMAIN.has(set));
  const splits = from.map((set) => splitQuestions(readDevQuestions(questionSetFile(set))));
  const asked = (part: 'tuning' | 'heldBack'): DevQuestions => ({
    answerable: [],
    unanswerable: splits.flatMap(({ [part]: questions }) => [
      ...questions.answerable.map((a) => a.q),
      ...questions.unanswerable,
    ]),
  });
  return {
    knowledge: name === 'offtopic-seeds' ? seeds : questionSetKnowledge('superbowl'),
    tuning: asked('tuning'),
    heldBack: asked('heldBack'),
  };
}

export function readDevQuestions(
  file: string | URL = new URL('../tests/dev-questions.json', import.meta.url),
): DevQuestions {
  return JSON.parse(readFileSync(file, 'utf8')) as DevQuestions;
}

/** Folds case, accents, typographic quotes and dashes, as the gold phrases are compared. */
export function foldForGold(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2018\u2019\u201a\u201b\u2032\u02bc]/g, "'")
    .replace(/[\u201c\u201d\u201e\u201f\u2033]/g, '"')
    .replace(/[\u2010-\u2015]/g, '-')
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

/** True when a passage's text contains one of the gold phrases. */
export function isGold(text: string, gold: readonly string[]): boolean {
  const t = foldForGold(text);
  return gold.some((g) => t.includes(foldForGold(g)));
}

/** Quality of one system over the dev questions. */
export interface Quality {
  hit1: number;
  hit3: number;
  mrr: number;
  /** Unanswerable questions declined. */
  declined: number;
  unanswerable: number;
  /** Answerable questions wrongly declined. */
  wronglyDeclined: number;
  answerable: number;
  misses: string[];
  /** The answerable questions whose first excerpt is a good one. */
  firstHits: string[];
}

/**
 * Scores a system: `answer(q)` returns its ranked passage texts, or null when it declines.
 * hit@k and MRR count a declined answerable question as a miss.
 */
export function measure(dev: DevQuestions, answer: (q: string) => string[] | null): Quality {
  let hit1 = 0;
  let hit3 = 0;
  let rr = 0;
  let wronglyDeclined = 0;
  const misses: string[] = [];
  const firstHits: string[] = [];
  for (const { q, gold } of dev.answerable) {
    const texts = answer(q);
    if (!texts) {
      wronglyDeclined++;
      misses.push(`declined: ${q}`);
      continue;
    }
    const rank = texts.slice(0, 10).findIndex((t) => isGold(t, gold));
    if (rank === 0) {
      hit1++;
      firstHits.push(q);
    } else
      misses.push(`rank ${rank < 0 ? '>10' : rank + 1}: ${q} → ${texts[0]?.slice(0, 90) ?? '(nothing)'}`);
    if (rank >= 0 && rank < 3) hit3++;
    if (rank >= 0) rr += 1 / (rank + 1);
  }
  let declined = 0;
  for (const q of dev.unanswerable) {
    const texts = answer(q);
    if (!texts || texts.length === 0) declined++;
    else misses.push(`answered unanswerable: ${q} → ${texts[0]?.slice(0, 90)}`);
  }
  const n = dev.answerable.length;
  return {
    hit1: hit1 / n,
    hit3: hit3 / n,
    mrr: rr / n,
    declined,
    unanswerable: dev.unanswerable.length,
    wronglyDeclined,
    answerable: n,
    misses,
    firstHits,
  };
}

/**
 * The seed of the tuning / held-back split. Fixed once, before any tuning, and never changed:
 * a new seed would put questions that were tuned on into the held-back part.
 */
export const SPLIT_SEED = 'held-back-2026-11';
/** Share of each set's questions (answerable and unanswerable alike) used for tuning. */
export const TUNING_SHARE = 0.6;

/**
 * Splits a question set into a tuning part and a held-back part: a seeded shuffle (questions
 * ordered by a hash of the seed and their text) of the answerable and of the unanswerable
 * questions, the first 60 % of each for tuning. The split depends only on the questions' text,
 * so it is the same on every machine and a question never changes part when others are added.
 *
 * Thresholds, weights and word lists are tuned on `tuning` only; `heldBack` measures whether a
 * change generalises, and its figures are the ones reported.
 */
export function splitQuestions(
  set: DevQuestions,
  seed = SPLIT_SEED,
): { tuning: DevQuestions; heldBack: DevQuestions } {
  const order = <T>(items: T[], text: (t: T) => string): T[] =>
    items
      .map((item) => ({
        item,
        key: createHash('sha256')
          .update(`${seed}\0${text(item)}`)
          .digest('hex'),
      }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((x) => x.item);
  const answerable = order(set.answerable, (a) => a.q);
  const unanswerable = order(set.unanswerable, (q) => q);
  const cutA = Math.round(answerable.length * TUNING_SHARE);
  const cutU = Math.round(unanswerable.length * TUNING_SHARE);
  return {
    tuning: { answerable: answerable.slice(0, cutA), unanswerable: unanswerable.slice(0, cutU) },
    heldBack: { answerable: answerable.slice(cutA), unanswerable: unanswerable.slice(cutU) },
  };
}
