import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/answer/engine.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import type { Knowledge } from '../../src/knowledge/types.js';
import { engineWithBriefing, engineWithBriefings } from './one-briefing.js';

let engine: Engine;
let knowledge: Knowledge;
beforeAll(async () => {
  knowledge = await loadKnowledge('knowledge');
  engine = Engine.build(knowledge);
});

const body = (id: string) => knowledge.briefings.find((b) => b.id === id)!.paragraphs.join(' ');

describe('Engine', () => {
  it('quotes excerpts verbatim from the briefing they name, with title and source', () => {
    const a = engine.ask('What did Russia’s Ministry of Foreign Affairs say?', { top: 3 });
    expect(a.answered).toBe(true);
    for (const e of a.excerpts) {
      expect(body(e.briefing)).toContain(e.text.replace(/…$/, ''));
      const briefing = knowledge.briefings.find((b) => b.id === e.briefing)!;
      expect(e.title).toBe(briefing.title);
      expect(e.source).toBe(briefing.source);
      expect(e.text.length).toBeLessThanOrEqual(450);
    }
  });

  it('lists its briefings from one list made once: a new array each call, the same frozen summaries', () => {
    const first = engine.briefings();
    const second = engine.briefings();
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
    first.forEach((b, i) => {
      expect(second[i]).toBe(b);
      expect(Object.isFrozen(b)).toBe(true);
    });
    first.pop();
    expect(engine.briefings()).toHaveLength(second.length);
    expect(engine.briefing(first[0]!.id)).toEqual(first[0]);
    expect(engine.briefing('no-such-briefing')).toBeUndefined();
  });

  it('meets names through aliases: DPRK, Pyongyang and North Korea are one entity', () => {
    const a = engine.ask('What did the DPRK and Moscow expand?');
    const b = engine.ask('What did North Korea and Russia expand?');
    expect(a.answered).toBe(true);
    expect(a.excerpts[0]?.text).toBe(b.excerpts[0]?.text);
  });

  it('highlights the matched words inside the excerpt', () => {
    const a = engine.ask('Where is Vostochny?');
    const e = a.excerpts[0]!;
    const marked = e.highlights.map((h) => e.text.slice(h.start, h.end));
    expect(marked.some((m) => /Vostochny/.test(m))).toBe(true);
    for (let i = 1; i < e.highlights.length; i++)
      expect(e.highlights[i]!.start).toBeGreaterThan(e.highlights[i - 1]!.end - 1);
  });

  it('does not decline over an adjective the tagger took for a name ("…North Korea new?")', () => {
    // wink-nlp tags the closing "new" a proper noun; the briefings never say "new", but a word
    // WordNet has only as an adjective is not what the question is about.
    const a = engine.ask('Is the military cooperation between Russia and North Korea new?');
    expect(a).toMatchObject({ answered: true, notCovered: [] });
    expect(a.excerpts.map((e) => e.text)).toContainEqual(
      expect.stringContaining('unprecedented degree of military cooperation'),
    );
    // A name the briefings lack still declines.
    expect(
      engine.ask('Is the military cooperation between Russia and North Korea about China?'),
    ).toMatchObject({ answered: false, reason: 'not_covered', notCovered: ['china'] });
  });

  it('declines empty and punctuation-only questions as empty', () => {
    for (const q of ['', '   ', '?', '!!!', '\u200b\u200f']) {
      const a = engine.ask(q);
      expect(a).toMatchObject({ answered: false, reason: 'empty', excerpts: [], notCovered: [] });
    }
  });

  it('gives later search results with an offset, without repeating', () => {
    const first = engine.search('North Korea', { top: 3 });
    const second = engine.search('North Korea', { top: 3, offset: 3 });
    expect(first.total).toBeGreaterThan(6);
    const texts = new Set(first.excerpts.map((e) => e.text));
    for (const e of second.excerpts) expect(texts.has(e.text)).toBe(false);
  });

  it('uses an earlier question as weaker context for a short follow-up', () => {
    const alone = engine.ask('when?');
    expect(alone.reason).toBe('empty');
    const followUp = engine.ask('and who reported it?', {
      context: 'What did the senior US official warn about?',
    });
    expect(followUp.answered).toBe(true);
    expect(followUp.excerpts.map((e) => e.text).join(' ')).toContain('TASS');
  });

  it('lists every briefing with its passage count and opening', () => {
    const list = engine.briefings();
    expect(list).toHaveLength(2);
    expect(list.reduce((n, b) => n + b.passages, 0)).toBe(engine.passageCount);
    for (const b of list) expect(body(b.id).startsWith(b.opening)).toBe(true);
  });
});

