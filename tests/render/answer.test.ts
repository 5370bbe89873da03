import type { InteractionReplyOptions, MessageCreateOptions, MessageReplyOptions } from 'discord.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Answer, BriefingSummary, Excerpt } from '../../src/answer/types.js';
import { renderAnswer } from '../../src/render/answer.js';
import { renderHelp, renderSources } from '../../src/render/briefings.js';
import { LIMITS, payloadViolations } from '../../src/render/limits.js';
import { toDiscordJs, toDiscordJsMessage } from '../../src/render/message.js';
import {
  ANSWERED,
  EMPTY,
  excerpt,
  GREETING,
  HELP,
  hl,
  KRITENBRINK,
  LEAD_MEASURES,
  LIVE_MENTION,
  markerCount,
  NOT_COVERED,
  SANCTIONS,
  SOURCES,
  SUMMARIES,
  SUMMARY_ALL,
  SUMMARY_ONE,
  THANKS,
  UNPRECEDENTED,
  visibleStrings,
  VOSTOCHNY,
  WEAK,
} from './fixtures.js';

const BUTTONS = { more: 'ask:more:7f3a:3', feedback: { up: 'ask:fb:7f3a:up', down: 'ask:fb:7f3a:down' } };

describe('renderAnswer: answered', () => {
  const msg = renderAnswer(ANSWERED, { buttons: BUTTONS });
  const embed = msg.embeds[0];
  const description = embed?.description ?? '';

  it('is one embed, valid, and mentions nobody', () => {
    expect(msg.embeds).toHaveLength(1);
    expect(payloadViolations(msg)).toEqual([]);
    expect(msg.allowed_mentions).toEqual({ parse: [], replied_user: false });
    expect(msg.flags).toBeUndefined();
  });

  it('echoes the question as the title', () => {
    expect(embed?.title).toBe('How closely are Russia and North Korea cooperating militarily?');
  });

  it('quotes each excerpt, matched words in bold, adjacent ones merged', () => {
    const quotes = description.split('\n').filter((l) => l.startsWith('> '));
    expect(quotes).toHaveLength(3);
    expect(quotes[0]).toBe(
      '> According to his briefing, the United States is observing an unprecedented degree of **military cooperation** developing between **Russia** and **North Korea**, a trend he stated has not been witnessed before.',
    );
    expect(quotes[2]).toContain('watching **Moscow** and **Pyongyang**’s growing alignment');
  });

  it('puts the title, source and date under each quote, the title linked when there is a url', () => {
    const lines = description.split('\n');
    expect(lines[1]).toBe(
      '— [*US Official Highlights Rising Russia–North Korea Military Cooperation*](https://tass.com/world/1760001) · TASS and official briefings by US government channels · 2024-03-05',
    );
    expect(description).toContain(
      '— *US Official Highlights Rising Russia–North Korea Military Cooperation* · TASS and official briefings by US government channels\n',
    );
    expect(description).toContain(
      '— *US Plans Measures to Counter Russia–North Korea Defense Cooperation* · U.S. Department of State',
    );
  });

  it('names the other briefings that give a quote word for word, escaped, after its own source', () => {
    const other = {
      briefing: 'b',
      title: 'Harbour *news* @everyone',
      source: 'Gazette',
      url: 'https://x.test/',
    };
    const once = renderAnswer({ ...ANSWERED, excerpts: [{ ...SANCTIONS, alsoIn: [other] }] });
    expect(once.embeds[0]!.description).toContain(
      '— *US Official Highlights Rising Russia–North Korea Military Cooperation* · TASS and official briefings by US government channels (also in *Harbour \\*news\\* @\u200beveryone*)',
    );
    const many = [1, 2, 3, 4].map((n) => ({ ...other, briefing: `b${n}`, title: `Copy ${n}` }));
    const four = renderAnswer({ ...ANSWERED, excerpts: [{ ...SANCTIONS, alsoIn: many }] });
    expect(four.embeds[0]!.description).toContain('(also in *Copy 1*, *Copy 2* and 2 more)');
  });

  it('keeps the excerpts in order, best first', () => {
    const at = (s: string): number => description.indexOf(s);
    expect(at('unprecedented')).toBeLessThan(at('Since 2006'));
    expect(at('Since 2006')).toBeLessThan(at('Kritenbrink'));
  });

  it('places the More and 👍/👎 buttons with the given custom ids', () => {
    expect(msg.components).toHaveLength(1);
    const buttons = msg.components[0]?.components ?? [];
    expect(buttons.map((b) => b.custom_id)).toEqual([
      BUTTONS.more,
      BUTTONS.feedback.up,
      BUTTONS.feedback.down,
    ]);
    expect(buttons.map((b) => b.emoji?.name)).toEqual([undefined, '👍', '👎']);
    expect(buttons[0]?.label).toBe('More excerpts');
    expect(embed?.footer?.text).toContain('Was this helpful?');
  });

  it('has no buttons unless asked, and an ephemeral flag when private', () => {
    const bare = renderAnswer(ANSWERED, { private: true });
    expect(bare.components).toEqual([]);
    expect(bare.flags).toBe(64);
    expect(bare.embeds[0]?.footer?.text).not.toContain('helpful');
    expect(renderAnswer(ANSWERED, { buttons: { more: null, feedback: null } }).components).toEqual([]);
  });

  it('rejects custom ids Discord would reject', () => {
    expect(() => renderAnswer(ANSWERED, { buttons: { more: 'x'.repeat(101) } })).toThrow(RangeError);
    expect(() => renderAnswer(ANSWERED, { buttons: { more: '' } })).toThrow(RangeError);
    expect(() => renderAnswer(ANSWERED, { buttons: { feedback: { up: 'same', down: 'same' } } })).toThrow(
      /duplicate/,
    );
    expect(() => renderAnswer(ANSWERED, { buttons: { more: 'x'.repeat(100) } })).not.toThrow();
  });

  it('escapes markdown inside the briefing text itself', () => {
    const ex = excerpt(
      'Officials said *all* options_remain on the table for Kim Jong-un.',
      ['options_remain'],
      { title: 'A *starred* title' },
    );
    const d = renderAnswer({ ...ANSWERED, excerpts: [ex] }).embeds[0]?.description ?? '';
    expect(d).toContain('said \\*all\\* **options\\_remain** on the table for Kim Jong-un.');
    expect(d).toContain('*A \\*starred\\* title*');
  });

  it('links only http(s) urls', () => {
    const js =
      renderAnswer({ ...ANSWERED, excerpts: [{ ...SANCTIONS, url: 'javascript:alert(1)' }] }).embeds[0]
        ?.description ?? '';
    expect(js).not.toContain('javascript');
    expect(js).toContain('— *US Official');
    const paren =
      renderAnswer({ ...ANSWERED, excerpts: [{ ...SANCTIONS, url: 'https://example.org/a_(b)' }] }).embeds[0]
        ?.description ?? '';
    expect(paren).toContain('](https://example.org/a_%28b%29)');
  });

  it('neutralises mentions in the question', () => {
    const m = renderAnswer({ ...ANSWERED, question: '@everyone what did <@123456> say about **Kim**?' });
    expect(m.embeds[0]?.title).not.toMatch(LIVE_MENTION);
    expect(m.embeds[0]?.title).toContain('\\*\\*Kim\\*\\*');
  });

  it('converts to discord.js options', () => {
    // Type-checked: the converted options are what discord.js's reply/send accept.
    const js: InteractionReplyOptions = toDiscordJs(
      renderAnswer(ANSWERED, { private: true, buttons: BUTTONS }),
    );
    const channel: MessageReplyOptions & MessageCreateOptions = toDiscordJsMessage(
      renderAnswer(ANSWERED, { private: true }),
    );
    expect(channel).not.toHaveProperty('flags');
    expect(channel.allowedMentions).toEqual({ parse: [], repliedUser: false });
    expect(js.allowedMentions).toEqual({ parse: [], repliedUser: false });
    expect(js.flags).toBe(64);
    expect(js.embeds).toHaveLength(1);
    expect(js.components).toHaveLength(1);
  });
});

