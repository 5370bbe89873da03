import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { KnowledgeFiles } from '../knowledge/load.js';
import type { PassageIndex } from './passage-index.js';
import { buildThesaurus } from './passage-index.js';
import { AliasMatcher } from './terms.js';

/**
 * A built index saved to disk, so that a restart with unchanged briefings loads it in a fraction
 * of the time analysis takes. The file is named by a hash of the knowledge files' names and
 * contents (and this format's version), so any edit makes a new one; stale files are removed.
 *
 * Layout: "BRIDX" + format version byte, a uint32 header length, a JSON header (briefings,
 * entities, synonyms, terms, texts, array lengths), then each typed array, 8-byte aligned.
 */
const MAGIC = 'BRIDX';
/** Bump when the index's content or layout changes. */
export const INDEX_FORMAT = 6;

const ARRAYS = [
  ['df', Uint32Array],
  ['nameTerm', Uint8Array],
  ['passageBriefing', Uint32Array],
  ['passageOrdinal', Uint32Array],
  ['passageLength', Uint16Array],
  ['passageFeatures', Uint8Array],
  ['sequenceStart', Uint32Array],
  ['sequence', Uint32Array],
  ['sequenceFrom', Uint16Array],
  ['sequenceTo', Uint16Array],
  ['briefingFirst', Uint32Array],
  ['postingStart', Uint32Array],
  ['postingPassage', Uint32Array],
  ['postingTf', Uint8Array],
] as const;

type ArrayName = (typeof ARRAYS)[number][0];

interface Header {
  briefings: PassageIndex['briefings'];
  entities: PassageIndex['entities'];
  synonyms: PassageIndex['synonyms'];
  chatWords: PassageIndex['chatWords'];
  terms: string[];
  texts: string[];
  averageLength: number;
  lengths: Record<ArrayName, number>;
}

/** The cache key of a knowledge folder's files. */
export function knowledgeHash(files: KnowledgeFiles['files']): string {
  const hash = createHash('sha256');
  hash.update(`${MAGIC}${INDEX_FORMAT}\0`);
  for (const { name, text } of files) hash.update(`${name}\0${text.length}\0${text}\0`);
  return hash.digest('hex').slice(0, 32);
}

function cacheFile(dir: string, hash: string): string {
  return path.join(dir, `index-${hash}.bin`);
}

/** Serializes an index. */
export function serializeIndex(index: PassageIndex): Buffer {
  const lengths = Object.fromEntries(ARRAYS.map(([name]) => [name, index[name].length])) as Record<
    ArrayName,
    number
  >;
  const header: Header = {
    briefings: index.briefings,
    entities: index.entities,
    synonyms: index.synonyms,
    chatWords: index.chatWords,
    terms: [...index.termIds.keys()],
    texts: index.texts,
    averageLength: index.averageLength,
    lengths,
  };
  const json = Buffer.from(JSON.stringify(header));
  const parts: Buffer[] = [Buffer.from(MAGIC), Buffer.from([INDEX_FORMAT]), Buffer.alloc(4), json];
  parts[2]!.writeUInt32LE(json.length);
  let size = MAGIC.length + 1 + 4 + json.length;
  for (const [name] of ARRAYS) {
    const pad = (8 - (size % 8)) % 8;
    if (pad) parts.push(Buffer.alloc(pad));
    const array = index[name];
    parts.push(Buffer.from(array.buffer, array.byteOffset, array.byteLength));
    size += pad + array.byteLength;
  }
  return Buffer.concat(parts);
}

/** Reads an index back; the typed arrays are views on one buffer, not copies. Null when the file is not ours. */
export function deserializeIndex(data: Buffer): PassageIndex | null {
  if (data.toString('latin1', 0, MAGIC.length) !== MAGIC || data[MAGIC.length] !== INDEX_FORMAT) return null;
  const headerLength = data.readUInt32LE(MAGIC.length + 1);
  let offset = MAGIC.length + 5;
  const header = JSON.parse(data.toString('utf8', offset, offset + headerLength)) as Header;
  offset += headerLength;
  // Copy into an 8-byte-aligned buffer of our own: a read buffer may start anywhere in a pool.
  const aligned = new ArrayBuffer(data.length);
  new Uint8Array(aligned).set(data);
  const arrays: Partial<Record<ArrayName, Uint8Array | Uint16Array | Uint32Array>> = {};
  for (const [name, Type] of ARRAYS) {
    offset += (8 - (offset % 8)) % 8;
    const length = header.lengths[name];
    arrays[name] = new Type(aligned, offset, length);
    offset += length * Type.BYTES_PER_ELEMENT;
  }
  return {
    ...(arrays as Pick<PassageIndex, ArrayName>),
    briefings: header.briefings,
    entities: header.entities,
    synonyms: header.synonyms,
    chatWords: header.chatWords,
    termIds: new Map(header.terms.map((t, i) => [t, i])),
    texts: header.texts,
    averageLength: header.averageLength,
    aliases: new AliasMatcher(header.entities),
    thesaurus: buildThesaurus(header.synonyms),
  };
}

/** The cached index for these files, or null when there is none (or it can't be read). */
export async function readCachedIndex(dir: string, hash: string): Promise<PassageIndex | null> {
  try {
    return deserializeIndex(await readFile(cacheFile(dir, hash)));
  } catch {
    return null;
  }
}

/**
 * Saves an index for these files (write to a temporary name, then rename: a crash never leaves
 * a half file under the real name) and removes other cached indexes. Failures are returned,
 * not thrown: a read-only disk costs only the next start-up's speed.
 */
export async function writeCachedIndex(
  dir: string,
  hash: string,
  index: PassageIndex,
): Promise<Error | null> {
  try {
    await mkdir(dir, { recursive: true });
    const file = cacheFile(dir, hash);
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, serializeIndex(index));
    await rename(temp, file);
    for (const name of await readdir(dir)) {
      if (/^index-[0-9a-f]+\.bin$/.test(name) && name !== path.basename(file))
        await rm(path.join(dir, name), { force: true });
    }
    return null;
  } catch (err) {
    return err as Error;
  }
}
