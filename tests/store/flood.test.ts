import { describe, expect, it } from 'vitest';
import { DEFAULT_FLOOD_LIMITS, SlidingWindow, floodWindow, retryAfter } from '../../src/store/flood.js';

describe('SlidingWindow', () => {
  it('lets 5 questions in 10 s through and throttles the 6th until the oldest leaves the window', () => {
    const flood = new SlidingWindow();
    const limits = { limit: 5, windowSeconds: 10 };
    for (let t = 0; t < 5; t++) expect(flood.hit('u', limits, t * 1000)).toEqual({ ok: true });
    expect(flood.hit('u', limits, 5000)).toEqual({ ok: false, retryAfterSeconds: 5 });
    expect(flood.hit('u', limits, 9999)).toEqual({ ok: false, retryAfterSeconds: 1 });
    // The first question (t=0) leaves the window at t=10 s; throttled attempts were not counted.
    expect(flood.hit('u', limits, 10_000)).toEqual({ ok: true });
    expect(flood.hit('u', limits, 10_001)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(flood.hit('other', limits, 10_001)).toEqual({ ok: true });
  });

  it('is sliding: no burst of twice the limit around a window boundary', () => {
    const flood = new SlidingWindow();
    const limits = { limit: 5, windowSeconds: 10 };
    for (let i = 0; i < 5; i++) flood.hit('u', limits, 9_900 + i);
    expect(flood.hit('u', limits, 10_100).ok).toBe(false);
  });

  it('forgets users whose questions have all left the window', () => {
    const flood = new SlidingWindow();
    flood.hit('a', DEFAULT_FLOOD_LIMITS, 0);
    flood.hit('b', DEFAULT_FLOOD_LIMITS, 0);
    expect(flood.size).toBe(2);
    flood.hit('c', DEFAULT_FLOOD_LIMITS, 120_000);
    expect(flood.size).toBe(1);
  });
});

describe('flood limits', () => {
  it('defaults to 5 questions in 10 s', () => {
    expect(DEFAULT_FLOOD_LIMITS).toEqual({ limit: 5, windowSeconds: 10 });
  });

  it('rejects nonsensical limits', () => {
    expect(() => floodWindow({ limit: 0, windowSeconds: 10 })).toThrow(RangeError);
    expect(() => floodWindow({ limit: 2.5, windowSeconds: 10 })).toThrow(RangeError);
    expect(() => floodWindow({ limit: 5, windowSeconds: -1 })).toThrow(RangeError);
    expect(() => floodWindow({ limit: 5, windowSeconds: Number.NaN })).toThrow(RangeError);
    expect(floodWindow({ limit: 5, windowSeconds: 0.25 })).toEqual({ limit: 5, windowMs: 250 });
  });

  it('rounds waits up to whole seconds, at least 1', () => {
    expect(retryAfter(1)).toBe(1);
    expect(retryAfter(0)).toBe(1);
    expect(retryAfter(1000)).toBe(1);
    expect(retryAfter(1001)).toBe(2);
  });
});
