/**
 * The plain search libraries a user would reach for instead of this engine, configured as a careful
 * user would, indexing exactly the engine's passages (one document per sentence) so that the
 * comparison is on the same sentences.
 */
import { createRequire } from 'node:module';
import MiniSearch from 'minisearch';
import type { ItemToken, ItsFunction } from 'wink-nlp';
import type winkNLPFactory from 'wink-nlp';
import type winkModel from 'wink-eng-lite-web-model';

/** One indexed sentence, as `engine.passages()` lists them. */
export interface Passage {
  id: string;
  briefing: string;
  index: number;
  text: string;
}

/** A search library under test. */
export interface Peer {
  name: string;
  /** Passage ids, best first; `[]` means it declined (nothing matched). */
  search(question: string, k: number): string[];
  /** Size of the index serialized as JSON, in bytes (UTF-16 code units). */
  serializedBytes(): number;
}

/**
 * A standard English stop-word list (NLTK's), lowercased; MiniSearch's default tokenizer splits
 * contractions at the apostrophe, so the fragments ("s", "t", "don") are included.
 */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers ' +
    'herself it its itself they them their theirs themselves what which who whom this that these those am is are ' +
    'was were be been being have has had having do does did doing a an the and but if or because as until while ' +
    'of at by for with about against between into through during before after above below to from up down in out ' +
    'on off over under again further then once here there when where why how all any both each few more most other ' +
    'some such no nor not only own same so than too very s t can will just don should now d ll m o re ve y ain ' +
    'aren couldn didn doesn hadn hasn haven isn ma mightn mustn needn shan shouldn wasn weren won wouldn'
  ).split(' '),
);

/**
 * MiniSearch over the passages' text: default options, or with English stop words dropped
 * (via `processTerm` returning null), the one setting a careful user would add.
 */
export function miniSearchPeer(passages: readonly Passage[], options: { stopWords: boolean }): Peer {
  const processTerm = options.stopWords
    ? (term: string): string | null => {
        const t = term.toLowerCase();
        return ENGLISH_STOP_WORDS.has(t) ? null : t;
      }
    : undefined;
  const ms = new MiniSearch<Passage>({
    fields: ['text'],
    idField: 'id',
    ...(processTerm ? { processTerm } : {}),
  });
  ms.addAll(passages as Passage[]);
  return {
    name: options.stopWords ? 'minisearch (stop words dropped)' : 'minisearch (defaults)',
    search(question, k) {
      return ms
        .search(question)
        .slice(0, k)
        .map((r) => String(r.id));
    },
    serializedBytes() {
      return JSON.stringify(ms).length;
    },
  };
}

/** The parts of wink-bm25-text-search's API used here (the package ships no types). */
interface WinkBm25 {
  defineConfig(config: {
    fldWeights: Record<string, number>;
    bm25Params?: { k1?: number; b?: number; k?: number };
  }): boolean;
  definePrepTasks(tasks: Array<(input: string) => string[]>, field?: string): number;
  addDoc(doc: Record<string, string>, id: string): number;
  consolidate(fp?: number): boolean;
  search(text: string, limit?: number): Array<[string, number]>;
  exportJSON(): string;
}

// CommonJS packages loaded on first use, so that MiniSearch's cold start doesn't pay for wink's model.
const require = createRequire(import.meta.url);

/** Ids given to filler documents: wink-bm25 refuses to consolidate fewer than 3 documents. */
const PAD_PREFIX = '\u0000pad';

type WinkNlp = ReturnType<typeof winkNLPFactory>;
let wink: { nlp: WinkNlp; its: WinkNlp['its'] } | undefined;

/** wink-nlp with its English model, loaded once (the model takes a few hundred ms to load). */
export function loadWinkNlp(): { nlp: WinkNlp; its: WinkNlp['its'] } {
  if (!wink) {
    const winkNLP = require('wink-nlp') as typeof winkNLPFactory;
    const model = require('wink-eng-lite-web-model') as typeof winkModel;
    const nlp = winkNLP(model);
    wink = { nlp, its: nlp.its };
  }
  return wink;
}

/**
 * wink-bm25-text-search (BM25, k1 = 1.2, b = 0.75, k = 1) with wink-nlp's English model as prep task:
 * word and number tokens, stop words dropped, lemmatized and lowercased; the same pipeline for
 * documents and queries.
 */
export function winkBm25Peer(passages: readonly Passage[]): Peer {
  const { nlp, its } = loadWinkNlp();
  // wink's typings declare `its.lemma` with the model's addon type, which `out()` doesn't accept.
  const lemma = its.lemma as unknown as ItsFunction<string>;
  const prep = (text: string): string[] => {
    const out: string[] = [];
    nlp
      .readDoc(text)
      .tokens()
      .each((t: ItemToken) => {
        const type = t.out(its.type);
        if ((type === 'word' || type === 'number') && !t.out(its.stopWordFlag))
          out.push(t.out(lemma).toLowerCase());
      });
    return out;
  };

  const createEngine = require('wink-bm25-text-search') as () => WinkBm25;
  const engine = createEngine();
  engine.defineConfig({ fldWeights: { text: 1 }, bm25Params: { k1: 1.2, b: 0.75, k: 1 } });
  engine.definePrepTasks([prep]);
  for (const p of passages) engine.addDoc({ text: p.text }, p.id);
  for (let i = passages.length; i < 3; i++) engine.addDoc({ text: '' }, `${PAD_PREFIX}${i}`);
  engine.consolidate();
  return {
    name: 'wink-bm25-text-search',
    search(question, k) {
      return engine
        .search(question, k)
        .map(([id]) => id)
        .filter((id) => !id.startsWith(PAD_PREFIX));
    },
    serializedBytes() {
      return engine.exportJSON().length;
    },
  };
}
