/**
 * `npm run import`: a briefing from a web page, a file or a feed, written into the import folder
 * (or printed, with --dry-run). Every refusal is one line on stderr and exit code 1.
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { ConfigError, loadConfig } from '../config.js';
import type { Config } from '../config.js';
import type { FeedItem } from '../knowledge/feeds.js';
import type { Importer, ImportSource, PreparedImport } from '../knowledge/importer.js';
import { isImportRefusal } from '../knowledge/refusal.js';
import type { Store } from '../store/index.js';

const HELP = `Add a briefing without writing Markdown: import a web page, a file or a feed.

Usage:
  npm run import -- <url | file> [options]          one page, or a saved .html, .md or .txt file
  npm run import -- --feed <url> [--limit <n>]      the items of an RSS or Atom feed not yet imported

Options:
  --title <text>        the title (default: the page's; a .txt file's first line)
  --source <text>       who published it (default: the page's site name; required for .txt)
  --date <YYYY-MM-DD>   the publication date (default: the page's, when it says; never guessed)
  --dry-run             print the Markdown (with --feed: what would be imported) and write nothing
  --force               replace an imported briefing that has the same URL or text
  --knowledge <dir>     write into this folder (default: $IMPORT_DIR, or $DATA_DIR/knowledge)
  --feed <url>          import a feed's new items: each item's link is fetched as a page
  --limit <n>           with --feed: at most n new briefings
  -h, --help            show this help

The bot reads the import folder beside KNOWLEDGE_DIR and picks new files up by itself.
With STORE_URL=redis://…, the briefing goes to the store the bot's hosts share first, and
from there to every host's import folder; --dry-run and --knowledge stay on this machine.
Pages are fetched with the bot's safety rules: http(s) only, no private or loopback address
unless IMPORT_ALLOW_HOSTS lists the host, 15 s and 5 MB at most.
Exit codes: 0 done, 1 refused (the line on stderr says why), 2 bad usage.`;

const usage = (message: string): number => {
  process.stderr.write(`import: ${message}\nRun with --help for usage.\n`);
  return 2;
};

const refuse = (message: string): number => {
  process.stderr.write(`import: ${message}\n`);
  return 1;
};

/** A URL has a scheme (`https:`, and also `file:`, which the fetch then refuses); anything else is a path. */
const looksLikeUrl = (s: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(s) && !/^[a-z]:[\\/]/i.test(s);

function describeWritten(prepared: PreparedImport, path: string, replaced: boolean): string {
  return [
    `${replaced ? 'Replaced' : 'Imported'} “${prepared.title}”`,
    `  source:    ${prepared.source}`,
    `  date:      ${prepared.date ?? '(none given)'}`,
    ...(prepared.url ? [`  url:       ${prepared.url}`] : []),
    `  sentences: ${prepared.passages}`,
    `  file:      ${path}`,
  ].join('\n');
}

/** Entry point of `npm run import`. */
async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        title: { type: 'string' },
        source: { type: 'string' },
        date: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        knowledge: { type: 'string' },
        feed: { type: 'string' },
        limit: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    return usage((err as Error).message);
  }
  const { values, positionals } = args;
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (values.feed !== undefined && positionals.length > 0)
    return usage('give either a URL or file, or --feed, not both');
  if (values.feed === undefined && positionals.length !== 1) {
    return usage(
      positionals.length === 0 ? 'give a URL or a file to import' : 'give one URL or file at a time',
    );
  }
  if (values.feed !== undefined && (values.title ?? values.source ?? values.date) !== undefined) {
    return usage('--title, --source and --date apply to one page, not to a feed');
  }
  if (values.feed === undefined && values.limit !== undefined) return usage('--limit applies to --feed');
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1))
    return usage('--limit must be a whole number ≥ 1');

  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) return refuse(`configuration error: ${error.message}`);
    throw error;
  }
  // Loaded once the arguments are known to be good: the language model takes a second to load.
  const { createImporter } = await import('../importing.js');
  const importDir = values.knowledge ?? config.importDir;
  // With STORE_URL=redis://…, an import into the bot's import folder goes to the store first, and
  // from there to every host's folder; a dry run, or another folder, stays local.
  const store =
    !values['dry-run'] && path.resolve(importDir) === path.resolve(config.importDir)
      ? await openSharedStore(config)
      : undefined;
  const importer = createImporter(
    { ...config, importDir },
    {
      duplicateHint: '--force replaces it',
      ...(store?.sharedBriefings ? { shared: store.sharedBriefings } : {}),
    },
  );

  try {
    if (values.feed !== undefined) return await runFeed(importer, values.feed, limit, values['dry-run']);
    const target = positionals[0]!;
    const source: ImportSource = looksLikeUrl(target)
      ? { kind: 'url', url: target }
      : { kind: 'file', path: target };
    const prepared = await importer.prepare(source, {
      ...(values.title !== undefined ? { title: values.title } : {}),
      ...(values.source !== undefined ? { source: values.source } : {}),
      ...(values.date !== undefined ? { date: values.date } : {}),
      force: values.force,
    });
    if (values['dry-run']) {
      process.stdout.write(prepared.text);
      process.stderr.write(
        `(dry run: nothing written; it would be ${importer.importDir}/${prepared.file}, ${prepared.passages} sentences)\n`,
      );
      return 0;
    }
    const written = await importer.commit(prepared);
    process.stdout.write(`${describeWritten(prepared, written.path, prepared.replaces !== undefined)}\n`);
    return 0;
  } catch (error) {
    if (isImportRefusal(error)) return refuse(error.message);
    throw error;
  } finally {
    await store?.close();
  }
}

