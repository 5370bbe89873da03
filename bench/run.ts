/**
 * Benchmark: this engine against the plain search libraries a user would reach for (MiniSearch with
 * stop words dropped, wink-bm25-text-search), on the seed briefings alone and among 200, 2,000 and
 * 20,000 generated distractors: build time, per-question time, peak RSS, index size, hit@1 on the
 * dev questions and unanswerables declined.
 *
 *   npm run bench [-- --briefings 0,200,2000,20000] [--out bench/results.json] [--repeat 20] [--help]
 *
 * Each system is measured in a fresh child process (this script with `--worker`) so that memory
 * figures don't contaminate each other; the child prints one JSON line that the parent collects.
 */
import { spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Answer } from '../src/answer/types.js';
import { prepareCorpusDir } from './corpus.js';
import type * as PeersModule from './peers.js';
import type { Passage, Peer } from './peers.js';
import { isGold, type DevQuestions } from './quality.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const RESULT_MARK = '@@bench-result ';

const SYSTEMS = ['engine', 'engine-saved', 'engine-reload', 'minisearch', 'wink'] as const;
type SystemId = (typeof SYSTEMS)[number];

const SYSTEM_LABEL: Record<SystemId, string> = {
  engine: 'this engine',
  'engine-saved': 'this engine, saved index',
  'engine-reload': 'this engine, reload',
  minisearch: 'minisearch (stop words dropped)',
  wink: 'wink-bm25-text-search',
};

const HELP = `Usage: npm run bench [-- options]

Compares this engine with MiniSearch (stop words dropped) and wink-bm25-text-search on the
seed briefings plus N generated distractor briefings, each system in a fresh child process.
For this engine it also times /briefing autocomplete (the lookup and the choices, keystroke by
keystroke): "lookup ms" is the first call, which builds the lookup; "complete ms" and "complete
p99" are the median and 99th percentile of the calls after it. "engine-reload" starts the live
engine from the saved index and times reloads after adding, editing and removing one briefing
(a second table), with the process's peak RSS during them against its RSS at rest.

Options:
  --briefings N[,N…]  distractor counts to add to the seed briefings (default 0,200,2000,20000)
  --repeat R          times each dev question is asked for the timing figures (default 20)
  --out FILE          where to write the figures as JSON (default bench/results.json)
  --systems S[,S…]    among engine, engine-saved, engine-reload, minisearch, wink (default all)
  --cycles N          add/edit/remove cycles timed by engine-reload (default 3)
  --baseline DIR      a checkout of another version of this project (node_modules and
                      lexicon/word-vectors.bin in place): its engine rows are measured too, in
                      the same run, marked "(baseline)"; its reloads do one cycle
  --seed N            distractor generator seed (default 42)
  --timeout S         seconds one system may take at one size before it is skipped (default 240)
  --budget S          seconds the whole run may take; later measurements are skipped (default 560)
  --knowledge DIR     seed knowledge folder (default knowledge/)
  --help              this text
`;

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

/** Nearest-rank percentile (p in [0, 100]) of unsorted values; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = values.slice().sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

/**
 * Passages by a plain splitter, for when the engine (and its `passages()`) isn't available:
 * front matter dropped, paragraphs at blank lines, sentences at `.?!` followed by a capital.
 */
export function splitPassages(dir: string): Passage[] {
  const out: Passage[] = [];
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort();
  for (const file of files) {
    const briefing = file.slice(0, -3);
    const body = fs.readFileSync(path.join(dir, file), 'utf8').replace(/^---\n[\s\S]*?\n---\n/, '');
    let index = 0;
    for (const para of body.split(/\n\s*\n/)) {
      const text = para.replace(/\s+/g, ' ').trim();
      if (!text) continue;
      for (const sentence of text.split(/(?<=[.!?]["”’)]?)\s+(?=["“‘(]?[A-Z0-9])/)) {
        out.push({ id: `${briefing}#${index}`, briefing, index, text: sentence });
        index++;
      }
    }
  }
  return out;
}

const ms = (ns: bigint): number => Number(ns) / 1e6;
const mb = (bytes: number): number => bytes / (1024 * 1024);

function gc(): void {
  // Available because the parent starts workers with --expose-gc.
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    g();
    g();
  }
}

// ---------------------------------------------------------------------------------------------
// Worker: measures one system in this (fresh) process
// ---------------------------------------------------------------------------------------------

