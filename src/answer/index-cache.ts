import { createHash } from 'node:crypto';
import { type FileHandle, mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { BriefingInfo, PassageIndex } from './passage-index.js';
import { buildThesaurus } from './passage-index.js';
import { AliasMatcher } from './terms.js';

/**
 * The index saved to disk, so that a start with unchanged briefings loads it instead of analysing
 * them, and a start after some changed analyses only those (the saved index holds every
 * briefing's analysis, found by the content hash of its file).
 *
 * Layout, little-endian: "BRIDX", the format version (one byte), two zero bytes; the header's
 * length (uint32), four zero bytes; the file's length (float64); the SHA-1 of everything after
 * it (20 bytes), four zero bytes; the header (JSON: the alias entities, synonyms, chat words and
 * the blocks' names, types and lengths, nothing the size of the corpus); then each block,
 * 8-byte aligned. A block is a typed array of the index written as it lies in memory, or a list
 * of strings (UTF-8 bytes and a Uint32Array of where each ends). The knowledge files' names and
 * content hashes are blocks too: the loader trusts the index only for files whose hashes match.
 *
 * A file that is shorter or longer than it says, whose checksum fails, or of another format
 * version is refused with the reason, and the loader rebuilds.
 */
const MAGIC = 'BRIDX';
/** Bump when the index's content or layout changes (or the analysis it stores would differ). */
export const INDEX_FORMAT = 21;
/** The saved index's file name in the cache folder. */
export const SAVED_INDEX_FILE = 'index.bin';

const PREFIX_BYTES = 48;
const HASH_AT = 24;
const CHECKED_FROM = HASH_AT + 20;

/** The typed arrays of the index, as stored. */
const ARRAYS = [
  ['df', Uint32Array],
  ['nameTerm', Uint8Array],
  ['passageBriefing', Uint32Array],
  ['passageOrdinal', Uint32Array],
  ['passageLength', Uint16Array],
  ['passageFeatures', Uint16Array],
  ['sequenceStart', Uint32Array],
  ['sequence', Uint32Array],
  ['sequenceFrom', Uint16Array],
  ['sequenceTo', Uint16Array],
  ['sequenceKind', Uint8Array],
  ['briefingFirst', Uint32Array],
  ['postingStart', Uint32Array],
  ['postingPassage', Uint32Array],
  ['postingTf', Uint8Array],
] as const;

type ArrayName = (typeof ARRAYS)[number][0];
type TypedArray = Uint8Array | Uint16Array | Uint32Array;
type ArrayType = 'u8' | 'u16' | 'u32';
interface ArrayConstructor {
  new (length: number): TypedArray;
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): TypedArray;
  BYTES_PER_ELEMENT: number;
}
const TYPES: Record<ArrayType, ArrayConstructor> = {
  u8: Uint8Array,
  u16: Uint16Array,
  u32: Uint32Array,
};
const typeName = (a: TypedArray): ArrayType =>
  a instanceof Uint8Array ? 'u8' : a instanceof Uint16Array ? 'u16' : 'u32';

interface Header {
  format: number;
  averageLength: number;
  entities: PassageIndex['entities'];
  synonyms: PassageIndex['synonyms'];
  chatWords: PassageIndex['chatWords'];
  /** Name, element type, length (elements) and offset (bytes) of each block, in file order. */
  blocks: Array<[string, ArrayType, number, number]>;
  /** Where the typed arrays of the index start: the string blocks come before. */
  arraysAt: number;
}

/** An index with the knowledge files it was built from: name → content hash (`contentHash`). */
export interface SavedIndex {
  index: PassageIndex;
  files: Record<string, string>;
}

/** What reading the saved index gave. */
export type SavedIndexRead =
  | { kind: 'ok'; saved: SavedIndex }
  | { kind: 'missing' }
  /** A file is there but can't be trusted: `reason` says why (for the warning). */
  | { kind: 'unusable'; reason: string };

/** The hash of a whole knowledge folder (names and content hashes), with this format's version. */
export function folderHash(files: Readonly<Record<string, string>>): string {
  const hash = createHash('sha256');
  hash.update(`${MAGIC}${INDEX_FORMAT}\0`);
  for (const name of Object.keys(files).sort()) hash.update(`${name}\0${files[name]}\0`);
  return hash.digest('hex').slice(0, 32);
}

