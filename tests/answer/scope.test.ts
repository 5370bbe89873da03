import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/answer/engine.js';
import { nameWords, sourceNames } from '../../src/answer/scope.js';
import { engineWithBriefings } from './one-briefing.js';

describe('sourceNames', () => {
  it('takes the runs of capitalised words of a source, and the runs within them', () => {
    expect(sourceNames('Saltmere Gazette').sort()).toEqual(['gazette', 'saltmere', 'saltmere gazette']);
    expect(sourceNames('TASS and official briefings by US government channels').sort()).toEqual([
      'tass',
      'us',
    ]);
    const state = sourceNames('U.S. Department of State statements and analyses by regional observers');
    expect(state).toContain('us department of state');
    expect(state).toContain('department of state');
    expect(state).not.toContain('of state');
    expect(state).not.toContain('statements');
  });

  it('ends a name at a comma, a colon or a bracket, and keeps the full stops of initials out', () => {
    expect(sourceNames('Voice of America, 2024.')).not.toContain('america 2024');
    expect(sourceNames('BBC News: Asia')).not.toContain('news asia');
    expect(sourceNames('Wikipedia (CC BY-SA 4.0)')).not.toContain('wikipedia cc');
    expect(nameWords('What did the U.S. say?')).toEqual(['what', 'did', 'the', 'us', 'say']);
  });
});

describe('a question naming where to look', () => {
  let port: Engine;
  beforeAll(async () => {
    port = await engineWithBriefings([
      {
        file: 'gazette.md',
        title: 'Harbour works begin',
        source: 'Saltmere Gazette',
        date: '2025-03-02',
        text: 'The ferry timetable will change, the harbour authority said. Works on the north pier start in April.',
      },
      {
        file: 'radio.md',
        title: 'Ferries cut',
        source: 'Coast Radio and the US Weather Service',
        date: '2026-10-20',
        text:
          'Ferry sailings to the islands drop to two a day under a new timetable announced on Friday by the authority. ' +
          'Islanders protested outside the town hall.',
      },
      {
        file: 'fm.md',
        title: 'Sunday sailings',
        source: 'Harbour FM',
        text: 'Harbour FM reported that the ferries ran late on Sunday.',
      },
      {
        file: 'weather.md',
        title: 'Storm warning',
        source: 'Saltmere Gazette',
        date: '2026-10-18',
        text: 'The US Weather Service warned of gales on the coast.',
      },
    ]);
  });

  it('is answered from the briefings of the source it names, whose words are not asked about', () => {
    const unscoped = port.ask('what did they say about the ferry timetable');
    expect(unscoped.excerpts[0]!.briefing).toBe('gazette');
    for (const q of [
      'what did Coast Radio report about the ferry timetable',
      'according to coast radio, what about the ferry timetable?',
    ]) {
      const t = port.trace(q);
      expect(t.scope?.names, q).toEqual(['coast radio']);
      expect(t.question.terms.map((x) => x.surface)).not.toContain('radio');
      const a = port.ask(q);
      expect(a.answered, q).toBe(true);
      expect(a.scope).toEqual(['Coast Radio']);
      expect(
        a.excerpts.every((e) => e.briefing === 'radio'),
        q,
      ).toBe(true);
    }
  });

  it('keeps the words of a source its own briefings write, weighed as an attribution', () => {
    const t = port.trace('what did Harbour FM say about the ferries on Sunday');
    expect(t.scope?.names).toEqual(['harbour fm']);
    const named = t.question.terms.filter((x) => ['harbour', 'fm', 'harbour fm'].includes(x.surface));
    expect(named.length).toBeGreaterThan(0);
    expect(named.every((x) => x.part === 'attribution')).toBe(true);
    // Nor is it a speaker to find in a sentence: all its briefings say is what it reports.
    expect(named.some((x) => x.speaker)).toBe(false);
    expect(port.ask('what did Harbour FM say about the ferries on Sunday').excerpts[0]!.briefing).toBe('fm');
  });

  it('keeps the source of the question before for a follow-up', () => {
    const context = 'what did Coast Radio report about the ferry timetable';
    const t = port.trace('and the town hall?', context);
    expect(t.scope?.names).toEqual(['coast radio']);
    expect(t.scope?.fromContext).toBe(true);
    const a = port.ask('and the town hall?', { context });
    expect(a.answered).toBe(true);
    expect(a.excerpts[0]!.briefing).toBe('radio');
    expect(a.intent).toBeUndefined();
  });

  it('reads a common word typed in lower case as the source only when no briefing writes it', () => {
    expect(port.trace('what did the gazette say about the pier').scope?.names).toEqual(['gazette']);
    // "coast" is a word of Coast Radio, but the Gazette writes it: lower case, it is the word.
    expect(port.trace('what happened on the coast').scope).toBeUndefined();
  });

  it('does not scope by a name the text of other briefings writes', () => {
    // "US" is in Coast Radio's source, but the Gazette's storm briefing names the US Weather Service.
    expect(port.trace('what did the US Weather Service warn of').scope).toBeUndefined();
    expect(port.ask('what did the US Weather Service warn of').excerpts[0]!.briefing).toBe('weather');
  });

  it('asked only what a source said, quotes the openings of its briefings, newest first', () => {
    const a = port.ask('what did the Saltmere Gazette report?');
    expect(a.intent).toBe('summary');
    expect(a.answered).toBe(true);
    expect(a.excerpts.map((e) => e.briefing)).toEqual(['weather', 'gazette']);
  });
});

describe('a source name inside a longer name the question uses', () => {
  it('is not that source ("Department" of "State Department")', async () => {
    const talks = await engineWithBriefings([
      {
        file: 'state.md',
        title: 'Talks to resume',
        source: 'Department of Transport',
        text: 'The State Department said the talks would resume in Geneva.',
      },
      { file: 'wire.md', title: 'Talks', source: 'Gazette', text: 'Talks resumed in Geneva on Friday.' },
    ]);
    expect(talks.trace('What did the Department of Transport say about Geneva?').scope?.names).toEqual([
      'department of transport',
    ]);
    expect(talks.trace('What did the State Department say about Geneva?').scope).toBeUndefined();
  });
});

describe('a common word at the start of a question', () => {
  it('is capitalised as the sentence’s first word, not as a source’s name', async () => {
    const island = await engineWithBriefings([
      {
        file: 'island.md',
        title: 'Ferries late',
        source: 'Island News',
        text: 'The news of late ferries spread on Friday.',
      },
      { file: 'port.md', title: 'Port', source: 'Gazette', text: 'The ferries ran late on Friday.' },
    ]);
    expect(island.trace('What did the ferries do? News, please').scope?.names).toEqual(['news']);
    expect(island.trace('News of the ferries?').scope).toBeUndefined();
  });
});
