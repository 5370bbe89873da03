/**
 * Admission: whether a question may be answered now. Every question entry point (/ask, /search,
 * the context-menu command, mentions, DMs) asks here first; buttons (more excerpts, pages, votes)
 * are not questions and are never throttled.
 *
 * Two limits, checked in this order:
 * - flood: at most N questions from one user in any window, wherever asked (default 5 in 10 s);
 * - the server's cooldown (`/settings cooldown`): the least time between two questions of one
 *   member in that server.
 * The store answers within its deadline and lets questions through when it fails, so a store
 * outage never stops the bot from answering.
 */
import type { RepliableInteraction } from 'discord.js';
import type { Settings } from '../store/index.js';
import type { BotContext } from './context.js';
import { privacy, respondPrivately } from './respond.js';

/** Who asks, and where: a server (`guildId`) or a DM (`guildId` null). */
export interface Asker {
  guildId: string | null;
  userId: string;
}

/** Whether a question may go ahead; when it may, the server's settings (defaults in a DM). */
export type Admission =
  | { ok: true; settings: Settings | undefined }
  | { ok: false; reason: 'flood' | 'cooldown'; retryAfterSeconds: number; notice: string };

/**
 * Whether an answer is private: when the asker asked for it (`private:true`), or when the server
 * made answers private for everyone (`/settings visibility mode:private`).
 */
export function answersPrivately(requested: boolean, settings: Settings | undefined): boolean {
  return requested || settings?.visibility === 'private';
}

/** What a flooding user is told. */
export function floodNotice(retryAfterSeconds: number): string {
  return `You're asking quickly — try again in ${retryAfterSeconds} s.`;
}

/** What a member still in the server's cooldown is told. */
export function cooldownNotice(cooldownSeconds: number, retryAfterSeconds: number): string {
  return `This server allows one question every ${cooldownSeconds} s — try again in ${retryAfterSeconds} s.`;
}

/**
 * Counts a question against the flood limit and, in a server, its cooldown. Pass `settings`
 * when already read (the mention handler reads them first, to know whether to answer at all).
 * A question refused for flooding does not start a cooldown. Never rejects.
 *
 * @returns `ok: true` with the server's settings (undefined in a DM), or the notice to send privately
 */
export async function admitQuestion(
  ctx: Pick<BotContext, 'store' | 'floodLimits' | 'logger'>,
  asker: Asker,
  settings?: Settings,
): Promise<Admission> {
  const admission = await check(ctx, asker, settings);
  if (!admission.ok) {
    ctx.logger.debug(
      { guildId: asker.guildId, reason: admission.reason, retryAfterSeconds: admission.retryAfterSeconds },
      'question throttled',
    );
  }
  return admission;
}

async function check(
  ctx: Pick<BotContext, 'store' | 'floodLimits'>,
  asker: Asker,
  settings: Settings | undefined,
): Promise<Admission> {
  const { store } = ctx;
  // Both at once: a slow store costs one deadline, not two, within Discord's 3 s to acknowledge.
  const [flood, current] = await Promise.all([
    store.hitFlood(asker.userId, ctx.floodLimits),
    asker.guildId === null ? undefined : (settings ?? store.getSettings(asker.guildId)),
  ]);
  if (!flood.ok) {
    return {
      ok: false,
      reason: 'flood',
      retryAfterSeconds: flood.retryAfterSeconds,
      notice: floodNotice(flood.retryAfterSeconds),
    };
  }
  if (asker.guildId !== null && current !== undefined && current.cooldownSeconds > 0) {
    const cooldown = await store.hitCooldown(asker.guildId, asker.userId, current.cooldownSeconds);
    if (!cooldown.ok) {
      return {
        ok: false,
        reason: 'cooldown',
        retryAfterSeconds: cooldown.retryAfterSeconds,
        notice: cooldownNotice(current.cooldownSeconds, cooldown.retryAfterSeconds),
      };
    }
  }
  return { ok: true, settings: current };
}

/**
 * The start every slash or context-menu question shares: admission (a private notice when
 * refused), then the deferral, which settles whether the answer is private. Admission comes
 * first because of that; the store answers within its deadline, well inside Discord's 3 s.
 *
 * @returns whether the answer is private, or null when the question was refused (and told so)
 */
export async function admitAndDefer(
  interaction: RepliableInteraction,
  ctx: BotContext,
  requestedPrivate: boolean,
): Promise<{ private: boolean } | null> {
  const admission = await admitQuestion(ctx, { guildId: interaction.guildId, userId: interaction.user.id });
  if (!admission.ok) {
    await respondPrivately(interaction, admission.notice);
    return null;
  }
  const isPrivate = answersPrivately(requestedPrivate, admission.settings);
  await interaction.deferReply(privacy(isPrivate));
  return { private: isPrivate };
}