/** A list of strings to be written as one UTF-8 block, with the byte offset where each ends. */
interface StringBlock {
  list: readonly string[];
  ends: Uint32Array;
}

function stringBlock(list: readonly string[]): StringBlock {
  const ends = new Uint32Array(list.length);
  let total = 0;
  for (let i = 0; i < list.length; i++) ends[i] = total += Buffer.byteLength(list[i]!, 'utf8');
  return { list, ends };
}

/** String blocks are encoded a chunk at a time: saving never holds the texts twice. */
const CHUNK_BYTES = 1 << 20;

function* encodeStrings({ list, ends }: StringBlock): Generator<Uint8Array> {
  const total = ends.length ? ends[ends.length - 1]! : 0;
  const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, Math.max(total, 1)));
  let used = 0;
  for (let i = 0; i < list.length; i++) {
    const s = list[i]!;
    const bytes = ends[i]! - (i ? ends[i - 1]! : 0);
    if (used + bytes > chunk.length) {
      if (used) yield chunk.subarray(0, used);
      used = 0;
    }
    if (bytes > chunk.length) yield Buffer.from(s, 'utf8');
    else used += chunk.write(s, used, 'utf8');
  }
  if (used) yield chunk.subarray(0, used);
}

function decodeStrings(bytes: Buffer, ends: Uint32Array): string[] {
  const out = new Array<string>(ends.length);
  let from = 0;
  for (let i = 0; i < ends.length; i++) {
    const to = ends[i]!;
    out[i] = bytes.toString('utf8', from, to);
    from = to;
  }
  return out;
}

/** The string columns of the briefings' metadata; anything else a briefing carries goes in `extra` as JSON. */
const BRIEFING_FIELDS = ['id', 'file', 'title', 'source', 'date', 'url'] as const;
const KNOWN_FIELDS = new Set<string>([...BRIEFING_FIELDS, 'aliases']);

/**
 * What a saved index's file is made of: its length, its prefix, and a generator of the bytes
 * after the prefix (header, then blocks) that fills in the prefix's checksum once it is done. The
 * generator reuses its chunk buffers: each must be written before the next is asked for.
 */
function planFile(saved: SavedIndex): { size: number; prefix: Buffer; body: () => Generator<Uint8Array> } {
  const { index, files } = saved;
  const blocks: Array<[string, TypedArray | StringBlock]> = [];
  const strings = (name: string, list: readonly string[]) => {
    const block = stringBlock(list);
    blocks.push([`${name}.bytes`, block], [`${name}.ends`, block.ends]);
  };
  strings('terms', [...index.termIds.keys()]);
  strings('texts', index.texts);
  for (const field of BRIEFING_FIELDS)
    strings(
      `briefings.${field}`,
      index.briefings.map((b) => b[field] ?? ''),
    );
  strings(
    'briefings.aliases',
    index.briefings.flatMap((b) => b.aliases),
  );
  const aliasEnds = new Uint32Array(index.briefings.length);
  let aliases = 0;
  index.briefings.forEach((b, i) => (aliasEnds[i] = aliases += b.aliases.length));
  blocks.push(['briefings.aliasEnds', aliasEnds]);
  strings(
    'briefings.extra',
    index.briefings.map((b) => {
      const extra = Object.entries(b).filter(([key]) => !KNOWN_FIELDS.has(key));
      return extra.length ? JSON.stringify(Object.fromEntries(extra)) : '';
    }),
  );
  const names = Object.keys(files).sort();
  strings('files.names', names);
  strings(
    'files.hashes',
    names.map((n) => files[n]!),
  );
  for (const [name] of ARRAYS) blocks.push([name, index[name]]);
  const bytesOf = (block: TypedArray | StringBlock): number =>
    'list' in block ? (block.ends.length ? block.ends[block.ends.length - 1]! : 0) : block.byteLength;

  const header: Header = {
    format: INDEX_FORMAT,
    averageLength: index.averageLength,
    entities: index.entities,
    synonyms: index.synonyms,
    chatWords: index.chatWords,
    blocks: [],
    arraysAt: 0,
  };
  // Block offsets depend on the header's length, which depends on them: lay out until stable.
  let json = Buffer.alloc(0);
  let size = 0;
  for (let stable = false; !stable;) {
    let at = PREFIX_BYTES + json.length;
    header.blocks = blocks.map(([name, block], i) => {
      at += (8 - (at % 8)) % 8;
      if (i === blocks.length - ARRAYS.length) header.arraysAt = at;
      const entry: Header['blocks'][number] =
        'list' in block ? [name, 'u8', bytesOf(block), at] : [name, typeName(block), block.length, at];
      at += bytesOf(block);
      return entry;
    });
    size = at;
    const next = Buffer.from(JSON.stringify(header));
    stable = next.length === json.length;
    json = next;
  }
  const prefix = Buffer.alloc(PREFIX_BYTES);
  prefix.write(MAGIC, 0, 'latin1');
  prefix[MAGIC.length] = INDEX_FORMAT;
  prefix.writeUInt32LE(json.length, 8);
  prefix.writeDoubleLE(size, 16);
  const padding = Buffer.alloc(8);
  function* body(): Generator<Uint8Array> {
    const hash = createHash('sha1');
    hash.update(prefix.subarray(CHECKED_FROM));
    const pieces = function* (): Generator<Uint8Array> {
      yield json;
      let at = PREFIX_BYTES + json.length;
      for (const [, block] of blocks) {
        const pad = (8 - (at % 8)) % 8;
        if (pad) yield padding.subarray(0, pad);
        if ('list' in block) yield* encodeStrings(block);
        else yield new Uint8Array(block.buffer, block.byteOffset, block.byteLength);
        at += pad + bytesOf(block);
      }
    };
    for (const piece of pieces()) {
      hash.update(piece);
      yield piece;
    }
    hash.digest().copy(prefix, HASH_AT);
  }
  return { size, prefix, body };
}