describe('who someone is, in briefings that say it in two sentences', () => {
  let ports: Engine;
  beforeAll(async () => {
    ports = await engineWithBriefing({
      file: 'harbour-dues.md',
      title: 'Harbour Dues Rise at Three Ports',
      source: 'Port authority statements',
      text:
        'Shipping lines will pay higher harbour dues from March at three northern ports. ' +
        'The spokesperson, Maria Lindqvist, serves as a key liaison between the port authority and the shipping lines. ' +
        'She is the Deputy Director of Public Affairs at the Northern Ports Authority. ' +
        'Lindqvist said the increase would fund dredging of the main channel. ' +
        'Most of the ships calling at the three ports sail on to Norway and Denmark with timber and grain. ' +
        'The authority made its announcement about ferry routes to Finland on Monday.',
    });
  });

  it('quotes the sentence giving a formal title, opened by "She is", with the sentence naming her', () => {
    for (const q of ["whats lindqvist's official title", 'What is Lindqvist’s job?']) {
      const a = ports.ask(q);
      expect(a.answered, q).toBe(true);
      expect(a.excerpts[0]!.text, q).toContain('Deputy Director of Public Affairs');
      // The pronoun's sentence comes with the one that names her.
      expect(a.excerpts[0]!.text, q).toContain('Maria Lindqvist');
    }
  });

  it('still answers what she said from the sentence that says it', () => {
    expect(ports.ask('What did Lindqvist say the increase would fund?').excerpts[0]!.text).toMatch(
      /^Lindqvist said/,
    );
  });

  it('does not take a sentence naming a country as somewhere to sail for what that country said', () => {
    const q = 'What did Norway say about the timber and grain ships?';
    const t = ports.trace(q);
    expect(t.question.terms.find((x) => x.term === 'norway')?.speaker).toBe(true);
    const sailing = t.ranked.find((c) => ports.index.texts[c.passage]!.includes('Norway'))!;
    expect(sailing.speakerUnheard).toBe(true);
    const a = ports.ask(q);
    expect(a).toMatchObject({ answered: false, reason: 'weak_match' });
    // A reporting word some words before the name is about something else: Finland speaks not.
    const finland = ports.trace('What did Finland say about the ferry routes?');
    const routes = finland.ranked.find((c) => ports.index.texts[c.passage]!.includes('Finland'))!;
    expect(routes.speakerUnheard).toBe(true);
    // Without asking what Norway said, the same sentence answers.
    const where = ports.ask('Where do the timber and grain ships sail on to?');
    expect(where.answered).toBe(true);
    expect(where.excerpts[0]!.text).toContain('Norway');
    // Asked of someone who speaks there, the sentence where she does answers.
    const heard = ports.ask('What did Lindqvist say about the increase?');
    expect(heard.answered).toBe(true);
    expect(heard.excerpts[0]!.text).toMatch(/^Lindqvist said/);
  });

  it('does not take a sentence that never names the one asked about, nor follows one that does, for what they said', () => {
    // Denmark is named only in a sentence about shipping: no sentence lets it speak.
    const t = ports.trace("How did Denmark's government respond to Lindqvist's announcement?");
    const liaison = t.ranked.find((c) => ports.index.texts[c.passage]!.startsWith('The spokesperson'))!;
    expect(liaison.speakerUnheard).toBe(true);
    expect(ports.ask("How did Denmark's government respond to Lindqvist's announcement?")).toMatchObject({
      answered: false,
    });
    // A sentence right after one naming them may report them as "she": not counted unheard.
    const she = ports.trace('What did Maria Lindqvist say about her job?');
    const after = she.ranked.find((c) => ports.index.texts[c.passage]!.startsWith('She is'));
    expect(after?.speakerUnheard).toBe(false);
  });
});

