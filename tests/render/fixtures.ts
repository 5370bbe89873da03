/**
 * Hand-written answers about the seed briefings (Russia–North Korea military cooperation),
 * and small checkers shared by the renderer tests.
 */
import type { Answer, BriefingSummary, Excerpt, Highlight } from '../../src/answer/types.js';

/** Highlights for the first whole-word occurrence of each word (case-insensitive). */
export function hl(text: string, ...words: string[]): Highlight[] {
  return words
    .map((w) => {
      const m = new RegExp(
        `(?<![\\p{L}\\p{N}])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`,
        'iu',
      ).exec(text);
      if (!m) throw new Error(`fixture: "${w}" not in "${text}"`);
      return { start: m.index, end: m.index + w.length };
    })
    .sort((a, b) => a.start - b.start);
}

const OFFICIAL = {
  briefing: 'us-official-russia-north-korea-cooperation',
  title: 'US Official Highlights Rising Russia–North Korea Military Cooperation',
  source: 'TASS and official briefings by US government channels',
};
const MEASURES = {
  briefing: 'us-measures-against-russia-north-korea-defense-ties',
  title: 'US Plans Measures to Counter Russia–North Korea Defense Cooperation',
  source: 'U.S. Department of State statements and subsequent analyses by regional observers',
};

export function excerpt(text: string, words: string[], extra: Partial<Excerpt> = {}): Excerpt {
  return { ...OFFICIAL, text, score: 1, passage: 0, highlights: hl(text, ...words), ...extra };
}

export const UNPRECEDENTED = excerpt(
  'According to his briefing, the United States is observing an unprecedented degree of military cooperation developing between Russia and North Korea, a trend he stated has not been witnessed before.',
  ['military', 'cooperation', 'Russia', 'North', 'Korea'],
  { score: 4.2, passage: 4, date: '2024-03-05', url: 'https://tass.com/world/1760001' },
);

export const SANCTIONS = excerpt(
  'Since 2006, UN Security Council resolutions have prohibited the supply, sale, or transfer of military equipment and related materials to North Korea that could support weapons of mass destruction.',
  ['military', 'North', 'Korea'],
  { score: 2.9, passage: 9 },
);

export const KRITENBRINK = excerpt(
  'Kritenbrink emphasized that Washington is watching Moscow and Pyongyang’s growing alignment with heightened vigilance and is prepared to respond with a concrete set of actions that address the evolving security landscape in the region.',
  ['Moscow', 'Pyongyang'],
  { ...MEASURES, score: 2.1, passage: 2 },
);

export const VOSTOCHNY = excerpt(
  'In another notable development, discussions or engagements involving Vladimir Putin previously included a planned meeting with Kim Jong-un at the Vostochny Cosmodrome, a site known for Russia’s space endeavors.',
  ['Putin', 'Kim', 'Jong-un'],
  { score: 1.7, passage: 12 },
);

export const ANSWERED: Answer = {
  question: 'How closely are Russia and North Korea cooperating militarily?',
  answered: true,
  excerpts: [UNPRECEDENTED, SANCTIONS, KRITENBRINK],
  notCovered: [],
  related: [],
};

export const NOT_COVERED: Answer = {
  question: 'What does France think about the cooperation?',
  answered: false,
  excerpts: [],
  notCovered: ['france'],
  related: [UNPRECEDENTED],
  reason: 'not_covered',
};

export const WEAK: Answer = {
  question: 'Did Russia send tanks to North Korea by train?',
  answered: false,
  excerpts: [],
  notCovered: [],
  related: [],
  reason: 'weak_match',
};

export const EMPTY: Answer = {
  question: '?',
  answered: false,
  excerpts: [],
  notCovered: [],
  related: [],
  reason: 'empty',
};

export const SUMMARIES: BriefingSummary[] = [
  {
    id: MEASURES.briefing,
    title: MEASURES.title,
    source: MEASURES.source,
    passages: 24,
    opening:
      'The United States is signaling a plan to implement a sequence of measures aimed at cooling and countering the defense collaboration between Russia and North Korea.',
  },
  {
    id: OFFICIAL.briefing,
    title: OFFICIAL.title,
    source: OFFICIAL.source,
    date: '2024-03-05',
    url: 'https://tass.com/world/1760001',
    passages: 27,
    opening:
      'A senior US national security official warned that Moscow could dramatically raise the threat level posed by North Korea over the next decade.',
  },
];

/** Replies to chat intents, as the engine gives them. */
const chat = (question: string, intent: Answer['intent'], extra: Partial<Answer> = {}): Answer => ({
  question,
  answered: false,
  excerpts: [],
  notCovered: [],
  related: [],
  intent,
  ...extra,
});
export const GREETING = chat('hey there bot', 'greeting');
export const THANKS = chat('thanks!', 'thanks');
export const HELP = chat('what can you do', 'help');
export const SOURCES = chat('sources?', 'sources', { briefings: SUMMARIES });

/** Leads of the two briefings, as `Engine.lead` quotes them. */
export const LEAD_MEASURES: Excerpt = {
  ...MEASURES,
  text: `${SUMMARIES[0]!.opening} This stance was conveyed by Daniel Kritenbrink, the Assistant Secretary of State for East Asian and Pacific Affairs.`,
  score: 0,
  passage: 0,
  highlights: [],
};
export const LEAD_OFFICIAL: Excerpt = {
  ...OFFICIAL,
  text: `${SUMMARIES[1]!.opening} The comment came as part of briefing material shared with the press and reported by TASS.`,
  date: '2024-03-05',
  url: 'https://tass.com/world/1760001',
  score: 0,
  passage: 0,
  highlights: [],
};
export const SUMMARY_ONE = chat('summary of the State Department briefing', 'summary', {
  answered: true,
  excerpts: [LEAD_MEASURES],
  briefings: [SUMMARIES[0]!],
});
export const SUMMARY_ALL = chat('tldr', 'summary', {
  answered: true,
  excerpts: [LEAD_OFFICIAL, LEAD_MEASURES],
  briefings: [SUMMARIES[1]!, SUMMARIES[0]!],
});

/** Every string a user could see in a payload (content, embed texts, button labels). */
export function visibleStrings(payload: {
  content?: string;
  embeds: {
    title?: string;
    description?: string;
    fields?: { name: string; value: string }[];
    footer?: { text: string };
    author?: { name: string };
  }[];
  components: { components: { label?: string }[] }[];
}): string[] {
  const out: string[] = [];
  if (payload.content !== undefined) out.push(payload.content);
  for (const e of payload.embeds) {
    for (const s of [e.title, e.description, e.footer?.text, e.author?.name])
      if (s !== undefined) out.push(s);
    for (const f of e.fields ?? []) out.push(f.name, f.value);
  }
  for (const row of payload.components)
    for (const c of row.components) if (c.label !== undefined) out.push(c.label);
  return out;
}

/** Markdown with each backslash escape replaced by a letter: what remains are the real markers. */
export const unescaped = (md: string): string => md.replace(/\\[^\s]/gu, 'E');

/** How many times `marker` occurs, unescaped, in `md`. */
export function markerCount(md: string, marker: string): number {
  return unescaped(md).split(marker).length - 1;
}

/** A mention that would ping or render: `@everyone`, `@here`, `<@…>`, `<@&…>`, `<#…>`. */
export const LIVE_MENTION = /@(everyone|here)|<[@#]/i;
