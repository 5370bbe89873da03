/**
 * Fitting the decision (`src/answer/decide.ts`): a logistic model of "the briefings answer this
 * question" over the evidence the engine measures for its best passage, fitted on the tuning parts
 * of the question sets only, and a threshold chosen on them. `npm run eval -- --fit` runs it and
 * prints the model to put in DEFAULT_MODEL.
 */
import type { Engine } from '../src/answer/engine.js';
import {
  decisionFeatures,
  FEATURE_NAMES,
  type DecisionFeatures,
  type DecisionModel,
} from '../src/answer/decide.js';
import type { DevQuestions } from './quality.js';

/** One question, as the decision sees it. */
export interface Sample {
  set: string;
  question: string;
  answerable: boolean;
  /** The evidence for the best passage; undefined when the question was declined before the model. */
  features?: DecisionFeatures;
}

/** The evidence for every question of a set, with whether the briefings answer it. */
export function collectSamples(engine: Engine, set: string, questions: DevQuestions): Sample[] {
  const sample = (question: string, answerable: boolean): Sample => {
    const trace = engine.trace(question);
    const { reason } = trace.decision;
    // Declined before the model weighs anything: nothing to ask, or a name the briefings lack.
    const features =
      reason === 'empty' || reason === 'not_covered'
        ? undefined
        : decisionFeatures(trace.question, trace.terms, trace.ranked);
    return { set, question, answerable, ...(features ? { features } : {}) };
  };
  return [
    ...questions.answerable.map((a) => sample(a.q, true)),
    ...questions.unanswerable.map((q) => sample(q, false)),
  ];
}

/**
 * Fits the logistic model by gradient descent with an L2 penalty, on standardised features.
 * Samples are weighted so that each set's answerable and unanswerable questions weigh the same in
 * all (a set of 500 answerable questions does not drown one of 20).
 */
export function fitLogistic(
  samples: Sample[],
  options: { l2?: number; epochs?: number } = {},
): Omit<DecisionModel, 'threshold'> {
  const { l2 = 0.01, epochs = 4000 } = options;
  const rows = samples.filter((s): s is Sample & { features: DecisionFeatures } => s.features !== undefined);
  const groups = new Map<string, number>();
  for (const r of rows)
    groups.set(`${r.set}/${r.answerable}`, (groups.get(`${r.set}/${r.answerable}`) ?? 0) + 1);
  const weight = rows.map((r) => 1 / groups.get(`${r.set}/${r.answerable}`)!);
  const total = weight.reduce((a, b) => a + b, 0);
  const x = rows.map((r) => FEATURE_NAMES.map((f) => r.features[f]));
  const y = rows.map((r) => (r.answerable ? 1 : 0));
  const k = FEATURE_NAMES.length;
  const mean = FEATURE_NAMES.map((_, j) => x.reduce((a, row, i) => a + row[j]! * weight[i]!, 0) / total);
  const sd = FEATURE_NAMES.map((_, j) => {
    const v = x.reduce((a, row, i) => a + (row[j]! - mean[j]!) ** 2 * weight[i]!, 0) / total;
    return Math.sqrt(v) || 1;
  });
  const z = x.map((row) => row.map((v, j) => (v - mean[j]!) / sd[j]!));
  const w = new Array<number>(k).fill(0);
  let b = 0;
  const rate = 0.5;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const gw = new Array<number>(k).fill(0);
    let gb = 0;
    for (let i = 0; i < z.length; i++) {
      let s = b;
      for (let j = 0; j < k; j++) s += w[j]! * z[i]![j]!;
      const err = (1 / (1 + Math.exp(-s)) - y[i]!) * weight[i]!;
      for (let j = 0; j < k; j++) gw[j]! += err * z[i]![j]!;
      gb += err;
    }
    for (let j = 0; j < k; j++) w[j]! -= rate * (gw[j]! / total + l2 * w[j]!);
    b -= (rate * gb) / total;
  }
  // Back to the raw features' scale.
  const weights = Object.fromEntries(
    FEATURE_NAMES.map((f, j) => [f, round(w[j]! / sd[j]!)]),
  ) as DecisionModel['weights'];
  const intercept = round(b - FEATURE_NAMES.reduce((a, _, j) => a + (w[j]! * mean[j]!) / sd[j]!, 0));
  return { intercept, weights };
}

/** Per set, at one threshold: answerable questions declined and unanswerable ones declined, as shares. */
export function declineRates(
  samples: Sample[],
  model: DecisionModel,
  probability: (f: DecisionFeatures, m: DecisionModel) => number,
): Map<string, { wronglyDeclined: number; declined: number; answerable: number; unanswerable: number }> {
  const out = new Map<
    string,
    { wronglyDeclined: number; declined: number; answerable: number; unanswerable: number }
  >();
  for (const s of samples) {
    const r = out.get(s.set) ?? { wronglyDeclined: 0, declined: 0, answerable: 0, unanswerable: 0 };
    const declined = !s.features || probability(s.features, model) < model.threshold;
    if (s.answerable) {
      r.answerable++;
      if (declined) r.wronglyDeclined++;
    } else {
      r.unanswerable++;
      if (declined) r.declined++;
    }
    out.set(s.set, r);
  }
  return out;
}

/**
 * The threshold that best separates the two kinds of question: the mean share of unanswerable
 * questions declined minus the mean share of answerable ones declined (over the sets that have
 * them), among thresholds that decline at most `maxWronglyDeclined` of the answerable questions
 * (mean share over the sets, and in every set of 100 or more answerable questions).
 */
export function chooseThreshold(
  samples: Sample[],
  model: Omit<DecisionModel, 'threshold'>,
  probability: (f: DecisionFeatures, m: DecisionModel) => number,
  maxWronglyDeclined: number,
): number {
  let best = 0;
  let bestScore = -Infinity;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / (xs.length || 1);
  for (let t = 0.02; t < 0.99; t += 0.01) {
    const threshold = round(t);
    const rates = [...declineRates(samples, { ...model, threshold }, probability).values()];
    const wrong = mean(rates.filter((r) => r.answerable).map((r) => r.wronglyDeclined / r.answerable));
    if (wrong > maxWronglyDeclined) continue;
    // A large set's rate is a reliable estimate on its own: it must keep within the bound too.
    if (rates.some((r) => r.answerable >= 100 && r.wronglyDeclined / r.answerable > maxWronglyDeclined))
      continue;
    const declined = mean(rates.filter((r) => r.unanswerable).map((r) => r.declined / r.unanswerable));
    if (declined - wrong > bestScore) {
      bestScore = declined - wrong;
      best = threshold;
    }
  }
  return best;
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
