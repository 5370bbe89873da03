import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { startFixtureServer } from '../knowledge/fixture-server.js';
import type { FixtureServer } from '../knowledge/fixture-server.js';
import { captureLogger } from '../store/logs.js';
import { redisAvailability, startOwnRedis } from '../store/redis-server.js';
import type { OwnRedis } from '../store/redis-server.js';

let server: FixtureServer;
let dataDir: string;
beforeAll(async () => {
  server = await startFixtureServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'import-cli-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

/** Runs a CLI as `npm run` does, in a clean environment pointing at this test's DATA_DIR. */
function run(
  cli: 'import' | 'ask',
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) => !/^(IMPORT_|KNOWLEDGE_DIR|DATA_DIR|FEEDS|DISCORD_|STORE_URL)/.test(k),
      ),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', `src/cli/${cli}.ts`, ...args], {
      env: { ...clean, NO_COLOR: '1', DATA_DIR: dataDir, IMPORT_ALLOW_HOSTS: '127.0.0.1', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end();
  });
}

const imported = () => readdir(path.join(dataDir, 'knowledge')).catch(() => [] as string[]);
const PRESS = () => `${server.base}/pressreleases/salmon-habitat`;

describe('npm run import', () => {
  it('imports a page, says what it wrote, and then `npm run ask` answers from it', async () => {
    const r = await run('import', [PRESS()]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const file = path.join(
      dataDir,
      'knowledge',
      'interior-department-announces-12-million-to-restore-salmon-habitat-in-the.md',
    );
    expect(r.stdout).toBe(
      [
        '“Interior Department Announces $12 Million to Restore Salmon Habitat in the Columbia River Basin”',
        '  source:    U.S. Department of the Interior',
        '  date:      2024-04-18',
        `  url:       ${PRESS()}`,
        '  sentences: 10',
        `  file:      ${file}`,
        '',
      ]
        .join('\n')
        .replace(/^/, 'Imported '),
    );
    expect(await readFile(file, 'utf8')).toMatch(/^---\ntitle: Interior Department Announces/);
    const answer = await run('ask', ['How many culverts will the funding replace?']);
    expect(answer.code).toBe(0);
    expect(answer.stdout).toMatch(/^> The funding will replace 38 culverts/);
    expect(answer.stdout).toContain(
      '— Interior Department Announces $12 Million to Restore Salmon Habitat in the Columbia River Basin · U.S. Department of the Interior',
    );
  });

  it('refuses in one line with exit 1, writing nothing: a duplicate, file://, [::1], a .txt without --source', async () => {
    expect((await run('import', [PRESS()])).code).toBe(0);
    const before = await imported();
    const notes = path.join(dataDir, 'notes.txt');
    await writeFile(notes, 'Minutes\n\nThe harbour board agreed to dredge the inner basin.\n');
    for (const [args, reason] of [
      [
        [`${PRESS()}?utm_source=feed`],
        /^import: the same URL is already imported as .*; --force replaces it\n$/,
      ],
      [['file:///etc/passwd'], /^import: only http and https URLs can be imported, not file:\n$/],
      [
        ['http://[::1]/'],
        /^import: ::1 is a loopback address; refused \(unless IMPORT_ALLOW_HOSTS lists the host\)\n$/,
      ],
      [[notes], /^import: a text file names no publisher: give one with --source\n$/],
      [[`${server.base}/json`], /^import: 127\.0\.0\.1 sent application\/json, not a web page or text\n$/],
    ] as const) {
      const r = await run('import', [...args]);
      expect(r.code, args[0]).toBe(1);
      expect(r.stderr).toMatch(reason);
      expect(r.stdout).toBe('');
    }
    expect(await imported()).toEqual(before);
  });

  it('--dry-run prints the Markdown and writes nothing; --force replaces; --knowledge writes elsewhere', async () => {
    const dry = await run('import', [
      '--dry-run',
      '--title',
      'Salmon funding',
      '--date',
      '2024-04-19',
      PRESS(),
    ]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(
      /^---\ntitle: Salmon funding\nsource: U\.S\. Department of the Interior\ndate: 2024-04-19\nurl: http/,
    );
    expect(dry.stderr).toMatch(
      /^\(dry run: nothing written; it would be .*salmon-funding\.md, 10 sentences\)\n$/,
    );
    expect(await imported()).toEqual([]);

    expect((await run('import', [PRESS()])).code).toBe(0);
    const forced = await run('import', ['--force', '--title', 'Salmon funding', PRESS()]);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/^Replaced “Salmon funding”/);
    expect(await imported()).toHaveLength(1);

    const elsewhere = path.join(dataDir, 'elsewhere');
    const r = await run('import', ['--knowledge', elsewhere, `${server.base}/news/ferry-link-resumes`]);
    expect(r.code).toBe(0);
    expect(await readdir(elsewhere)).toEqual(['ferry-link-to-stromstad-resumes-after-harbour-repairs.md']);
  });

  it('--feed imports the items not yet imported, with a progress line per item; a second run imports none', async () => {
    const first = await run('import', ['--feed', `${server.base}/feeds/rss.xml`]);
    expect(first.code).toBe(0);
    expect(first.stderr.split('\n')).toEqual([
      '[1/3] Ferry link to Strömstad resumes after harbour repairs',
      '[2/3] New library opens in the old customs house',
      '[3/3] Consultation on the harbour plan (page withdrawn)',
      '“Consultation on the harbour plan (page withdrawn)”: 127.0.0.1 answered 404 Not Found'.replace(
        /^/,
        'refused   ',
      ),
      '',
    ]);
    expect(first.stdout).toContain(
      'imported  ferry-link-to-stromstad-resumes-after-harbour-repairs.md  “Ferry link to Strömstad resumes after harbour repairs” · Varden Council',
    );
    expect(first.stdout).toMatch(
      /Feed “Varden Council news”: 3 items; 2 imported, 0 already imported, 1 refused\.\n$/,
    );
    const second = await run('import', ['--feed', `${server.base}/feeds/rss.xml`, '--limit', '5']);
    expect(second.stdout).toMatch(
      /Feed “Varden Council news”: 3 items; 0 imported, 2 already imported, 1 refused\.\n$/,
    );
    expect(await imported()).toHaveLength(2);
  });

  it('bad usage exits 2; a feed that is not a feed exits 1', async () => {
    for (const args of [
      [],
      ['a', 'b'],
      ['--feed', 'x', 'y'],
      ['--feed', 'x', '--title', 'T'],
      ['--limit', '2', 'x'],
      ['--feed', 'x', '--limit', '0'],
      ['--nope'],
    ]) {
      const r = await run('import', args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^import: .*\nRun with --help for usage\.\n$/);
    }
    const notFeed = await run('import', ['--feed', PRESS()]);
    expect(notFeed.code).toBe(1);
    expect(notFeed.stderr).toBe('import: 127.0.0.1 sent text/html, not an RSS or Atom feed\n');
    const help = await run('import', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Add a briefing without writing Markdown/);
  });
});

describe.skipIf(redisAvailability().mode !== 'own')('npm run import with STORE_URL=redis://…', () => {
  let redis: OwnRedis;
  beforeAll(async () => {
    redis = await startOwnRedis((redisAvailability() as { bin: string }).bin);
  });
  afterAll(async () => {
    await redis.dispose();
  });

  it('claims the briefing in the store every host shares, then writes it; with Redis down it refuses in one line', async () => {
    const r = await run('import', [PRESS()], { STORE_URL: redis.url });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const file = 'interior-department-announces-12-million-to-restore-salmon-habitat-in-the.md';
    expect(await imported()).toEqual([file]);
    const store = await openStore({ url: redis.url, logger: captureLogger() });
    try {
      const entry = await store.sharedBriefings!.entry(file);
      expect(entry).toMatchObject({ file, removed: false });
      expect(await store.sharedBriefings!.text(file)).toBe(
        await readFile(path.join(dataDir, 'knowledge', file), 'utf8'),
      );
    } finally {
      await store.close();
    }
    // Another host's folder (another DATA_DIR) already has it through the store: the same page is a duplicate there.
    const other = await mkdtemp(path.join(tmpdir(), 'import-cli-other-'));
    try {
      const again = await run('import', [PRESS()], { STORE_URL: redis.url, DATA_DIR: other });
      expect(again.code).toBe(1);
      expect(again.stderr).toBe(
        `import: the same URL is already imported as ${file} (“Interior Department Announces $12 Million to Restore Salmon Habitat in the Columbia River Basin”); --force replaces it\n`,
      );
    } finally {
      await rm(other, { recursive: true, force: true });
    }
    await redis.kill();
    const down = await run('import', [`${server.base}/varden/water.html`, '--source', 'Varden'], {
      STORE_URL: redis.url,
    });
    expect(down.code).toBe(1);
    expect(down.stderr).toBe(
      'import: the store shared by the bot’s hosts is unavailable, so the others would not get it; nothing was written: try again later\n',
    );
    expect(await imported()).toEqual([file]);
  });
});