describe('a sentence opening on a noun the sentence before it used ("The summit was held…")', () => {
  let fish: Engine;
  beforeAll(async () => {
    fish = await engineWithBriefing({
      file: 'quotas.md',
      title: 'Fishing Quotas Agreed',
      source: 'Fisheries ministry statements',
      text:
        'Norway and Iceland agreed on new cod quotas at a summit of their fisheries ministers. ' +
        'The summit was held in Tromsø on 3 May, a week after the spring survey. ' +
        'A trade fair was held in Reykjavik in April, where Norway and Iceland showed new trawlers. ' +
        'Iceland sent its coast guard to the fair.',
    });
  });

  it('is about what that sentence named: its names count as its own', () => {
    for (const q of ['Where was the Norway–Iceland summit held?', 'where did norway and iceland meet']) {
      const a = fish.ask(q);
      expect(a.answered, q).toBe(true);
      expect(a.excerpts[0]!.text, q).toContain('Tromsø');
    }
  });
});

describe('a figure asked about with the word it measures ("a 45-second burst")', () => {
  let regatta: Engine;
  beforeAll(async () => {
    regatta = await engineWithBriefing({
      file: 'regatta.md',
      title: 'Harbour Regatta Results',
      source: 'Rowing club newsletter',
      text:
        'Lena Moss rowed 45 races for the harbour crew this season and, at the end of the year, won the cup by two seconds. ' +
        'In the final, a 45-second burst from Ida Roth carried the boat past the leaders. ' +
        'The harbour crew will race again in the spring.',
    });
  });

  it('is answered by the sentence writing them together, over one with more of the words apart', () => {
    // The first sentence has "Lena Moss", "rowed", "45", "end", "year" and "seconds", the second
    // only "45-second burst": without the figure counted as one, the first was quoted.
    const a = regatta.ask('Who rowed a 45-second burst for Lena Moss at the end of the year?');
    expect(a.answered).toBe(true);
    expect(a.excerpts[0]!.text).toContain('Ida Roth');
  });
});

describe('question words written close together, each pair counted once', () => {
  let football: Engine;
  beforeAll(async () => {
    football = Engine.build(await loadKnowledge('tests/other-domain/superbowl-knowledge'));
  });

  it('gives a sentence repeating a name ("Super Bowl … Super Bowl …") no more credit than one naming it once', () => {
    // "(An earlier version of EyeVision was last used in Super Bowl XXXV; for Super Bowl 50, …)"
    // wrote the pair "Super Bowl" twice and ranked above the sentence about the pylon cameras.
    const a = football.ask('What was put on pylons for Super Bowl 50?');
    expect(a.answered).toBe(true);
    expect(a.excerpts[0]!.text).toContain('pylon cameras');
  });
});

describe('a capital letter ending a name ("Regatta V")', () => {
  it('is part of the name, so the sentence with that very name answers', async () => {
    const regattas = await engineWithBriefing({
      file: 'regattas.md',
      title: 'Regatta Winners',
      source: 'Rowing club newsletter',
      text: 'Lena Moss won Regatta X in 2019, on a calm day. Ida Roth won Regatta V in 2015, in heavy rain. I rowed in both.',
    });
    const t = regattas.trace('Who won Regatta V?');
    expect(t.terms.map((x) => x.surface)).toContain('v');
    // Without the letter, both sentences matched "won Regatta" alike and the first was quoted.
    expect(regattas.index.texts[t.ranked[0]!.passage]).toMatch(/^Ida Roth/);
    // "I" stays a word, not a name: no term.
    expect(regattas.trace('What did I row in?').terms.map((x) => x.surface)).not.toContain('i');
  });
});

