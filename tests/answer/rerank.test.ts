/**
 * The reranker's meaning signal: worked out from each passage's measured length and each word's
 * product with the question, it must equal the plain cosine of the idf-weighted sum of the
 * passage's word vectors with the question's meaning.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/answer/engine.js';
import { spellsOut } from '../../src/answer/initialisms.js';
import type { QueryExpander, QueryTerm } from '../../src/answer/expand.js';
import type { AnalysedQuestion } from '../../src/answer/question.js';
import type { Candidate } from '../../src/answer/rerank.js';
import type { Pool, Retriever } from '../../src/answer/retrieve.js';
import type { PassageIndex } from '../../src/answer/passage-index.js';
import type { TermVectors } from '../../src/answer/vectors.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { readDevQuestions } from '../../bench/quality.js';
import { engineWithBriefing } from './one-briefing.js';

/** The parts of the engine's private stages this test reads. */
interface Internals {
  expander: QueryExpander;
  retriever: Retriever;
  reranker: {
    vectors: TermVectors;
    meaning(p: number, question: Float32Array, generation: number): number;
    rerank(q: AnalysedQuestion, terms: QueryTerm[], pool: Pool, depth?: number): Candidate[];
  };
}

let engine: Engine;
let internals: Internals;
beforeAll(async () => {
  engine = Engine.build(await loadKnowledge('knowledge'));
  internals = engine as unknown as Internals;
});

/** The cosine written out: Σ idf·word over the passage's words with vectors, scaled to unit length, · question. */
function plainMeaning(
  ix: PassageIndex,
  tv: TermVectors,
  idf: (id: number) => number,
  p: number,
  q: Float32Array,
) {
  const v = new Float64Array(q.length);
  let any = false;
  for (let i = ix.sequenceStart[p]!; i < ix.sequenceStart[p + 1]!; i++) {
    const id = tv.vectorId(ix.sequence[i]!);
    if (id < 0) continue;
    const w = tv.vectors.vector(id);
    const weight = idf(ix.sequence[i]!);
    for (let k = 0; k < v.length; k++) v[k]! += weight * w[k]!;
    any = true;
  }
  if (!any) return 0;
  const norm = Math.hypot(...v);
  let dot = 0;
  for (let k = 0; k < v.length; k++) dot += (v[k]! / norm) * q[k]!;
  return dot;
}

describe('Reranker meaning', () => {
  it('equals the cosine of the passage’s summed word vectors with the question’s, for every passage', () => {
    const { reranker, expander } = internals;
    const tv = reranker.vectors;
    expect(tv).toBeDefined();
    const ix = engine.index;
    // Question meanings: a few briefing words' own vectors, summed and made unit length.
    const ids = [...ix.termIds.values()].map((t) => tv.vectorId(t)).filter((id) => id >= 0);
    expect(ids.length).toBeGreaterThan(100);
    let generation = 1_000_000;
    for (const pick of [[0], [3, 17], [5, 40, 99]]) {
      const q = new Float32Array(tv.vectors.dimensions);
      for (const i of pick) tv.addTo(q, ids[i % ids.length]!, 1);
      const norm = Math.hypot(...q);
      for (let k = 0; k < q.length; k++) q[k]! /= norm;
      generation++;
      let compared = 0;
      for (let p = 0; p < ix.texts.length; p++) {
        const expected = plainMeaning(ix, tv, (id) => expander.idf(id), p, q);
        expect(reranker.meaning(p, q, generation)).toBeCloseTo(expected, 5);
        if (expected !== 0) compared++;
      }
      expect(compared).toBeGreaterThan(ix.texts.length / 2);
    }
  });
});

