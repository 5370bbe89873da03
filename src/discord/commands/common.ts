/**
 * Definition parts shared by the commands.
 */
import { ApplicationCommandOptionType, ApplicationIntegrationType, InteractionContextType } from 'discord.js';
import type { APIApplicationCommandBooleanOption } from 'discord.js';

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
