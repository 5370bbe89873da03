/**
 * The decision: one logistic confidence over the evidence, monotonic in each feature as its
 * weight says; a hard decline for names the briefings lack, and for a passage matching nothing as
 * written when a word asked about is like nothing in the briefings; and on a weak match, the
 * important words nothing matched are named.
 */
import { describe, expect, it } from 'vitest';
import {
  confidence,
  decide,
  DEFAULT_MODEL,
  FEATURE_NAMES,
  type DecisionFeatures,
  type DecisionModel,
} from '../../src/answer/decide.js';
import type { QueryTerm } from '../../src/answer/expand.js';
import type { AnalysedQuestion, QuestionTerm } from '../../src/answer/question.js';
import type { Candidate } from '../../src/answer/rerank.js';

/** Every feature at `value`, some set otherwise. */
function features(value: number, set: Partial<DecisionFeatures> = {}): DecisionFeatures {
  const all = {} as Record<(typeof FEATURE_NAMES)[number], number>;
  for (const name of FEATURE_NAMES) all[name] = value;
  return { ...all, ...set };
}

function questionTerm(term: string, set: Partial<QuestionTerm> = {}): QuestionTerm {
  return {
    term,
    surface: term,
    name: false,
    proper: false,
    important: true,
    surfaceKey: term,
    weight: 1,
    own: true,
    part: 'topic',
    ...set,
  } as QuestionTerm;
}

function question(terms: QuestionTerm[], type: AnalysedQuestion['type'] = 'other'): AnalysedQuestion {
  const text = terms.map((t) => t.surface).join(' ');
  return { text, normalised: text, type, terms, ignored: [], nameRuns: [] };
}

function queryTerm(surface: string, set: Partial<QueryTerm> = {}): QueryTerm {
  const covered = set.covered ?? true;
  return {
    surface,
    weight: 1,
    own: true,
    name: false,
    proper: false,
    important: true,
    alternatives: covered ? [{ id: 0, weight: 1, kind: 'exact' }] : [],
    idf: 1,
    covered,
    nearest: 0,
    vector: -1,
    ...set,
  } as QueryTerm;
}

function candidate(set: Partial<Candidate> = {}): Candidate {
  return {
    passage: 0,
    score: 10,
    share: 1,
    exactShare: 1,
    missing: 0,
    missingCount: 0,
    names: 0,
    namesMatched: 0,
    namesMissing: 0,
    typeMatched: true,
    meaning: 0.8,
    speakerUnheard: false,
    ...set,
  } as Candidate;
}

/** A model that answers whatever the evidence, and one that never does. */
const ALWAYS: DecisionModel = { ...DEFAULT_MODEL, threshold: 0 };
const NEVER: DecisionModel = { ...DEFAULT_MODEL, threshold: 1.01 };

describe('confidence', () => {
  it('is a probability', () => {
    for (const value of [0, 0.5, 1]) {
      const p = confidence(features(value));
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThan(1);
    }
  });

  it.each(FEATURE_NAMES)('moves with %s as the sign of its weight says', (name) => {
    const weight = DEFAULT_MODEL.weights[name];
    for (const base of [0, 0.3, 0.7]) {
      const low = confidence(features(base, { [name]: 0.1 }));
      const high = confidence(features(base, { [name]: 0.9 }));
      expect(Math.sign(high - low)).toBe(Math.sign(weight));
    }
  });

  it('follows the model it is given', () => {
    for (const name of FEATURE_NAMES) {
      const flipped: DecisionModel = {
        ...DEFAULT_MODEL,
        weights: { ...DEFAULT_MODEL.weights, [name]: -DEFAULT_MODEL.weights[name] },
      };
      const low = features(0.5, { [name]: 0.1 });
      const high = features(0.5, { [name]: 0.9 });
      expect(Math.sign(confidence(high, flipped) - confidence(low, flipped))).toBe(
        -Math.sign(DEFAULT_MODEL.weights[name]),
      );
    }
    const zero: DecisionModel = {
      intercept: 0,
      weights: features(0) as DecisionModel['weights'],
      threshold: 0.5,
    };
    expect(confidence(features(1), zero)).toBe(0.5);
  });

  it('is higher for a passage matching every word exactly than for one missing the names asked about', () => {
    const good = features(0, { exactShare: 1, meaning: 0.8 });
    const bad = features(0, { exactShare: 0.3, missing: 0.7, namesMissing: 1, unmatched: 0.5, meaning: 0.2 });
    expect(confidence(good)).toBeGreaterThan(confidence(bad));
  });
});

