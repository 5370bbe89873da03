/**
 * The one path by which handlers answer interactions: reply, edit the deferred reply, or follow
 * up, whichever the interaction's state allows, always without pinging anyone.
 */
import {
  DiscordAPIError,
  DiscordjsError,
  DiscordjsErrorCodes,
  MessageFlags,
  RESTJSONErrorCodes,
} from 'discord.js';
import type { InteractionEditReplyOptions, RepliableInteraction } from 'discord.js';
import { renderNotice, toDiscordJs } from '../render/index.js';
import type { DiscordJsMessage, RenderedMessage } from '../render/index.js';

/** Sends `rendered` as the interaction's answer: edits the deferred reply, follows up, or replies. */
export async function respond(interaction: RepliableInteraction, rendered: RenderedMessage): Promise<void> {
  const options = toDiscordJs(rendered);
  if (interaction.deferred && !interaction.replied) {
    await interaction.editReply(forEdit(options));
  } else if (interaction.replied) {
    await interaction.followUp(options);
  } else {
    await interaction.reply(options);
  }
}

/** Replies privately with a short notice (`text` is the bot's own words, see `renderNotice`). */
export async function respondPrivately(interaction: RepliableInteraction, text: string): Promise<void> {
  await respond(interaction, renderNotice(text, { private: true }));
}

/** Edits cannot change a message's flags: privacy was settled when the reply was deferred. */
export function forEdit(options: DiscordJsMessage): InteractionEditReplyOptions {
  const { flags: _flags, ...rest } = options;
  return rest;
}

/** Ephemeral flags for a reply or a deferral, when `isPrivate`. */
export function privacy(isPrivate: boolean): { flags?: MessageFlags.Ephemeral } {
  return isPrivate ? { flags: MessageFlags.Ephemeral } : {};
}

/**
 * True for errors that mean the interaction can no longer be answered: Discord's 10062
 * (unknown or expired interaction: we were too slow, or it was already answered elsewhere),
 * 40060 (already acknowledged), and discord.js's local "already replied". Nothing can be sent
 * in reply to these; they are logged and the bot carries on.
 */
export function isDeadInteractionError(error: unknown): boolean {
  if (error instanceof DiscordAPIError) {
    return (
      error.code === RESTJSONErrorCodes.UnknownInteraction ||
      error.code === RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged
    );
  }
  return error instanceof DiscordjsError && error.code === DiscordjsErrorCodes.InteractionAlreadyReplied;
}
