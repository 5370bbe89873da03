import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/answer/engine.js';
import { readdirSync, readFileSync } from 'node:fs';
import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import { analyse, CONTENT_STOP_WORDS, correctNameTags, fold, its, nlp } from '../../src/answer/nlp.js';
import { engineWithBriefing, engineWithBriefings } from './one-briefing.js';

const stop = (text: string, word: string) => analyse(text).tokens.find((t) => t.key === word)?.stop;

describe('numbers and order words are searched', () => {
  it('keeps a number or an order word that wink-nlp calls a stop word', () => {
    expect(stop('How many first downs did they have?', 'first')).toBe(false);
    expect(stop('They have been there eight times.', 'eight')).toBe(false);
    expect(stop('When did the city last host it?', 'last')).toBe(false);
    expect(stop('Who voted against the budget?', 'against')).toBe(false);
    // Other stop words stay stop words.
    expect(stop('They have been there eight times.', 'have')).toBe(true);
    expect(stop('Is the US doing this alone?', 'alone')).toBe(true);
  });

  it('leaves a number referring back ("the two states") a stop word', () => {
    expect(stop('ties between the two states', 'two')).toBe(true);
    expect(stop('both three ministries', 'three')).toBe(true);
    expect(stop('two teams met', 'two')).toBe(false);
  });

  it('lists only words wink-nlp takes for stop words', () => {
    for (const w of CONTENT_STOP_WORDS) expect(stop(`${w} word`, w), w).toBe(false);
    // …which they are without the list: a word analysed alone after "the" is one.
    for (const w of CONTENT_STOP_WORDS) expect(stop(`the ${w}`, w), w).toBe(true);
  });
});

describe('a question turning on a number', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await engineWithBriefing({
      file: 'league.md',
      title: 'The League Season',
      source: 'League report',
      text:
        'The Gulls have reached the league final seven times since the league began. ' +
        'Only the Herons have reached the final eight times. ' +
        'The league final is played each spring at Pier Stadium, and teams travel there from the whole coast.',
    });
  });

  it('answers from the sentence with the number asked, not another near it', () => {
    const a = engine.ask('Which team has reached the final eight times?');
    expect(a.answered).toBe(true);
    expect(a.excerpts[0]!.text).toContain('Herons');
    expect(engine.ask('Which team reached the final seven times?').excerpts[0]!.text).toContain('Gulls');
  });

  it('reaches a number only as itself: "seven" never meets "eight" by vector', () => {
    const seven = engine
      .trace('Which team reached the final seven times?')
      .terms.find((t) => t.surface === 'seven')!;
    const eight = engine.index.termIds.get('eight')!;
    expect(seven.alternatives.map((a) => a.id)).not.toContain(eight);
  });
});

describe('a question turning on the side taken', () => {
  it('answers "who voted against" from the one who voted against, not from the vote', async () => {
    const council = await engineWithBriefings([
      {
        file: 'budget.md',
        title: 'Council approves transit budget',
        source: 'City Desk',
        text:
          'The Lakeport city council approved a $412 million transit budget for next year by a vote of 7 to 2. ' +
          'The budget adds four new bus routes in the east side and extends ferry hours on weekends.\n\n' +
          'Councillor Dana Whitfield, who voted against it, said the plan did nothing about driver shortages. ' +
          'The authority currently has 85 vacant driver positions.',
      },
      {
        file: 'deal.md',
        title: 'Transit strike ends with tentative deal',
        source: 'Lakeport Herald',
        text:
          'The bus strike ended on Thursday after the union and the transit authority reached a tentative agreement. ' +
          'Members of the union will vote on the agreement next week.',
      },
    ]);
    const a = council.ask('who voted against the budget');
    expect(a.answered).toBe(true);
    expect(a.excerpts[0]!.text).toContain('Dana Whitfield');
  });
});

describe('fold', () => {
  it('folds case, accents, typographic quotes and dashes', () => {
    expect(fold('Matériel')).toBe('materiel');
    expect(fold('Pyongyang’s')).toBe("pyongyang's");
    expect(fold('“Golden” Russia–North')).toBe('"golden" russia-north');
    expect(fold('U.S. TASS')).toBe('u.s. tass');
    expect(fold('naïve café İstanbul')).toBe('naive cafe istanbul');
    expect(fold('ﬁnal Ｔｏｋｙｏ e\u0301')).toBe('final tokyo e');
  });

  it('folds plain ASCII as the whole folding does, with or without a character beyond it', () => {
    const ascii = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
    // Alone, ASCII takes the shortcut; beside "é", the whole folding, which must treat it alike.
    expect(fold(ascii)).toBe(ascii.toLowerCase());
    expect(fold(`${ascii}é`)).toBe(`${ascii.toLowerCase()}e`);
  });
});