describe('renderAnswer: declined', () => {
  it('says plainly the briefings do not cover it and names the missing terms', () => {
    const m = renderAnswer(NOT_COVERED);
    const e = m.embeds[0];
    expect(e?.title).toBe('What does France think about the cooperation?');
    expect(e?.description).toBe("The briefings don't cover this.\nThe briefings never mention: france");
    expect(payloadViolations(m)).toEqual([]);
  });

  it('shows the closest passage only under the "Related (not an answer)" heading', () => {
    const e = renderAnswer(NOT_COVERED).embeds[0];
    expect(e?.fields).toHaveLength(1);
    expect(e?.fields?.[0]?.name).toBe('Related (not an answer)');
    expect(e?.fields?.[0]?.value).toMatch(/^> According to his briefing/);
    expect(e?.description).not.toContain('According to his briefing');
  });

  it('shows no related passage when there is none', () => {
    expect(renderAnswer(WEAK).embeds[0]?.fields).toBeUndefined();
    expect(renderAnswer(WEAK).embeds[0]?.description).toBe(
      "The briefings don't cover this.\nSome of its words appear in the briefings, but no passage answers the question.",
    );
  });

  it('says which sources were searched when the question named them, escaped', () => {
    const d = renderAnswer({ ...WEAK, scope: ['Coast Radio'] }).embeds[0]?.description;
    expect(d).toBe(
      "The briefings from Coast Radio don't cover this.\nSome of its words appear in the briefings, but no passage answers the question.",
    );
    const hostile = renderAnswer({ ...WEAK, scope: ['*Radio* @everyone', 'Gazette', 'Wire'] }).embeds[0]
      ?.description;
    expect(hostile).toMatch(
      /^The briefings from \\\*Radio\\\* @\u200beveryone, Gazette and 1 more don't cover this\./,
    );
  });

  it('says when the question said the news came out, and that no briefing is from then', () => {
    const none = renderAnswer({ ...WEAK, scope: ['Coast Radio'], period: 'last month', searched: 0 });
    expect(none.embeds[0]?.description).toBe(
      "The briefings from Coast Radio from last month don't cover this.\nNo briefing from Coast Radio is dated last month.",
    );
    const some = renderAnswer({ ...WEAK, period: 'this week', searched: 3 });
    expect(some.embeds[0]?.description).toBe(
      "The briefings from this week don't cover this.\nSome of its words appear in the briefings, but no passage answers the question.",
    );
  });

  it('lists many missing terms briefly', () => {
    const terms = Array.from({ length: 80 }, (_, i) => `term${i}`);
    const d = renderAnswer({ ...NOT_COVERED, notCovered: terms }).embeds[0]?.description ?? '';
    expect(d).toMatch(/The briefings never mention: term0, term1, .* and \d+ more$/);
    expect(d.length).toBeLessThan(400);
  });

  it('asks for a question, with an example, when the question was empty', () => {
    const e = renderAnswer(EMPTY).embeds[0];
    expect(e?.description).toMatch(
      /^Ask me a question about the briefings, for example: \*What did Pranay Vaddi say/,
    );
    expect(renderAnswer({ ...EMPTY, question: '' }).embeds[0]?.title).toBeUndefined();
    expect(renderAnswer(EMPTY, { example: 'Who met at Vostochny?' }).embeds[0]?.description).toContain(
      '*Who met at Vostochny?*',
    );
  });

  it('never presents related passages as an answer', () => {
    const m = renderAnswer({ ...NOT_COVERED, related: [UNPRECEDENTED, SANCTIONS] });
    expect(m.embeds[0]?.description).not.toContain('> ');
    expect(m.embeds[0]?.fields?.map((f) => f.name)).toEqual(['Related (not an answer)']);
  });
});

