/**
 * Imported briefings shared between hosts. With a shared store (Redis), the store holds every
 * imported briefing's text and every removal, and is the source of truth; each host's import
 * folder is a copy of it, kept by an `ImportMirror` (import-mirror.ts):
 *
 * - an import is claimed in the store first (which refuses a duplicate made meanwhile on another
 *   host), then written to the importing host's folder; a removal is recorded there first too;
 * - the store announces each change, and every host's mirror writes or deletes that one file;
 * - announcements are lost while a host or Redis is down, so the mirror also compares its whole
 *   folder with the store: when it starts (before the bot loads its briefings), whenever its
 *   subscription is made again after a disconnection, and when a periodic check sees that the
 *   store's revision moved without an announcement for it.
 *
 * The store only ever deletes a host's file on a recorded removal: a briefing the store does not
 * know (a store that lost its data, a file put in the folder by hand) is offered to it instead,
 * so the store is filled again from the hosts' copies. Files are written atomically and only
 * inside the import folder (`writeBriefingFile`), and only after the same checks the loader
 * makes. Nothing here knows Redis: the store implements {@link SharedBriefings}.
 */
import { createHash } from 'node:crypto';
import { bodyKey, urlKey } from './briefing-file.js';
import { parseBriefing } from './load.js';

/** The largest briefing the store shares, in bytes of UTF-8: far above any article (a long one is 50 KB). */
export const MAX_SHARED_BRIEFING_BYTES = 1024 * 1024;

/** One briefing as the store lists it: imported (with its text's hash) or removed. */
export type SharedEntry =
  | {
      file: string;
      removed: false;
      /** sha256 of the text, hex. */
      sha: string;
      title: string;
      /** The store's revision when it was written: every change takes the next one. */
      rev: number;
      /** When it was imported (ms since the epoch). */
      at: number;
      bytes: number;
    }
  | { file: string; removed: true; title: string; rev: number; at: number };

/** A briefing offered to the store. */
export interface SharedClaim {
  /** The file name, e.g. `salmon-habitat.md`. */
  file: string;
  text: string;
  title: string;
  /** {@link urlKey} of its URL (and of the addresses it was fetched from), for duplicates. */
  urls: string[];
  /** {@link bodyKey} of its paragraphs, for duplicates. */
  body: string;
  /**
   * `new`: a fresh import (a name holding another briefing is `taken`); `replace`: replaces the
   * briefing of that name (`--force`); `adopt`: a host offers a copy the store did not know (a
   * recorded removal of that name wins: `removed`).
   */
  mode: 'new' | 'replace' | 'adopt';
}

/** What the store did with a {@link SharedClaim}. */
export type ClaimOutcome =
  | { outcome: 'claimed'; rev: number }
  /** The same text was already there under that name (`adopt`, `replace`; for `new` it is a duplicate). */
  | { outcome: 'unchanged'; rev: number }
  /** Another briefing has the same URL or text: nothing was written. */
  | { outcome: 'duplicate'; file: string; title: string; by: 'url' | 'body' }
  /** The name holds another briefing (`new`, `adopt`). */
  | { outcome: 'taken' }
  /** The name was removed (`adopt` only). */
  | { outcome: 'removed' }
  /** Larger than the store shares. */
  | { outcome: 'too-large'; bytes: number; maxBytes: number };

/** A change, as the store announces it to every host. */
export interface Announcement {
  file: string;
  rev: number;
  op: 'put' | 'remove';
  /** Which process made it (`host:pid`), for logs. */
  by: string;
}

/** What a subscription tells. */
export interface AnnouncementListener {
  onAnnouncement(announcement: Announcement): void;
  /** The subscription is in place: at first, and after each reconnection (announcements were lost meanwhile). */
  onSubscribed(): void;
}

/**
 * Imported briefings in a store every host shares. Calls resolve to `undefined` when the store
 * is unavailable (never reject): an import is then refused, and the mirror tries again later.
 */
export interface SharedBriefings {
  /** The largest text accepted, in bytes. */
  readonly maxBytes: number;
  /** Records a briefing and announces it, in one atomic step; refuses duplicates and taken names. */
  claim(claim: SharedClaim): Promise<ClaimOutcome | undefined>;
  /**
   * Records the removal of `file` (known to the store or not, so that no host keeps or offers its
   * copy again) and announces it. `null` when it was already removed.
   */
  retract(file: string, title: string): Promise<{ rev: number } | null | undefined>;
  /** Every briefing the store knows, removals included. */
  entries(): Promise<SharedEntry[] | undefined>;
  /** One of them; `null` when the store does not know the name. */
  entry(file: string): Promise<SharedEntry | null | undefined>;
  /** An imported briefing's text; `null` when there is none (removed or unknown). */
  text(file: string): Promise<string | null | undefined>;
  /** The store's revision: it moves with every change. 0 before the first. */
  revision(): Promise<number | undefined>;
  /** Subscribes to announcements until closed; it reconnects by itself. */
  follow(listener: AnnouncementListener): { close(): Promise<void> };
}

/** sha256 of a briefing's text, hex: how the store and the mirror tell copies apart. */
export function textHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** What an import of `text` claims in the store, from the file as the loader parses it. */
export function claimFor(
  file: string,
  text: string,
  mode: SharedClaim['mode'],
  extraUrls: ReadonlyArray<string | undefined> = [],
): SharedClaim | undefined {
  const { briefing } = parseBriefing(file, text);
  if (!briefing) return undefined;
  const urls = [
    ...new Set([briefing.url, ...extraUrls].map(urlKey).filter((k): k is string => k !== undefined)),
  ];
  return { file, text, title: briefing.title, urls, body: bodyKey(briefing.paragraphs), mode };
}