/** Serializes an index and its files' hashes as one buffer (what {@link writeSavedIndex} writes). */
export function serializeIndex(saved: SavedIndex): Buffer {
  const { size, prefix, body } = planFile(saved);
  const out = Buffer.alloc(size);
  let at = PREFIX_BYTES;
  for (const piece of body()) {
    out.set(piece, at);
    at += piece.length;
  }
  prefix.copy(out, 0);
  return out;
}

/**
 * A saved index read in three parts: the prefix and header; the string blocks (decoded, then let
 * go); the typed arrays, into a buffer of their own that the index's arrays are views of (no
 * copy). `total` is the file's length.
 */
interface FileParts {
  total: number;
  head: Buffer;
  strings: Buffer;
  stringsAt: number;
  arrays: ArrayBuffer;
  arraysAt: number;
}

/** The prefix's verdict, or the header's length when the file may be ours. */
function checkPrefix(prefix: Buffer, total: number): { problem: string } | { headerLength: number } {
  if (prefix.length <= MAGIC.length || prefix.toString('latin1', 0, MAGIC.length) !== MAGIC)
    return { problem: 'not a saved index' };
  const format = prefix[MAGIC.length]!;
  if (format === INDEX_FORMAT && total < PREFIX_BYTES)
    return { problem: `truncated: ${total} bytes, shorter than its header` };
  if (format !== INDEX_FORMAT)
    return {
      problem: `format ${format}, made by ${format < INDEX_FORMAT ? 'an older' : 'a newer'} version (this one reads ${INDEX_FORMAT})`,
    };
  const size = prefix.readDoubleLE(16);
  if (total !== size)
    return { problem: `${total < size ? 'truncated' : 'extended'}: ${total} bytes where it says ${size}` };
  const headerLength = prefix.readUInt32LE(8);
  if (PREFIX_BYTES + headerLength > total) return { problem: 'damaged (header length)' };
  return { headerLength };
}

/**
 * Reads an index back from the whole file, or says why it can't: not an index, another format
 * version, truncated or extended, or damaged (checksum).
 */
export function deserializeIndex(data: Buffer): SavedIndex | { problem: string } {
  const prefix = checkPrefix(data.subarray(0, PREFIX_BYTES), data.length);
  if ('problem' in prefix) return prefix;
  const headEnd = PREFIX_BYTES + prefix.headerLength;
  const header = parseHeader(data.subarray(0, headEnd), data.length);
  if ('problem' in header) return header;
  const arrays = new ArrayBuffer(data.length - header.arraysAt);
  new Uint8Array(arrays).set(data.subarray(header.arraysAt));
  return decodeParts(
    {
      total: data.length,
      head: data.subarray(0, headEnd),
      strings: data.subarray(headEnd, header.arraysAt),
      stringsAt: headEnd,
      arrays,
      arraysAt: header.arraysAt,
    },
    header,
  );
}

