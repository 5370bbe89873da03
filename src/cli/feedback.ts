import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadDotEnv } from '../config.js';
import { StoreConfigError, describeStoreUrl, openStore, parseStoreUrl } from '../store/index.js';
import type { FeedbackReport, StoreLogger } from '../store/index.js';

const HELP = `Show the questions people marked 👎 most often, with the passages their answers quoted,
so that you can improve the briefings (knowledge/*.md) or the aliases (knowledge/aliases.yaml).

Usage:
  npm run feedback -- [options]
  npm run --silent feedback -- --json        the report as one JSON object on stdout

Options:
  --limit <n>   how many questions at most (1–1000, default 20)
  --json        print the report as JSON
  -h, --help    show this help

The report reads the bot's own store, chosen as the bot chooses it: STORE_URL (redis://…) or,
when unset, the SQLite file in DATA_DIR (default ./data), from the environment or .env.`;

/**
 * Store messages for a person at a terminal: the cause of a failure on stderr (the store's own
 * warning speaks of the bot's fallbacks, which mean nothing here), the rest dropped.
 */
const logger: StoreLogger = {
  info: () => undefined,
  debug: () => undefined,
  warn: (obj) => {
    const err = (obj as { err?: unknown }).err;
    if (err instanceof Error) process.stderr.write(`feedback: ${err.message}\n`);
  },
};

const EMPTY: FeedbackReport = { questions: 0, votes: 0, up: 0, down: 0, entries: [] };

/** The report as text: one numbered block per question. */
function renderFeedbackReport(report: FeedbackReport, source: string): string {
  const lines = [
    `Feedback in ${source}: ${report.votes} vote${report.votes === 1 ? '' : 's'} (${report.up} 👍, ${report.down} 👎) ` +
      `on ${report.questions} question${report.questions === 1 ? '' : 's'}.`,
  ];
  if (report.entries.length === 0) {
    lines.push('', report.votes === 0 ? 'No votes yet.' : 'No 👎 yet: nothing to improve from feedback.');
    return lines.join('\n');
  }
  lines.push('', `The questions with the most 👎${report.entries.length > 1 ? `, most first` : ''}:`);
  report.entries.forEach((entry, i) => {
    const servers = entry.servers === 1 ? 'in 1 server or DM' : `in ${entry.servers} servers or DMs`;
    const when = `${entry.lastVoteAt.slice(0, 16).replace('T', ' ')} UTC`;
    lines.push('', `${i + 1}. ${JSON.stringify(entry.question)}`);
    lines.push(`   👎 ${entry.down}  👍 ${entry.up}   ${servers}, last vote ${when}`);
    if (entry.passages.length === 0) {
      lines.push('   The answer quoted no passage (the bot declined, or found nothing).');
    } else {
      lines.push('   Passages the answer quoted:');
      for (const passage of entry.passages)
        lines.push(`     - ${passage.length > 200 ? `${passage.slice(0, 197)}...` : passage}`);
    }
  });
  return lines.join('\n');
}

/** Entry point of `npm run feedback`. Exit codes: 0 shown, 1 store unusable, 2 bad usage. */
async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        limit: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    process.stderr.write(`feedback: ${(err as Error).message}\nRun with --help for usage.\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const limit = values.limit === undefined ? 20 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    process.stderr.write('feedback: --limit must be a whole number from 1 to 1000\n');
    return 2;
  }
  const print = (report: FeedbackReport, source: string) =>
    process.stdout.write(`${values.json ? JSON.stringify(report) : renderFeedbackReport(report, source)}\n`);

  loadDotEnv();
  const url = process.env.STORE_URL;
  const dataDir = process.env.DATA_DIR;
  let source: string;
  try {
    const target = parseStoreUrl(url, dataDir);
    if (target.kind === 'memory') {
      process.stderr.write(
        'feedback: STORE_URL=memory:// keeps nothing once the bot stops: there is no feedback to read\n',
      );
      return 1;
    }
    source = target.kind === 'sqlite' ? target.file : describeStoreUrl(url);
    // Reading must not create an empty database where the bot has never run.
    if (target.kind === 'sqlite' && !existsSync(target.file)) {
      if (!values.json)
        process.stderr.write(
          `feedback: ${target.file} does not exist yet (the bot creates it on first start)\n`,
        );
      print(EMPTY, source);
      return 0;
    }
  } catch (err) {
    if (err instanceof StoreConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }

  let store;
  try {
    store = await openStore({ url, dataDir, logger, timeoutMs: 5000, connectTimeoutMs: 5000 });
  } catch (err) {
    process.stderr.write(
      `${err instanceof StoreConfigError ? err.message : `feedback: ${(err as Error).message}`}\n`,
    );
    return 1;
  }
  try {
    const report = await store.feedbackReport({ limit });
    if (report === undefined) {
      process.stderr.write(`feedback: could not read the store (${store.description})\n`);
      return 1;
    }
    print(report, source);
    return 0;
  } finally {
    await store.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
