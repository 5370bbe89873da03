import { describe, expect, it } from 'vitest';
import {
  buildFeedbackReport,
  isFeedbackRecord,
  normalizeQuestion,
  questionKey,
  voteTime,
  voterKey,
} from '../../src/store/feedback.js';
import type { FeedbackRecord } from '../../src/store/feedback.js';

const record = (
  question: string,
  vote: 'up' | 'down',
  at: number,
  extra: Partial<FeedbackRecord> = {},
): FeedbackRecord => ({
  questionKey: questionKey(question),
  question,
  passages: [`${question}#1`],
  vote,
  guildId: 'g1',
  at,
  ...extra,
});

describe('feedback keys', () => {
  it('treats case, spacing and trailing punctuation as the same question', () => {
    expect(normalizeQuestion('  Who IS   Pranay Vaddi?? ')).toBe('who is pranay vaddi');
    expect(questionKey('Who is Pranay Vaddi?')).toBe(questionKey('who is pranay vaddi'));
    expect(questionKey('Who is Pranay Vaddi?')).not.toBe(questionKey('Who is Lavrov?'));
  });

  it('hashes the voter per question and per salt, never keeping the id', () => {
    const q1 = questionKey('q1');
    const q2 = questionKey('q2');
    const key = voterKey('salt', q1, '123456789012345678');
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(key).not.toContain('123456789012345678');
    expect(voterKey('salt', q1, '123456789012345678')).toBe(key);
    expect(voterKey('salt', q2, '123456789012345678')).not.toBe(key);
    expect(voterKey('other', q1, '123456789012345678')).not.toBe(key);
    expect(voterKey('salt', q1, '123456789012345679')).not.toBe(key);
  });

  it('reads vote times given as Date, ISO string or milliseconds', () => {
    expect(voteTime(new Date(5))).toBe(5);
    expect(voteTime('1970-01-01T00:00:01.000Z')).toBe(1000);
    expect(voteTime(42)).toBe(42);
    expect(voteTime('not a date', 7)).toBe(7);
    expect(voteTime(undefined, 9)).toBe(9);
  });

  it('recognises stored votes and skips anything else', () => {
    expect(isFeedbackRecord(record('q', 'up', 1))).toBe(true);
    expect(isFeedbackRecord({ ...record('q', 'up', 1), vote: 'meh' })).toBe(false);
    expect(isFeedbackRecord({ ...record('q', 'up', 1), passages: [1] })).toBe(false);
    expect(isFeedbackRecord('q')).toBe(false);
    expect(isFeedbackRecord(null)).toBe(false);
  });
});

describe('buildFeedbackReport', () => {
  it('orders by most 👎, then fewest 👍, then most recent, and honours the limit', () => {
    const records = [
      record('b', 'down', 1),
      record('a', 'down', 1),
      record('a', 'down', 2),
      record('c', 'down', 1),
      record('c', 'down', 5),
      record('c', 'up', 3),
      record('d', 'down', 1),
      record('d', 'down', 2),
      record('d', 'up', 9),
      record('e', 'up', 1),
    ];
    const report = buildFeedbackReport(records, 10);
    expect(report.entries.map((e) => e.question)).toEqual(['a', 'd', 'c', 'b']);
    expect(report).toMatchObject({ questions: 5, votes: 10, up: 3, down: 7 });
    expect(buildFeedbackReport(records, 2).entries.map((e) => e.question)).toEqual(['a', 'd']);
    expect(buildFeedbackReport(records, 0).entries).toEqual([]);
  });

  it('shows the passages of the latest 👎, the latest wording, and the servers it came from', () => {
    const q = 'who leads the talks';
    const report = buildFeedbackReport(
      [
        record(q, 'down', 1, { passages: ['old#1'], guildId: 'g1' }),
        record(q, 'down', 3, {
          passages: ['new#1', 'new#2'],
          guildId: 'g2',
          question: 'Who leads the talks?',
        }),
        record(q, 'up', 4, { passages: ['up#1'], guildId: null }),
      ],
      5,
    );
    expect(report.entries).toEqual([
      {
        question: 'who leads the talks',
        down: 2,
        up: 1,
        passages: ['new#1', 'new#2'],
        servers: 3,
        lastVoteAt: new Date(4).toISOString(),
      },
    ]);
  });

  it('is empty without votes', () => {
    expect(buildFeedbackReport([], 10)).toEqual({ questions: 0, votes: 0, up: 0, down: 0, entries: [] });
  });
});
