import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { loadEngine } from '../answer/load.js';
import { sharedWordVectors } from '../answer/vectors.js';
import type { Engine } from '../answer/engine.js';
import { defaultImportDir } from '../config.js';
import { exampleQuestions } from '../discord/examples.js';
import { KnowledgeError } from '../knowledge/load.js';
import { renderAnswerText, renderSearchText, renderSourcesText } from '../render/terminal.js';
import { DEFAULT_DATA_DIR } from '../store/url.js';

const HELP = `Ask the briefings a question, search them, or list them, from the command line.

Usage:
  npm run ask -- [options] "question"
  npm run --silent ask -- --json "question"      one JSON answer object on stdout
  npm run --silent ask -- --json < questions.txt   one question per line in, JSON Lines out
  npm run ask -- --search [options] "words"      every passage with all the words, best first
  npm run ask -- --sources [options] [name]      the briefings, newest first (or those a name fits)

Options:
  --json              print JSON: the answer (see README, "JSON answers"), the search result, or
                      the list of briefings; with --search and no words, one search per line of
                      standard input, JSON Lines out
  --search            search instead of asking: passages with every word (a name through its
                      aliases, any form of a word, "words in quotes" as a phrase); no synonyms
  --sources           list the briefings; with a name, those it fits (title, source, names in the
                      text), best first
  --knowledge <dir>   answer from another knowledge folder (default: $KNOWLEDGE_DIR or ./knowledge,
                      with the imported briefings in $IMPORT_DIR or $DATA_DIR/knowledge)
  --top <n>           how many at most: excerpts of an answer (1–25, default 3), search results
                      (1–50, default 10), briefings (default all)
  --offset <n>        with --search or --sources: skip this many first (the next page)
  --no-color          plain text without ANSI bold
  --no-index-cache    analyse the briefings afresh, without reading or writing the saved index
  -h, --help          show this help

Like the bot, it keeps the analysed briefings in $DATA_DIR/index-cache (default ./data), and
loads them from there while the knowledge files are unchanged.`;

/** Entry point of `npm run ask`. Exit codes: 0 answered or declined, 1 broken knowledge, 2 bad usage. */
async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        knowledge: { type: 'string' },
        top: { type: 'string' },
        offset: { type: 'string' },
        search: { type: 'boolean', default: false },
        sources: { type: 'boolean', default: false },
        'no-color': { type: 'boolean', default: false },
        'no-index-cache': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    process.stderr.write(`ask: ${(err as Error).message}\nRun with --help for usage.\n`);
    return 2;
  }
  const { values, positionals } = args;
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (values.search && values.sources) {
    process.stderr.write('ask: give --search or --sources, not both\n');
    return 2;
  }
  const mode = values.search ? 'search' : values.sources ? 'sources' : 'ask';
  const maxTop = mode === 'ask' ? 25 : mode === 'search' ? 50 : 1_000_000;
  const top = values.top === undefined ? { ask: 3, search: 10, sources: maxTop }[mode] : Number(values.top);
  if (!Number.isInteger(top) || top < 1 || top > maxTop) {
    process.stderr.write(`ask: --top must be a whole number from 1 to ${maxTop.toLocaleString('en-US')}\n`);
    return 2;
  }
  const offset = values.offset === undefined ? 0 : Number(values.offset);
  if (!Number.isInteger(offset) || offset < 0 || offset > 1_000_000 || (mode === 'ask' && values.offset)) {
    process.stderr.write(
      mode === 'ask'
        ? 'ask: --offset goes with --search or --sources\n'
        : 'ask: --offset must be a whole number from 0 to 1,000,000\n',
    );
    return 2;
  }
  const question = positionals.join(' ').trim();
  if (mode === 'search' && !question && !values.json) {
    process.stderr.write('ask: give words to search for, e.g. npm run ask -- --search sanctions\n');
    return 2;
  }
  const dir = values.knowledge ?? process.env.KNOWLEDGE_DIR ?? 'knowledge';
  let engine: Engine;
  try {
    const cacheDir = values['no-index-cache']
      ? undefined
      : path.join(process.env.DATA_DIR || DEFAULT_DATA_DIR, 'index-cache');
    // Imported briefings are read beside the configured folder, as the bot reads them.
    const importDir = values.knowledge
      ? undefined
      : process.env.IMPORT_DIR || defaultImportDir(process.env.DATA_DIR);
    engine = await loadEngine(dir, {
      cacheDir,
      ...(importDir ? { importDir } : {}),
      onCacheError: (error) =>
        process.stderr.write(
          `ask: could not save the index (${error.message}); the next run analyses the briefings again\n`,
        ),
      onCacheWarning: (message) => process.stderr.write(`ask: ${message}\n`),
    });
  } catch (err) {
    process.stderr.write(
      `${err instanceof KnowledgeError ? err.message : `ask: ${(err as Error).message}`}\n`,
    );
    return 1;
  }
  if (!sharedWordVectors())
    process.stderr.write(
      'ask: no word vectors (lexicon/word-vectors.bin): answers match fewer paraphrases; npm run distil-vectors makes them\n',
    );
  const color = !values['no-color'] && process.stdout.isTTY === true && !process.env.NO_COLOR;

  if (mode === 'sources') {
    const list = engine.findBriefings(question, { offset, top });
    process.stdout.write(
      values.json ? `${JSON.stringify(list)}\n` : `${renderSourcesText(list.briefings, list)}\n`,
    );
    return 0;
  }
  if (values.json && !question) {
    // JSON Lines: one answer (or search) per input line, in order; blank lines get an 'empty' one
    // too, so that output line N always answers input line N.
    const run =
      mode === 'search'
        ? (line: string): unknown => engine.search(line, { offset, top })
        : (line: string): unknown => engine.ask(line, { top });
    const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
    for await (const line of lines) process.stdout.write(`${JSON.stringify(run(line))}\n`);
    return 0;
  }
  if (mode === 'search') {
    const result = engine.search(question, { offset, top });
    if (values.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return 0;
    }
    const text = renderSearchText(result, { offset }, { color });
    const next = offset + result.excerpts.length < result.total ? ` (--offset ${offset + top} for more)` : '';
    process.stdout.write(`${text}${result.excerpts.length ? next : ''}\n`);
    return 0;
  }

  if (values.json) {
    process.stdout.write(`${JSON.stringify(engine.ask(question, { top }))}\n`);
    return 0;
  }
  if (!question) {
    process.stderr.write(
      'ask: give a question, e.g. npm run ask -- "Who is Pranay Vaddi?" (--help for more)\n',
    );
    return 2;
  }
  const answer = engine.ask(question, { top });
  // A greeting suggests an example question and the help lists them: only those the engine answers.
  const examples =
    answer.intent === 'greeting' || answer.intent === 'help' ? exampleQuestions(engine) : undefined;
  process.stdout.write(`${renderAnswerText(answer, { color, examples })}\n`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