describe('"what year" questions, in a briefing that says "in later years" beside a year', () => {
  let coal: Engine;
  beforeAll(async () => {
    coal = await engineWithBriefing({
      file: 'coal.md',
      title: 'Coal Shipments Under Watch',
      source: 'Harbour board minutes',
      text:
        'The harbour board has watched coal shipments closely. ' +
        'In later years the board widened the ban on coal shipments to cover iron ore, and inspectors now board every coal ship before it unloads. ' +
        'The first ban on coal shipments came in 2011, after a fire in the north dock. ' +
        'Ferry traffic to the islands was not affected.',
    });
  });

  it('answers from the sentence that writes a year, though another shares more words', () => {
    for (const q of [
      'What year did the ban on coal shipments start?',
      'In what year did the coal shipment ban begin?',
    ]) {
      expect(coal.trace(q).question.type, q).toBe('year');
      const a = coal.ask(q);
      expect(a.answered, q).toBe(true);
      expect(a.excerpts[0]!.text, q).toContain('2011');
    }
  });

  it('declines when no passage writes a year', () => {
    expect(coal.ask('What year did ferry traffic to the islands begin?')).toMatchObject({
      answered: false,
      reason: 'weak_match',
    });
  });
});

describe('a question asking for a name or a number, where a sentence gives only the question’s own', () => {
  let match: Engine;
  beforeAll(async () => {
    match = await engineWithBriefing({
      file: 'final.md',
      title: 'Harbour Cup Final',
      source: 'Club match report',
      text:
        'The Harbour Cup final was played in heavy rain. ' +
        'Okafor had a fumble recovery, a fumble return and a late interception in the first half. ' +
        'In the second half Okafor fumbled a punt, and Brandt recovered it for the visitors. ' +
        'Attendance at the final was reported at a record level by the league, the highest attendance of the season. ' +
        'The league said 41,200 people came.',
    });
  });

  it('answers "who" from the sentence naming someone else, though another repeats more of the question', () => {
    const q = "Who recovered Okafor's fumble?";
    expect(match.trace(q).question.type).toBe('who');
    const a = match.ask(q);
    expect(a.answered).toBe(true);
    expect(a.excerpts[0]!.text).toMatch(/^In the second half Okafor fumbled a punt, and Brandt recovered it/);
  });

  it('answers "how many" from the sentence writing a number, not the one repeating the question', () => {
    const q = 'How many people was the attendance at the final?';
    const t = match.trace(q);
    expect(t.question.type).toBe('number');
    expect(match.index.texts[t.ranked[0]!.passage]).toBe('The league said 41,200 people came.');
    const a = match.ask(q);
    expect(a.answered).toBe(true);
    expect(a.excerpts[0]!.text).toContain('41,200');
  });
});

describe('a sentence opening with what was said ("The comment…")', () => {
  it('is quoted after the sentence it refers back to', async () => {
    const port = await engineWithBriefing({
      file: 'closure.md',
      title: 'Harbour closure',
      source: 'Gazette',
      text:
        'Minister Arden Koss warned that the harbour would close for a month. ' +
        'The comment came in a statement read out on Coast Radio’s morning programme on Tuesday.',
    });
    const a = port.ask('Which station aired the comment by Koss?');
    expect(a.answered).toBe(true);
    expect(a.excerpts[0]!.text).toBe(
      'Minister Arden Koss warned that the harbour would close for a month. The comment came in a statement read out on Coast Radio’s morning programme on Tuesday.',
    );
  });
});

describe('a country asked about that the briefings never name', () => {
  it('is named as never mentioned, though WordNet also knows its name as a verb ("to japan")', async () => {
    const port = await engineWithBriefing({
      file: 'summit.md',
      title: 'Harbour summit',
      source: 'Gazette',
      text: 'The prime minister of Westmark said at the meeting that the harbour would reopen.',
    });
    const a = port.ask("What did Japan's prime minister say at the meeting?");
    expect(a).toMatchObject({ answered: false, reason: 'not_covered', notCovered: ['japan'] });
  });
});

describe('a time of day written as a clock shows it', () => {
  let match: Engine;
  beforeAll(async () => {
    match = await engineWithBriefing({
      file: 'derby.md',
      title: 'Harbour derby',
      source: 'Club match report',
      text:
        'Late in the fourth quarter the visitors drove to the home side’s 41-yard line before a sack ended the drive. ' +
        'With 4:51 left, the hosts got the ball back on their own 24-yard line.',
    });
  });

  it('answers "when": a passage giving "4:51" gives a time', () => {
    const q = 'When did the hosts get the ball back on their 24-yard line?';
    expect(match.trace(q).question.type).toBe('when');
    const a = match.ask(q);
    expect(a.answered).toBe(true);
    expect(a.excerpts[0]!.text).toMatch(/^With 4:51 left/);
  });
});

