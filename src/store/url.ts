/**
 * STORE_URL: which backend holds the bot's state, parsed and checked once at start-up, and shown
 * in logs and errors only with its credentials masked.
 */
import { join } from 'node:path';

/** Where the bot's state lives, as chosen by STORE_URL. */
export type StoreTarget =
  /** A SQLite file: the default, for one process (or several on one machine). */
  | { kind: 'sqlite'; file: string }
  /** A Redis server, so that several processes share cooldowns, flood counts and settings. */
  | { kind: 'redis'; url: string }
  /** In-process maps, gone on exit: for tests only. */
  | { kind: 'memory' };

/** The SQLite file's name inside DATA_DIR. */
export const SQLITE_FILE_NAME = 'state.sqlite';

/** DATA_DIR when it is not set. */
export const DEFAULT_DATA_DIR = 'data';

/** What a malformed STORE_URL or an unusable DATA_DIR throws: one line naming the variable. */
export class StoreConfigError extends Error {
  constructor(
    readonly variable: 'STORE_URL' | 'DATA_DIR',
    message: string,
  ) {
    super(message);
    this.name = 'StoreConfigError';
  }
}

const MASK = '****';
const SHAPE =
  'redis://[user:password@]host[:port][/db], rediss://… (TLS) or memory://, or be unset for SQLite in DATA_DIR';

/**
 * The path of the SQLite file for a DATA_DIR.
 *
 * @example storeFilePath('data') // 'data/state.sqlite'
 */
export function storeFilePath(dataDir: string = DEFAULT_DATA_DIR): string {
  return join(dataDir, SQLITE_FILE_NAME);
}

/**
 * The URL with any password masked, safe for logs and error messages. Works on malformed URLs
 * too (a password containing `/` or `#`, a missing scheme): everything before the last `@` of
 * the authority that could be a secret is masked, and a `password=` query parameter as well.
 *
 * @example describeStoreUrl('redis://bot:s3cret@cache:6379/2') // 'redis://bot:****@cache:6379/2'
 * @example describeStoreUrl(undefined) // 'sqlite (DATA_DIR/state.sqlite)'
 */
export function describeStoreUrl(url: string | undefined): string {
  if (url === undefined || url.trim() === '') return `sqlite (DATA_DIR/${SQLITE_FILE_NAME})`;
  let shown = url.trim();
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(shown);
  const start = scheme ? scheme[0].length : 0;
  // The last '@' wins: an unencoded '@' in a password must not leave the rest of it visible.
  const at = shown.lastIndexOf('@');
  if (at >= start) {
    const userinfo = shown.slice(start, at);
    const colon = userinfo.indexOf(':');
    // A lone userinfo may be a password given without a user (redis://secret@host): mask it whole.
    const masked = colon >= 0 ? `${userinfo.slice(0, colon)}:${MASK}` : MASK;
    shown = `${shown.slice(0, start)}${masked}${shown.slice(at)}`;
  }
  shown = shown.replace(/([?&](?:password|pass|pwd|secret|token)=)[^&#]*/gi, `$1${MASK}`);
  return shown.length > 200 ? `${shown.slice(0, 197)}...` : shown;
}

function invalid(url: string, reason: string): StoreConfigError {
  return new StoreConfigError(
    'STORE_URL',
    `STORE_URL ${reason}; it must be ${SHAPE}, got "${describeStoreUrl(url)}"`,
  );
}

/**
 * Parses STORE_URL (and DATA_DIR for the SQLite default) into a {@link StoreTarget}. Pure: no
 * connection is made. An empty value counts as unset, as in `.env` files.
 *
 * @throws StoreConfigError with one line naming STORE_URL, the password masked, e.g.
 *   `STORE_URL has a port that is not a number 1–65535; it must be redis://…, got "redis://:****@h:99999"`
 */
export function parseStoreUrl(url: string | undefined, dataDir: string = DEFAULT_DATA_DIR): StoreTarget {
  const raw = url?.trim() ?? '';
  if (raw === '')
    return { kind: 'sqlite', file: storeFilePath(dataDir.trim() === '' ? DEFAULT_DATA_DIR : dataDir) };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1]?.toLowerCase();
  if (scheme === 'memory') {
    if (!/^memory:(\/\/)?$/i.test(raw)) throw invalid(raw, 'for the in-process store is just memory://');
    return { kind: 'memory' };
  }
  if (scheme !== 'redis' && scheme !== 'rediss') {
    throw invalid(raw, scheme === undefined ? 'has no scheme' : `has an unknown scheme "${scheme}:"`);
  }
  const afterScheme = raw.replace(/^[a-z]+:(\/\/)?/i, '');
  const userinfo = afterScheme.includes('@') ? afterScheme.slice(0, afterScheme.lastIndexOf('@')) : '';
  if (/[/?#]/.test(userinfo)) {
    throw invalid(raw, 'has a user or password containing /, ? or #: percent-encode them (%2F, %3F, %23)');
  }
  // The port is checked before URL parsing, whose own message ("Invalid URL") would say less.
  const authority = afterScheme.split(/[/?#]/)[0] ?? '';
  const hostAndPort = authority.slice(authority.lastIndexOf('@') + 1);
  const port = /^(?:\[[^\]]*\]|[^:]*):(.*)$/.exec(hostAndPort)?.[1];
  if (
    port !== undefined &&
    port !== '' &&
    !(/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)
  ) {
    throw invalid(raw, 'has a port that is not a number 1–65535');
  }
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw invalid(raw, 'is not a valid URL');
  }
  if (!raw.slice(scheme.length + 1).startsWith('//') || parsed.hostname === '')
    throw invalid(raw, 'has no host');
  if (parsed.pathname !== '' && parsed.pathname !== '/' && !/^\/\d{1,5}$/.test(parsed.pathname)) {
    throw invalid(raw, 'has a path that is not a database number (/0, /1, …)');
  }
  if (parsed.search !== '' || parsed.hash !== '')
    throw invalid(raw, 'has a query or fragment, which Redis URLs do not take');
  try {
    // Credentials are percent-encoded in URLs: a malformed escape would only fail at connect time.
    decodeURIComponent(parsed.username);
    decodeURIComponent(parsed.password);
  } catch {
    throw invalid(raw, 'has a user or password with a malformed %-escape');
  }
  return { kind: 'redis', url: raw };
}
