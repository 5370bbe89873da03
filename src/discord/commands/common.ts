/**
 * Definition parts, and the permission gate, shared by the commands.
 */
import {
  ApplicationCommandOptionType,
  ApplicationIntegrationType,
  InteractionContextType,
  PermissionFlagsBits,
} from 'discord.js';
import type {
  APIApplicationCommandBooleanOption,
  ButtonInteraction,
  ChatInputCommandInteraction,
  PermissionsBitField,
} from 'discord.js';
import type { BotContext } from '../context.js';
import { respondPrivately } from '../respond.js';

/**
 * Where the commands can be used: in servers that added the bot and in DMs with it. Stated
 * explicitly, because Discord fills in defaults that would otherwise make registration look changed.
 */
export const AVAILABILITY = {
  contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
  integration_types: [ApplicationIntegrationType.GuildInstall],
};

/** The `private` option: answer so that only the person who asked sees it. */
export const PRIVATE_OPTION: APIApplicationCommandBooleanOption = {
  type: ApplicationCommandOptionType.Boolean,
  name: 'private',
  description: 'Only you see the answer (default: everyone in the channel does)',
  required: false,
};

/**
 * Server-admin commands: in servers only, and hidden from members without Manage Server unless the
 * server changes that (so {@link refuseUnlessManager} checks again at run time).
 */
export const MANAGE_SERVER_ONLY = {
  default_member_permissions: PermissionFlagsBits.ManageGuild.toString(),
  contexts: [InteractionContextType.Guild],
  integration_types: [ApplicationIntegrationType.GuildInstall],
};

/**
 * The run-time half of {@link MANAGE_SERVER_ONLY}: Discord hides the command by default, but a
 * server can override that, so the member's permission is checked here too.
 *
 * @returns true when the member was refused (and told so, privately)
 */
export async function refuseUnlessManager(
  interaction: ChatInputCommandInteraction | ButtonInteraction,
  ctx: BotContext,
  refusal: string,
): Promise<boolean> {
  if (isManager(interaction)) return false;
  ctx.logger.info(
    {
      guildId: interaction.guildId,
      ...('commandName' in interaction ? { command: interaction.commandName } : {}),
    },
    'refused: no Manage Server permission',
  );
  await respondPrivately(interaction, refusal);
  return true;
}

/** Whether the member may manage the server (never in a DM, where there are no member permissions). */
export function isManager(interaction: { memberPermissions: Readonly<PermissionsBitField> | null }): boolean {
  return interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) === true;
}
