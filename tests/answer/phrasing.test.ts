/**
 * Ways of asking that the words alone would get wrong, over a small knowledge folder of its own
 * (not the seed briefings): a person asked about by surname or by "job title", a word written as
 * one or as two ("policymakers", "policy makers"), a synonym group's word in another form, and
 * the asker's word for a stance ("view").
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/answer/engine.js';
import { loadKnowledge } from '../../src/knowledge/load.js';

const dir = mkdtempSync(join(tmpdir(), 'phrasing-'));
let engine: Engine;

beforeAll(async () => {
  writeFileSync(
    join(dir, 'aliases.yaml'),
    [
      'entities:',
      '  - name: Maria Lopez',
      '    kind: person',
      '    aliases: [Lopez]',
      '  - name: Portugal',
      '    kind: place',
      '    aliases: [Lisbon, Portuguese]',
      '  - name: Spain',
      '    kind: place',
      '    aliases: [Madrid, Spanish]',
      'synonyms:',
      '  - [penalty, sanction, restriction]',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'grid.md'),
    [
      '---',
      'title: Portugal sets new grid rules',
      'source: Energy desk',
      '---',
      '',
      'Lopez warned that Lisbon is watching electricity prices closely as winter approaches.',
      '',
      'The rules were announced by Maria Lopez, the Deputy Minister of Energy, at a press conference.',
      '',
      'Observers noted that policy makers in Lisbon are wary of rising household bills.',
      '',
      'Critics said the rules favour large suppliers, and the ministry called the criticism unfounded.',
      '',
      'Last year the ministry restricted exports of copper cable to neighbouring grids.',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'storage.md'),
    [
      '---',
      'title: Spain bets on storage',
      'source: Energy desk',
      '---',
      '',
      'Policymakers in Madrid remain focused on battery storage projects along the coast.',
      '',
      'Lopez is expected to visit the Madrid projects in the spring.',
      '',
      'Lopez also holds the role of chair at the Madrid Storage Council.',
      '',
    ].join('\n'),
  );
  engine = Engine.build(await loadKnowledge(dir));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const first = (question: string): string => {
  const answer = engine.ask(question);
  expect(answer.answered, `${question} → ${answer.reason} ${answer.notCovered.join(', ')}`).toBe(true);
  return answer.excerpts[0]!.text;
};

describe('questions about a person', () => {
  it('answer "Who is <surname>?" with the sentence that introduces them, not a later mention', () => {
    // Every sentence naming Lopez matches the question equally; only one says what Lopez is.
    // ("Lisbon is watching…" defines Lisbon, not Lopez.)
    expect(first('Who is Lopez?')).toContain('the Deputy Minister of Energy');
    expect(first('who is maria lopez')).toContain('the Deputy Minister of Energy');
  });

  it('answer a question about their job, title or position the same way', () => {
    for (const q of ["What is Lopez's job title?", "What is Lopez's position?", "What is Lopez's post?"])
      expect(first(q), q).toContain('the Deputy Minister of Energy');
  });

  it('keep "role" a word of the question when it asks about the person and something else', () => {
    // Two names: not "who is Lopez", so "role" is matched like any other word.
    expect(first('What role does Lopez have at the Madrid Storage Council?')).toContain(
      'holds the role of chair',
    );
  });
});

describe('words written as one, as two or hyphenated', () => {
  it('finds "policy makers" for "policymakers", and "policymakers" for "policy makers"', () => {
    expect(first('What are policymakers in Lisbon wary of?')).toContain('policy makers in Lisbon are wary');
    expect(first('What are policy makers in Madrid focused on?')).toContain('Policymakers in Madrid');
    expect(first('What are the policy-makers in Lisbon wary of?')).toContain('policy makers in Lisbon');
  });

  it('counts a split word only where its parts stand together', () => {
    // "makers" alone, away from "policy", is not "policymakers".
    const search = engine.search('policymakers');
    expect(search.excerpts.map((e) => e.text)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('policy makers'),
        expect.stringContaining('Policymakers'),
      ]),
    );
    expect(search.total).toBe(2);
  });
});

describe('synonym groups', () => {
  it('match any form of the words they name: "sanction" finds "restricted" through "restriction"', () => {
    expect(first('What sanctions hit copper cable exports?')).toContain('restricted exports of copper cable');
  });
});

describe("the asker's words for a stance", () => {
  it('answers "what is X\'s view of Y" from what X said of Y', () => {
    expect(first("What is the ministry's view of the criticism?")).toContain(
      'called the criticism unfounded',
    );
  });
});
