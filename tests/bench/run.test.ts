import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { foldForGold as foldText, isGold as containsGold } from '../../bench/quality.js';
import {
  autocompleteInputs,
  formatReloadTable,
  formatTable,
  msRange,
  percentile,
  splitPassages,
  type SizeResult,
} from '../../bench/run.js';

describe('bench helpers', () => {
  it('folds case, accents and curly quotes when matching gold phrases', () => {
    expect(foldText('Matériel “Quoted” Russia’s')).toBe('materiel "quoted" russia\'s');
    expect(
      containsGold('the limits on North Korea’s access to advanced matériel', [
        "north korea's access to advanced materiel",
      ]),
    ).toBe(true);
    expect(containsGold('nothing here', ['something'])).toBe(false);
  });

  it('computes nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile([3], 99)).toBe(3);
    expect(percentile([], 50)).toBeNaN();
  });

  it('splits briefings into passages, front matter excluded', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'split-test-'));
    try {
      fs.writeFileSync(
        path.join(dir, 'b.md'),
        '---\ntitle: "T"\nsource: S\n---\n\nOne sentence. Two “quoted” sentence!\n\nThird one?\n',
      );
      expect(splitPassages(dir)).toEqual([
        { id: 'b#0', briefing: 'b', index: 0, text: 'One sentence.' },
        { id: 'b#1', briefing: 'b', index: 1, text: 'Two “quoted” sentence!' },
        { id: 'b#2', briefing: 'b', index: 2, text: 'Third one?' },
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints one row per size and system, skipped ones with their reason', () => {
    const sizes: SizeResult[] = [
      {
        distractors: 0,
        briefings: 2,
        corpusDir: '/tmp/x',
        corpusMs: 1,
        passagesSource: 'engine',
        systems: [
          {
            system: 'minisearch',
            name: 'minisearch',
            status: 'ok',
            sentences: 46,
            buildMs: 12,
            medianMs: 0.04,
            p99Ms: 0.3,
            peakRssMb: 80,
            indexMb: 0.4,
            hits: 25,
            answerable: 28,
            declined: 5,
            unanswerable: 10,
          },
          {
            system: 'wink',
            name: 'wink-bm25-text-search',
            status: 'skipped',
            reason: 'did not finish within 240 s',
          },
        ],
      },
    ];
    const table = formatTable(sizes);
    expect(table).toMatch(
      /briefings\s+system\s+sentences\s+build ms\s+median ms\s+p99 ms\s+peak RSS MB\s+index MB\s+hit@1\s+declined/,
    );
    expect(table).toMatch(/2\s+minisearch\s+46\s+12\s+0\.04\s+0\.30\s+80\s+0\.4\s+25\/28\s+5\/10/);
    expect(table).toContain('did not finish within 240 s');
  });

  it('prints the autocomplete figures of the engine, a dash for systems without them', () => {
    const sizes: SizeResult[] = [
      {
        distractors: 2000,
        briefings: 2002,
        corpusDir: '/tmp/x',
        corpusMs: 1,
        passagesSource: 'engine',
        systems: [
          {
            system: 'engine',
            name: 'this engine',
            status: 'ok',
            sentences: 44898,
            buildMs: 3500,
            medianMs: 0.6,
            p99Ms: 5,
            peakRssMb: 260,
            indexMb: 10.4,
            hits: 26,
            answerable: 28,
            declined: 10,
            unanswerable: 10,
            autocomplete: { firstMs: 147.2, medianMs: 0.09, p99Ms: 2.55, maxMs: 9, calls: 2000 },
          },
          {
            system: 'minisearch',
            name: 'minisearch',
            status: 'ok',
            sentences: 44898,
            buildMs: 650,
            medianMs: 1.6,
            p99Ms: 15,
            peakRssMb: 190,
            indexMb: 32,
            hits: 25,
            answerable: 28,
            declined: 5,
            unanswerable: 10,
          },
        ],
      },
    ];
    const table = formatTable(sizes);
    expect(table).toMatch(/declined\s+lookup ms\s+complete ms\s+complete p99$/m);
    expect(table).toMatch(/this engine .*10\/10\s+147\s+0\.09\s+2\.55$/m);
    expect(table).toMatch(/minisearch .*5\/10\s+–\s+–\s+–$/m);
  });

  it('prints the reloads in a table of their own, ranges over the cycles, and none without them', () => {
    const reload = {
      answeredMs: { add: [640.2, 702.9], edit: [611], remove: [590, 590.4] },
      completeMs: { add: [1300], edit: [1250], remove: [1400] },
      analysed: { add: [1, 1], edit: [1], remove: [0, 0] },
      correct: true,
      openMs: 1400,
      steadyRssMb: 600,
      reloadPeakRssMb: 780,
    };
    const sizes: SizeResult[] = [
      {
        distractors: 20000,
        briefings: 20002,
        corpusDir: '/tmp/x',
        corpusMs: 1,
        passagesSource: 'engine',
        systems: [
          { system: 'engine', name: 'this engine', status: 'ok', sentences: 450233, buildMs: 30000 },
          { system: 'engine-reload', name: 'this engine, reload', status: 'ok', reload },
          {
            system: 'engine-reload',
            name: 'this engine, reload (baseline)',
            baseline: true,
            status: 'ok',
            reload: {
              ...reload,
              analysed: { add: [null], edit: [null], remove: [null] } as never,
              correct: false,
            },
          },
        ],
      },
    ];
    expect(formatTable(sizes)).not.toContain('reload');
    const table = formatReloadTable(sizes);
    expect(table).toMatch(/briefings\s+system\s+start ms\s+add ms\s+edit ms\s+remove ms\s+complete ms/);
    expect(table).toMatch(
      /20,002\s+this engine, reload\s+1,400\s+640–703\s+611\s+590\s+1,250–1,400\s+1, 1, 0\s+600\s+780\s+1\.30$/m,
    );
    expect(table).toMatch(/reload \(baseline\).*–, –, –/);
    expect(table).toContain('this engine, reload (baseline): a reload answered wrongly');
    expect(formatReloadTable([{ ...sizes[0]!, systems: [sizes[0]!.systems[0]!] }])).toBe('');
    expect(msRange([])).toBe('–');
  });

  it('types titles and sources keystroke by keystroke, names, misspellings and nothing at all', () => {
    const briefings = Array.from({ length: 400 }, (_, i) => ({
      title: `Title number ${i}`,
      source: `Source${i} desk`,
    }));
    const inputs = autocompleteInputs(briefings);
    expect(inputs).toEqual(
      expect.arrayContaining(['', 'vaddi', 'kritenbrnk', 'T', 'Ti', 'Title number', 'Source0']),
    );
    expect(inputs.filter((x) => x === 'Title numbe')).toHaveLength(40);
  });
});
