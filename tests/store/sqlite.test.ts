/**
 * SQLite only: the default store survives a restart, creates DATA_DIR, keeps no user id, tidies
 * expired rows, and says clearly when DATA_DIR cannot be used.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreConfigError, openStore, storeFilePath } from '../../src/store/index.js';
import { captureLogger } from './logs.js';
import { waitFor } from './redis-server.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'store-sqlite-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Every row of the store's table, read straight from the file. */
async function rows(file: string): Promise<{ key: string; value: string }[]> {
  const db = new KeyvSqlite({ uri: `sqlite://${file}` });
  try {
    return (await db.query('SELECT key, value FROM keyv')) as { key: string; value: string }[];
  } finally {
    await db.disconnect();
  }
}

describe('SQLite store', () => {
  it('creates DATA_DIR on first start and keeps settings and feedback across a restart', async () => {
    const dataDir = join(tempDir(), 'nested', 'data');
    const logger = captureLogger();
    const first = await openStore({ dataDir, logger });
    expect(first.kind).toBe('sqlite');
    expect(first.description).toBe(`sqlite:${storeFilePath(dataDir)}`);
    expect(existsSync(join(dataDir, 'state.sqlite'))).toBe(true);
    await first.updateSettings('111', { visibility: 'private', cooldownSeconds: 120, mentions: false });
    await first.recordFeedback({
      question: 'Who?',
      passages: ['a#1'],
      vote: 'down',
      guildId: '111',
      userId: 'u1',
    });
    await first.close();

    const second = await openStore({ dataDir, logger });
    expect(await second.getSettings('111')).toEqual({
      visibility: 'private',
      cooldownSeconds: 120,
      mentions: false,
    });
    // The salt survived too: the same user's revote replaces the vote cast before the restart.
    await second.recordFeedback({
      question: 'who',
      passages: ['a#1'],
      vote: 'up',
      guildId: '111',
      userId: 'u1',
    });
    expect(await second.feedbackReport()).toMatchObject({
      questions: 1,
      votes: 1,
      up: 1,
      down: 0,
      entries: [],
    });
    await second.close();
    expect(logger.at('warn')).toEqual([]);
  });

  it('stores no user id, in keys or values', async () => {
    const dataDir = tempDir();
    const store = await openStore({ dataDir, logger: captureLogger() });
    const userId = '987654321098765432';
    await store.recordFeedback({ question: 'Who?', passages: ['a#1'], vote: 'down', guildId: '111', userId });
    await store.recordFeedback({ question: 'Where?', passages: ['b#1'], vote: 'up', guildId: null, userId });
    await store.close();
    const all = await rows(storeFilePath(dataDir));
    expect(all.filter((r) => r.key.startsWith('briefings-feedback:'))).toHaveLength(2);
    expect(JSON.stringify(all)).not.toContain(userId);
    expect(readFileSync(storeFilePath(dataDir)).includes(userId)).toBe(false);
  });

  it('uses a given feedback salt instead of keeping one in the store', async () => {
    const dataDir = tempDir();
    const store = await openStore({ dataDir, logger: captureLogger(), feedbackSalt: 'from-a-secret' });
    await store.recordFeedback({ question: 'Who?', passages: [], vote: 'down', guildId: '1', userId: 'u' });
    await store.close();
    expect((await rows(storeFilePath(dataDir))).map((r) => r.key).filter((k) => k.includes('salt'))).toEqual(
      [],
    );
  });

  it('drops expired rows at start-up', async () => {
    const dataDir = tempDir();
    const store = await openStore({ dataDir, logger: captureLogger(), followUpTtlSeconds: 0.05 });
    await store.rememberQuestion('1', 'c', 'u', 'short-lived');
    await store.hitCooldown('1', 'u', 0.05);
    await store.updateSettings('1', { mentions: false });
    await store.close();
    await new Promise((resolve) => setTimeout(resolve, 80));
    const reopened = await openStore({ dataDir, logger: captureLogger() });
    const file = storeFilePath(dataDir);
    await waitFor(async () => (await rows(file)).length === 2, 3000, 'expired rows to be pruned');
    // The follow-up has expired. A cooldown's last question is kept for an hour, the longest
    // cooldown, so that a cooldown raised meanwhile applies to it.
    expect((await rows(file)).map((r) => r.key).sort()).toEqual([
      'briefings:cooldown:1:u',
      'briefings:settings:1',
    ]);
    expect(await reopened.getSettings('1')).toMatchObject({ mentions: false });
    await reopened.close();
  });

  it('opens a new file on every first start (its two connections never lock each other out)', async () => {
    // Both connections used to set up a new file at once, and about one first start in a hundred
    // failed with SQLITE_BUSY: the folder is new each time, so that every open creates the file.
    for (let i = 0; i < 300; i++) {
      const store = await openStore({ dataDir: join(tempDir(), 'data'), logger: captureLogger() });
      await store.close();
    }
  });

  it('starts when other processes open the same new file at the same moment', async () => {
    // As shards sharing one DATA_DIR do: several stores, one file, opened at once, each working.
    for (let round = 0; round < 20; round++) {
      const dataDir = tempDir();
      const stores = await Promise.all([0, 1, 2].map(() => openStore({ dataDir, logger: captureLogger() })));
      await stores[0]!.updateSettings('1', { mentions: false });
      for (const store of stores) expect(await store.getSettings('1')).toMatchObject({ mentions: false });
      // One salt for all, though each made its own at the same moment: one user's votes through
      // every process count once (the last one), another user's separately.
      const vote = { question: 'Who?', passages: ['x#1'], guildId: '1', userId: 'u1' };
      await Promise.all(stores.map((store) => store.recordFeedback({ ...vote, vote: 'down' })));
      await stores[2]!.recordFeedback({ ...vote, vote: 'up' });
      await stores[1]!.recordFeedback({ ...vote, userId: 'u2', vote: 'down' });
      const report = await stores[0]!.feedbackReport({ limit: 10 });
      expect(report?.entries.find((e) => e.question === 'Who?')).toMatchObject({ up: 1, down: 1 });
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('lets one of many simultaneous questions through a cooldown across processes sharing the file', async () => {
    const dataDir = tempDir();
    const [a, b] = [
      await openStore({ dataDir, logger: captureLogger() }),
      await openStore({ dataDir, logger: captureLogger() }),
    ];
    const decisions = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).hitCooldown('1', 'u', 60)),
    );
    expect(decisions.filter((d) => d.ok)).toHaveLength(1);
    await Promise.all([a.close(), b.close()]);
  });

  it('keeps both of two settings changed at once through two processes sharing the file', async () => {
    const dataDir = tempDir();
    const [a, b] = [
      await openStore({ dataDir, logger: captureLogger() }),
      await openStore({ dataDir, logger: captureLogger() }),
    ];
    for (let round = 0; round < 10; round++) {
      const g = `guild-${round}`;
      await Promise.all([
        a.updateSettings(g, { visibility: 'private' }),
        b.updateSettings(g, { cooldownSeconds: 30 }),
      ]);
      expect(await a.getSettings(g)).toEqual({ visibility: 'private', cooldownSeconds: 30, mentions: true });
    }
    // A row keyv wrote, and one left unreadable, are merged into and replaced.
    await a.updateSettings('old', { mentions: false });
    const raw = new KeyvSqlite({ uri: `sqlite://${storeFilePath(dataDir)}` });
    await raw.query(`UPDATE keyv SET value = 'not json' WHERE key = 'briefings:settings:old'`);
    await raw.disconnect();
    await b.updateSettings('old', { cooldownSeconds: 5 });
    expect(await a.getSettings('old')).toEqual({ visibility: 'public', cooldownSeconds: 5, mentions: true });
    await Promise.all([a.close(), b.close()]);
  });

  it('waits for a file another process holds locked at start-up, then opens it', async () => {
    const dataDir = tempDir();
    const holder = new KeyvSqlite({ uri: `sqlite://${storeFilePath(dataDir)}` });
    await holder.query('BEGIN EXCLUSIVE');
    const started = Date.now();
    const opening = openStore({ dataDir, logger: captureLogger(), connectTimeoutMs: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await holder.query('COMMIT');
    const store = await opening;
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await store.updateSettings('1', { visibility: 'private' });
    expect(await store.getSettings('1')).toMatchObject({ visibility: 'private' });
    await store.close();
    await holder.disconnect();
  });

  it('says clearly when DATA_DIR cannot be used', async () => {
    const notADir = join(tempDir(), 'file');
    writeFileSync(notADir, 'not a folder');
    const attempt = openStore({ dataDir: notADir, logger: captureLogger() });
    await expect(attempt).rejects.toBeInstanceOf(StoreConfigError);
    await expect(attempt).rejects.toThrow(/^DATA_DIR: cannot create/);

    const blocked = tempDir();
    // A folder where the database file should be: the folder exists, the file cannot be opened.
    mkdirSync(join(blocked, 'state.sqlite'));
    await expect(openStore({ dataDir: blocked, logger: captureLogger() })).rejects.toThrow(
      /^DATA_DIR: cannot open/,
    );
  });
});