/** What a worker reports. */
export interface WorkerResult {
  system: SystemId;
  name: string;
  sentences: number;
  /** Cold start to first answer: library import, index build from the folder (engine) or passages (peers), first question. */
  buildMs: number;
  buildCpuMs: number;
  medianMs: number;
  p99Ms: number;
  /** The warm-up pass: first time each question is asked. */
  coldMedianMs: number;
  coldMaxMs: number;
  questionsTimed: number;
  peakRssMb: number;
  indexMb: number;
  indexSource: 'indexBytes' | 'heap-delta';
  serializedMb?: number;
  hits: number;
  answerable: number;
  declined: number;
  unanswerable: number;
  /** Answerable questions whose first result missed the gold phrase. */
  misses: string[];
  /** Unanswerable questions the system answered anyway. */
  falseAnswers: string[];
  /** Engine only: where its passages were written for the peers. */
  passagesFile?: string;
  /** Engine only: `/briefing` autocomplete, what its handler computes (look-up and choices). */
  autocomplete?: AutocompleteTiming;
  /** engine-reload only. */
  reload?: ReloadFigures;
}

/** What engine-reload measures: reloads of the live engine after one briefing changed. */
export interface ReloadFigures {
  /** Per change, per cycle: ms from the reload's start until the new index answered (the swap). */
  answeredMs: Record<ReloadChange, number[]>;
  /** …and until the reload was over (the /briefing lookup built and the index saved, too). */
  completeMs: Record<ReloadChange, number[]>;
  /** Briefings analysed per reload (as the engine reports it; undefined when it doesn't). */
  analysed: Record<ReloadChange, Array<number | undefined>>;
  /** True when every reload answered the probe question from the changed briefing as it then was. */
  correct: boolean;
  /** Start from the saved index to the first answer, in this process. */
  openMs: number;
  /** RSS after the start, a pass over the questions and a forced GC. */
  steadyRssMb: number;
  /** The highest RSS sampled (every 2 ms, from another thread) during the reloads. */
  reloadPeakRssMb: number;
}

export type ReloadChange = 'add' | 'edit' | 'remove';
const RELOAD_CHANGES: readonly ReloadChange[] = ['add', 'edit', 'remove'];

/** `/briefing` autocomplete timings (engine only). */
export interface AutocompleteTiming {
  /** The first call: the briefing lookup is built then (from the index), so this is its build time. */
  firstMs: number;
  medianMs: number;
  p99Ms: number;
  maxMs: number;
  /** Calls timed: keystrokes of titles and sources, names, misspellings, and nothing typed. */
  calls: number;
}

/** A system's answer to one question, reduced to what the quality figures need. */
interface Outcome {
  declined: boolean;
  firstText: string | undefined;
}

/** The engine, as its contract describes it (typed locally so this file builds before it lands). */
interface EngineLike {
  ask(question: string): Answer;
  suggestBriefings?(typed: string, limit?: number): Array<{ id: string; title: string; date?: string }>;
  briefings?(): Array<{ title: string; source: string }>;
  passages?: () => Passage[];
  readonly passageCount?: number;
  readonly indexBytes?: number | (() => number);
}

interface WorkerArgs {
  system: SystemId;
  /** The checkout whose engine is measured (this one, or --baseline). */
  root: string;
  /** engine-reload: add/edit/remove cycles, and a scratch folder to copy the corpus to. */
  cycles: number;
  work?: string;
  dir?: string;
  passages?: string;
  passagesOut?: string;
  /** Where the engine saves (engine) or finds (engine-saved) its index. */
  cacheDir?: string;
  questions: DevQuestions;
  repeat: number;
}

