import path from 'node:path';
import type { Engine } from './engine.js';
import { loadEngineWithReport, reloadEngineIfChanged, type LoadOptions, type LoadReport } from './load.js';
import type { BriefingList, BriefingResolution, LookupMatch } from './lookup.js';
import type { SearchOptions, SearchResult } from './search.js';
import type { Answer, AskOptions, BriefingSummary } from './types.js';

/** What a reload did. */
export type ReloadResult =
  | {
      ok: true;
      /** False when the files were unchanged and the index was kept. */
      changed: boolean;
      added: string[];
      removed: string[];
      edited: string[];
      briefings: number;
      passages: number;
      ms: number;
    }
  | {
      ok: false;
      /** The reason, e.g. a KnowledgeError message naming the file and field. The old index keeps serving. */
      error: Error;
      ms: number;
    };

/**
 * The engine the bot asks, swapped atomically when the knowledge folder changes: a reload builds
 * a new engine in the background (the old one keeps answering meanwhile), then replaces the
 * reference in one step. A broken folder leaves the previous engine serving. Reloads are
 * serialised; a request during a reload runs once more after it.
 */
export class LiveEngine {
  private engine: Engine;
  private report: LoadReport;
  private running: Promise<ReloadResult> | undefined;
  private again = false;

  private constructor(
    private readonly dir: string,
    private readonly options: LoadOptions,
    first: { engine: Engine; report: LoadReport },
  ) {
    this.engine = first.engine;
    this.report = first.report;
  }

  /** Loads the folder (throws `KnowledgeError` when it is broken: a bot must not start on one). */
  static async open(dir: string, options: LoadOptions = {}): Promise<LiveEngine> {
    const first = await loadEngineWithReport(dir, options);
    // Built now rather than on the first /briefing keystroke, which must be answered within
    // Discord's 3 s: building it took 0.5–1.8 s at 20,000 briefings in the bench (busy machine).
    void first.engine.lookup;
    return new LiveEngine(dir, options, first);
  }

  /** The engine answering now. */
  get current(): Engine {
    return this.engine;
  }

  /** Whether the current index came from the saved copy. */
  get loadedFromCache(): boolean {
    return this.report.cached;
  }

  ask(question: string, options?: AskOptions): Answer {
    return this.engine.ask(question, options);
  }

  search(query: string, options?: SearchOptions): SearchResult {
    return this.engine.search(query, options);
  }

  briefings(): BriefingSummary[] {
    return this.engine.briefings();
  }

  briefing(id: string): BriefingSummary | undefined {
    return this.engine.briefing(id);
  }

  findBriefings(query?: string, options?: { offset?: number; top?: number }): BriefingList {
    return this.engine.findBriefings(query, options);
  }

  resolveBriefing(name: string, top?: number): BriefingResolution {
    return this.engine.resolveBriefing(name, top);
  }

  suggestBriefings(typed: string, limit?: number): LookupMatch[] {
    return this.engine.suggestBriefings(typed, limit);
  }

  get passageCount(): number {
    return this.engine.passageCount;
  }

  /** Rebuilds from the folder and swaps the new engine in; never throws. */
  reload(): Promise<ReloadResult> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.rebuild().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        void this.reload();
      }
    });
    return this.running;
  }

  private async rebuild(): Promise<ReloadResult> {
    const started = performance.now();
    const ms = () => Math.round(performance.now() - started);
    try {
      const next = await reloadEngineIfChanged(this.dir, this.report.hash, {
        ...this.options,
        background: true,
      });
      if (next === undefined) {
        const engine = this.engine;
        return {
          ok: true,
          changed: false,
          added: [],
          removed: [],
          edited: [],
          briefings: engine.briefings().length,
          passages: engine.passageCount,
          ms: ms(),
        };
      }
      const before = this.report.files;
      const after = next.report.files;
      const changed = next.report.hash !== this.report.hash;
      // Imported files are named by their folder too; a briefing is named by its id.
      const briefing = (name: string) => path.basename(name).replace(/\.md$/i, '');
      const result: ReloadResult = {
        ok: true,
        changed,
        added: Object.keys(after)
          .filter((f) => !(f in before))
          .map(briefing),
        removed: Object.keys(before)
          .filter((f) => !(f in after))
          .map(briefing),
        edited: Object.keys(after)
          .filter((f) => f in before && before[f] !== after[f])
          .map(briefing),
        briefings: next.engine.briefings().length,
        passages: next.engine.passageCount,
        ms: 0,
      };
      if (changed) {
        void next.engine.lookup;
        this.engine = next.engine;
        this.report = next.report;
      }
      return { ...result, ms: ms() };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error : new Error(String(error)), ms: ms() };
    }
  }
}