describe('renderAnswer: size limits', () => {
  const sentence =
    'Observers note that top-level consultations can signal alignment on strategic interests and influence regional calculations. ';

  it('trims three 5,000-character excerpts at sentence ends and keeps quote lines whole', () => {
    const long = sentence.repeat(40);
    const excerpts = [0, 1, 2].map((i) => excerpt(long, ['alignment'], { passage: i }));
    const m = renderAnswer({ ...ANSWERED, excerpts });
    expect(payloadViolations(m)).toEqual([]);
    const lines = (m.embeds[0]?.description ?? '').split('\n').filter((l) => l !== '');
    // Every quote line is followed by its source line, and ends at a sentence.
    lines.forEach((l, i) => expect(l.startsWith(i % 2 === 0 ? '> ' : '— ')).toBe(true));
    for (const q of lines.filter((l) => l.startsWith('> '))) expect(q).toMatch(/calculations\.$/);
  });

  it('drops trailing excerpts that do not fit and says how many', () => {
    const excerpts = Array.from({ length: 30 }, (_, i) => ({
      ...[UNPRECEDENTED, SANCTIONS, KRITENBRINK, VOSTOCHNY][i % 4]!,
      passage: i,
    }));
    const m = renderAnswer({ ...ANSWERED, excerpts });
    expect(payloadViolations(m)).toEqual([]);
    const shown = (m.embeds[0]?.description ?? '').split('\n').filter((l) => l.startsWith('> ')).length;
    expect(shown).toBeGreaterThan(3);
    expect(shown).toBeLessThan(30);
    expect(m.embeds[0]?.footer?.text).toContain(`${30 - shown} more passages not shown`);
  });

  it('cuts a 6,000-character question to a title at a word', () => {
    const m = renderAnswer({
      ...ANSWERED,
      question: 'Why does Pyongyang cooperate with Moscow '.repeat(150),
    });
    const title = m.embeds[0]?.title ?? '';
    expect(title.length).toBeLessThanOrEqual(LIMITS.embedTitle);
    expect(title).toMatch(/ (Why|does|Pyongyang|cooperate|with|Moscow)…$/);
  });
});