async function runWorker(args: WorkerArgs): Promise<WorkerResult> {
  if (args.system === 'engine-reload') return runReloadWorker(args);
  const allQuestions = [...args.questions.answerable.map((a) => a.q), ...args.questions.unanswerable];
  const first = allQuestions[0] ?? 'test';
  let passages: Passage[] = [];
  if (!args.system.startsWith('engine')) {
    // Reading the engine's passages is not part of a peer's build.
    passages = JSON.parse(fs.readFileSync(args.passages as string, 'utf8')) as Passage[];
  }
  // Cold start = library import + build + first answer. The heap baseline is taken after the
  // imports (with the clock stopped for the forced GC), so that index size excludes the libraries
  // and wink's model, which every system here loads.
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let loadEngine: ((dir: string, options: { cacheDir?: string }) => Promise<EngineLike>) | undefined;
  let peers: typeof PeersModule | undefined;
  if (args.system === 'engine' || args.system === 'engine-saved') {
    // A computed specifier: resolved by tsx at run time, and no compile error before the engine exists.
    const spec = pathToFileURL(path.join(args.root, 'src/answer/load.js')).href;
    loadEngine = (
      (await import(spec)) as { loadEngine(dir: string, options: { cacheDir?: string }): Promise<EngineLike> }
    ).loadEngine;
  } else {
    peers = await import('./peers.js');
    if (args.system === 'wink') peers.loadWinkNlp();
  }
  const importNs = process.hrtime.bigint() - t0;
  const cpuImport = process.cpuUsage(cpu0);
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const cpu1 = process.cpuUsage();
  const t1 = process.hrtime.bigint();

  let run: (q: string) => Outcome;
  let name: string;
  let sentences: number;
  let engine: EngineLike | undefined;
  let peer: Peer | undefined;
  if (loadEngine) {
    // "engine" builds from the files (and saves its index); "engine-saved" starts from that index.
    const e = await loadEngine(args.dir as string, args.cacheDir ? { cacheDir: args.cacheDir } : {});
    engine = e;
    name = SYSTEM_LABEL[args.system];
    run = (q) => {
      const a = e.ask(q);
      return { declined: !a.answered, firstText: a.answered ? a.excerpts[0]?.text : undefined };
    };
    sentences = 0;
  } else {
    const lib = peers as typeof PeersModule;
    const p =
      args.system === 'wink' ? lib.winkBm25Peer(passages) : lib.miniSearchPeer(passages, { stopWords: true });
    peer = p;
    name = p.name;
    const textById = new Map(passages.map((x) => [x.id, x.text]));
    run = (q) => {
      const ids = p.search(q, 3);
      return {
        declined: ids.length === 0,
        firstText: ids[0] === undefined ? undefined : textById.get(ids[0]),
      };
    };
    sentences = passages.length;
  }
  run(first);
  const buildMs = ms(importNs + (process.hrtime.bigint() - t1));
  const cpu = process.cpuUsage(cpu1);
  const buildCpuMs = (cpuImport.user + cpuImport.system + cpu.user + cpu.system) / 1000;

  // Index size: the engine's own figure when it reports one, else heap growth across the build.
  gc();
  let indexBytes = process.memoryUsage().heapUsed - heap0;
  let indexSource: WorkerResult['indexSource'] = 'heap-delta';
  if (engine) {
    const ib = engine.indexBytes;
    const reported = typeof ib === 'function' ? ib.call(engine) : ib;
    if (typeof reported === 'number' && Number.isFinite(reported)) {
      indexBytes = reported;
      indexSource = 'indexBytes';
    }
    sentences = engine.passageCount ?? engine.passages?.().length ?? 0;
  }

  // One warm-up pass for every system alike (JIT, lazily loaded data such as WordNet's): it gives
  // the quality figures and the cold times, reported apart. Then the timed rounds, question
  // analysis included.
  const outcomes = new Map<string, Outcome>();
  const coldTimes: number[] = [];
  for (const q of allQuestions) {
    const t = process.hrtime.bigint();
    outcomes.set(q, run(q));
    coldTimes.push(ms(process.hrtime.bigint() - t));
  }
  const times: number[] = [];
  for (let r = 0; r < args.repeat; r++) {
    for (const q of allQuestions) {
      const t = process.hrtime.bigint();
      run(q);
      times.push(ms(process.hrtime.bigint() - t));
    }
  }
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const autocomplete = engine
    ? await timeAutocomplete(engine, Math.min(args.repeat, 5), args.root)
    : undefined;

  const misses: string[] = [];
  for (const { q, gold } of args.questions.answerable) {
    const o = outcomes.get(q);
    if (!o?.firstText || !isGold(o.firstText, gold)) misses.push(q);
  }
  const falseAnswers = args.questions.unanswerable.filter((q) => !outcomes.get(q)?.declined);

  const result: WorkerResult = {
    system: args.system,
    name,
    sentences,
    buildMs,
    buildCpuMs,
    medianMs: percentile(times, 50),
    p99Ms: percentile(times, 99),
    coldMedianMs: percentile(coldTimes, 50),
    coldMaxMs: Math.max(...coldTimes),
    questionsTimed: times.length,
    peakRssMb,
    indexMb: mb(indexBytes),
    indexSource,
    hits: args.questions.answerable.length - misses.length,
    answerable: args.questions.answerable.length,
    declined: args.questions.unanswerable.length - falseAnswers.length,
    unanswerable: args.questions.unanswerable.length,
    misses,
    falseAnswers,
  };
  if (autocomplete) result.autocomplete = autocomplete;
  // After the peak RSS was taken: serializing may allocate a lot.
  if (peer) result.serializedMb = mb(peer.serializedBytes());
  if (engine && args.passagesOut && typeof engine.passages === 'function') {
    const list = engine
      .passages()
      .map((p) => ({ id: p.id, briefing: p.briefing, index: p.index, text: p.text }));
    fs.writeFileSync(args.passagesOut, JSON.stringify(list));
    result.passagesFile = args.passagesOut;
  }
  return result;
}

/**
 * What someone typing in `/briefing name:` makes the bot compute, keystroke by keystroke: the
 * lookup's best matches and the choices Discord gets. The strings: every prefix (1–12 characters)
 * of 40 titles and of their sources' first words spread over the list, names the seed briefings'
 * text uses, misspellings (near spelling), a word nothing has, and nothing typed.
 */
