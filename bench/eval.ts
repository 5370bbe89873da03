/**
 * `npm run eval`: answer quality per question set, on its tuning part and its held-back part,
 * for this engine and, in the same run and on the same sentences, for the plain peers people
 * would reach for. The held-back figures are the ones that count.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadEngine } from '../src/answer/load.js';
import { miniSearchPeer, winkBm25Peer } from './peers.js';
import {
  measure,
  QUESTION_SETS,
  questionSetFile,
  readDevQuestions,
  splitQuestions,
  type DevQuestions,
  type Quality,
} from './quality.js';

const HELP = `Measure answer quality, per question set, on its tuning and its held-back part.

Usage: npm run eval [-- options]
  --knowledge <dir>   knowledge folder (default ./knowledge)
  --questions <file>  a question set in the format of tests/dev-questions.json (repeatable;
                      default: tests/{${QUESTION_SETS.join(',')}}-questions.json)
  --part <part>       tuning, held-back or both (default both)
  --verbose           list each miss of this engine
  --json              print the figures as JSON
  -h, --help          show this help

Each set is split by a seeded shuffle (bench/quality.ts, splitQuestions): 60 % of its answerable
and of its unanswerable questions for tuning, 40 % held back. Tune on the tuning parts only;
report the held-back parts.`;

const { values } = parseArgs({
  options: {
    knowledge: { type: 'string', default: 'knowledge' },
    questions: { type: 'string', multiple: true },
    part: { type: 'string', default: 'both' },
    verbose: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const parts = { tuning: ['tuning'], 'held-back': ['held-back'], both: ['tuning', 'held-back'] }[values.part];
if (!parts) {
  console.error(`eval: --part must be tuning, held-back or both, not ${JSON.stringify(values.part)}`);
  process.exit(2);
}

const sets: Array<{ name: string; questions: DevQuestions }> = values.questions?.length
  ? values.questions.map((file) => ({
      name: path.basename(file).replace(/(-questions)?\.json$/, ''),
      questions: readDevQuestions(file),
    }))
  : QUESTION_SETS.map((name) => ({ name, questions: readDevQuestions(questionSetFile(name)) }));

const engine = await loadEngine(values.knowledge);
const passages = engine.passages();
const textOf = new Map(passages.map((p) => [p.id, p.text]));
const peerAnswer = (search: (q: string, k: number) => string[]) => (q: string) => {
  const ids = search(q, 10);
  return ids.length ? ids.map((id) => textOf.get(id) ?? '') : null;
};
const mini = miniSearchPeer(passages, { stopWords: false });
const wink = winkBm25Peer(passages);
const systems: Array<[string, (q: string) => string[] | null]> = [
  [
    'this engine',
    (q) => {
      const a = engine.ask(q, { top: 10 });
      return a.answered ? a.excerpts.map((e) => e.text) : null;
    },
  ],
  ['MiniSearch (defaults)', peerAnswer((q, k) => mini.search(q, k))],
  ['wink-bm25-text-search (lemmas)', peerAnswer((q, k) => wink.search(q, k))],
];

interface Row {
  set: string;
  part: string;
  system: string;
  quality: Quality;
}
const rows: Row[] = [];
for (const { name, questions } of sets) {
  const split = splitQuestions(questions);
  for (const part of parts) {
    const subset = part === 'tuning' ? split.tuning : split.heldBack;
    for (const [system, answer] of systems)
      rows.push({ set: name, part, system, quality: measure(subset, answer) });
  }
}

if (values.json) {
  console.log(
    JSON.stringify(
      rows.map((r) => ({ ...r, quality: { ...r.quality, misses: undefined } })),
      null,
      2,
    ),
  );
  process.exit(0);
}

const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '–');
const table = (header: string[], body: string[][]) => {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), ...body.map(line)].join('\n');
};

console.log(`${passages.length} passages in ${values.knowledge}\n`);
console.log(
  table(
    ['set', 'part', 'system', 'hit@1', 'hit@3', 'MRR', 'unanswerable declined', 'wrongly declined'],
    rows.map(({ set, part, system, quality: r }) => [
      set,
      part,
      system,
      fmt(r.hit1),
      fmt(r.hit3),
      fmt(r.mrr),
      `${r.declined}/${r.unanswerable}`,
      `${r.wronglyDeclined}/${r.answerable}`,
    ]),
  ),
);
if (values.verbose) {
  for (const r of rows.filter((x) => x.system === 'this engine')) {
    console.log(`\n${r.set}, ${r.part}:`);
    for (const m of r.quality.misses) console.log(`  ${m}`);
  }
}

// The summary the figures are judged by: this engine against the peers, per set, last part shown.
const last = parts[parts.length - 1]!;
const of = (set: string, system: string) =>
  rows.find((r) => r.set === set && r.part === last && r.system === system)!.quality;
console.log(
  `\nSummary, ${last} parts: hit@1 of this engine / MiniSearch / wink-bm25; declines of this engine`,
);
console.log(
  table(
    ['set', 'part', 'n', 'engine', 'MiniSearch', 'wink-bm25', 'wrongly declined', 'unanswerable declined'],
    sets.map(({ name }) => {
      const e = of(name, 'this engine');
      return [
        name,
        last,
        `${e.answerable}+${e.unanswerable}`,
        fmt(e.hit1),
        fmt(of(name, 'MiniSearch (defaults)').hit1),
        fmt(of(name, 'wink-bm25-text-search (lemmas)').hit1),
        `${e.wronglyDeclined}/${e.answerable}`,
        `${e.declined}/${e.unanswerable}`,
      ];
    }),
  ),
);