describe('Engine over a briefing with headings, lists and a table', () => {
  let city: Engine;
  beforeAll(async () => {
    city = await engineWithBriefing({
      file: 'city-budget.md',
      title: 'Riverton adopts its budget',
      source: 'Riverton Gazette',
      text: [
        '# Riverton adopts its budget',
        '',
        'The Riverton City Council voted 7–2 on Tuesday to adopt a $412 million budget.',
        '',
        '## Who voted against',
        '',
        'Council members Dana Whitfield and Omar Castillo opposed the plan, citing weak oversight of road repairs.',
        '',
        '## Key figures',
        '',
        '- Police department: $96 million',
        '- Parks and recreation: $31 million',
        '',
        '| Department | 2026 | 2027 |',
        '|---|---|---|',
        '| Fire | $44M | $47M |',
        '| Transit | $20M | $23M |',
      ].join('\n'),
    });
  });

  it('never quotes a heading as an answer, though it repeats the question', () => {
    const a = city.ask('Who voted against?');
    expect(a.answered).toBe(true);
    for (const e of [...a.excerpts, ...a.related])
      expect(e.text).not.toMatch(/Who voted against|Key figures/);
    expect(a.excerpts.map((e) => e.text)).toContain(
      'Council members Dana Whitfield and Omar Castillo opposed the plan, citing weak oversight of road repairs.',
    );
  });

  it('quotes a table row with its columns named, and a list item without the paragraph before it', () => {
    const fire = city.ask('How much does the fire department get in 2027?');
    expect(fire.answered).toBe(true);
    expect(fire.excerpts[0]!.text).toBe('Department: Fire; 2026: $44M; 2027: $47M');
    const parks = city.ask('How much money goes to parks and recreation?');
    expect(parks.answered).toBe(true);
    expect(parks.excerpts[0]!.text).toBe('Parks and recreation: $31 million');
  });

  it('leads a summary with the first sentence, not the title heading', () => {
    expect(city.lead('city-budget')!.text).toMatch(/^The Riverton City Council voted 7–2/);
  });
});

describe('a common word met in the briefings only inside a name', () => {
  let league: Engine;
  beforeAll(async () => {
    league = await engineWithBriefing({
      file: 'league.md',
      title: 'League awards',
      source: 'League office',
      text:
        'The ceremony honoured the Most Valuable Players of past seasons. ' +
        'Ten players from Harbour were selected for the All-Star game. ' +
        'Tickets sold out within an hour.',
    });
  });

  it('is read as that word, not as a name, when typed in lower case', () => {
    const t = league.trace('How many players were selected for the all-star game?');
    const players = t.terms.find((x) => x.surface === 'players')!;
    expect(players.name).toBe(false);
    expect(league.index.texts[t.ranked[0]!.passage]).toBe(
      'Ten players from Harbour were selected for the All-Star game.',
    );
  });

  it('is still a name when capitalised as one', () => {
    const t = league.trace('Who were the Most Valuable Players?');
    expect(t.terms.some((x) => x.name && /players/i.test(x.surface))).toBe(true);
  });
});