describe('Reranker depth', () => {
  it('gives the same best passages, with the same figures, whether it is asked for a few or for all', () => {
    const { retriever, reranker } = internals;
    // Every question of the sets kept here, as people ask them (the latest news among them).
    const questions = ['dev', 'casual', 'analyst', 'adversarial'].flatMap((set) => {
      const { answerable, unanswerable } = readDevQuestions(`tests/${set}-questions.json`);
      return [...answerable.map((a) => a.q), ...unanswerable];
    });
    questions.push('latest news on the talks');
    let compared = 0;
    for (const text of questions) {
      const { question, terms } = engine.trace(text);
      const pool = retriever.retrieve(terms, 40);
      const all = reranker.rerank(question, terms, pool);
      if (all.length < 2) continue;
      for (const depth of [1, 3, 20]) {
        const few = reranker.rerank(question, terms, pool, depth);
        expect(few.length).toBeGreaterThanOrEqual(Math.min(depth, all.length));
        expect(few.slice(0, depth)).toEqual(all.slice(0, depth));
        compared += Math.min(depth, all.length);
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });
});

describe('spellsOut', () => {
  it('finds the name that initials stand for, written before or after them in brackets', () => {
    expect(spellsOut('The American Football Conference (AFC) champion Denver Broncos won.', 'afc')).toBe(
      true,
    );
    expect(spellsOut('The Islamic State of Iraq and the Levant (ISIL) said so.', 'isil')).toBe(true);
    expect(spellsOut('Officials at the IAEA (International Atomic Energy Agency) agreed.', 'iaea')).toBe(
      true,
    );
    // Other initials in brackets, or brackets that hold something else, spell nothing out.
    expect(spellsOut('The National Football Conference (NFC) champion lost.', 'afc')).toBe(false);
    expect(spellsOut('Sales in the AFC (up 5%) rose.', 'afc')).toBe(false);
    expect(spellsOut('Denver said the Football Conference (DFC) met.', 'dfc')).toBe(false);
  });
});

describe('a question asking what initials stand for', () => {
  it('is answered by the sentence that writes the name out, not by one that only uses the initials', async () => {
    const league = await engineWithBriefing({
      file: 'league.md',
      title: 'League final set',
      source: 'Sports Wire',
      text:
        'The NRL confirmed the final would be played in Sydney on Sunday. ' +
        'Tickets for the NRL final sold out in an hour. ' +
        'The National Rugby League (NRL) was formed in 1998 after a split in the game. ' +
        'The NRL said attendance rose this year.',
    });
    for (const q of [
      'What does NRL stand for?',
      'what is the nrl short for',
      "what's the full name of the NRL",
    ]) {
      const a = league.ask(q);
      expect(a.answered, q).toBe(true);
      expect(a.excerpts[0]?.text, q).toContain('National Rugby League (NRL)');
    }
    expect(league.trace('What does NRL stand for?').question.spelledOut).toBe('nrl');
  });
});

describe('a name asked in full that the briefings shorten to its initials', () => {
  it('meets the initials where the briefings write the name out once ("… Agency (IAEA)") and then use them', async () => {
    const nuclear = await engineWithBriefing({
      file: 'nuclear.md',
      title: 'Inspectors return to the plant',
      source: 'Energy Wire',
      text:
        'Inspectors from the International Atomic Energy Agency (IAEA) arrived at the Zapora plant on Monday, the first visit since the spring. ' +
        'The IAEA said its team found two damaged cooling pumps and a cracked valve. ' +
        'Plant managers blamed the shelling for the damage. ' +
        'A separate report by a national energy agency praised the plant operators for keeping the reactors cool.',
    });
    // The sentence that says what it found names the agency only by its initials.
    const a = nuclear.ask('what did the International Atomic Energy Agency say it found');
    expect(a.answered).toBe(true);
    expect(a.excerpts[0]?.text).toContain('two damaged cooling pumps');
    // Initials the briefings never write out stand for nothing but themselves.
    const other = await engineWithBriefing({
      file: 'other.md',
      title: 'Pumps fail',
      source: 'Energy Wire',
      text: 'The IAEA said its team found two damaged cooling pumps. Atomic energy agencies met in Vienna.',
    });
    const expanded = other.trace('What did the International Atomic Energy Agency team find?');
    expect(
      expanded.terms.flatMap((t) => t.alternatives).some((x) => x.id === other.index.termIds.get('iaea')),
    ).toBe(false);
  });
});

describe('a name the first sentence of a paragraph gives', () => {
  it('counts for the sentences further on that go on with "the team", as their own name', async () => {
    const league = await engineWithBriefing({
      file: 'hawks.md',
      title: 'Season review',
      source: 'League Wire',
      text:
        "The Hawks' defense allowed the fewest points in the league this season. " +
        'Coach Emma Lutz praised the secondary after the final game. ' +
        'Linebacker Tom Brandt led the team in tackles with 120.\n\n' +
        'The Hawks also hosted a charity dinner in December. ' +
        "The Owls' linebacker Sam Ortiz led the conference in tackles.",
    });
    const t = league.trace('Which linebacker led the Hawks in tackles?');
    const best = t.ranked[0]!;
    expect(league.index.texts[best.passage]).toContain('Tom Brandt');
    expect(best.namesMissing).toBe(0);
    expect(t.decision.answered).toBe(true);
    // Two paragraphs on, the name is no sentence's own.
    const ortiz = t.ranked.find((c) => league.index.texts[c.passage]!.includes('Sam Ortiz'))!;
    expect(ortiz.namesMissing).toBeGreaterThan(0);
  });
});
