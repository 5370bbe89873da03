import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { generateBriefing, generateCorpus, mulberry32, prepareCorpusDir } from '../../bench/corpus.js';
import { splitPassages } from '../../bench/run.js';
import { foldForGold as foldText } from '../../bench/quality.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const KNOWLEDGE = path.join(ROOT, 'knowledge');

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-test-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function readAll(dir: string): Map<string, string> {
  return new Map(
    fs
      .readdirSync(dir)
      .sort()
      .map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]),
  );
}

/** Splits a file into its front matter (parsed) and body. */
function splitFile(text: string): { front: Record<string, unknown>; body: string } {
  const m = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text);
  if (!m) throw new Error('no front matter');
  return { front: parseYaml(m[1] as string) as Record<string, unknown>, body: m[2] as string };
}

/**
 * The seeds' specific names, from aliases.yaml, except the three states that distractors may
 * mention as actors and the generic ministry names.
 */
function seedNames(): string[] {
  const aliases = parseYaml(fs.readFileSync(path.join(KNOWLEDGE, 'aliases.yaml'), 'utf8')) as {
    entities: Array<{ name: string; aliases: string[] }>;
  };
  const allowed = new Set([
    'Russia',
    'North Korea',
    'United States',
    'Ministry of Foreign Affairs',
    'Foreign Ministry',
  ]);
  const names = aliases.entities.flatMap((e) => [e.name, ...e.aliases]).filter((n) => !allowed.has(n));
  return [
    ...names,
    'Pranay',
    'Daniel',
    'Antony',
    'India',
    'Japan',
    'Eurasia',
    'Cosmodrome',
    'East Asian',
    'Pacific',
    '2006',
  ];
}

/** A few real places that must not appear either. */
const REAL_PLACES = [
  'China',
  'Iran',
  'Ukraine',
  'Syria',
  'Europe',
  'Asia',
  'Africa',
  'Beijing',
  'Tokyo',
  'Kyiv',
  'London',
  'Paris',
  'NATO',
  'European Union',
];

/** A whole-word, case-insensitive matcher; acronyms (all capitals, like "US") match case-sensitively. */
function nameMatcher(name: string): RegExp {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const acronym = /^[A-Z.]+$/.test(name);
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, acronym ? 'u' : 'iu');
}

describe('mulberry32', () => {
  it('is deterministic and in [0, 1)', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(xs).size).toBeGreaterThan(990);
  });
});

describe('generateCorpus', () => {
  const n = 60;
  const dirA = path.join(scratch, 'a');
  const dirB = path.join(scratch, 'b');
  const dirC = path.join(scratch, 'c');
  const stats = generateCorpus({ briefings: n, seed: 42, dir: dirA });
  generateCorpus({ briefings: n, seed: 42, dir: dirB });
  generateCorpus({ briefings: n, seed: 43, dir: dirC });
  const files = readAll(dirA);

  it('is deterministic for a seed, and differs for another seed', () => {
    expect(readAll(dirB)).toEqual(files);
    const other = readAll(dirC);
    expect([...other.keys()]).toEqual([...files.keys()]);
    const same = [...files].filter(([f, text]) => other.get(f) === text).length;
    expect(same).toBe(0);
  });

  it('writes N files named distractor-00001.md …', () => {
    expect(files.size).toBe(n);
    expect(stats.files).toEqual([...files.keys()]);
    expect([...files.keys()][0]).toBe('distractor-00001.md');
    expect([...files.keys()][n - 1]).toBe(`distractor-${String(n).padStart(5, '0')}.md`);
  });

  it('a smaller corpus is a prefix of a larger one', () => {
    expect(generateBriefing(42, 5).markdown).toBe(files.get('distractor-00006.md'));
  });

  it('has valid front matter: title, source, optional ISO date', () => {
    let dated = 0;
    for (const [file, text] of files) {
      const { front, body } = splitFile(text);
      expect(
        Object.keys(front).every((k) => ['title', 'source', 'date'].includes(k)),
        file,
      ).toBe(true);
      expect(typeof front.title === 'string' && front.title.length > 10, file).toBe(true);
      expect(typeof front.source === 'string' && front.source.length > 10, file).toBe(true);
      if (front.date !== undefined) {
        dated++;
        // yaml parses a bare ISO date as a string (YAML 1.2 core schema).
        expect(String(front.date)).toMatch(/^20\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d)$/);
      }
      expect(body.startsWith('\n')).toBe(true);
      expect(body.trim().split(/\n\n/).length).toBeGreaterThanOrEqual(2);
    }
    expect(dated).toBeGreaterThan(n / 3);
    expect(dated).toBeLessThan(n);
  });

  it('has 15 to 30 sentences per briefing, as a plain splitter counts them', () => {
    const passages = splitPassages(dirA);
    const perBriefing = new Map<string, number>();
    for (const p of passages) perBriefing.set(p.briefing, (perBriefing.get(p.briefing) ?? 0) + 1);
    expect(perBriefing.size).toBe(n);
    for (const [id, count] of perBriefing) {
      expect(count, id).toBeGreaterThanOrEqual(15);
      expect(count, id).toBeLessThanOrEqual(30);
      const generated = generateBriefing(42, Number(id.slice(-5)) - 1).paragraphs.flat().length;
      expect(count, id).toBe(generated);
    }
    expect(stats.sentences).toBe(passages.length);
    // Sentences within a briefing are distinct.
    for (let i = 0; i < n; i++) {
      const sentences = generateBriefing(42, i).paragraphs.flat();
      expect(new Set(sentences).size).toBe(sentences.length);
    }
  });
});