describe('a section heading', () => {
  let drills: Engine;
  beforeAll(async () => {
    drills = await engineWithBriefing({
      file: 'drills.md',
      title: 'Naval drills near the strait',
      source: 'Wire report',
      text: [
        'Three navies began joint drills near the strait on Monday.',
        '',
        '## Reaction in Beijing',
        '',
        'The foreign ministry summoned the ambassadors of all three countries.',
        '',
        'A spokeswoman called the exercises a dangerous provocation and warned of consequences.',
        '',
        '## Reaction in Manila',
        '',
        'Officials welcomed the drills as a sign of commitment to the region.',
      ].join('\n'),
    });
  });

  it('says what every sentence of its section is about', () => {
    const manila = drills.ask('How did Manila react?');
    expect(manila.answered).toBe(true);
    expect(manila.excerpts[0]!.text).toBe(
      'Officials welcomed the drills as a sign of commitment to the region.',
    );
    const beijing = drills.ask('How did Beijing react?');
    expect(beijing.answered).toBe(true);
    expect([
      'The foreign ministry summoned the ambassadors of all three countries.',
      'A spokeswoman called the exercises a dangerous provocation and warned of consequences.',
    ]).toContain(beijing.excerpts[0]!.text);
  });

  it('brings the first sentences of its section to be weighed, though they share no word with the question', async () => {
    const talks = await engineWithBriefing({
      file: 'talks.md',
      title: 'Harbour talks',
      source: 'Wire report',
      text: [
        'Port officials met on Monday.',
        '',
        '## Outcome of the harbour talks',
        '',
        'Delegates sat until late.',
        '',
        'Tea was served twice.',
        '',
        'Both sides initialled the text at dawn.',
      ].join('\n'),
    });
    const signed = talks.index.texts.indexOf('Both sides initialled the text at dawn.');
    expect(talks.trace('What was the outcome of the harbour talks?').ranked.map((c) => c.passage)).toContain(
      signed,
    );
  });

  it('counts for its own section only', () => {
    const t = drills.trace('What did officials in Beijing welcome?');
    const welcomed = drills.index.texts.indexOf(
      'Officials welcomed the drills as a sign of commitment to the region.',
    );
    const c = t.ranked.find((x) => x.passage === welcomed)!;
    expect(c.namesMatched).toBe(0);
  });
});

describe('a sentence that introduces what follows', () => {
  let pkg: Engine;
  beforeAll(async () => {
    pkg = await engineWithBriefing({
      file: 'package.md',
      title: 'Eastland sanctions Westmark',
      source: 'Eastland Foreign Ministry',
      text: [
        'Eastland announced measures against Westmark on Monday.',
        '',
        'The sanctions package includes:',
        '',
        '- Asset freezes on three state banks',
        '- Travel bans on 12 senior officials',
        '',
        'Ortiz said further steps would follow within 30 days.',
        '',
        'The minister gave one reason:',
        '',
        'Westmark troops had crossed the border twice. Talks had failed.',
      ].join('\n'),
    });
  });

  it('is quoted with the list after it, and no further', () => {
    const a = pkg.ask('What does the sanctions package include?');
    expect(a.answered).toBe(true);
    const first = a.excerpts[0]!;
    expect(first.text).toBe(
      'The sanctions package includes: Asset freezes on three state banks; Travel bans on 12 senior officials',
    );
    // Highlights land on the words they mark.
    expect(first.highlights.map((h) => first.text.slice(h.start, h.end).toLowerCase())).toEqual(
      expect.arrayContaining(['sanctions', 'package', 'includes']),
    );
  });

  it('is quoted with the one sentence after it when no list follows', () => {
    const a = pkg.ask('What reason did the minister give?');
    expect(a.answered).toBe(true);
    expect(a.excerpts[0]!.text).toBe(
      'The minister gave one reason: Westmark troops had crossed the border twice.',
    );
  });
});

describe('a sentence wink cuts in two', () => {
  let stream: Engine;
  beforeAll(async () => {
    stream = await engineWithBriefing({
      file: 'stream.md',
      title: 'Streaming the final',
      source: 'Broadcaster',
      text:
        'The broadcaster streamed the final via HarbourSports.com, and its apps on consoles and smart TVs. ' +
        'Sponsors included Apple, Yahoo!, Intel and Gap. Tickets sold out in an hour.',
    });
  });

  it('is quoted whole and verbatim, whichever of its pieces ranks first', () => {
    const ix = stream.index;
    // wink's pieces, as the index holds them.
    expect(ix.texts.some((t) => /^com, and its apps/.test(t))).toBe(true);
    const apps = stream.ask('Which consoles could stream the final?');
    expect(apps.answered).toBe(true);
    expect(apps.excerpts[0]!.text).toBe(
      'The broadcaster streamed the final via HarbourSports.com, and its apps on consoles and smart TVs.',
    );
    const sponsors = stream.ask('Which sponsors were there?');
    expect(sponsors.answered).toBe(true);
    expect(sponsors.excerpts[0]!.text).toBe('Sponsors included Apple, Yahoo!, Intel and Gap.');
  });
});