// ---------------------------------------------------------------------------------------------
// Property: whatever the engine or the user sends, the payload is valid and pings nobody.

const hostile = fc.constantFrom(
  '@everyone',
  '@here',
  '<@123456789012345678>',
  '<@!1>',
  '<@&2>',
  '<#3>',
  '**',
  '*',
  '__',
  '_',
  '~~',
  '||',
  '`',
  '```',
  '> ',
  '# ',
  '-# ',
  '[x](https://evil.example)',
  '\\',
  '\u200B',
  '\u202E',
  '\u0000',
  '\u001b[31m',
  '\n',
  '\r\n',
  'e\u0301\u0302\u0303\u0304\u0305',
  '😀',
  '👨\u200D👩\u200D👧',
  '. ',
  'U.S. ',
  'Kim Jong-un ',
);
/** Short text mixing hostile snippets, arbitrary unicode and words. */
const text = (maxLength: number): fc.Arbitrary<string> =>
  fc
    .array(
      fc.oneof(
        { weight: 2, arbitrary: hostile },
        { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
        { weight: 3, arbitrary: fc.lorem({ maxCount: 12 }) },
      ),
      {
        maxLength: Math.ceil(maxLength / 10),
      },
    )
    .map((parts) => parts.join('').slice(0, maxLength));
/** Text of up to `maxLength` characters, usually long: a short text repeated (which also shrinks fast). */
const longText = (maxLength: number): fc.Arbitrary<string> =>
  fc
    .tuple(text(200), fc.integer({ min: 1, max: 200 }))
    .map(([t, n]) => (t + ' ').repeat(n).slice(0, maxLength));
const highlight = fc.record({
  start: fc.integer({ min: -5, max: 5200 }),
  end: fc.integer({ min: -5, max: 5200 }),
});
const anyExcerpt: fc.Arbitrary<Excerpt> = fc.record({
  text: fc.oneof(text(400), longText(5000)),
  briefing: fc.string({ maxLength: 30 }),
  title: text(300),
  source: text(300),
  date: fc.option(fc.oneof(fc.constant('2024-03-05'), text(40)), { nil: undefined }),
  url: fc.option(fc.oneof(fc.webUrl(), text(600), fc.constant('https://example.org/' + 'a'.repeat(3000))), {
    nil: undefined,
  }),
  score: fc.double({ noNaN: true }),
  passage: fc.nat(),
  highlights: fc.array(highlight, { maxLength: 20 }),
  alsoIn: fc.option(
    fc.array(
      fc.record({
        briefing: fc.string({ maxLength: 30 }),
        title: text(300),
        source: text(300),
        url: fc.option(fc.webUrl(), { nil: undefined }),
      }),
      { maxLength: 6 },
    ),
    { nil: undefined },
  ),
});
const anyAnswer: fc.Arbitrary<Answer> = fc.record({
  question: fc.oneof(text(200), longText(6000), fc.constant('')),
  answered: fc.boolean(),
  excerpts: fc.oneof(
    fc.array(anyExcerpt, { maxLength: 5 }),
    fc.array(anyExcerpt, { maxLength: 30, size: 'max' }),
  ),
  notCovered: fc.array(text(30), { maxLength: 50 }),
  related: fc.array(anyExcerpt, { maxLength: 3 }),
  reason: fc.option(fc.constantFrom('empty' as const, 'not_covered' as const, 'weak_match' as const), {
    nil: undefined,
  }),
  scope: fc.option(fc.array(text(200), { maxLength: 4 }), { nil: undefined }),
  period: fc.option(text(100), { nil: undefined }),
  searched: fc.option(fc.nat(3), { nil: undefined }),
});
/**
 * Big nested inputs make shrinking a failure slow (100k+ steps): stop it after a while, so a
 * failure is still reported (with a partly shrunk counterexample) well within the test timeout.
 */
const HEAVY = { numRuns: 150, interruptAfterTimeLimit: 20_000 } as const;

const anyOptions = fc.record({
  private: fc.boolean(),
  buttons: fc.record({
    more: fc.option(
      fc.string({ minLength: 1, maxLength: 100 }).map((s) => `m${s}`.slice(0, 100)),
      { nil: null },
    ),
    feedback: fc.option(fc.constant({ up: 'fb:up', down: 'fb:down' }), { nil: null }),
  }),
});

describe('renderAnswer: properties', () => {
  it('stays inside every Discord limit, sends no mentions, and leaks no live mention', () => {
    fc.assert(
      fc.property(anyAnswer, anyOptions, (answer, opts) => {
        const m = renderAnswer(answer, opts);
        // Checked independently of payloadViolations, limit by limit.
        expect(m.content === undefined || m.content.length <= LIMITS.content).toBe(true);
        expect(m.embeds.length).toBeGreaterThan(0);
        expect(m.embeds.length).toBeLessThanOrEqual(LIMITS.embeds);
        let total = 0;
        for (const e of m.embeds) {
          expect((e.title ?? '').length).toBeLessThanOrEqual(LIMITS.embedTitle);
          expect((e.description ?? '').length).toBeLessThanOrEqual(LIMITS.embedDescription);
          expect((e.footer?.text ?? '').length).toBeLessThanOrEqual(LIMITS.footerText);
          expect((e.fields ?? []).length).toBeLessThanOrEqual(LIMITS.fields);
          for (const f of e.fields ?? []) {
            expect(f.name.length).toBeLessThanOrEqual(LIMITS.fieldName);
            expect(f.value.length).toBeLessThanOrEqual(LIMITS.fieldValue);
            expect(f.value.trim()).not.toBe('');
          }
          total += (e.title ?? '').length + (e.description ?? '').length + (e.footer?.text ?? '').length;
          total += (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
        }
        expect(total).toBeLessThanOrEqual(LIMITS.embedTotal);
        expect(m.components.length).toBeLessThanOrEqual(LIMITS.rows);
        for (const row of m.components) {
          expect(row.components.length).toBeLessThanOrEqual(LIMITS.buttonsPerRow);
          for (const b of row.components) expect(b.custom_id.length).toBeLessThanOrEqual(LIMITS.customId);
        }
        expect(m.allowed_mentions.parse).toEqual([]);
        expect(payloadViolations(m)).toEqual([]);
        for (const s of visibleStrings(m)) {
          expect(s).not.toMatch(LIVE_MENTION);
          // eslint-disable-next-line no-control-regex -- asserting their absence
          expect(s).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F\u202E]/);
        }
      }),
      HEAVY,
    );
  });

  it('replies to any chat intent within the limits, pinging nobody, with buttons only on a summary', () => {
    const anySummary: fc.Arbitrary<BriefingSummary> = fc.record({
      id: fc.string({ maxLength: 30 }),
      title: text(300),
      source: text(300),
      date: fc.option(text(40), { nil: undefined }),
      url: fc.option(fc.oneof(fc.webUrl(), text(100)), { nil: undefined }),
      passages: fc.integer({ min: -5, max: 100_000 }),
      opening: text(400),
    });
    const anyChat = fc
      .tuple(
        anyAnswer,
        fc.constantFrom(
          'greeting' as const,
          'thanks' as const,
          'help' as const,
          'sources' as const,
          'summary' as const,
        ),
        fc.array(anySummary, { maxLength: 60 }),
      )
      .map(([answer, intent, briefings]): Answer => ({ ...answer, intent, briefings }));
    fc.assert(
      fc.property(anyChat, anyOptions, fc.array(text(300), { maxLength: 12 }), (answer, opts, examples) => {
        const m = renderAnswer(answer, { ...opts, examples });
        expect(payloadViolations(m)).toEqual([]);
        expect(m.allowed_mentions.parse).toEqual([]);
        if (answer.intent !== 'summary') expect(m.components).toEqual([]);
        for (const s of visibleStrings(m)) {
          expect(s).not.toMatch(LIVE_MENTION);
          // eslint-disable-next-line no-control-regex -- asserting their absence
          expect(s).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F\u202E]/);
        }
      }),
      HEAVY,
    );
  });

  it('keeps bold markers balanced and quote lines whole', () => {
    fc.assert(
      fc.property(anyAnswer, (answer) => {
        const m = renderAnswer(answer);
        for (const e of m.embeds) {
          for (const md of [e.description ?? '', ...(e.fields ?? []).map((f) => f.value)]) {
            for (const l of md.split('\n')) {
              expect(markerCount(l, '**') % 2).toBe(0);
              // A quote line never ends in the middle of an escape.
              expect(l.replace(/\\\\/g, '')).not.toMatch(/\\$/);
            }
            // Every quote is followed by its source line.
            const lines = md.split('\n');
            lines.forEach((l, i) => {
              if (l.startsWith('> ')) expect(lines[i + 1]?.startsWith('— ')).toBe(true);
            });
          }
        }
      }),
      HEAVY,
    );
  });

  it('highlights exactly the given words of a well-formed excerpt', () => {
    const words = ['Russia', 'North', 'Korea', 'military', 'cooperation', 'Pyongyang', 'Moscow'];
    fc.assert(
      fc.property(fc.subarray(words, { minLength: 1 }), (chosen) => {
        const t = 'Moscow and Pyongyang deepen military cooperation as Russia courts North Korea.';
        const d =
          renderAnswer({
            ...ANSWERED,
            excerpts: [{ ...UNPRECEDENTED, text: t, highlights: hl(t, ...chosen) }],
          }).embeds[0]?.description ?? '';
        const quote = d.split('\n')[0] ?? '';
        const bold = [...quote.matchAll(/\*\*(.+?)\*\*/g)].flatMap((x) => (x[1] ?? '').split(' '));
        expect(bold.sort()).toEqual([...chosen].sort());
      }),
    );
  });
});

