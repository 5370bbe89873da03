/**
 * Questions that say when the news came out: "what happened this week", "anything new today",
 * "what did Coast Radio report last month". The period is counted back from today (UTC) and
 * compared with each briefing's `date:`; only briefings dated within it are searched. Loosely, as
 * people speak: "last week" is the last two weeks, "last month" since the first of the month
 * before. A period matters only where the briefings have dates: in a folder with none, the words
 * are read as any others. A date written out ("in February 2016") is what the briefings are
 * about, not when they came out: it is matched as written.
 */
import type { QuestionTerm } from './question.js';
import { DOCUMENT_WORDS } from './scope.js';

/** A period a question names, as days `YYYY-MM-DD` (both included). */
export interface Period {
  /** The words as the question writes them ("this week"). */
  phrase: string;
  from: string;
  to: string;
  /**
   * Said of the present at large as often as of the day ("what is the US stance today?"): when
   * no briefing is dated then, the question is not narrowed (it asks for the latest instead).
   */
  loose?: true;
}

const DAY = 86_400_000;

/** The day `days` before `today`, as `YYYY-MM-DD`. */
function daysBefore(today: Date, days: number): string {
  return new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) - days * DAY)
    .toISOString()
    .slice(0, 10);
}

/** Each phrase, and the days it covers counted back from today. */
const PERIODS: Array<{
  pattern: RegExp;
  days: (today: Date) => [from: string, to: string];
  /** Also said of the present at large ("what is the US stance today?"): see `Period.loose`. */
  loose?: true;
}> = [
  { pattern: /\btoday\b/i, days: (t) => [daysBefore(t, 0), daysBefore(t, 0)], loose: true },
  { pattern: /\byesterday\b/i, days: (t) => [daysBefore(t, 1), daysBefore(t, 1)] },
  {
    pattern:
      /\b(?:this|past|the last) week\b|\b(?:last|past) (?:7|seven|few) days\b|\bthese (?:past |last )?few days\b/i,
    days: (t) => [daysBefore(t, 6), daysBefore(t, 0)],
  },
  { pattern: /\blast week\b/i, days: (t) => [daysBefore(t, 13), daysBefore(t, 0)] },
  {
    pattern: /\b(?:this|past|the last) month\b|\b(?:last|past) (?:30|thirty) days\b/i,
    days: (t) => [daysBefore(t, 30), daysBefore(t, 0)],
  },
  {
    pattern: /\blast month\b/i,
    days: (t) => [
      new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() - 1, 1)).toISOString().slice(0, 10),
      daysBefore(t, 0),
    ],
  },
  { pattern: /\bthis year\b/i, days: (t) => [`${t.getUTCFullYear()}-01-01`, daysBefore(t, 0)] },
  {
    pattern: /\blast year\b/i,
    days: (t) => [`${t.getUTCFullYear() - 1}-01-01`, `${t.getUTCFullYear() - 1}-12-31`],
  },
];

/** Words of a period phrase: as words of the question they say when, not what. */
const PERIOD_WORDS = new Set(['today', 'yesterday', 'week', 'month', 'year', 'day', 'past', 'last', 'few']);

/** The period a question names, the first in PERIODS' order, or undefined. */
export function findPeriod(text: string, today: Date): Period | undefined {
  for (const { pattern, days, loose } of PERIODS) {
    const m = pattern.exec(text);
    if (!m) continue;
    const [from, to] = days(today);
    return { phrase: m[0].toLowerCase(), from, to, ...(loose ? { loose } : {}) };
  }
  return undefined;
}

/**
 * The briefings dated within a period (1 each), or undefined when no briefing has a date at all,
 * or none is dated within a loose period ("today").
 */
export function periodBriefings(
  dates: ReadonlyArray<string | undefined>,
  period: Period,
): Uint8Array | undefined {
  if (!dates.some(Boolean)) return undefined;
  const within = Uint8Array.from(dates, (d) =>
    d !== undefined && d >= period.from && d <= period.to ? 1 : 0,
  );
  return period.loose && !within.includes(1) ? undefined : within;
}

/**
 * The question's terms with the words of its period, and words for the news itself ("any news
 * today?"), as words of an attribution (weighed lower, never missing).
 */
export function periodTerms(terms: readonly QuestionTerm[]): QuestionTerm[] {
  return terms.map((t) =>
    t.own && (PERIOD_WORDS.has(t.term) || DOCUMENT_WORDS.has(t.term)) ? { ...t, part: 'attribution' } : t,
  );
}
