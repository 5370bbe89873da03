/**
 * The decision: answer from the best passage, or decline. Two kinds of evidence:
 *
 * - A name or entity asked about that the briefings never mention ("What did China say?", "Who
 *   won the World Cup?" — a name of several words counts when the briefings never write those
 *   words together; a capitalised common word, "the Patriots", when nothing there comes near it),
 *   or a year they never write ("…in 2022?"): the briefings don't cover the question, and the
 *   answer says which names they never mention.
 *   An ordinary word the briefings lack is no such evidence: they may say it in other words
 *   ("laborers" → workers), and a word with no near neighbour at all weighs in the confidence.
 *   But when, besides such a word, the best passage matches none of the question's words as
 *   written (only near words: "good" → goods, "place" → set), nothing says the briefings are
 *   about what is asked ("whats a good pizza place around here"): declined, naming the word. A
 *   word met only by WordNet's broader or narrower words ("coin" → change) counts as such a word.
 *   Nor are they when neither the passage nor the sentences beside it hold a word of the question
 *   as written, in another form, corrected or as a synonym, nor a name it asks about: only words
 *   near in meaning by vector ("What unprecedented thing is the US observing?", asked of football
 *   briefings: "he insisted he would still find a way to play").
 * - A question asking what someone said ("What did Japan say…?") is declined when the best
 *   passage names them only as something else ("…trips to India and Japan"): re-ranking already
 *   prefers passages where they speak, and none was found.
 * - A question asking for particular things by name ("Which specific sanctions…?", "the names of
 *   the analysts…") is declined when the best passage names nothing and gives no figure beyond
 *   the question's own words: it can only speak of them in general.
 * - Otherwise one confidence, from how well the best passage matches: the share of the
 *   question's weight it matches by the words themselves and by near words, the important words
 *   it lacks, the names asked about that it lacks, whether it holds the time or number a "when"
 *   or "how many" question asks for, how near its meaning is to the question's (averaged word
 *   vectors), and the question's words nothing in the briefings matches. A logistic model,
 *   fitted on the tuning parts of the question sets (`npm run eval -- --fit`), turns these into
 *   a probability that the briefings answer the question; below the threshold, it declines.
 */
import type { QueryTerm } from './expand.js';
import type { AnalysedQuestion } from './question.js';
import type { Candidate } from './rerank.js';
import { YEAR } from './terms.js';
import type { DeclineReason } from './types.js';

/** The evidence the confidence is computed from, for the best passage. */
export interface DecisionFeatures {
  /** Share of the question's weight the passage matches by the words themselves (0–1). */
  exactShare: number;
  /** Share it matches only loosely, by synonyms, vectors or near spellings, each by its closeness (0–1). */
  looseShare: number;
  /** Share of the question's important weight the passage lacks (0–1). */
  missing: number;
  /** Names asked about that the passage and its neighbours lack, each weighed by its rarity (0–1). */
  namesMissing: number;
  /** 1 when the question asks for a time ("when", "what year") and the passage gives none. */
  timeMissing: number;
  /** 1 when the question asks for a number ("how many", "how much") and the passage gives none. */
  numberMissing: number;
  /** Cosine of the passage's meaning with the question's (word vectors, averaged). */
  meaning: number;
  /** Question terms that nothing in the briefings matches, as a share of the question's terms. */
  unmatched: number;
}

export const FEATURE_NAMES = [
  'exactShare',
  'looseShare',
  'missing',
  'namesMissing',
  'timeMissing',
  'numberMissing',
  'meaning',
  'unmatched',
] as const;

/** A logistic model over the features: intercept, then one weight per feature in FEATURE_NAMES order. */
export interface DecisionModel {
  intercept: number;
  weights: Record<(typeof FEATURE_NAMES)[number], number>;
  /** Least probability to answer. */
  threshold: number;
}

/** Fitted on the tuning parts of tests/*-questions.json by `npm run eval -- --fit`. */
export const DEFAULT_MODEL: DecisionModel = {
  intercept: -1.26,
  weights: {
    exactShare: 1.415,
    looseShare: 3.128,
    missing: -3.09,
    namesMissing: -3.88,
    timeMissing: -4.057,
    numberMissing: -4.29,
    meaning: 1.666,
    unmatched: -1.087,
  },
  threshold: 0.26,
};

export interface Decision {
  answered: boolean;
  reason?: DeclineReason;
  /** Words of the question the briefings never mention. */
  notCovered: string[];
  /** Probability that the best passage answers the question (0 when not covered). */
  confidence: number;
  features?: DecisionFeatures;
}