describe('distractor content', () => {
  // A large sample, over two seeds, so that rare slots (the real-state actors) come up.
  const texts: string[] = [];
  for (const seed of [42, 7]) for (let i = 0; i < 1500; i++) texts.push(generateBriefing(seed, i).markdown);
  const all = texts.join('\n');

  it("never names the seeds' specific people, places and organisations", () => {
    for (const name of seedNames()) expect(all, name).not.toMatch(nameMatcher(name));
  });

  it('never names a few common real places', () => {
    for (const name of REAL_PLACES) expect(all, name).not.toMatch(nameMatcher(name));
  });

  it("never contains a dev question's gold phrase", () => {
    const dev = JSON.parse(fs.readFileSync(path.join(ROOT, 'tests/dev-questions.json'), 'utf8')) as {
      answerable: Array<{ gold: string[] }>;
    };
    const folded = foldText(all);
    for (const g of dev.answerable.flatMap((a) => a.gold))
      expect(folded.includes(foldText(g)), g).toBe(false);
  });

  it('mentions the seeds’ states only rarely, and never two in one sentence', () => {
    const sentences = texts.flatMap((t) => t.split(/(?<=[.!?])\s+/));
    const states = [/\bRussia\b/, /\bNorth Korea\b/, /\bUnited States\b/];
    const withState = sentences.filter((s) => states.some((r) => r.test(s)));
    expect(withState.length).toBeGreaterThan(0);
    expect(withState.length / sentences.length).toBeLessThan(0.01);
    for (const s of withState) expect(states.filter((r) => r.test(s)).length, s).toBe(1);
  });

  it('uses the general vocabulary of policy reporting', () => {
    const lower = all.toLowerCase();
    for (const w of [
      'officials',
      'cooperation',
      'security',
      'measures',
      'analysts',
      'sanctions',
      'ministry',
      'defense',
      'alliance',
      'export controls',
      'briefing',
      'threat',
      'stability',
      'nonproliferation',
      'partners',
      'talks',
      'statement',
    ]) {
      expect(lower, w).toContain(w);
    }
  });
});

describe('prepareCorpusDir', () => {
  const made: string[] = [];
  afterAll(() => {
    for (const d of made) {
      fs.rmSync(d, { recursive: true, force: true });
      fs.rmSync(`${d}.json`, { force: true });
    }
  });

  it('copies the seed knowledge folder, adds the distractors, and reuses an identical folder', () => {
    // A seed no other test or run uses, so that parallel test files don't share the folder.
    const dir = prepareCorpusDir(KNOWLEDGE, 7, 1234);
    made.push(dir);
    expect(path.dirname(dir)).toBe(os.tmpdir());
    const names = fs.readdirSync(dir).sort();
    for (const f of fs.readdirSync(KNOWLEDGE)) {
      expect(names).toContain(f);
      expect(fs.readFileSync(path.join(dir, f), 'utf8')).toBe(
        fs.readFileSync(path.join(KNOWLEDGE, f), 'utf8'),
      );
    }
    expect(names).toContain('aliases.yaml');
    expect(names.filter((f) => f.startsWith('distractor-'))).toHaveLength(7);

    const marker = path.join(dir, 'distractor-00001.md');
    const before = fs.statSync(marker).mtimeMs;
    expect(prepareCorpusDir(KNOWLEDGE, 7, 1234)).toBe(dir);
    expect(fs.statSync(marker).mtimeMs).toBe(before);

    const other = prepareCorpusDir(KNOWLEDGE, 8, 1234);
    made.push(other);
    expect(other).not.toBe(dir);
    expect(fs.readdirSync(other).filter((f) => f.startsWith('distractor-'))).toHaveLength(8);
  });
});
