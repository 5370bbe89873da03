/**
 * The bot's Prometheus metrics, on a registry of their own (not prom-client's global one), so
 * several bots — or several tests — can each have theirs in one process.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Answer, AskOptions } from '../answer/types.js';

/** What became of a question: answered from the briefings, or declined as not covered. */
export type AnswerOutcome = 'answered' | 'declined';

/** Options for {@link Metrics}. */
export interface MetricsOptions {
  /** Also collect prom-client's default process metrics (CPU, memory, event loop, GC…). Default true. */
  defaultMetrics?: boolean;
  /** Upper bounds, in seconds, of the answer-time histogram's buckets. */
  answerBuckets?: readonly number[];
  /** Labels added to every series, e.g. `{ shard: '3' }` in a shard process. */
  labels?: Readonly<Record<string, string>>;
}

/**
 * Answering is in-memory retrieval plus one Discord reply: milliseconds to a few seconds. The
 * buckets are finest where answers normally land.
 */
export const DEFAULT_ANSWER_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/**
 * The counters, histogram and gauges the bot updates, and their text exposition for `GET /metrics`.
 *
 * @example
 * const metrics = new Metrics();
 * metrics.setPassages(engine.passageCount);
 * metrics.observeAnswer(answer.answered ? 'answered' : 'declined', seconds);
 * const text = await metrics.render(); // Prometheus text format, metrics.contentType
 */
export class Metrics {
  /** The registry holding every metric below (and the default process metrics, unless turned off). */
  readonly registry = new Registry();
  private readonly questions: Counter<'outcome'>;
  private readonly answerSeconds: Histogram;
  private readonly errors: Counter<'kind'>;
  private readonly gatewayUp: Gauge;
  private readonly passagesLoaded: Gauge;

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    if (options.labels) this.registry.setDefaultLabels({ ...options.labels });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.questions = new Counter({
      name: 'briefings_questions_total',
      help: 'Questions asked, by outcome: answered from the briefings or declined as not covered.',
      labelNames: ['outcome'] as const,
      registers,
    });
    // Both series exist from the start, so rate() and ratios work before the first decline.
    this.questions.inc({ outcome: 'answered' }, 0);
    this.questions.inc({ outcome: 'declined' }, 0);
    this.answerSeconds = new Histogram({
      name: 'briefings_answer_seconds',
      help: 'Time taken to find the answer to a question (retrieval and scoring), in seconds.',
      buckets: [...(options.answerBuckets ?? DEFAULT_ANSWER_BUCKETS)],
      registers,
    });
    this.errors = new Counter({
      name: 'briefings_errors_total',
      help: 'Errors caught while serving, by kind.',
      labelNames: ['kind'] as const,
      registers,
    });
    this.gatewayUp = new Gauge({
      name: 'briefings_gateway_up',
      help: 'Whether the Discord gateway connection is up (1) or not (0).',
      registers,
    });
    this.passagesLoaded = new Gauge({
      name: 'briefings_passages_loaded',
      help: 'Passages in the loaded search index.',
      registers,
    });
  }

  /** Counts one question by `outcome` and records how long answering it took. */
  observeAnswer(outcome: AnswerOutcome, seconds: number): void {
    this.questions.inc({ outcome });
    if (Number.isFinite(seconds) && seconds >= 0) this.answerSeconds.observe(seconds);
  }

  /**
   * Counts one error of `kind`. Use a small fixed set of kinds (e.g. `interaction`, `gateway`,
   * `store`): each distinct value is a time series of its own.
   */
  error(kind: string): void {
    this.errors.inc({ kind });
  }

  /** Records whether the gateway connection is up. */
  setGateway(up: boolean): void {
    this.gatewayUp.set(up ? 1 : 0);
  }

  /** Records how many passages the search index holds. */
  setPassages(count: number): void {
    this.passagesLoaded.set(count);
  }

  /** The `Content-Type` of {@link render}'s output (Prometheus text format 0.0.4). */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Every metric in the Prometheus text exposition format. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}

/** Anything that answers questions like the engine does. */
export interface AskingEngine {
  ask(question: string, options?: AskOptions): Answer;
}

/**
 * The same engine, with every question counted by outcome and timed in `metrics`. Paging through
 * more excerpts of a question already asked (`offset` > 0) is not counted again. Every other
 * property and method is the engine's own, unchanged.
 *
 * @example
 * const bot = await startBot(config, meterEngine(engine, metrics), logger);
 */
export function meterEngine<E extends AskingEngine>(engine: E, metrics: Metrics): E {
  const ask = (question: string, options?: AskOptions): Answer => {
    const started = performance.now();
    const answer = engine.ask(question, options);
    if (!options?.offset) {
      metrics.observeAnswer(answer.answered ? 'answered' : 'declined', (performance.now() - started) / 1000);
    }
    return answer;
  };
  // A proxy rather than a copy: getters (passageCount) and methods run on the engine itself.
  return new Proxy(engine, {
    get(target, property) {
      if (property === 'ask') return ask;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