export function autocompleteInputs(briefings: ReadonlyArray<{ title: string; source: string }>): string[] {
  const typed = [
    '',
    'vaddi',
    'kritenbrink',
    'state',
    'tass',
    'kritenbrnk',
    'nettelford',
    'zzzz',
    'the state department',
  ];
  const step = Math.max(1, Math.floor(briefings.length / 40));
  for (let i = 0; i < briefings.length; i += step) {
    const b = briefings[i]!;
    for (let n = 1; n <= 12; n++) typed.push(b.title.slice(0, n));
    const word = b.source.split(/\s+/)[0] ?? '';
    for (let n = 1; n <= Math.min(8, word.length); n++) typed.push(word.slice(0, n));
  }
  return typed;
}

async function timeAutocomplete(
  engine: EngineLike,
  rounds: number,
  root: string,
): Promise<AutocompleteTiming | undefined> {
  const suggest = engine.suggestBriefings?.bind(engine);
  if (!suggest || !engine.briefings) return undefined;
  // The handler's own formatting, imported before the clock starts (it loads discord.js).
  const spec = pathToFileURL(path.join(root, 'src/discord/commands/briefing.js')).href;
  const { briefingChoices } = (await import(spec)) as {
    briefingChoices(matches: Array<{ id: string; title: string; date?: string }>): unknown[];
  };
  const inputs = autocompleteInputs(engine.briefings());
  const call = (typed: string): void => void briefingChoices(suggest(typed, 30));
  let t = process.hrtime.bigint();
  call('s');
  const firstMs = ms(process.hrtime.bigint() - t);
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const typed of inputs) {
      t = process.hrtime.bigint();
      call(typed);
      times.push(ms(process.hrtime.bigint() - t));
    }
  }
  return {
    firstMs,
    medianMs: percentile(times, 50),
    p99Ms: percentile(times, 99),
    maxMs: Math.max(...times),
    calls: times.length,
  };
}

/** The briefing engine-reload adds, edits and removes: a fact no other briefing has. */
export function probeBriefing(states: string): string {
  return `---\ntitle: Lunar Fisheries Accord Signed\nsource: Bench wire\n---\n\nThe Veloria fisheries ministry signed the lunar fisheries accord with ${states} coastal states on Tuesday.\n`;
}
const PROBE_QUESTION = 'Who signed the lunar fisheries accord?';

/** The live engine, as the bench uses it (typed locally, as `EngineLike`). */
interface LiveLike {
  ask(question: string): Answer;
  reload(): Promise<{ ok: boolean; ms: number; analysed?: number; error?: Error }>;
}

/**
 * Samples the process's RSS from another thread every 2 ms (the main thread is busy during a
 * reload, so it can't sample itself), keeping the highest value since the last `reset`.
 */
class RssSampler {
  private readonly peak = new Float64Array(new SharedArrayBuffer(8));
  private readonly worker: Worker;
  constructor() {
    this.worker = new Worker(
      `const { workerData } = require('node:worker_threads');
       const peak = new Float64Array(workerData);
       setInterval(() => { const rss = process.memoryUsage.rss(); if (rss > peak[0]) peak[0] = rss; }, 2);`,
      { eval: true, workerData: this.peak.buffer },
    );
  }
  reset(): void {
    this.peak[0] = process.memoryUsage.rss();
  }
  get max(): number {
    return Math.max(this.peak[0]!, process.memoryUsage.rss());
  }
  stop(): Promise<number> {
    return this.worker.terminate();
  }
}

/**
 * engine-reload: the live engine starts from the saved index of a copy of the corpus, then, per
 * cycle, a briefing is added in the middle of the folder, edited and removed, each followed by a
 * reload; the probe question must then be answered from the briefing as it is (or not at all).
 */
