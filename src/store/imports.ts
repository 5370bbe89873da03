/**
 * State of imports: confirmations waiting for a button (an import previewed, a removal asked for),
 * the items of followed feeds already handled, and the per-guild import limit. Types, limits and
 * the checks that keep stored values usable.
 */
import { createHash } from 'node:crypto';
import type { PreparedImport } from '../knowledge/importer.js';
import type { FloodLimits } from './flood.js';

/** A previewed import, written when its **Add** button is clicked. */
export interface PendingImport {
  kind: 'import';
  guildId: string;
  userId: string;
  prepared: PreparedImport;
}

/** A removal asked for, done when its **Remove** button is clicked. */
export interface PendingRemoval {
  kind: 'remove';
  guildId: string;
  userId: string;
  /** The briefing's id. */
  id: string;
  title: string;
}

/** What a confirmation button acts on; kept in the store so that any shard can act on the click. */
export type PendingConfirmation = PendingImport | PendingRemoval;

/** How long a confirmation waits for its button: as long as Discord lets the reply be edited. */
export const PENDING_TTL_SECONDS = 15 * 60;

/** At most 10 imports per guild per hour. */
export const IMPORT_LIMITS: Readonly<FloodLimits> = Object.freeze({ limit: 10, windowSeconds: 3600 });

/** The most item keys kept per feed (the newest); a feed lists far fewer. */
export const MAX_SEEN_PER_FEED = 2000;

const isString = (v: unknown): v is string => typeof v === 'string';

/** A stored confirmation checked field by field: anything malformed (another version's data) is none. */
export function readPendingConfirmation(stored: unknown): PendingConfirmation | undefined {
  if (typeof stored !== 'object' || stored === null) return undefined;
  const v = stored as Record<string, unknown>;
  if (!isString(v.guildId) || !isString(v.userId)) return undefined;
  if (v.kind === 'remove' && isString(v.id) && isString(v.title)) {
    return { kind: 'remove', guildId: v.guildId, userId: v.userId, id: v.id, title: v.title };
  }
  if (v.kind === 'import' && typeof v.prepared === 'object' && v.prepared !== null) {
    const p = v.prepared as Record<string, unknown>;
    const ok =
      isString(p.file) &&
      isString(p.id) &&
      isString(p.text) &&
      isString(p.title) &&
      isString(p.source) &&
      isString(p.origin) &&
      typeof p.passages === 'number' &&
      Array.isArray(p.opening) &&
      p.opening.every(isString);
    if (ok)
      return {
        kind: 'import',
        guildId: v.guildId,
        userId: v.userId,
        prepared: p as unknown as PreparedImport,
      };
  }
  return undefined;
}

/** Keys of a feed's seen items, from what was stored. */
export function readSeenItems(stored: unknown): string[] {
  return Array.isArray(stored) ? stored.filter(isString) : [];
}

/** The store key part for a feed: a hash, since a URL is long and may hold a key. */
export function feedKey(feedUrl: string): string {
  return createHash('sha256').update(feedUrl).digest('hex').slice(0, 32);
}
