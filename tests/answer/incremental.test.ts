import { mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateBriefing } from '../../bench/corpus.js';
import { QUESTION_SETS, questionSetFile, readDevQuestions } from '../../bench/quality.js';
import type { Engine } from '../../src/answer/engine.js';
import { writeSavedIndex } from '../../src/answer/index-cache.js';
import { loadEngineWithReport, type LoadReport } from '../../src/answer/load.js';
import type { PassageIndex } from '../../src/answer/passage-index.js';

/**
 * An index updated change by change (from the live engine's index, or from the saved index)
 * must be the index a build from scratch makes of the final folder, and answer every question
 * exactly alike.
 */

type Folder = Map<string, string>;

let work: string;
let initial: Folder;
/** Briefings that can be added: generated distractors not in the initial folder. */
let pool: string[];
const DISTRACTORS = 4;

async function readFolder(dir: string): Promise<Folder> {
  const out: Folder = new Map();
  for (const name of (await readdir(dir)).sort()) out.set(name, await readFile(path.join(dir, name), 'utf8'));
  return out;
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'incremental-'));
  initial = new Map([
    ...(await readFolder('knowledge')),
    ...(await readFolder('tests/other-domain/superbowl-knowledge')),
  ]);
  for (let i = 0; i < DISTRACTORS; i++) {
    const b = generateBriefing(7, i);
    initial.set(`${b.id}.md`, b.markdown);
  }
  pool = Array.from({ length: 8 }, (_, i) => generateBriefing(7, DISTRACTORS + i).markdown);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Sentences an edit appends: new names, a name written as a plain word, aliases, new words. */
const SENTENCES = [
  'Officials in Pyongyang said the talks would resume in the spring.',
  'Zorblax Quinterra, the new envoy, met the delegation in Veloria.',
  'The vaddi of the river is what local fishermen call its delta.',
  'Broncos fans gathered downtown after the game.',
  'Sanctions on lunar fisheries exports were extended through 2031.',
  'The state of the accord remains unclear, an analyst said.',
];

const ALIAS_EDITS = {
  /** An alias more for North Korea: "Hermit Kingdom". */
  alias: ['aliases: [DPRK,', 'aliases: [Hermit Kingdom, DPRK,'],
  /** A new entity: Veloria. */
  entity: [
    'entities:\n',
    'entities:\n  - name: Veloria\n    kind: place\n    aliases: [Velorian, Velorians]\n',
  ],
  /** A synonym group more (analyses unaffected). */
  synonym: ['synonyms:\n', 'synonyms:\n  - [fisheries, fishing]\n'],
} as const;

type Op =
  | { kind: 'add'; pick: number }
  | { kind: 'remove'; pick: number }
  | { kind: 'rename'; pick: number }
  | { kind: 'edit'; pick: number; how: 'append' | 'drop' | 'title' | 'word' | 'copy'; with: number }
  | { kind: 'aliases'; how: keyof typeof ALIAS_EDITS };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('rename' as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant('edit' as const),
    pick: fc.nat(),
    how: fc.constantFrom(
      'append' as const,
      'drop' as const,
      'title' as const,
      'word' as const,
      'copy' as const,
    ),
    with: fc.nat(),
  }),
  fc.record({
    kind: fc.constant('aliases' as const),
    how: fc.constantFrom('alias' as const, 'entity' as const, 'synonym' as const),
  }),
);
/** One change to the folder, and whether the next load starts from the engine in memory or the saved index. */
const stepArb = fc.record({ op: opArb, via: fc.constantFrom('memory' as const, 'saved' as const) });

const briefingNames = (folder: Folder) => [...folder.keys()].filter((n) => n.endsWith('.md'));

/** The folder after one change (always a valid folder). */
function apply(folder: Folder, op: Op): Folder {
  const out = new Map(folder);
  const names = briefingNames(folder);
  const name = names[('pick' in op ? op.pick : 0) % names.length]!;
  switch (op.kind) {
    case 'add': {
      const text = pool[op.pick % pool.length]!;
      out.set(`added-${op.pick % pool.length}.md`, text);
      break;
    }
    case 'remove':
      if (names.length > 1) out.delete(name);
      break;
    case 'rename':
      out.delete(name);
      out.set(name.replace(/\.md$/, '-renamed.md'), folder.get(name)!);
      break;
    case 'edit': {
      const text = folder.get(name)!;
      const [front, ...body] = text.split(/\n\n+/);
      const paragraphs = body.filter((p) => p.trim());
      let edited = text;
      if (op.how === 'append') edited = `${text.trimEnd()}\n\n${SENTENCES[op.with % SENTENCES.length]}\n`;
      else if (op.how === 'drop' && paragraphs.length > 1)
        edited = [front, ...paragraphs.slice(0, -1)].join('\n\n') + '\n';
      else if (op.how === 'title')
        edited = text.replace(/^title: .*$/m, `title: Updated briefing ${op.with % 3}`);
      else if (op.how === 'word')
        edited = text.replace(/\b(officials|Russia|the game)\b/, (w) => `${w} and partners`);
      else if (op.how === 'copy') edited = folder.get(names[op.with % names.length]!)!;
      out.set(name, edited);
      break;
    }
    case 'aliases': {
      const text = folder.get('aliases.yaml')!;
      const [plain, extended] = ALIAS_EDITS[op.how];
      out.set(
        'aliases.yaml',
        text.includes(extended) ? text.replace(extended, plain) : text.replace(plain, extended),
      );
      break;
    }
  }
  return out;
}