describe('a story two briefings give word for word', () => {
  let wire: Engine;
  beforeAll(async () => {
    const story =
      'Port officials in Saltmere said the harbour would reopen on Monday after the storm. ' +
      'Ferries to the outer islands resume on Tuesday.';
    wire = await engineWithBriefings([
      { file: 'agency.md', title: 'Harbour to reopen', source: 'Coast Agency', text: story },
      // The same story republished with spacing of its own and one more sentence, and in capitals.
      {
        file: 'gazette.md',
        title: 'Saltmere harbour reopens',
        source: 'Gazette',
        text: `${story.replace('. ', '.   ')}\n\nThe storm damaged two piers.`,
      },
      { file: 'digest.md', title: 'Weekly digest', source: 'Digest', text: story.toUpperCase() },
    ]);
  });

  it('is quoted once, naming the other briefings that give it', () => {
    const a = wire.ask('When will the Saltmere harbour reopen?', { top: 3 });
    expect(a.answered).toBe(true);
    const texts = a.excerpts.map((e) => e.text.toLowerCase());
    expect(new Set(texts).size).toBe(texts.length);
    const first = a.excerpts[0]!;
    expect(first.text).toMatch(/harbour would reopen on Monday/i);
    const sources = [first.briefing, ...(first.alsoIn ?? []).map((s) => s.briefing)].sort();
    expect(sources).toEqual(['agency', 'digest', 'gazette']);
    expect(first.alsoIn!.every((s) => s.title && s.source)).toBe(true);
  });

  it('is not shown again on a later page', () => {
    const first = wire.ask('When will the Saltmere harbour reopen?', { top: 1 });
    const next = wire.ask('When will the Saltmere harbour reopen?', { top: 1, offset: 1 });
    expect(next.excerpts.map((e) => e.text.toLowerCase())).not.toContain(
      first.excerpts[0]!.text.toLowerCase(),
    );
  });
});

describe('a question asking for the latest news', () => {
  let port: Engine;
  beforeAll(async () => {
    port = await engineWithBriefings([
      {
        file: 'spring.md',
        title: 'Harbour works begin',
        source: 'Gazette',
        date: '2025-03-02',
        text: 'The harbour authority said the ferry timetable would change in spring.',
      },
      {
        file: 'autumn.md',
        title: 'Ferries cut',
        source: 'Gazette',
        date: '2026-10-20',
        text: 'The harbour authority said the ferry timetable would drop to two sailings a day.',
      },
      {
        file: 'undated.md',
        title: 'Notes',
        source: 'Club',
        text: 'The Saltmere rowing club meets on Sundays.',
      },
    ]);
  });

  it('is answered from the newest briefing among those that answer about as well', () => {
    const plain = port.ask('what did the harbour authority say about the ferry timetable');
    expect(plain.excerpts[0]!.briefing).toBe('spring');
    for (const q of [
      "what's the latest the harbour authority said about the ferry timetable",
      'what is the ferry timetable now',
      'ferry timetable rn?',
    ]) {
      const a = port.ask(q);
      expect(a.answered, q).toBe(true);
      expect(a.excerpts[0]!.briefing, q).toBe('autumn');
      expect(a.excerpts[0]!.date).toBe('2026-10-20');
    }
  });

  it('never brings in a passage that does not answer', () => {
    const a = port.ask('what is the latest on the rowing club');
    expect(a.excerpts[0]!.briefing).toBe('undated');
  });
});

