/**
 * How long a host takes to catch up with the briefings imported on other hosts: a throwaway
 * redis-server, host A offering N generated briefings from its import folder (what a host does
 * when sharing starts), then host B, with an empty folder, catching up as it does when it starts;
 * then host B again with nothing left to do (what every later start costs).
 *
 *   npx tsx bench/shared-catch-up.ts [N]      (default 2002; needs redis-server on the PATH or REDIS_SERVER_BIN)
 */
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ImportMirror } from '../src/knowledge/import-mirror.js';
import { openStore } from '../src/store/index.js';
import { redisServerBinary, startOwnRedis } from '../tests/store/redis-server.js';
import { prepareCorpusDir } from './corpus.js';

const n = Number(process.argv[2] ?? 2002);
const bin = redisServerBinary();
if (!bin) throw new Error('redis-server not found: install it or set REDIS_SERVER_BIN');
const redis = await startOwnRedis(bin);
const logger = {
  info: () => undefined,
  debug: () => undefined,
  warn: (obj: object, msg: string) => console.error(msg, obj),
};
const root = await mkdtemp(path.join(tmpdir(), 'shared-catch-up-'));
try {
  // The generated briefings, without the seed ones (those are in the knowledge folder).
  const folderA = path.join(root, 'a');
  const seed = new Set(await readdir('knowledge'));
  await cp(prepareCorpusDir('knowledge', n, 7), folderA, {
    recursive: true,
    filter: (src) => !seed.has(path.basename(src)),
  });
  const mirror = async (dir: string) => {
    const store = await openStore({ url: redis.url, logger });
    const m = new ImportMirror({
      importDir: dir,
      knowledgeDir: 'knowledge',
      shared: store.sharedBriefings!,
      logger,
      checkEveryMs: 0,
    });
    const started = performance.now();
    const pass = await m.start();
    const ms = Math.round(performance.now() - started);
    await m.stop();
    await store.close();
    return { pass, ms };
  };
  const a = await mirror(folderA);
  console.log(`host A offered ${a.pass?.adopted.length} briefings to the store in ${a.ms} ms`);
  const b = await mirror(path.join(root, 'b'));
  console.log(`host B, empty, caught up: ${b.pass?.written.length} written in ${b.ms} ms`);
  const again = await mirror(path.join(root, 'b'));
  console.log(`host B started again, nothing to do: ${again.pass?.written.length} written in ${again.ms} ms`);
} finally {
  await redis.dispose();
  await rm(root, { recursive: true, force: true });
}