/** The header of a file of `total` bytes, whose head (prefix and header) is `head`. */
function parseHeader(head: Buffer, total: number): Header | { problem: string } {
  let header: Header;
  try {
    header = JSON.parse(head.toString('utf8', PREFIX_BYTES)) as Header;
    if (!Array.isArray(header.blocks) || typeof header.arraysAt !== 'number')
      throw new Error('no block table');
  } catch {
    return { problem: 'damaged (header)' };
  }
  if (header.arraysAt < head.length || header.arraysAt > total) return { problem: 'damaged (block table)' };
  return header;
}

/** The index from a file's parts (see {@link FileParts}) and its header, checksum first. */
function decodeParts(parts: FileParts, header: Header): SavedIndex | { problem: string } {
  const { head, strings: stringBytes, arrays: arrayBytes } = parts;
  const checksum = createHash('sha1')
    .update(head.subarray(CHECKED_FROM))
    .update(stringBytes)
    .update(new Uint8Array(arrayBytes))
    .digest();
  if (!checksum.equals(head.subarray(HASH_AT, HASH_AT + 20)))
    return { problem: 'damaged (checksum mismatch)' };

  const blocks = new Map<string, TypedArray>();
  for (const [name, type, length, offset] of header.blocks) {
    const Type = TYPES[type];
    const end = offset + length * Type.BYTES_PER_ELEMENT;
    if (offset >= parts.arraysAt && end <= parts.total) {
      blocks.set(name, new Type(arrayBytes, offset - parts.arraysAt, length));
    } else if (offset >= parts.stringsAt && end <= parts.arraysAt) {
      // String blocks are read, decoded and dropped: a copy where alignment needs one.
      const at = stringBytes.byteOffset + offset - parts.stringsAt;
      blocks.set(
        name,
        at % Type.BYTES_PER_ELEMENT === 0
          ? new Type(stringBytes.buffer, at, length)
          : new Type(stringBytes.buffer.slice(at, at + length * Type.BYTES_PER_ELEMENT)),
      );
    } else {
      return { problem: `damaged (block ${name} out of place)` };
    }
  }
  const block = (name: string): TypedArray => {
    const found = blocks.get(name);
    if (!found) throw new Error(`no block ${name}`);
    return found;
  };
  const strings = (name: string): string[] => {
    const bytes = block(`${name}.bytes`) as Uint8Array;
    return decodeStrings(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      block(`${name}.ends`) as Uint32Array,
    );
  };
  try {
    const arrays = Object.fromEntries(ARRAYS.map(([name]) => [name, block(name)])) as Pick<
      PassageIndex,
      ArrayName
    >;
    const terms = strings('terms');
    const texts = strings('texts');
    const columns = Object.fromEntries(BRIEFING_FIELDS.map((f) => [f, strings(`briefings.${f}`)])) as Record<
      (typeof BRIEFING_FIELDS)[number],
      string[]
    >;
    const aliasList = strings('briefings.aliases');
    const aliasEnds = block('briefings.aliasEnds');
    const extra = strings('briefings.extra');
    const briefings: BriefingInfo[] = columns.id.map((id, b) => {
      const date = columns.date[b]!;
      const url = columns.url[b]!;
      return {
        id,
        file: columns.file[b]!,
        title: columns.title[b]!,
        source: columns.source[b]!,
        ...(date ? { date } : {}),
        ...(url ? { url } : {}),
        aliases: aliasList.slice(b ? aliasEnds[b - 1]! : 0, aliasEnds[b]!),
        ...(extra[b] ? (JSON.parse(extra[b]) as object) : {}),
      };
    });
    const names = strings('files.names');
    const hashes = strings('files.hashes');
    const passages = texts.length;
    const consistent =
      arrays.df.length === terms.length &&
      arrays.nameTerm.length === terms.length &&
      arrays.postingStart.length === terms.length + 1 &&
      arrays.passageBriefing.length === passages &&
      arrays.sequenceStart.length === passages + 1 &&
      arrays.sequenceStart[passages] === arrays.sequence.length &&
      arrays.briefingFirst.length === briefings.length + 1 &&
      arrays.briefingFirst[briefings.length] === passages &&
      arrays.postingStart[terms.length] === arrays.postingPassage.length &&
      names.length === hashes.length;
    if (!consistent) return { problem: 'inconsistent (its arrays do not fit together)' };
    return {
      index: {
        ...arrays,
        briefings,
        entities: header.entities,
        synonyms: header.synonyms,
        chatWords: header.chatWords,
        termIds: new Map(terms.map((t, i) => [t, i])),
        texts,
        averageLength: header.averageLength,
        aliases: new AliasMatcher(header.entities),
        thesaurus: buildThesaurus(header.synonyms),
      },
      files: Object.fromEntries(names.map((n, i) => [n, hashes[i]!])),
    };
  } catch (err) {
    return { problem: `unreadable: ${(err as Error).message}` };
  }
}

