import { describe, expect, it } from 'vitest';
import type { Answer, AskOptions } from '../../src/answer/types.js';
import { Metrics, meterEngine } from '../../src/health/metrics.js';

/** The value of one sample line, e.g. `briefings_questions_total{outcome="answered"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('Metrics', () => {
  it('counts questions by outcome and times them', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    metrics.observeAnswer('answered', 0.02);
    metrics.observeAnswer('answered', 0.3);
    metrics.observeAnswer('declined', 0.004);
    const text = await metrics.render();
    expect(sample(text, 'briefings_questions_total{outcome="answered"}')).toBe(2);
    expect(sample(text, 'briefings_questions_total{outcome="declined"}')).toBe(1);
    expect(sample(text, 'briefings_answer_seconds_count')).toBe(3);
    expect(sample(text, 'briefings_answer_seconds_sum')).toBeCloseTo(0.324);
    expect(sample(text, 'briefings_answer_seconds_bucket{le="0.005"}')).toBe(1);
    expect(sample(text, 'briefings_answer_seconds_bucket{le="0.5"}')).toBe(3);
    expect(sample(text, 'briefings_answer_seconds_bucket{le="+Inf"}')).toBe(3);
  });

  it('shows both outcomes at zero before any question', async () => {
    const text = await new Metrics({ defaultMetrics: false }).render();
    expect(sample(text, 'briefings_questions_total{outcome="answered"}')).toBe(0);
    expect(sample(text, 'briefings_questions_total{outcome="declined"}')).toBe(0);
    expect(text).toContain('# TYPE briefings_answer_seconds histogram');
  });

  it('ignores a negative or non-finite duration but still counts the question', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    metrics.observeAnswer('answered', Number.NaN);
    metrics.observeAnswer('answered', -1);
    const text = await metrics.render();
    expect(sample(text, 'briefings_questions_total{outcome="answered"}')).toBe(2);
    expect(sample(text, 'briefings_answer_seconds_count')).toBe(0);
  });

  it('counts errors by kind and sets the gauges', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    metrics.error('interaction');
    metrics.error('interaction');
    metrics.error('store');
    metrics.setGateway(true);
    metrics.setPassages(245);
    let text = await metrics.render();
    expect(sample(text, 'briefings_errors_total{kind="interaction"}')).toBe(2);
    expect(sample(text, 'briefings_errors_total{kind="store"}')).toBe(1);
    expect(sample(text, 'briefings_gateway_up')).toBe(1);
    expect(sample(text, 'briefings_passages_loaded')).toBe(245);
    metrics.setGateway(false);
    text = await metrics.render();
    expect(sample(text, 'briefings_gateway_up')).toBe(0);
  });

  it('keeps each instance on its own registry, with the default process metrics', async () => {
    const a = new Metrics();
    const b = new Metrics();
    a.observeAnswer('declined', 0.01);
    const [textA, textB] = await Promise.all([a.render(), b.render()]);
    expect(sample(textA, 'briefings_questions_total{outcome="declined"}')).toBe(1);
    expect(sample(textB, 'briefings_questions_total{outcome="declined"}')).toBe(0);
    expect(textA).toContain('process_cpu_user_seconds_total');
    expect(textA).toContain('nodejs_eventloop_lag_seconds');
    expect(a.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('labels every series, process metrics included, with the labels it is given (a shard id)', async () => {
    const metrics = new Metrics({ labels: { shard: '3' } });
    metrics.observeAnswer('answered', 0.01);
    metrics.error('gateway');
    const text = await metrics.render();
    expect(sample(text, 'briefings_questions_total{outcome="answered",shard="3"}')).toBe(1);
    expect(sample(text, 'briefings_errors_total{kind="gateway",shard="3"}')).toBe(1);
    expect(sample(text, 'briefings_passages_loaded{shard="3"}')).toBe(0);
    const series = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    expect(series.length).toBeGreaterThan(20);
    expect(series.filter((line) => !line.includes('shard="3"'))).toEqual([]);
  });

  it('leaves the default process metrics out when asked', async () => {
    const text = await new Metrics({ defaultMetrics: false }).render();
    expect(text).not.toContain('process_cpu_user_seconds_total');
  });
});

describe('meterEngine', () => {
  /** A stand-in engine with what a proxy could break: a #private field, a getter, a method using both. */
  class StubEngine {
    #passages = ['Pranay Vaddi is a White House official.'];
    get passageCount(): number {
      return this.#passages.length;
    }
    briefings(): string[] {
      return this.#passages.map((_, i) => `briefing-${i}`);
    }
    ask(question: string, _options?: AskOptions): Answer {
      const answered = question.includes('Vaddi');
      return { question, answered, excerpts: [], notCovered: answered ? [] : ['france'], related: [] };
    }
  }

  it('counts and times first pages by outcome, not paging', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    const engine = meterEngine(new StubEngine(), metrics);
    expect(engine.ask('Who is Pranay Vaddi?').answered).toBe(true);
    expect(engine.ask('What is the capital of France?').answered).toBe(false);
    engine.ask('Who is Pranay Vaddi?', { offset: 3 });
    const text = await metrics.render();
    expect(sample(text, 'briefings_questions_total{outcome="answered"}')).toBe(1);
    expect(sample(text, 'briefings_questions_total{outcome="declined"}')).toBe(1);
    expect(sample(text, 'briefings_answer_seconds_count')).toBe(2);
  });

  it('leaves the rest of the engine working: getters, methods, private state', () => {
    const engine = meterEngine(new StubEngine(), new Metrics({ defaultMetrics: false }));
    expect(engine.passageCount).toBe(1);
    expect(engine.briefings()).toEqual(['briefing-0']);
    const { briefings } = engine;
    expect(briefings()).toEqual(['briefing-0']);
  });
});