describe('the wink-nlp pipe', () => {
  it('reads every token, lemma, tag, sentence and entity as the full pipe does', () => {
    const full = winkNLP(model);
    const read = (n: typeof nlp, text: string) => {
      const doc = n.readDoc(text);
      const tokens = doc.tokens();
      return JSON.stringify([
        tokens.out(),
        tokens.out(its.lemma as never),
        tokens.out(its.stopWordFlag),
        tokens.out(its.type),
        tokens.out(its.pos),
        doc.sentences().out(its.span as never),
        doc.entities().out(its.span as never),
        doc.entities().out(its.type),
      ]);
    };
    const dirs = ['knowledge', 'tests/other-domain/superbowl-knowledge'];
    const texts = dirs.flatMap((dir) =>
      readdirSync(dir)
        .filter((f) => f.endsWith('.md'))
        .map((f) => readFileSync(`${dir}/${f}`, 'utf8')),
    );
    expect(texts.length).toBeGreaterThanOrEqual(9);
    for (const text of texts) expect(read(nlp, text)).toBe(read(full, text));
  });
});

describe('names the tagger reads as verbs', () => {
  const token = (a: ReturnType<typeof analyse>, value: string, nth = 0) =>
    a.tokens.filter((t) => t.value === value)[nth]!;

  it('keeps a capitalised name as written where wink-nlp lemmatises it as a verb ("Manning" → "man")', () => {
    const paragraphs = [
      analyse('Manning became the oldest captain to win the cup.'),
      analyse('The coach praised Rita Manning after the final.'),
    ];
    // What wink-nlp gives alone: the verb "to man".
    expect(token(paragraphs[0]!, 'Manning').lemma).toBe('man');
    correctNameTags(paragraphs);
    for (const a of paragraphs) {
      expect(token(a, 'Manning').lemma).toBe('manning');
      expect(token(a, 'Manning').pos).toBe('PROPN');
    }
  });

  it('leaves the verb where the briefing also writes the word in lower case, or never inside a sentence', () => {
    const withVerb = [analyse('Manning became the captain.'), analyse('Volunteers were manning the gates.')];
    correctNameTags(withVerb);
    expect(token(withVerb[0]!, 'Manning').lemma).toBe('man');
    const opening = [analyse('Following a break, the Gulls scored twice.')];
    correctNameTags(opening);
    expect(token(opening[0]!, 'Following').lemma).toBe('follow');
  });

  it('keeps a plural name part at its singular ("Super Bowls" meets "Super Bowl")', () => {
    const a = analyse('Starr won two Super Bowls in a row.');
    const before = token(a, 'Bowls').lemma;
    correctNameTags([a]);
    expect(token(a, 'Bowls').lemma).toBe(before);
  });
});

describe('a question naming someone the tagger reads as a verb', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await engineWithBriefing({
      file: 'cup.md',
      title: 'Harbour Cup final',
      source: 'Sports Desk',
      text:
        'Manning became the oldest captain to win the Harbour Cup, at 41. ' +
        'The Gulls beat the Herons 3–1 in the final at Pier Stadium. ' +
        'Captain Rita Manning played for the Herons in her first season. ' +
        'The Associated Press counted 30,000 fans at the ground.',
    });
  });

  it('searches the name as written, capitalised or not, and keeps it in a "who" question', () => {
    for (const q of [
      'Who did Rita Manning play for in her first season?',
      'who did manning play for in her first season',
    ]) {
      const terms = engine.trace(q).terms;
      expect(
        terms.find((t) => t.surface === 'manning'),
        q,
      ).toMatchObject({ name: true });
      expect(engine.ask(q).excerpts[0]?.text, q).toContain('Captain Rita Manning played for the Herons');
    }
  });

  it('reads a common verb typed in lower case as the verb, not as the name the briefings make of it', () => {
    const associated = engine
      .trace('which fans were associated with the final')
      .terms.find((t) => t.surface === 'associated');
    expect(associated?.name).toBe(false);
  });
});