/** Reads `length` bytes at `position` into `into` (at its start); false when the file ends first. */
async function readFully(file: FileHandle, into: Uint8Array, position: number): Promise<boolean> {
  let done = 0;
  while (done < into.length) {
    const { bytesRead } = await file.read(into, done, into.length - done, position + done);
    if (bytesRead === 0) return false;
    done += bytesRead;
  }
  return true;
}

/** The saved index in `dir`, if there is one and it can be trusted (see {@link deserializeIndex}). */
export async function readSavedIndex(dir: string): Promise<SavedIndexRead> {
  let file: FileHandle;
  try {
    file = await open(path.join(dir, SAVED_INDEX_FILE), 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'unusable', reason: `cannot be read: ${(err as Error).message}` };
  }
  try {
    const total = (await file.stat()).size;
    const prefix = Buffer.alloc(Math.min(PREFIX_BYTES, total));
    await readFully(file, prefix, 0);
    const checked = checkPrefix(prefix, total);
    if ('problem' in checked) return { kind: 'unusable', reason: checked.problem };
    const headEnd = PREFIX_BYTES + checked.headerLength;
    const head = Buffer.alloc(headEnd);
    prefix.copy(head);
    await readFully(file, head.subarray(PREFIX_BYTES), PREFIX_BYTES);
    const header = parseHeader(head, total);
    if ('problem' in header) return { kind: 'unusable', reason: header.problem };
    const strings = Buffer.allocUnsafe(header.arraysAt - headEnd);
    const arrays = new ArrayBuffer(total - header.arraysAt);
    if (
      !(await readFully(file, strings, headEnd)) ||
      !(await readFully(file, new Uint8Array(arrays), header.arraysAt))
    )
      return { kind: 'unusable', reason: 'truncated while reading' };
    const read = decodeParts(
      { total, head, strings, stringsAt: headEnd, arrays, arraysAt: header.arraysAt },
      header,
    );
    return 'problem' in read ? { kind: 'unusable', reason: read.problem } : { kind: 'ok', saved: read };
  } catch (err) {
    return { kind: 'unusable', reason: `cannot be read: ${(err as Error).message}` };
  } finally {
    await file.close();
  }
}

/**
 * Saves an index (write to a temporary name, then rename: a crash never leaves a half file under
 * the real name) and removes the files of earlier formats. Failures are returned, not thrown: a
 * read-only disk costs only the next start-up's speed.
 */
export async function writeSavedIndex(dir: string, saved: SavedIndex): Promise<Error | null> {
  try {
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, SAVED_INDEX_FILE);
    const temp = `${file}.${process.pid}.tmp`;
    const { prefix, body } = planFile(saved);
    const out = await open(temp, 'w');
    try {
      let at = PREFIX_BYTES;
      for (const piece of body()) {
        await out.write(piece, 0, piece.length, at);
        at += piece.length;
      }
      // The prefix holds the checksum of the rest: written last.
      await out.write(prefix, 0, PREFIX_BYTES, 0);
    } finally {
      await out.close();
    }
    await rename(temp, file);
    for (const name of await readdir(dir)) {
      if (/^index-[0-9a-f]+\.bin$/.test(name)) await rm(path.join(dir, name), { force: true });
    }
    return null;
  } catch (err) {
    return err as Error;
  }
}
