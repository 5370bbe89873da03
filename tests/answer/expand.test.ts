/**
 * Query expansion, end to end with the seed knowledge: a name is matched as written (and through
 * its aliases), never by a near vector or a WordNet neighbour; a common word reaches the
 * briefings' words that mean nearly the same.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/answer/engine.js';
import type { QueryTerm } from '../../src/answer/expand.js';
import { sharedWordVectors } from '../../src/answer/vectors.js';
import { loadKnowledge } from '../../src/knowledge/load.js';

let engine: Engine;
let termText: Map<number, string>;
beforeAll(async () => {
  engine = Engine.build(await loadKnowledge('knowledge'));
  termText = new Map([...engine.index.termIds].map(([text, id]) => [id, text]));
});

const hasVectors = sharedWordVectors() !== null;
const term = (terms: QueryTerm[], surface: string) => terms.find((t) => t.surface === surface);
/** An index term that is a name or an entity. */
const isName = (id: number) => engine.index.nameTerm[id] === 1 || termText.get(id)!.startsWith('#');

describe('names are never matched by vector', () => {
  it.each([
    ['What did China say?', ['china']],
    ['What did Ukraine say about Russia?', ['ukraine']],
  ])('%s: the name the briefings lack is proper, unexpanded, and not covered', (question, missing) => {
    const t = engine.trace(question);
    for (const surface of missing) {
      const name = term(t.terms, surface);
      expect(name, surface).toBeDefined();
      expect(name!.proper).toBe(true);
      expect(
        name!.alternatives.filter((a) => a.kind === 'vector' || a.kind === 'synonym' || a.kind === 'related'),
      ).toEqual([]);
      expect(name!.covered).toBe(false);
    }
    expect(t.decision).toMatchObject({ answered: false, reason: 'not_covered', notCovered: missing });
    expect(engine.ask(question)).toMatchObject({
      answered: false,
      reason: 'not_covered',
      notCovered: missing,
    });
  });

  it('a name of several words, one of which the briefings never write, is a name they never mention', () => {
    // "War" alone is an ordinary word that vectors bring near "military"; "Korean War" is a name.
    const t = engine.trace('What year did the Korean War end?');
    expect(t.decision).toMatchObject({ answered: false, reason: 'not_covered', notCovered: ['korean war'] });
    // A name written together in the briefings is not reported.
    expect(engine.trace('What did the Security Council prohibit?').decision.reason).not.toBe('not_covered');
  });

  it('a name the briefings have is matched as itself, through its aliases, and by nothing looser', () => {
    const russia = term(engine.trace('What did Russia say about Ukraine?').terms, 'russia')!;
    expect(russia.proper).toBe(true);
    expect(russia.covered).toBe(true);
    expect(russia.alternatives.map((a) => a.kind)).not.toContain('vector');
    expect(russia.alternatives.every((a) => isName(a.id) || a.kind === 'exact')).toBe(true);
  });

  it.each([
    'is there a cap on fuel going into nk',
    'are laborers from nk working abroad',
    'what penalties did the us impose',
    'what did the envoy say about the pact',
    'did moscow send weapons to pyongyang',
  ])('no word of "%s" reaches a name or an entity by vector or WordNet', (question) => {
    for (const t of engine.trace(question).terms)
      for (const a of t.alternatives)
        if (a.kind === 'vector' || a.kind === 'synonym' || a.kind === 'related')
          expect(isName(a.id), `${t.surface} → ${termText.get(a.id)} (${a.kind})`).toBe(false);
  });
});

describe('common words are expanded', () => {
  it.skipIf(!hasVectors)(
    'a common word reaches a briefing word that means nearly the same by vector: fuel → oil',
    () => {
      const fuel = term(engine.trace('is there a cap on fuel going into nk').terms, 'fuel')!;
      expect(fuel.proper).toBe(false);
      expect(fuel.covered).toBe(true);
      const vectorWords = fuel.alternatives.filter((a) => a.kind === 'vector').map((a) => termText.get(a.id));
      expect(vectorWords).toContain('oil');
      expect(fuel.nearest).toBeGreaterThanOrEqual(engine.options.vectorMin);
    },
  );

  it('a looser alternative weighs less than an exact match', () => {
    for (const t of engine.trace('is there a cap on fuel going into nk').terms)
      for (const a of t.alternatives) {
        if (a.kind === 'exact') expect(a.weight).toBe(1);
        else expect(a.weight).toBeLessThan(1);
        expect(a.weight).toBeGreaterThan(0);
      }
  });
});