async function writeFolder(dir: string, before: Folder | undefined, after: Folder): Promise<void> {
  for (const name of before?.keys() ?? []) if (!after.has(name)) await unlink(path.join(dir, name));
  for (const [name, text] of after)
    if (before?.get(name) !== text) await writeFile(path.join(dir, name), text);
}

/** The index as plain data: every array, term and text, in order. */
function snapshot(index: PassageIndex): Record<string, unknown> {
  const { aliases, thesaurus, termIds, ...rest } = index;
  return {
    ...Object.fromEntries(
      Object.entries(rest).map(([k, v]) => [k, ArrayBuffer.isView(v) ? Array.from(v as Uint32Array) : v]),
    ),
    termIds: [...termIds],
    aliasTerms: aliases.terms,
    thesaurus: [...thesaurus],
  };
}

function expectSameIndex(updated: PassageIndex, scratch: PassageIndex): void {
  const a = snapshot(updated);
  const b = snapshot(scratch);
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  for (const key of Object.keys(b)) expect(a[key], key).toEqual(b[key]);
}

/** Runs steps from the initial folder; returns the engine updated step by step, and one built from scratch. */
async function run(steps: Array<{ op: Op; via: 'memory' | 'saved' }>, id: string) {
  const dir = path.join(work, `k-${id}`);
  const cacheDir = path.join(work, `c-${id}`);
  await rm(dir, { recursive: true, force: true });
  await rm(cacheDir, { recursive: true, force: true });
  await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true }));
  let folder = initial;
  await writeFolder(dir, undefined, folder);
  let current: { engine: Engine; report: LoadReport } = await loadEngineWithReport(dir);
  for (const { op, via } of steps) {
    const next = apply(folder, op);
    await writeFolder(dir, folder, next);
    const known = new Set(folder.values());
    const entitiesChanged =
      op.kind === 'aliases' &&
      op.how !== 'synonym' &&
      next.get('aliases.yaml') !== folder.get('aliases.yaml');
    const fresh = briefingNames(next).filter((n) => !known.has(next.get(n)!)).length;
    if (via === 'saved') {
      expect(
        await writeSavedIndex(cacheDir, { index: current.engine.index, files: current.report.files }),
      ).toBeNull();
      current = await loadEngineWithReport(dir, { cacheDir });
    } else {
      current = await loadEngineWithReport(dir, { previous: current });
    }
    // Only briefings whose content is new are analysed (all of them when the entities changed).
    const same = [...next].every(([n, t]) => folder.get(n) === t) && next.size === folder.size;
    if (!same) expect(current.report.analysed).toBe(entitiesChanged ? briefingNames(next).length : fresh);
    folder = next;
  }
  const scratch = await loadEngineWithReport(dir);
  return { updated: current.engine, scratch: scratch.engine };
}

describe('an index updated change by change', () => {
  it('is the index a build from scratch makes of the final folder, array for array', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 6 }), async (steps) => {
        const { updated, scratch } = await run(steps, `a${runs++}`);
        expectSameIndex(updated.index, scratch.index);
      }),
      { numRuns: 25 },
    );
  }, 180_000);

  it('answers every question of every set byte for byte as a build from scratch does', async () => {
    const questions = QUESTION_SETS.flatMap((set) => {
      const dev = readDevQuestions(questionSetFile(set));
      return [...dev.answerable.map((a) => a.q), ...dev.unanswerable];
    });
    expect(questions.length).toBeGreaterThan(1000);
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 2, maxLength: 8 }), async (steps) => {
        const { updated, scratch } = await run(steps, `b${runs++}`);
        for (const q of questions)
          expect(JSON.stringify(updated.ask(q, { top: 5 })), q).toBe(
            JSON.stringify(scratch.ask(q, { top: 5 })),
          );
        for (const query of ['sanctions', 'super bowl', '"export controls"', 'vaddi'])
          expect(JSON.stringify(updated.search(query))).toBe(JSON.stringify(scratch.search(query)));
        for (const name of ['', 've', 'state', 'broncos', 'distractor'])
          expect(JSON.stringify(updated.findBriefings(name))).toBe(
            JSON.stringify(scratch.findBriefings(name)),
          );
        expect(updated.passages()).toEqual(scratch.passages());
      }),
      { numRuns: 6 },
    );
  }, 300_000);
});