/** The evidence for answering `q` from the best of `ranked`. */
export function decisionFeatures(
  q: AnalysedQuestion,
  terms: QueryTerm[],
  ranked: Candidate[],
): DecisionFeatures | undefined {
  const best = ranked[0];
  if (!best) return undefined;
  const own = terms.filter((t) => t.own);
  return {
    exactShare: best.exactShare,
    looseShare: Math.max(0, best.share - best.exactShare),
    missing: best.missing,
    namesMissing: best.namesMissing,
    timeMissing: (q.type === 'when' || q.type === 'year') && !best.typeMatched ? 1 : 0,
    numberMissing:
      (q.type === 'number' || q.type === 'money' || q.type === 'percent') && !best.typeMatched ? 1 : 0,
    meaning: best.meaning,
    unmatched: own.length ? own.filter((t) => !t.covered).length / own.length : 0,
  };
}

/** The model's probability for these features. */
export function confidence(features: DecisionFeatures, model: DecisionModel = DEFAULT_MODEL): number {
  let z = model.intercept;
  for (const name of FEATURE_NAMES) z += model.weights[name] * features[name];
  return 1 / (1 + Math.exp(-z));
}

/**
 * A word met only by WordNet's broader or narrower words, neither by itself, a synonym nor a near
 * vector; a capitalised common word too ("GDP" → value), but never a proper name.
 */
function onlyRelated(t: QueryTerm): boolean {
  return !t.proper && t.covered && t.alternatives.every((a) => a.kind === 'related');
}

/** Answer or decline, and why. */
export function decide(
  q: AnalysedQuestion,
  terms: QueryTerm[],
  ranked: Candidate[],
  model: DecisionModel = DEFAULT_MODEL,
  missingNames: string[] = [],
  /** Whether the best passage or a sentence beside it holds a word of the question as written, corrected or by a synonym. */
  worded = true,
): Decision {
  if (!q.terms.length) {
    // "how much were blorfs": a word was there, but nothing reads it; that is what to say.
    const unread = [...new Set(q.ignored.map((w) => w.toLowerCase()))];
    if (unread.length) return { answered: false, reason: 'weak_match', notCovered: unread, confidence: 0 };
    return { answered: false, reason: 'empty', notCovered: [], confidence: 0 };
  }
  const notCovered = [
    ...new Set([
      // A year asked about and never written in the briefings, like a name, says they don't cover it.
      // So does a name that is also a common word ("the Patriots", "the Pentagon") when nothing in
      // the briefings matches it, in any form, by a synonym or a near word; not initials, which
      // often stand for common words ("RB", "TDs").
      ...terms
        .filter((t) => t.own && !t.covered && (t.proper || (t.name && !t.initials) || YEAR.test(t.surface)))
        .map((t) => t.surface),
      ...missingNames,
    ]),
  ];
  if (notCovered.length) return { answered: false, reason: 'not_covered', notCovered, confidence: 0 };
  // Declined on the evidence, the important words nothing in the briefings matched are worth
  // naming; and so are those that only a broader or narrower word matches ("coin" → change),
  // which the briefings never write either.
  const unmatched = [
    ...new Set(
      terms.filter((t) => t.own && t.important && (!t.covered || onlyRelated(t))).map((t) => t.surface),
    ),
  ];
  const features = decisionFeatures(q, terms, ranked);
  if (!features) return { answered: false, reason: 'weak_match', notCovered: unmatched, confidence: 0 };
  const p = confidence(features, model);
  // Nothing of the question in the passage as written, and a word of it (any word) nothing in the
  // briefings comes near: what it asks about is not there ("a good pizza place around here", "who
  // did the coin toss", where "coin" meets only "change", a broader word).
  // Nor when no word of the question is in the passage or beside it as written, in another form,
  // corrected or as a synonym, and no name it asks about: only words near in meaning ("What
  // unprecedented thing is the US observing?" of football briefings: "he insisted he would still
  // find a way to play").
  // Any word of the question counts for this, not only a noun or a name: the tagger's parts of
  // speech are least sure in a question ("Manning was the number one pick in which *draft*?").
  const stray = terms.some((t) => t.own && (!t.covered || onlyRelated(t)));
  const offTopic = features.exactShare === 0 && (stray || (!worded && ranked[0]!.namesMatched === 0));
  // "What did Japan say…?" answered by a sentence that names Japan only as somewhere to travel.
  const unheard = ranked[0]!.speakerUnheard;
  // "Which specific sanctions…?" answered by a sentence about sanctions in general.
  const unspecific = ranked[0]!.unspecific === true;
  if (p >= model.threshold && !offTopic && !unheard && !unspecific)
    return { answered: true, notCovered: [], confidence: p, features };
  return { answered: false, reason: 'weak_match', notCovered: unmatched, confidence: p, features };
}
