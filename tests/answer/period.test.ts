import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/answer/engine.js';
import { findPeriod, periodBriefings } from '../../src/answer/period.js';
import { engineWithBriefings } from './one-briefing.js';

const TODAY = new Date(Date.UTC(2026, 11, 1, 15, 30)); // 1 December 2026

describe('findPeriod', () => {
  it('counts the period a question names back from today', () => {
    expect(findPeriod('any news today?', TODAY)).toEqual({
      phrase: 'today',
      from: '2026-12-01',
      to: '2026-12-01',
      loose: true,
    });
    expect(findPeriod('What happened yesterday', TODAY)).toMatchObject({
      from: '2026-11-30',
      to: '2026-11-30',
    });
    expect(findPeriod('what happened this week', TODAY)).toMatchObject({
      from: '2026-11-25',
      to: '2026-12-01',
    });
    // "last week", loosely: the last two weeks.
    expect(findPeriod('what did the ministry say last week', TODAY)).toMatchObject({
      phrase: 'last week',
      from: '2026-11-18',
    });
    expect(findPeriod('anything from last month?', TODAY)).toMatchObject({
      from: '2026-11-01',
      to: '2026-12-01',
    });
    expect(findPeriod('news from last year', TODAY)).toMatchObject({ from: '2025-01-01', to: '2025-12-31' });
  });

  it('reads a date written out as what the briefings are about, not when they came out', () => {
    expect(findPeriod('What happened on February 7, 2016?', TODAY)).toBeUndefined();
    expect(findPeriod('Who won in 2015?', TODAY)).toBeUndefined();
  });

  it('narrows to the briefings dated within it, or to none, and says nothing where no briefing has a date', () => {
    const week = findPeriod('this week', TODAY)!;
    expect([...periodBriefings(['2026-11-30', '2026-10-01', undefined], week)!]).toEqual([1, 0, 0]);
    expect([...periodBriefings(['2026-10-01'], week)!]).toEqual([0]);
    expect(periodBriefings([undefined, undefined], week)).toBeUndefined();
    // "today" is also said of the present at large: with nothing dated today, no narrowing.
    const today = findPeriod('what is the US stance today', TODAY)!;
    expect([...periodBriefings(['2026-12-01', '2026-11-28'], today)!]).toEqual([1, 0]);
    expect(periodBriefings(['2026-11-28'], today)).toBeUndefined();
  });
});

describe('a question naming when the news came out', () => {
  const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
  let port: Engine;
  beforeAll(async () => {
    port = await engineWithBriefings([
      {
        file: 'old.md',
        title: 'Timetable to change',
        source: 'Gazette',
        date: day(400),
        text: 'The harbour authority said the ferry timetable would change in spring.',
      },
      {
        file: 'new.md',
        title: 'Ferries cut',
        source: 'Coast Radio',
        date: day(2),
        text: 'The harbour authority said the ferry timetable would drop to two sailings a day. Islanders protested.',
      },
    ]);
  });

  it('is answered from the briefings dated then only', () => {
    const plain = port.ask('what did the harbour authority say about the ferry timetable');
    expect(plain.excerpts[0]!.briefing).toBe('old');
    const a = port.ask('what did the harbour authority say about the ferry timetable this week');
    expect(a).toMatchObject({ answered: true, period: 'this week', searched: 1 });
    expect(a.excerpts.map((e) => e.briefing)).toEqual(['new']);
    const older = port.ask('what did the harbour authority say about the ferry timetable last year');
    expect(older.excerpts.every((e) => e.briefing === 'old')).toBe(true);
  });

  it('asked nothing but when, quotes the openings of the briefings from then', () => {
    const a = port.ask('what happened this week?');
    expect(a).toMatchObject({ intent: 'summary', answered: true, period: 'this week' });
    expect(a.excerpts.map((e) => e.briefing)).toEqual(['new']);
  });

  it('declines, saying so, when no briefing is dated then', () => {
    const a = port.ask('what did the harbour authority say yesterday about the ferries');
    expect(a).toMatchObject({ answered: false, period: 'yesterday', searched: 0, related: [] });
  });

  it('reads "today", when nothing is dated today, as asking for the latest', () => {
    const a = port.ask('any news today?');
    expect(a).toMatchObject({ intent: 'summary', answered: true });
    expect(a.period).toBeUndefined();
    expect(a.excerpts[0]!.briefing).toBe('new');
    const b = port.ask('what did the harbour authority say about the ferry timetable today');
    expect(b.answered).toBe(true);
    expect(b.period).toBeUndefined();
    expect(b.excerpts[0]!.briefing).toBe('new');
  });

  it('keeps the period of the question before for a follow-up', () => {
    const a = port.ask('and the timetable?', { context: 'what did the harbour authority say this week' });
    expect(a.period).toBe('this week');
    expect(a.excerpts.every((e) => e.briefing === 'new')).toBe(true);
    expect(a.intent).toBeUndefined();
  });

  it('is read as any words in briefings without dates', async () => {
    const undated = await engineWithBriefings([
      { file: 'a.md', title: 'A', source: 'Club', text: 'The club meets this week on Thursday.' },
    ]);
    const a = undated.ask('when does the club meet this week?');
    expect(a.period).toBeUndefined();
    expect(a.answered).toBe(true);
  });
});
