import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/answer/engine.js';
import { engineWithBriefing } from './one-briefing.js';

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