async function runFeed(
  importer: Importer,
  url: string,
  limit: number | undefined,
  dryRun: boolean,
): Promise<number> {
  // A progress line, rewritten in place on a terminal, one line per item otherwise.
  const tty = process.stderr.isTTY === true;
  const progress = (index: number, total: number, item: FeedItem): void => {
    const line = `[${index}/${total}] ${(item.title ?? item.link ?? item.key).slice(0, 70)}`;
    process.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
  };
  const { importFeed } = await import('../knowledge/feeds.js');
  const run = await importFeed(importer, url, {
    ...(limit !== undefined ? { limit } : {}),
    onProgress: progress,
    commit: !dryRun,
  });
  if (tty) process.stderr.write('\r\x1b[2K');
  const counts = { imported: 0, already: 0, failed: 0 };
  for (const r of run.results) {
    counts[r.outcome]++;
    const name = r.item.title ?? r.item.link ?? r.item.key;
    if (r.outcome === 'imported') {
      process.stdout.write(
        `${dryRun ? 'would import' : 'imported'}  ${r.file}  “${r.prepared.title}” · ${r.prepared.source}\n`,
      );
    } else if (r.outcome === 'already') {
      process.stdout.write(`already   “${name}”\n`);
    } else {
      process.stderr.write(`refused   “${name}”: ${r.reason}\n`);
    }
  }
  const title = run.feed.title ? `“${run.feed.title}”` : url;
  process.stdout.write(
    `Feed ${title}: ${run.feed.items.length} items; ${counts.imported} ${dryRun ? 'would be imported' : 'imported'}, ${counts.already} already imported, ${counts.failed} refused.\n`,
  );
  return 0;
}

/**
 * The bot's store when it is Redis (shared by every host), else undefined. It logs nothing: a
 * store that is down makes the import's refusal, one line like any other.
 */
async function openSharedStore(config: Config): Promise<Store | undefined> {
  const { openStore, parseStoreUrl } = await import('../store/index.js');
  if (parseStoreUrl(config.storeUrl, config.dataDir).kind !== 'redis') return undefined;
  const quiet = () => undefined;
  return openStore({
    url: config.storeUrl,
    dataDir: config.dataDir,
    logger: { info: quiet, debug: quiet, warn: quiet },
  });
}

process.exitCode = await main(process.argv.slice(2));