describe('a person named in full, then by surname', () => {
  let season: Engine;
  beforeAll(async () => {
    season = await engineWithBriefing({
      file: 'season.md',
      title: 'The quarterbacks',
      source: 'Gazette',
      text: [
        'The team signed Brock Osweiler in 2012.',
        'The starter threw for 2,249 yards and nine touchdowns over the season before he was benched.',
        'Osweiler threw for 1,967 yards and 10 touchdowns over the season.',
        'Coach Gary Kubiak praised both players, and Kubiak kept Osweiler as the backup.',
        'The defence allowed the fewest yards in the league.',
      ].join(' '),
    });
  });

  it('is matched by the surname alone where the briefing shortens the name', () => {
    const a = season.ask('How many touchdowns did Brock Osweiler throw in the season?');
    expect(a.answered).toBe(true);
    expect(a.excerpts[0]!.text).toContain('Osweiler threw for 1,967 yards');
    const shortened = season
      .trace('How many touchdowns did Brock Osweiler throw in the season?')
      .ranked.find((c) => season.passages()[c.passage]!.text.startsWith('Osweiler threw'));
    expect(shortened?.namesMissing).toBe(0);
    expect(shortened?.missing).toBe(0);
  });

  it('still lacks a first name the briefings also write on its own', async () => {
    const two = await engineWithBriefing({
      file: 'two.md',
      title: 'Two Danas',
      source: 'Gazette',
      text: 'Dana Reyes chairs the port board. Dana Okafor runs the ferry line. Okafor said the ferry timetable would change. Okafor hired new crews.',
    });
    const [first, ...rest] = two.trace('What did Dana Okafor say about the ferry timetable?').terms;
    expect(first!.surface.toLowerCase()).toBe('dana');
    expect(first!.shortens).toBeUndefined();
    expect(rest.length).toBeGreaterThan(0);
  });
});

describe('a question asking for particular things by name', () => {
  const briefing = (text: string) =>
    engineWithBriefing({ file: 'ports.md', title: 'Port sanctions', source: 'Gazette', text });

  it('is declined when the best passage speaks of them only in general', async () => {
    const general = await briefing(
      'The ministry announced new sanctions on shipping firms. Officials said more measures would follow in spring.',
    );
    for (const q of [
      'Which specific shipping firms were sanctioned?',
      'What are the names of the shipping firms under sanctions?',
    ]) {
      const a = general.ask(q);
      expect(a.answered, q).toBe(false);
      expect(a.reason, q).toBe('weak_match');
      expect(a.related[0]?.text, q).toContain('new sanctions on shipping firms');
    }
    // Asked in general, the same passage answers.
    expect(general.ask('Which shipping firms were sanctioned?').answered).toBe(true);
  });

  it('is answered by a passage that names them', async () => {
    const named = await briefing(
      'The ministry announced new sanctions on two shipping firms, Baltic Freight and Oresund Lines. Officials said more measures would follow in spring.',
    );
    const a = named.ask('Which specific shipping firms were sanctioned?');
    expect(a.answered).toBe(true);
    expect(a.excerpts[0]!.text).toContain('Baltic Freight');
  });
});

describe('the quotes after the first', () => {
  it('are only passages that score at least a quarter of the best', () => {
    const planned = engine.ask('Where was the planned meeting between Putin and Kim Jong-un?', { top: 3 });
    expect(planned.excerpts[0]!.text).toContain('Vostochny Cosmodrome');
    expect(planned.excerpts.length).toBeLessThan(3);
    for (const q of [
      'Where was the planned meeting between Putin and Kim Jong-un?',
      'What did Russia’s Ministry of Foreign Affairs say?',
      'What are the UN sanctions on North Korea?',
      'who is vaddi',
    ]) {
      const a = engine.ask(q, { top: 10 });
      expect(a.answered, q).toBe(true);
      for (const e of a.excerpts) expect(e.score, q).toBeGreaterThanOrEqual(0.25 * a.excerpts[0]!.score);
    }
  });

  it('still come three at a time when they all match well', () => {
    const a = engine.ask('What are the UN sanctions on North Korea?', { top: 3 });
    expect(a.excerpts).toHaveLength(3);
  });
});

describe('a line crediting a briefing’s sources', () => {
  it('answers where a briefing comes from, not what its sources said', () => {
    for (const q of ['what did the us say', 'what did us officials say']) {
      const a = engine.ask(q);
      expect(a.answered, q).toBe(true);
      expect(a.excerpts[0]!.text, q).not.toMatch(/^(Source attributions|Attribution):/);
    }
    const source = engine.ask('What is the source of the State Department briefing?');
    expect(source.excerpts[0]!.text).toMatch(/^Attribution: U\.S\. Department of State/);
  });
});