describe('renderAnswer: chat intents', () => {
  const EXAMPLES = ['Who is Pranay Vaddi?', 'Where were *Putin* and Kim supposed to meet?'];

  it('greets with what the bot does and the first example question, in one short line', () => {
    const msg = renderAnswer(GREETING, { buttons: BUTTONS, examples: EXAMPLES });
    expect(msg.content).toBe(
      'Hi! I answer questions about the news briefings by quoting the passages that answer them, with their sources. Try asking: *Who is Pranay Vaddi?*',
    );
    expect(msg.embeds).toEqual([]);
    expect(msg.components).toEqual([]);
    expect(payloadViolations(msg)).toEqual([]);
    // Without examples: the default one.
    expect(renderAnswer(GREETING).content).toContain('Try asking: *What did Pranay Vaddi say');
  });

  it('answers thanks with a short line and no buttons, privately when asked', () => {
    const msg = renderAnswer(THANKS, { buttons: BUTTONS, private: true });
    expect(msg.content).toBe("You're welcome! Ask me anything else about the briefings.");
    expect(msg.embeds).toEqual([]);
    expect(msg.components).toEqual([]);
    expect(msg.flags).toBe(64);
    expect(msg.allowed_mentions).toEqual({ parse: [], replied_user: false });
  });

  it('shows the help, as /help does, with the examples escaped', () => {
    const msg = renderAnswer(HELP, { buttons: BUTTONS, examples: EXAMPLES });
    expect(msg).toEqual(renderHelp(EXAMPLES));
    const description = msg.embeds[0]?.description ?? '';
    expect(description).toContain('- Where were \\*Putin\\* and Kim supposed to meet?');
    expect(description).toContain('**tldr** for the gist of each');
  });

  it('lists the briefings, as /sources does', () => {
    const msg = renderAnswer(SOURCES, { buttons: BUTTONS });
    expect(msg).toEqual(renderSources(SUMMARIES));
    expect(msg.components).toEqual([]);
  });

  it('quotes a summary like an answer under "Summary of <title>", with feedback but no "More excerpts"', () => {
    const msg = renderAnswer(SUMMARY_ONE, { buttons: { feedback: BUTTONS.feedback } });
    const embed = msg.embeds[0]!;
    expect(embed.title).toBe(
      'Summary of US Plans Measures to Counter Russia–North Korea Defense Cooperation',
    );
    expect(embed.description).toBe(
      `> ${LEAD_MEASURES.text}\n— *US Plans Measures to Counter Russia–North Korea Defense Cooperation* · U.S. Department of State statements and subsequent analyses by regional observers`,
    );
    expect(embed.footer?.text).toBe('Quoted verbatim from the briefings · Was this helpful?');
    expect(msg.components.flatMap((r) => r.components.map((c) => c.label))).toEqual([
      'Helpful',
      'Not helpful',
    ]);
    expect(payloadViolations(msg)).toEqual([]);
    const all = renderAnswer(SUMMARY_ALL);
    expect(all.embeds[0]?.title).toBe('Summary of 2 briefings');
    expect(all.embeds[0]?.description?.split('\n\n')).toHaveLength(2);
    expect(all.components).toEqual([]);
  });

  it('escapes a briefing title in the heading and says when there is nothing to summarise', () => {
    const odd = { ...LEAD_MEASURES, title: '**Bold** <@123> title' };
    const msg = renderAnswer({ ...SUMMARY_ONE, excerpts: [odd] });
    expect(msg.embeds[0]?.title).toBe('Summary of \\*\\*Bold\\*\\* \\<\u200b@123> title');
    expect(msg.embeds[0]?.title).not.toMatch(LIVE_MENTION);
    const none = renderAnswer({ ...SUMMARY_ALL, answered: false, excerpts: [], briefings: [] });
    expect(none.content).toBe('No briefings are loaded yet.');
  });
});