async function runReloadWorker(args: WorkerArgs): Promise<WorkerResult> {
  const dir = path.join(args.work as string, 'knowledge');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(args.dir as string, dir, { recursive: true });
  const names = fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.md'))
    .sort();
  const probe = path.join(dir, `${names[Math.floor(names.length / 2)]!.slice(0, -3)}-probe.md`);
  const questions = [...args.questions.answerable.map((a) => a.q), ...args.questions.unanswerable];

  const t0 = process.hrtime.bigint();
  const spec = pathToFileURL(path.join(args.root, 'src/answer/live.js')).href;
  const { LiveEngine } = (await import(spec)) as {
    LiveEngine: { open(dir: string, options: { cacheDir?: string }): Promise<LiveLike> };
  };
  const live = await LiveEngine.open(dir, args.cacheDir ? { cacheDir: args.cacheDir } : {});
  live.ask(questions[0] ?? 'test');
  const openMs = ms(process.hrtime.bigint() - t0);
  for (const q of questions) live.ask(q);
  gc();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const steadyRss = process.memoryUsage.rss();

  const sampler = new RssSampler();
  const answeredMs = { add: [], edit: [], remove: [] } as Record<ReloadChange, number[]>;
  const completeMs = { add: [], edit: [], remove: [] } as Record<ReloadChange, number[]>;
  const analysed = { add: [], edit: [], remove: [] } as Record<ReloadChange, Array<number | undefined>>;
  let correct = true;
  let peak = 0;
  try {
    for (let cycle = 0; cycle < args.cycles; cycle++) {
      for (const change of RELOAD_CHANGES) {
        const states = `${change === 'add' ? 'eleven' : 'twelve'}${cycle ? ` (${cycle})` : ''}`;
        if (change === 'remove') fs.unlinkSync(probe);
        else fs.writeFileSync(probe, probeBriefing(states));
        gc();
        sampler.reset();
        const started = process.hrtime.bigint();
        const result = await live.reload();
        completeMs[change].push(ms(process.hrtime.bigint() - started));
        peak = Math.max(peak, sampler.max);
        if (!result.ok) throw result.error ?? new Error(`reload after ${change} failed`);
        answeredMs[change].push(result.ms);
        analysed[change].push(result.analysed);
        const answer = live.ask(PROBE_QUESTION);
        const quoted = answer.answered && answer.excerpts.some((e) => e.text.includes(`${states} coastal`));
        const gone = !answer.excerpts.some((e) => e.text.includes('lunar fisheries'));
        if (change === 'remove' ? !gone : !quoted) correct = false;
      }
    }
  } finally {
    await sampler.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return {
    system: args.system,
    name: SYSTEM_LABEL[args.system],
    sentences: 0,
    buildMs: openMs,
    buildCpuMs: 0,
    medianMs: Number.NaN,
    p99Ms: Number.NaN,
    coldMedianMs: Number.NaN,
    coldMaxMs: Number.NaN,
    questionsTimed: 0,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    indexMb: Number.NaN,
    indexSource: 'heap-delta',
    hits: 0,
    answerable: 0,
    declined: 0,
    unanswerable: 0,
    misses: [],
    falseAnswers: [],
    reload: {
      answeredMs,
      completeMs,
      analysed,
      correct,
      openMs,
      steadyRssMb: mb(steadyRss),
      reloadPeakRssMb: mb(peak),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Parent: prepares corpora, runs workers, prints the table
// ---------------------------------------------------------------------------------------------

/** One row of the results. */
export interface SystemResult extends Partial<WorkerResult> {
  system: SystemId;
  name: string;
  /** Measured on the --baseline checkout. */
  baseline?: boolean;
  status: 'ok' | 'skipped' | 'failed';
  reason?: string;
  /** Wall time of the worker process (start-up, build, queries). */
  wallMs?: number;
}

/** One corpus size. */
export interface SizeResult {
  distractors: number;
  briefings: number;
  corpusDir: string;
  corpusMs: number;
  /** Where the peers' passages came from: the engine's `passages()`, or a plain sentence splitter. */
  passagesSource: 'engine' | 'splitter';
  systems: SystemResult[];
}

interface ChildOutcome {
  result?: WorkerResult;
  error?: string;
  timedOut: boolean;
  wallMs: number;
}

const isTty = process.stderr.isTTY === true;

function progress(line: string, done = false): void {
  if (isTty) process.stderr.write(`\r\x1b[2K${line}${done ? '\n' : ''}`);
  else if (done) process.stderr.write(`${line}\n`);
}

function runChild(workerArgs: string[], timeoutMs: number, label: string): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    const started = Date.now();
    // Same loader flags as this process (tsx), plus gc for heap figures and room for 20,000 briefings.
    const child = spawn(
      process.execPath,
      [
        ...process.execArgv,
        '--expose-gc',
        '--max-old-space-size=8192',
        fileURLToPath(import.meta.url),
        ...workerArgs,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-4000);
    });
    let timedOut = false;
    const ticker = setInterval(
      () => progress(`${label} … ${((Date.now() - started) / 1000).toFixed(0)} s`),
      1000,
    );
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(ticker);
      const wallMs = Date.now() - started;
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARK));
      if (line && !timedOut) {
        resolve({ result: JSON.parse(line.slice(RESULT_MARK.length)) as WorkerResult, timedOut, wallMs });
        return;
      }
      const tail = stderr.trim().split('\n').slice(-6).join('\n');
      resolve({ error: timedOut ? undefined : `exit ${code ?? signal}: ${tail}`, timedOut, wallMs });
    });
  });
}

function engineAvailable(root: string): boolean {
  return ['src/answer/load.ts', 'src/answer/load.js'].some((f) => fs.existsSync(path.join(root, f)));
}

