/**
 * A guild's settings: their type, defaults, and the checks that keep stored values in range.
 */

/** One guild's settings, as the bot applies them. */
export interface Settings {
  /** Whether answers are posted for the channel to see, or only to the asker. */
  visibility: 'public' | 'private';
  /** The least time between two questions of one user in this guild, in seconds (0–3600; 0 = none). */
  cooldownSeconds: number;
  /** Whether the bot answers when mentioned (`@bot question`). */
  mentions: boolean;
}

/** A change to some settings; fields left out keep their value. */
export type SettingsPatch = Partial<Settings>;

/** What a guild has until an admin changes something (and what a failed read returns). */
export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  visibility: 'public',
  cooldownSeconds: 0,
  mentions: true,
});

/** The largest cooldown an admin can set: one hour. */
export const MAX_COOLDOWN_SECONDS = 3600;

const isVisibility = (v: unknown): v is Settings['visibility'] => v === 'public' || v === 'private';
const isCooldown = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_COOLDOWN_SECONDS;

/**
 * Settings read back from the store, each field checked on its own: a malformed or missing field
 * (an older version's data, a hand edit) falls back to its default instead of breaking replies.
 */
export function sanitizeSettings(stored: unknown): Settings {
  const s = typeof stored === 'object' && stored !== null ? (stored as Record<string, unknown>) : {};
  return {
    visibility: isVisibility(s.visibility) ? s.visibility : DEFAULT_SETTINGS.visibility,
    cooldownSeconds: isCooldown(s.cooldownSeconds) ? s.cooldownSeconds : DEFAULT_SETTINGS.cooldownSeconds,
    mentions: typeof s.mentions === 'boolean' ? s.mentions : DEFAULT_SETTINGS.mentions,
  };
}

/**
 * Checks a patch before anything is written. Commands validate their options already, so a bad
 * value here is a programming error.
 *
 * @throws RangeError naming the field
 */
export function checkSettingsPatch(patch: SettingsPatch): void {
  if (patch.visibility !== undefined && !isVisibility(patch.visibility)) {
    throw new RangeError(`visibility must be 'public' or 'private', got ${JSON.stringify(patch.visibility)}`);
  }
  if (patch.cooldownSeconds !== undefined && !isCooldown(patch.cooldownSeconds)) {
    throw new RangeError(
      `cooldownSeconds must be a whole number 0–${MAX_COOLDOWN_SECONDS}, got ${patch.cooldownSeconds}`,
    );
  }
  if (patch.mentions !== undefined && typeof patch.mentions !== 'boolean') {
    throw new RangeError(`mentions must be true or false, got ${JSON.stringify(patch.mentions)}`);
  }
}