describe('decide', () => {
  it("declines a question with no terms as 'empty'", () => {
    const d = decide(question([]), [], []);
    expect(d).toMatchObject({ answered: false, reason: 'empty', notCovered: [], confidence: 0 });
    expect(decide(question([]), [], [candidate()], ALWAYS).reason).toBe('empty');
  });

  it('names the words nothing could read when they were all the question had ("how much were blorfs")', () => {
    const q = { ...question([]), ignored: ['Blorfs', 'blorfs', 'zxq'] };
    expect(decide(q, [], [], ALWAYS)).toEqual({
      answered: false,
      reason: 'weak_match',
      notCovered: ['blorfs', 'zxq'],
      confidence: 0,
    });
  });

  it("declines as 'not_covered' when the briefings lack a proper name asked about, naming each once", () => {
    const q = question([
      questionTerm('china', { name: true, proper: true }),
      questionTerm('sanction'),
      questionTerm('zorbakov', { name: true, proper: true }),
    ]);
    const terms = [
      queryTerm('china', { name: true, proper: true, covered: false }),
      queryTerm('sanctions'),
      queryTerm('zorbakov', { name: true, proper: true, covered: false }),
      queryTerm('china', { name: true, proper: true, covered: false }),
    ];
    // However good the best passage, and whatever the model.
    const d = decide(q, terms, [candidate()], ALWAYS);
    expect(d).toMatchObject({ answered: false, reason: 'not_covered', confidence: 0 });
    expect(d.notCovered).toEqual(['china', 'zorbakov']);
  });

  it("declines as 'not_covered' for a year the briefings never write, as for a name", () => {
    const q = question([questionTerm('win'), questionTerm('2022')]);
    const terms = [queryTerm('win'), queryTerm('2022', { covered: false })];
    expect(decide(q, terms, [candidate()], ALWAYS)).toMatchObject({
      answered: false,
      reason: 'not_covered',
      notCovered: ['2022'],
    });
    // A year they write, or any other number they don't, is left to the evidence.
    expect(decide(q, [terms[0]!, queryTerm('2022')], [candidate()], ALWAYS).answered).toBe(true);
    expect(decide(q, [terms[0]!, queryTerm('10', { covered: false })], [candidate()], ALWAYS).answered).toBe(
      true,
    );
  });

  it('never declines as not covered for a common word, nor for a name carried over from an earlier question', () => {
    const q = question([questionTerm('laborer'), questionTerm('vaddi', { name: true, proper: true })]);
    const terms = [
      queryTerm('laborers', { covered: false }),
      queryTerm('ukraine', { name: true, proper: true, covered: false, own: false, weight: 0.5 }),
      queryTerm('vaddi', { name: true, proper: true }),
      // Initials may stand for common words ("RB", "TDs"): no proof either.
      queryTerm('rb', { name: true, proper: false, initials: true, covered: false }),
    ];
    for (const model of [ALWAYS, NEVER, DEFAULT_MODEL])
      expect(decide(q, terms, [candidate()], model).reason).not.toBe('not_covered');
  });

  it("declines as 'not_covered' for a name that is also a common word when nothing in the briefings comes near it", () => {
    // "…when the Patriots failed their 2-point conversion?", asked of briefings that never name them.
    const q = question([questionTerm('patriot', { name: true }), questionTerm('conversion')]);
    const terms = [
      queryTerm('patriots', { name: true, proper: false, covered: false }),
      queryTerm('conversion'),
    ];
    expect(decide(q, terms, [candidate()], ALWAYS)).toMatchObject({
      answered: false,
      reason: 'not_covered',
      notCovered: ['patriots'],
    });
    // Met by a form or a near word, the evidence decides.
    const near = [queryTerm('patriots', { name: true, proper: false }), terms[1]!];
    expect(decide(q, near, [candidate()], ALWAYS).answered).toBe(true);
  });

  it('answers when the confidence reaches the threshold, and says how confident', () => {
    const q = question([questionTerm('sanction')]);
    const terms = [queryTerm('sanctions')];
    const ranked = [candidate(), candidate({ passage: 1, score: 2 })];
    const d = decide(q, terms, ranked, ALWAYS);
    expect(d.answered).toBe(true);
    expect(d.reason).toBeUndefined();
    expect(d.notCovered).toEqual([]);
    expect(d.features).toBeDefined();
    expect(d.confidence).toBeCloseTo(confidence(d.features!), 10);
    const declined = decide(q, terms, ranked, NEVER);
    expect(declined).toMatchObject({ answered: false, reason: 'weak_match' });
    expect(declined.confidence).toBeCloseTo(d.confidence, 10);
  });

  it("declines as 'weak_match' when nothing was retrieved", () => {
    const d = decide(question([questionTerm('sanction')]), [queryTerm('sanctions')], [], ALWAYS);
    expect(d).toMatchObject({ answered: false, reason: 'weak_match', confidence: 0 });
  });

  it('on a weak match, names the important words of the question nothing matched', () => {
    const q = question([
      questionTerm('penguin'),
      questionTerm('eat'),
      questionTerm('sanction'),
      questionTerm('cap'),
    ]);
    const terms = [
      queryTerm('penguins', { covered: false }),
      queryTerm('eat', { covered: false, important: false }),
      queryTerm('sanctions'),
      queryTerm('penguins', { covered: false }),
      queryTerm('cheese', { covered: false, own: false, weight: 0.5 }),
      queryTerm('cap', { covered: false }),
    ];
    const d = decide(q, terms, [candidate({ share: 0.3, exactShare: 0.3, missing: 0.6 })], NEVER);
    expect(d).toMatchObject({ answered: false, reason: 'weak_match' });
    expect(d.notCovered).toEqual(['penguins', 'cap']);
  });

  it('declines a passage matching no word as written when a word of the question is nowhere near the briefings', () => {
    const q = question([questionTerm('good'), questionTerm('pizza'), questionTerm('place')]);
    const terms = [
      queryTerm('good', { alternatives: [{ id: 1, weight: 0.8, kind: 'thesaurus' }] }),
      queryTerm('pizza', { covered: false }),
      queryTerm('place', { alternatives: [{ id: 2, weight: 0.5, kind: 'synonym' }] }),
    ];
    const loose = candidate({ share: 0.4, exactShare: 0 });
    // Whatever the confidence: only near words matched, and "pizza" is like nothing there.
    expect(decide(q, terms, [loose], ALWAYS)).toMatchObject({
      answered: false,
      reason: 'weak_match',
      notCovered: ['pizza'],
    });
    // One word matched as written, or every word near something: the confidence decides.
    expect(decide(q, terms, [candidate({ share: 0.4, exactShare: 0.1 })], ALWAYS).answered).toBe(true);
    const near = terms.map((t) =>
      t.covered ? t : queryTerm('pizza', { alternatives: [{ id: 3, weight: 0.6, kind: 'vector' }] }),
    );
    expect(decide(q, near, [loose], ALWAYS).answered).toBe(true);
  });

  it('counts any word of the question nowhere near the briefings for that, not only a noun or a name', () => {
    // "Manning was the number one pick in which draft?": the tagger calls "draft" no noun.
    const q = question([
      questionTerm('number'),
      questionTerm('pick'),
      questionTerm('draft', { important: false }),
    ]);
    const terms = [
      queryTerm('number', { alternatives: [{ id: 1, weight: 0.5, kind: 'vector' }] }),
      queryTerm('pick', { alternatives: [{ id: 2, weight: 0.4, kind: 'vector' }] }),
      queryTerm('draft', {
        important: false,
        weight: 0.5,
        alternatives: [{ id: 3, weight: 0.3, kind: 'related' }],
      }),
    ];
    const d = decide(q, terms, [candidate({ share: 0.4, exactShare: 0 })], ALWAYS);
    expect(d).toMatchObject({ answered: false, reason: 'weak_match' });
    // Only the important words are named as what the briefings lack.
    expect(d.notCovered).toEqual([]);
    // Matched as written somewhere in the passage: the confidence decides.
    expect(decide(q, terms, [candidate({ share: 0.4, exactShare: 0.2 })], ALWAYS).answered).toBe(true);
  });

  it('declines a passage holding no word of the question, nor a synonym, nor a name: only words near in meaning', () => {
    const q = question([questionTerm('unprecedented'), questionTerm('observing')]);
    const vector = (id: number) => ({ id, weight: 0.4, kind: 'vector' as const });
    const terms = [
      queryTerm('unprecedented', { alternatives: [vector(1)] }),
      queryTerm('observing', { alternatives: [vector(2)] }),
    ];
    const loose = candidate({ share: 0.34, exactShare: 0 });
    expect(decide(q, terms, [loose], ALWAYS, [], false)).toMatchObject({
      answered: false,
      reason: 'weak_match',
    });
    // A synonym of one of them in the passage (or beside it), or a name asked about: the confidence decides.
    expect(decide(q, terms, [loose], ALWAYS, [], true).answered).toBe(true);
    expect(
      decide(
        q,
        terms,
        [candidate({ share: 0.34, exactShare: 0, names: 1, namesMatched: 1 })],
        ALWAYS,
        [],
        false,
      ).answered,
    ).toBe(true);
    // So does a word matched as written.
    expect(decide(q, terms, [candidate({ share: 0.4, exactShare: 0.1 })], ALWAYS, [], false).answered).toBe(
      true,
    );
  });

  it('counts a word met only by broader or narrower words as like nothing in the briefings ("coin" → change)', () => {
    const q = question([questionTerm('coin'), questionTerm('toss')]);
    const related = (id: number) => ({ id, weight: 0.3, kind: 'related' as const });
    const terms = [
      queryTerm('coin', { alternatives: [related(1)] }),
      queryTerm('toss', { alternatives: [related(2)] }),
    ];
    const loose = candidate({ share: 0.3, exactShare: 0 });
    expect(decide(q, terms, [loose], ALWAYS)).toMatchObject({
      answered: false,
      reason: 'weak_match',
      notCovered: ['coin', 'toss'],
    });
    // A synonym or a near vector is a near word: the confidence decides.
    const near = [
      queryTerm('coin', { alternatives: [related(1), { id: 3, weight: 0.5, kind: 'synonym' }] }),
      terms[1]!,
    ];
    near[1] = queryTerm('toss', { alternatives: [{ id: 4, weight: 0.6, kind: 'vector' }] });
    expect(decide(q, near, [loose], ALWAYS).answered).toBe(true);
    // So does one word matched as written.
    expect(decide(q, terms, [candidate({ share: 0.4, exactShare: 0.1 })], ALWAYS).answered).toBe(true);
    // A capitalised common word ("GDP") is judged as any word; a proper name is never expanded.
    const gdp = [queryTerm('gdp', { name: true, alternatives: [related(1)] }), near[1]!];
    expect(decide(q, gdp, [loose], ALWAYS)).toMatchObject({ answered: false, notCovered: ['gdp'] });
    const named = [queryTerm('coin', { name: true, proper: true, alternatives: [related(1)] }), near[1]];
    expect(decide(q, named, [loose], ALWAYS).answered).toBe(true);
  });

  it('declines when the best passage names the speaker asked about without letting them speak', () => {
    const q = question([questionTerm('japan', { name: true, speaker: true }), questionTerm('sanctions')]);
    const terms = [queryTerm('japan', { name: true, speaker: true }), queryTerm('sanctions')];
    expect(decide(q, terms, [candidate({ speakerUnheard: true })], ALWAYS)).toMatchObject({
      answered: false,
      reason: 'weak_match',
    });
    expect(decide(q, terms, [candidate()], ALWAYS).answered).toBe(true);
  });

  it('declines a question asking for particular things when the best passage names none', () => {
    const q = { ...question([questionTerm('sanctions')]), specific: true };
    const terms = [queryTerm('sanctions')];
    expect(decide(q, terms, [candidate({ unspecific: true })], ALWAYS)).toMatchObject({
      answered: false,
      reason: 'weak_match',
    });
    expect(decide(q, terms, [candidate()], ALWAYS).answered).toBe(true);
  });

  it('takes the type features from the question type and the best passage', () => {
    const ranked = (typeMatched: boolean) => [
      candidate({ typeMatched }),
      candidate({ passage: 1, score: 5 }),
    ];
    const types = ['when', 'year', 'number', 'who', 'where', 'other'] as const;
    for (const type of types) {
      const q = question([questionTerm('meeting')], type);
      const lacking = decide(q, [queryTerm('meeting')], ranked(false), ALWAYS).features!;
      expect(lacking).toMatchObject({
        timeMissing: type === 'when' || type === 'year' ? 1 : 0,
        numberMissing: type === 'number' ? 1 : 0,
      });
      const holding = decide(q, [queryTerm('meeting')], ranked(true), ALWAYS).features!;
      expect(holding).toMatchObject({ timeMissing: 0, numberMissing: 0 });
    }
  });

  it('counts the question’s own words nothing matched as a share of its own words', () => {
    const q = question([questionTerm('penguin'), questionTerm('sanction')]);
    const terms = [
      queryTerm('penguins', { covered: false }),
      queryTerm('sanctions'),
      queryTerm('cheese', { covered: false, own: false, weight: 0.5 }),
    ];
    expect(decide(q, terms, [candidate()], ALWAYS).features!.unmatched).toBeCloseTo(0.5, 10);
  });
});
