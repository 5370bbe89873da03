/**
 * What `/briefings` and its confirmation buttons share: making a change answerable (a reload,
 * waited for), and the wording of refusals.
 */
import { randomBytes } from 'node:crypto';
import type { Answerable } from '../render/imports.js';
import type { BotContext } from './context.js';

/** What a member without Manage Server is told. */
export const IMPORT_NOT_ALLOWED =
  'Only members with the **Manage Server** permission can add or remove briefings.';

/** Where importing is not wired (a process without an import folder). */
export const IMPORT_UNAVAILABLE = 'Adding and removing briefings is not available on this bot.';

/** When the store could not keep the confirmation. */
export const CONFIRMATION_NOT_SAVED =
  'My storage is unavailable right now, so I cannot keep this for your confirmation. Nothing was written; please try again later.';

/** A random token for a confirmation (its key in the store, and the end of its buttons' ids). */
export function confirmationToken(): string {
  return randomBytes(12).toString('base64url');
}

/**
 * Reloads the index until briefing `id` is in it (`present`) or gone from it, so that the reply
 * can say it is answerable. A reload already running when the file changed may not have seen it,
 * so one more is tried.
 */
export async function reloadUntil(ctx: BotContext, id: string, present: boolean): Promise<Answerable> {
  const has = () => ctx.engine.briefing(id) !== undefined;
  if (!ctx.reload) return { now: has() === present };
  for (let attempt = 0; attempt < 2; attempt++) {
    const result = await ctx.reload();
    if (!result.ok) {
      ctx.logger.warn(
        { err: result.error },
        'knowledge reload failed after an import; the previous index keeps serving',
      );
      return { now: false };
    }
    if (has() === present) return { now: true, briefings: result.briefings, passages: result.passages };
  }
  return { now: has() === present };
}
