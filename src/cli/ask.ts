import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { loadEngine } from '../answer/load.js';
import type { Engine } from '../answer/engine.js';
import { defaultImportDir } from '../config.js';
import { exampleQuestions } from '../discord/examples.js';
import { KnowledgeError } from '../knowledge/load.js';
import { renderAnswerText } from '../render/terminal.js';
import { DEFAULT_DATA_DIR } from '../store/url.js';

const HELP = `Ask the briefings a question, from the command line.

Usage:
  npm run ask -- [options] "question"
  npm run --silent ask -- --json "question"      one JSON answer object on stdout
  npm run --silent ask -- --json < questions.txt   one question per line in, JSON Lines out

Options:
  --json              print the answer object as JSON (see README, "JSON answers")
  --knowledge <dir>   answer from another knowledge folder (default: $KNOWLEDGE_DIR or ./knowledge,
                      with the imported briefings in $IMPORT_DIR or $DATA_DIR/knowledge)
  --top <n>           how many excerpts at most (1–25, default 3)
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
  const top = values.top === undefined ? 3 : Number(values.top);
  if (!Number.isInteger(top) || top < 1 || top > 25) {
    process.stderr.write('ask: --top must be a whole number from 1 to 25\n');
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
    });
  } catch (err) {
    process.stderr.write(
      `${err instanceof KnowledgeError ? err.message : `ask: ${(err as Error).message}`}\n`,
    );
    return 1;
  }
  const question = positionals.join(' ').trim();
  const color = !values['no-color'] && process.stdout.isTTY === true && !process.env.NO_COLOR;

  if (values.json) {
    if (question) {
      process.stdout.write(`${JSON.stringify(engine.ask(question, { top }))}\n`);
      return 0;
    }
    // JSON Lines: one answer per input line, in order; blank lines get an 'empty' answer too,
    // so that output line N always answers input line N.
    const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
    for await (const line of lines) process.stdout.write(`${JSON.stringify(engine.ask(line, { top }))}\n`);
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