function fmt(n: number | undefined, digits = 0): string {
  if (n === undefined || !Number.isFinite(n)) return '–';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** The results as one plain-text table. */
export function formatTable(sizes: readonly SizeResult[]): string {
  const header = [
    'briefings',
    'system',
    'sentences',
    'build ms',
    'median ms',
    'p99 ms',
    'peak RSS MB',
    'index MB',
    'hit@1',
    'declined',
    'lookup ms',
    'complete ms',
    'complete p99',
  ];
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const s of sizes) {
    for (const r of s.systems) {
      if (r.system === 'engine-reload') continue; // in formatReloadTable
      if (r.status !== 'ok') {
        rows.push([fmt(s.briefings), r.name, '', '', '', '', '', '', '', r.status, '', '', '']);
        notes.push(`${fmt(s.briefings)} briefings, ${r.name}: ${r.status}: ${r.reason ?? ''}`);
        continue;
      }
      rows.push([
        fmt(s.briefings),
        r.name,
        fmt(r.sentences),
        fmt(r.buildMs),
        fmt(r.medianMs, 2),
        fmt(r.p99Ms, 2),
        fmt(r.peakRssMb),
        fmt(r.indexMb, 1),
        `${r.hits}/${r.answerable}`,
        `${r.declined}/${r.unanswerable}`,
        fmt(r.autocomplete?.firstMs),
        fmt(r.autocomplete?.medianMs, 2),
        fmt(r.autocomplete?.p99Ms, 2),
      ]);
    }
  }
  return alignTable(header, rows, notes);
}

/** Columns padded to their widest cell, the second (a name) left-aligned, the others right. */
function alignTable(header: string[], rows: string[][], notes: string[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const left = new Set([1]);
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (left.has(i) ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number)))
      .join('  ');
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  if (notes.length) out.push('', ...notes);
  return out.join('\n');
}

/** A range of timings: "640" for one, "610–720" for several. */
export function msRange(values: readonly number[]): string {
  if (values.length === 0) return '–';
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return fmt(lo) === fmt(hi) ? fmt(lo) : `${fmt(lo)}–${fmt(hi)}`;
}

/**
 * The reloads as one table (empty when engine-reload didn't run): per change, the time from the
 * reload's start until the new index answered (over the cycles); "complete" until the reload
 * was over (lookup built and index saved); the peak RSS during reloads against the RSS at rest.
 */
export function formatReloadTable(sizes: readonly SizeResult[]): string {
  const header = [
    'briefings',
    'system',
    'start ms',
    'add ms',
    'edit ms',
    'remove ms',
    'complete ms',
    'analysed',
    'steady RSS MB',
    'reload peak MB',
    'peak/steady',
  ];
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const s of sizes) {
    for (const r of s.systems) {
      if (r.system !== 'engine-reload') continue;
      const f = r.reload;
      if (r.status !== 'ok' || !f) {
        rows.push([fmt(s.briefings), r.name, '', '', '', '', '', '', '', '', r.status]);
        notes.push(`${fmt(s.briefings)} briefings, ${r.name}: ${r.status}: ${r.reason ?? ''}`);
        continue;
      }
      const analysed = RELOAD_CHANGES.map((c) =>
        [...new Set(f.analysed[c].map((n) => (typeof n === 'number' ? String(n) : '–')))].join('/'),
      );
      if (!f.correct) notes.push(`${fmt(s.briefings)} briefings, ${r.name}: a reload answered wrongly`);
      rows.push([
        fmt(s.briefings),
        r.name,
        fmt(f.openMs),
        msRange(f.answeredMs.add),
        msRange(f.answeredMs.edit),
        msRange(f.answeredMs.remove),
        msRange(RELOAD_CHANGES.flatMap((c) => f.completeMs[c])),
        analysed.join(', '),
        fmt(f.steadyRssMb),
        fmt(f.reloadPeakRssMb),
        (f.reloadPeakRssMb / f.steadyRssMb).toFixed(2),
      ]);
    }
  }
  return rows.length ? alignTable(header, rows, notes) : '';
}

interface MainOptions {
  sizes: number[];
  repeat: number;
  out: string;
  systems: SystemId[];
  seed: number;
  timeoutMs: number;
  budgetMs: number;
  knowledgeDir: string;
  cycles: number;
  baseline?: string;
}

