/**
 * Imported briefings shared by every host, on Redis: the keys, the two scripts that change them
 * (each one atomic step that also announces the change), and the checks that turn stored values
 * and replies back into types. Used by the Redis backend; SQLite and memory stores share nothing.
 *
 * Layout (every key in the state namespace, `briefings::`):
 * - `shared-briefings:entries`  hash  file → JSON entry: `{rev, sha, title, at, bytes, urls, body}`
 *   for an imported briefing, `{rev, removed: true, title, at}` for a removal (kept, so that a
 *   host that was down deletes its copy, and never offers it again);
 * - `shared-briefings:texts`    hash  file → the file's text (imported briefings only);
 * - `shared-briefings:urls`     hash  URL key → file; `shared-briefings:bodies`: text key → file
 *   (what a duplicate is found by);
 * - `shared-briefings:rev`      the revision, taken by every change;
 * - channel `shared-briefings:announcements`: `{file, rev, op: "put" | "remove", by}`.
 */
import type { Announcement, ClaimOutcome, SharedClaim, SharedEntry } from '../knowledge/shared-imports.js';

/** The keys, without the namespace prefix. */
export const SHARED_KEYS = {
  entries: 'shared-briefings:entries',
  texts: 'shared-briefings:texts',
  urls: 'shared-briefings:urls',
  bodies: 'shared-briefings:bodies',
  rev: 'shared-briefings:rev',
  channel: 'shared-briefings:announcements',
} as const;

/** Reads an entry stored as JSON; anything malformed (hand-written, another version's) is none. */
const DECODE = `
local function decode(raw)
  if not raw then return nil end
  local ok, value = pcall(cjson.decode, raw)
  if ok and type(value) == 'table' then return value end
  return nil
end
local function unindex(file, entry)
  if type(entry.urls) == 'table' then
    for _, url in ipairs(entry.urls) do
      if redis.call('HGET', KEYS[3], url) == file then redis.call('HDEL', KEYS[3], url) end
    end
  end
  if type(entry.body) == 'string' and redis.call('HGET', KEYS[4], entry.body) == file then
    redis.call('HDEL', KEYS[4], entry.body)
  end
end
`;

/**
 * Claims a briefing. KEYS: entries, texts, urls, bodies, rev. ARGV: file, text, the entry as JSON
 * without its revision, mode (`new`, `replace`, `adopt`), the text's sha256, the channel, who
 * claims, the text key, then the URL keys.
 * Returns `{'claimed', rev}`, `{'unchanged', rev}` (the same text under that name, when adopting
 * or replacing; a fresh import of it is a duplicate), `{'duplicate', file, title, 'url'|'body'}`,
 * `{'taken'}` or `{'removed'}`. The entry is written by prefixing the revision to the JSON given,
 * so that cjson never re-encodes it (it would turn an empty list into an object).
 */
export const CLAIM_SCRIPT = `${DECODE}
local file, mode, sha = ARGV[1], ARGV[4], ARGV[5]
local current = decode(redis.call('HGET', KEYS[1], file))
if current and not current.removed and current.sha == sha then
  if mode ~= 'new' then return {'unchanged', tostring(current.rev)} end
  -- Imported again under the same name: a duplicate like any other.
  local by = 'body'
  for i = 9, #ARGV do
    if redis.call('HGET', KEYS[3], ARGV[i]) == file then by = 'url' end
  end
  return {'duplicate', file, tostring(current.title or file), by}
end
local function live(owner)
  if not owner or owner == file then return nil end
  local entry = decode(redis.call('HGET', KEYS[1], owner))
  if entry and not entry.removed then return entry end
  return nil
end
for i = 9, #ARGV do
  local owner = redis.call('HGET', KEYS[3], ARGV[i])
  local entry = live(owner)
  if entry then return {'duplicate', owner, tostring(entry.title or owner), 'url'} end
end
local owner = redis.call('HGET', KEYS[4], ARGV[8])
local same = live(owner)
if same then return {'duplicate', owner, tostring(same.title or owner), 'body'} end
if current and not current.removed then
  if mode ~= 'replace' then return {'taken'} end
  unindex(file, current)
elseif current and mode == 'adopt' then
  return {'removed'}
end
local rev = redis.call('INCR', KEYS[5])
redis.call('HSET', KEYS[1], file, '{"rev":' .. rev .. ',' .. string.sub(ARGV[3], 2))
redis.call('HSET', KEYS[2], file, ARGV[2])
for i = 9, #ARGV do redis.call('HSET', KEYS[3], ARGV[i], file) end
redis.call('HSET', KEYS[4], ARGV[8], file)
redis.call('PUBLISH', ARGV[6], cjson.encode({file = file, rev = rev, op = 'put', by = ARGV[7]}))
return {'claimed', tostring(rev)}
`;

