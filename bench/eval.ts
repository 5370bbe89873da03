/**
 * `npm run eval`: answer quality on the dev questions, for this engine and, in the same run and
 * on the same sentences, for the plain peers people would reach for.
 */
import { parseArgs } from 'node:util';
import { loadEngine } from '../src/answer/load.js';
import { miniSearchPeer, winkBm25Peer } from './peers.js';
import { measure, readDevQuestions, type Quality } from './quality.js';

const HELP = `Measure answer quality on the dev questions (tests/dev-questions.json).

Usage: npm run eval [-- --knowledge <dir>] [--questions <file>] [--verbose] [--json]
  --knowledge <dir>  knowledge folder (default ./knowledge)
  --questions <file> questions in the same format (e.g. tests/more-questions.json)
  --verbose          list each miss
  --json             print the figures as JSON`;

const { values } = parseArgs({
  options: {
    knowledge: { type: 'string', default: 'knowledge' },
    questions: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}

const dev = values.questions ? readDevQuestions(values.questions) : readDevQuestions();
const engine = await loadEngine(values.knowledge);
const passages = engine.passages();
const textOf = new Map(passages.map((p) => [p.id, p.text]));
const peerAnswer = (search: (q: string, k: number) => string[]) => (q: string) => {
  const ids = search(q, 10);
  return ids.length ? ids.map((id) => textOf.get(id) ?? '') : null;
};

const mini = miniSearchPeer(passages, { stopWords: false });
const wink = winkBm25Peer(passages);
const rows: Array<[string, Quality]> = [
  [
    'this engine',
    measure(dev, (q) => {
      const a = engine.ask(q, { top: 10 });
      return a.answered ? a.excerpts.map((e) => e.text) : null;
    }),
  ],
  [
    'MiniSearch (defaults)',
    measure(
      dev,
      peerAnswer((q, k) => mini.search(q, k)),
    ),
  ],
  [
    'wink-bm25-text-search (lemmas)',
    measure(
      dev,
      peerAnswer((q, k) => wink.search(q, k)),
    ),
  ],
];

if (values.json) {
  console.log(
    JSON.stringify(Object.fromEntries(rows.map(([name, r]) => [name, { ...r, misses: undefined }])), null, 2),
  );
} else {
  console.log(
    `${values.questions ?? 'Dev questions'}: ${dev.answerable.length} answerable, ${dev.unanswerable.length} unanswerable; ${passages.length} passages\n`,
  );
  const header = ['system', 'hit@1', 'hit@3', 'MRR', 'declined (unanswerable)', 'wrongly declined'];
  const table = rows.map(([name, r]) => [
    name,
    r.hit1.toFixed(3),
    r.hit3.toFixed(3),
    r.mrr.toFixed(3),
    `${r.declined}/${r.unanswerable}`,
    `${r.wronglyDeclined}/${r.answerable}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  console.log(line(header));
  for (const row of table) console.log(line(row));
  if (values.verbose) {
    for (const [name, r] of rows) {
      console.log(`\n${name}:`);
      for (const m of r.misses) console.log(`  ${m}`);
    }
  }
}
