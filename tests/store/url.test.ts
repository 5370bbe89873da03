import { describe, expect, it } from 'vitest';
import { StoreConfigError, describeStoreUrl, openStore, parseStoreUrl } from '../../src/store/index.js';
import { captureLogger } from './logs.js';

/** The StoreConfigError that `url` throws. */
function errorFor(url: string): StoreConfigError {
  try {
    parseStoreUrl(url);
  } catch (error) {
    if (error instanceof StoreConfigError) return error;
    throw error;
  }
  throw new Error(`${url} was accepted`);
}

describe('parseStoreUrl', () => {
  it('chooses SQLite in DATA_DIR when STORE_URL is unset or empty', () => {
    expect(parseStoreUrl(undefined)).toEqual({ kind: 'sqlite', file: 'data/state.sqlite' });
    expect(parseStoreUrl('  ', '/var/lib/bot')).toEqual({
      kind: 'sqlite',
      file: '/var/lib/bot/state.sqlite',
    });
    expect(parseStoreUrl('', '')).toEqual({ kind: 'sqlite', file: 'data/state.sqlite' });
  });

  it('chooses memory for memory://', () => {
    expect(parseStoreUrl('memory://')).toEqual({ kind: 'memory' });
    expect(parseStoreUrl('MEMORY:')).toEqual({ kind: 'memory' });
  });

  it.each([
    'redis://localhost',
    'redis://127.0.0.1:6379',
    'redis://cache:6380/2',
    'redis://:s3cret@cache:6379',
    'redis://bot:s3cret@cache:6379/0',
    'rediss://bot:p%40ss@redis.example.com:6380',
    'redis://[::1]:6379',
  ])('accepts %s', (url) => {
    expect(parseStoreUrl(url)).toEqual({ kind: 'redis', url });
  });

  it.each([
    ['redis://', /no host|not a valid URL/],
    ['redis:cache:6379', /no host/],
    ['redis://cache:99999', /port/],
    ['redis://cache:port', /port/],
    ['redis://cache:6379/db', /database number/],
    ['redis://cache:6379/1/2', /database number/],
    ['redis://cache:6379?password=x', /query/],
    ['http://cache:6379', /unknown scheme "http:"/],
    ['cache:6379', /unknown scheme "cache:"/],
    ['localhost', /no scheme/],
    ['memory://big', /memory:\/\//],
    ['redis://bot:%E0%A4%A@cache', /%-escape/],
    ['rediss://bot:pa/ss@cache', /percent-encode/],
  ])('rejects %s with one line naming STORE_URL', (url, reason) => {
    const error = errorFor(url);
    expect(error.variable).toBe('STORE_URL');
    expect(error.message).toMatch(/^STORE_URL /);
    expect(error.message).toMatch(reason);
    expect(error.message).not.toContain('\n');
  });

  it.each([
    'redis://bot:hunter2-secret@cache:99999',
    'redis://:hunter2-secret@cache:abc',
    'rediss://bot:hunter2/secret@cache', // an unencoded '/' makes the rest look like a path
    'redis://bot:hunter2#secret@cache:6379',
    'redis://bot:hunt@er2-secret@cache:6379/x',
    'hunter2-secret@cache:6379',
    'redis://hunter2-secret@cache:6379/x',
    'redis://cache:6379?password=hunter2-secret',
  ])('never shows the password of %s', (url) => {
    const error = errorFor(url);
    expect(error.message).not.toMatch(/hunter2|secret/);
    expect(error.message).toContain('****');
  });
});

describe('describeStoreUrl', () => {
  it('masks the password and keeps the rest', () => {
    expect(describeStoreUrl('redis://bot:s3cret@cache:6379/2')).toBe('redis://bot:****@cache:6379/2');
    expect(describeStoreUrl('redis://:s3cret@cache')).toBe('redis://:****@cache');
    expect(describeStoreUrl('rediss://s3cret@cache')).toBe('rediss://****@cache');
    expect(describeStoreUrl('redis://cache:6379')).toBe('redis://cache:6379');
    expect(describeStoreUrl('memory://')).toBe('memory://');
    expect(describeStoreUrl(undefined)).toBe('sqlite (DATA_DIR/state.sqlite)');
  });
});

describe('openStore', () => {
  it('throws a StoreConfigError for a malformed STORE_URL, without the password', async () => {
    const attempt = openStore({ url: 'redis://admin:topsecret@cache:70000', logger: captureLogger() });
    await expect(attempt).rejects.toBeInstanceOf(StoreConfigError);
    await expect(attempt).rejects.toThrow('STORE_URL has a port that is not a number 1–65535');
    await expect(attempt).rejects.not.toThrow(/topsecret/);
  });

  it('shows a Redis store with its password masked', async () => {
    // Port 1 on loopback refuses at once: the store opens anyway, unhealthy, and says so once.
    const logger = captureLogger();
    const store = await openStore({
      url: 'redis://bot:topsecret@127.0.0.1:1',
      logger,
      connectTimeoutMs: 1000,
    });
    try {
      expect(store.kind).toBe('redis');
      expect(store.description).toBe('redis://bot:****@127.0.0.1:1');
      expect(store.healthy).toBe(false);
      expect(
        JSON.stringify(logger.lines, (_k, v: unknown) => (v instanceof Error ? v.message : v)),
      ).not.toContain('topsecret');
    } finally {
      await store.close();
    }
  });
});