async function runBench(o: MainOptions): Promise<SizeResult[]> {
  const started = Date.now();
  const questionsFile = path.join(ROOT, 'tests/dev-questions.json');
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'briefings-bench-run-'));
  const results: SizeResult[] = [];
  // The previous size's figures per system, to skip sizes that can't fit the timeout.
  const previous = new Map<string, { briefings: number; scalingMs: number; fixedMs: number }>();
  // This checkout's engine, then the baseline's (same corpus, same run), then the peers.
  const runs: Array<{ system: SystemId; root: string; baseline: boolean }> = [];
  for (const system of SYSTEMS.filter((s) => s.startsWith('engine')))
    runs.push({ system, root: ROOT, baseline: false });
  if (o.baseline)
    for (const system of SYSTEMS.filter((s) => s.startsWith('engine')))
      runs.push({ system, root: o.baseline, baseline: true });
  for (const system of SYSTEMS.filter((s) => !s.startsWith('engine')))
    runs.push({ system, root: ROOT, baseline: false });
  const seedBriefings = fs.readdirSync(o.knowledgeDir).filter((f) => f.endsWith('.md')).length;
  try {
    for (const n of o.sizes) {
      progress(`${fmt(n)} distractors: preparing corpus …`);
      const tc = Date.now();
      const dir = prepareCorpusDir(o.knowledgeDir, n, o.seed);
      const size: SizeResult = {
        distractors: n,
        briefings: n + seedBriefings,
        corpusDir: dir,
        corpusMs: Date.now() - tc,
        passagesSource: 'splitter',
        systems: [],
      };
      results.push(size);
      progress(`${fmt(n)} distractors: corpus ready in ${fmt(size.corpusMs)} ms (${dir})`, true);

      let passagesFile: string | undefined;
      for (const { system, root, baseline } of runs.filter((r) => o.systems.includes(r.system))) {
        const name = `${SYSTEM_LABEL[system]}${baseline ? ' (baseline)' : ''}`;
        const key = `${system}${baseline ? '-baseline' : ''}`;
        const cacheDir = path.join(scratch, `index-cache-${n}${baseline ? '-baseline' : ''}`);
        const label = `${fmt(size.briefings)} briefings · ${name}`;
        const remaining = o.budgetMs - (Date.now() - started);
        const skip = (reason: string): void => {
          size.systems.push({ system, name, ...(baseline ? { baseline } : {}), status: 'skipped', reason });
          progress(`${label}: skipped (${reason})`, true);
        };
        if (system.startsWith('engine') && !engineAvailable(root)) {
          skip('src/answer/load.ts not found');
          continue;
        }
        if (remaining < 5000) {
          skip(`the run's ${fmt(o.budgetMs / 1000)} s budget is spent`);
          continue;
        }
        if (!system.startsWith('engine') && !passagesFile) {
          // No passages from the engine: split the sentences ourselves, so the peers still run.
          passagesFile = path.join(scratch, `passages-${n}.json`);
          fs.writeFileSync(passagesFile, JSON.stringify(splitPassages(dir)));
        }
        const timeoutMs = Math.min(o.timeoutMs, remaining);
        const prev = previous.get(key);
        // Build and query time grow linearly in briefings, process start-up doesn't; only projected
        // from a size big enough to tell them apart.
        const expected =
          prev && prev.briefings >= 50
            ? prev.fixedMs + (prev.scalingMs * size.briefings) / prev.briefings
            : 0;
        if (expected > timeoutMs * 1.5) {
          skip(
            `projected ~${fmt(expected / 1000)} s from the previous size, over the ${fmt(timeoutMs / 1000)} s limit`,
          );
          continue;
        }
        const args = [
          '--worker',
          system,
          '--repeat',
          String(o.repeat),
          '--questions',
          questionsFile,
          '--root',
          root,
        ];
        if (system === 'engine') {
          fs.rmSync(cacheDir, { recursive: true, force: true });
          args.push('--dir', dir, '--cache-dir', cacheDir);
          if (!baseline) args.push('--passages-out', path.join(scratch, `engine-passages-${n}.json`));
        } else if (system === 'engine-saved') {
          args.push('--dir', dir, '--cache-dir', cacheDir);
        } else if (system === 'engine-reload') {
          const work = path.join(scratch, `reload-${n}${baseline ? '-baseline' : ''}`);
          const cycles = String(baseline ? 1 : o.cycles);
          args.push('--dir', dir, '--cache-dir', cacheDir, '--work', work, '--cycles', cycles);
        } else {
          args.push('--passages', passagesFile as string);
        }
        // On a terminal the ticker redraws this line; in a log, say what is running before a long wait.
        if (isTty) progress(`${label} …`);
        else process.stderr.write(`${label} …\n`);
        const child = await runChild(args, timeoutMs, label);
        if (child.result) {
          const r = child.result;
          size.systems.push({
            ...r,
            name,
            ...(baseline ? { baseline } : {}),
            status: 'ok',
            wallMs: child.wallMs,
          });
          const scalingMs = r.reload ? 0 : r.buildMs + r.medianMs * r.questionsTimed;
          previous.set(key, {
            briefings: size.briefings,
            scalingMs,
            fixedMs: Math.max(0, child.wallMs - scalingMs),
          });
          if (r.passagesFile) {
            passagesFile = r.passagesFile;
            size.passagesSource = 'engine';
          }
          const complete = r.autocomplete
            ? `, autocomplete median ${fmt(r.autocomplete.medianMs, 2)} ms (p99 ${fmt(r.autocomplete.p99Ms, 2)}, first ${fmt(r.autocomplete.firstMs)})`
            : '';
          const reload = r.reload;
          progress(
            reload
              ? `${label}: answering after ${RELOAD_CHANGES.map((c) => `${c} ${reload.answeredMs[c].map((x) => fmt(x)).join('/')}`).join(', ')} ms; peak RSS ${fmt(reload.reloadPeakRssMb)} MB at ${fmt(reload.steadyRssMb)} MB steady${reload.correct ? '' : '; WRONG ANSWERS'}`
              : `${label}: build ${fmt(r.buildMs)} ms, median ${fmt(r.medianMs, 2)} ms, hit@1 ${r.hits}/${r.answerable}, declined ${r.declined}/${r.unanswerable}${complete}`,
            true,
          );
        } else if (child.timedOut) {
          size.systems.push({
            system,
            name,
            ...(baseline ? { baseline } : {}),
            status: 'skipped',
            reason: `did not finish within ${fmt(timeoutMs / 1000)} s`,
            wallMs: child.wallMs,
          });
          progress(`${label}: skipped (over ${fmt(timeoutMs / 1000)} s)`, true);
        } else {
          size.systems.push({
            system,
            name,
            ...(baseline ? { baseline } : {}),
            status: 'failed',
            reason: child.error ?? 'no result',
            wallMs: child.wallMs,
          });
          progress(`${label}: failed`, true);
        }
      }
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return results;
}

function parsePositiveInt(
  value: string | undefined,
  fallback: number,
  what: string,
  allowZero = false,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1))
    throw new Error(
      `--${what}: expected a ${allowZero ? 'non-negative' : 'positive'} integer, got "${value}"`,
    );
  return n;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      briefings: { type: 'string' },
      out: { type: 'string' },
      repeat: { type: 'string' },
      systems: { type: 'string' },
      seed: { type: 'string' },
      timeout: { type: 'string' },
      budget: { type: 'string' },
      knowledge: { type: 'string' },
      cycles: { type: 'string' },
      baseline: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      // Worker mode (internal).
      worker: { type: 'string' },
      dir: { type: 'string' },
      passages: { type: 'string' },
      'passages-out': { type: 'string' },
      'cache-dir': { type: 'string' },
      questions: { type: 'string' },
      root: { type: 'string' },
      work: { type: 'string' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const repeat = parsePositiveInt(values.repeat, 20, 'repeat');

  if (values.worker !== undefined) {
    const system = values.worker as SystemId;
    if (!SYSTEMS.includes(system)) throw new Error(`--worker: unknown system ${values.worker}`);
    const questions = JSON.parse(fs.readFileSync(values.questions as string, 'utf8')) as DevQuestions;
    const args: WorkerArgs = {
      system,
      questions,
      repeat,
      root: path.resolve(values.root ?? ROOT),
      cycles: parsePositiveInt(values.cycles, 3, 'cycles'),
    };
    if (values.work) args.work = values.work;
    if (values.dir) args.dir = values.dir;
    if (values['cache-dir']) args.cacheDir = values['cache-dir'];
    if (values.passages) args.passages = values.passages;
    if (values['passages-out']) args.passagesOut = values['passages-out'];
    const result = await runWorker(args);
    process.stdout.write(`\n${RESULT_MARK}${JSON.stringify(result)}\n`);
    return 0;
  }

  const sizes = (values.briefings ?? '0,200,2000,20000')
    .split(',')
    .map((s) => parsePositiveInt(s.trim(), 0, 'briefings', true));
  const systems = (values.systems ?? SYSTEMS.join(',')).split(',').map((s) => s.trim()) as SystemId[];
  for (const s of systems)
    if (!SYSTEMS.includes(s)) throw new Error(`--systems: unknown system ${s} (${SYSTEMS.join(', ')})`);
  const o: MainOptions = {
    sizes,
    repeat,
    out: path.resolve(values.out ?? path.join(ROOT, 'bench/results.json')),
    systems,
    seed: parsePositiveInt(values.seed, 42, 'seed', true),
    timeoutMs: parsePositiveInt(values.timeout, 240, 'timeout') * 1000,
    budgetMs: parsePositiveInt(values.budget, 560, 'budget') * 1000,
    knowledgeDir: path.resolve(values.knowledge ?? path.join(ROOT, 'knowledge')),
    cycles: parsePositiveInt(values.cycles, 3, 'cycles'),
  };
  if (values.baseline) {
    o.baseline = path.resolve(values.baseline);
    if (!engineAvailable(o.baseline)) throw new Error(`--baseline: no src/answer/load.ts in ${o.baseline}`);
  }
  const t0 = Date.now();
  const results = await runBench(o);
  const table = formatTable(results);
  process.stdout.write(`${table}\n`);
  const reloads = formatReloadTable(results);
  if (reloads) process.stdout.write(`\n${reloads}\n`);
  const report = {
    generatedAt: new Date().toISOString(),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    seed: o.seed,
    repeat: o.repeat,
    totalMs: Date.now() - t0,
    sizes: results,
  };
  fs.mkdirSync(path.dirname(o.out), { recursive: true });
  fs.writeFileSync(o.out, `${JSON.stringify(report, null, 2)}\n`);
  process.stderr.write(
    `bench: wrote ${path.relative(process.cwd(), o.out)} in ${fmt((Date.now() - t0) / 1000)} s\n`,
  );
  return 0;
}

// Run only when executed, not when imported by tests.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
