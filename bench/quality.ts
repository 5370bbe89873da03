import { readFileSync } from 'node:fs';

/** The dev questions: answerable ones with gold phrases, and ones the briefings don't answer. */
export interface DevQuestions {
  answerable: Array<{ q: string; gold: string[] }>;
  unanswerable: string[];
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
  for (const { q, gold } of dev.answerable) {
    const texts = answer(q);
    if (!texts) {
      wronglyDeclined++;
      misses.push(`declined: ${q}`);
      continue;
    }
    const rank = texts.slice(0, 10).findIndex((t) => isGold(t, gold));
    if (rank === 0) hit1++;
    else misses.push(`rank ${rank < 0 ? '>10' : rank + 1}: ${q} → ${texts[0]?.slice(0, 90) ?? '(nothing)'}`);
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
  };
}