/**
 * Records a removal. KEYS as {@link CLAIM_SCRIPT}. ARGV: file, the removal as JSON without its
 * revision, the channel, who removes. Returns the revision, or 0 when it was already removed.
 */
export const RETRACT_SCRIPT = `${DECODE}
local file = ARGV[1]
local current = decode(redis.call('HGET', KEYS[1], file))
if current and current.removed then return 0 end
if current then unindex(file, current) end
redis.call('HDEL', KEYS[2], file)
local rev = redis.call('INCR', KEYS[5])
redis.call('HSET', KEYS[1], file, '{"rev":' .. rev .. ',' .. string.sub(ARGV[2], 2))
redis.call('PUBLISH', ARGV[3], cjson.encode({file = file, rev = rev, op = 'remove', by = ARGV[4]}))
return rev
`;

/** The script arguments of a claim (after KEYS). */
export function claimArguments(claim: SharedClaim, sha: string, channel: string, by: string): string[] {
  const entry = {
    sha,
    title: claim.title,
    at: Date.now(),
    bytes: Buffer.byteLength(claim.text, 'utf8'),
    urls: claim.urls,
    body: claim.body,
  };
  return [
    claim.file,
    claim.text,
    JSON.stringify(entry),
    claim.mode,
    sha,
    channel,
    by,
    claim.body,
    ...claim.urls,
  ];
}

/** The script arguments of a removal (after KEYS). */
export function retractArguments(file: string, title: string, channel: string, by: string): string[] {
  return [file, JSON.stringify({ removed: true, title, at: Date.now() }), channel, by];
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** The claim script's reply as an outcome. @throws Error on a reply no version of the script gives */
export function readClaimReply(reply: unknown): ClaimOutcome {
  if (Array.isArray(reply) && reply.every(isString)) {
    const [what, a, b, c] = reply;
    if ((what === 'claimed' || what === 'unchanged') && a !== undefined && isCount(Number(a))) {
      return { outcome: what, rev: Number(a) };
    }
    if (what === 'duplicate' && a !== undefined && b !== undefined && (c === 'url' || c === 'body')) {
      return { outcome: 'duplicate', file: a, title: b, by: c };
    }
    if (what === 'taken' || what === 'removed') return { outcome: what };
  }
  throw new Error(`unexpected reply from the shared briefings script: ${JSON.stringify(reply)}`);
}

/** A stored entry, checked field by field; undefined when malformed. */
export function readEntry(file: string, raw: unknown): SharedEntry | undefined {
  if (!isString(raw)) return undefined;
  let v: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    v = parsed as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (!isCount(v.rev)) return undefined;
  const title = isString(v.title) ? v.title : file;
  const at = isCount(v.at) ? v.at : 0;
  if (v.removed === true) return { file, removed: true, title, rev: v.rev, at };
  if (!isString(v.sha) || !/^[0-9a-f]{64}$/.test(v.sha)) return undefined;
  return { file, removed: false, sha: v.sha, title, rev: v.rev, at, bytes: isCount(v.bytes) ? v.bytes : 0 };
}

/** An announcement as published; undefined when malformed. */
export function readAnnouncement(message: string): Announcement | undefined {
  try {
    const v = JSON.parse(message) as Record<string, unknown>;
    if (!isString(v.file) || !isCount(v.rev) || (v.op !== 'put' && v.op !== 'remove')) return undefined;
    return { file: v.file, rev: v.rev, op: v.op, by: isString(v.by) ? v.by : '' };
  } catch {
    return undefined;
  }
}
