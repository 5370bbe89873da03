/**
 * `/settings`: how the bot behaves in a server, for members with Manage Server. Subcommands:
 * `show`, `visibility mode:<public|private>`, `cooldown seconds:<0–3600>`, `mentions enabled:<bool>`.
 * Every reply is private. A change is read by every question after it, on every process sharing
 * the store, so it applies at once.
 */
import { ApplicationCommandOptionType, ApplicationCommandType } from 'discord.js';
import type { ChatInputCommandInteraction } from 'discord.js';
import { MAX_COOLDOWN_SECONDS } from '../../store/index.js';
import type { Settings, SettingsPatch } from '../../store/index.js';
import type { BotContext, ChatInputCommand } from '../context.js';
import { respondPrivately } from '../respond.js';
import { MANAGE_SERVER_ONLY, refuseUnlessManager } from './common.js';

/** What a member without Manage Server is told, whatever Discord let them see. */
export const NOT_ALLOWED =
  'Only members with the **Manage Server** permission can see or change my settings.';

/** What an admin is told when the store could not save a change. */
export const NOT_SAVED =
  'Could not save the change: my storage is unavailable right now, so nothing changed. Please try again later.';

/** The settings as a few lines for `/settings show`. */
export function describeSettings(settings: Settings): string {
  const visibility =
    settings.visibility === 'private'
      ? '**private**: only the asker sees them'
      : '**public**: everyone in the channel sees them (anyone can still ask with `private:true`)';
  const cooldown =
    settings.cooldownSeconds === 0
      ? '**none**'
      : `**${settings.cooldownSeconds} s** between two questions of one member`;
  const mentions = settings.mentions ? '**on**: I answer when @mentioned' : '**off**: I ignore @mentions';
  return [
    'My settings in this server:',
    `• Answers to /ask and /search: ${visibility}`,
    `• Cooldown: ${cooldown}`,
    `• Mentions: ${mentions}`,
    'Change them with `/settings visibility`, `/settings cooldown` and `/settings mentions`.',
  ].join('\n');
}

/** The confirmation of a saved change. */
export function describeChange(patch: SettingsPatch): string {
  if (patch.visibility === 'private')
    return 'Done: answers to /ask and /search in this server are now **private**: only the asker sees them.';
  if (patch.visibility === 'public')
    return 'Done: answers to /ask and /search in this server are now **public**: everyone in the channel sees them.';
  if (patch.cooldownSeconds === 0) return 'Done: there is **no cooldown** between questions any more.';
  if (patch.cooldownSeconds !== undefined)
    return `Done: each member can now ask one question every **${patch.cooldownSeconds} s**.`;
  if (patch.mentions === true) return 'Done: I **answer** when someone @mentions me in this server.';
  if (patch.mentions === false) return 'Done: I now **ignore** @mentions in this server (/ask still works).';
  return 'Nothing changed.';
}

/**
 * The change a subcommand asks for, checked again here: Discord enforces choices and ranges for
 * its own clients, but the handler must not trust that.
 *
 * @returns the patch, or the private message explaining what was wrong
 */
export function settingsPatch(
  interaction: Pick<ChatInputCommandInteraction, 'options'>,
): { patch: SettingsPatch } | { error: string } {
  const { options } = interaction;
  switch (options.getSubcommand(true)) {
    case 'visibility': {
      const mode = options.getString('mode', true);
      if (mode !== 'public' && mode !== 'private')
        return { error: 'The mode must be `public` or `private`.' };
      return { patch: { visibility: mode } };
    }
    case 'cooldown': {
      const seconds = options.getInteger('seconds', true);
      if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_COOLDOWN_SECONDS) {
        return {
          error: `The cooldown must be a whole number of seconds from 0 to ${MAX_COOLDOWN_SECONDS}.`,
        };
      }
      return { patch: { cooldownSeconds: seconds } };
    }
    case 'mentions':
      return { patch: { mentions: options.getBoolean('enabled', true) } };
    default:
      return { error: 'I don’t know that setting. `/settings show` lists them.' };
  }
}

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  if (!interaction.inGuild()) {
    await respondPrivately(interaction, 'Settings belong to a server: use /settings in one.');
    return;
  }
  if (await refuseUnlessManager(interaction, ctx, NOT_ALLOWED)) return;
  const { guildId } = interaction;
  if (interaction.options.getSubcommand(true) === 'show') {
    const settings = await ctx.store.getSettings(guildId);
    const caveat = ctx.store.healthy
      ? ''
      : '\n(My storage is unavailable right now: these are the defaults, which apply until it is back.)';
    await respondPrivately(interaction, describeSettings(settings) + caveat);
    return;
  }
  const asked = settingsPatch(interaction);
  if ('error' in asked) {
    await respondPrivately(interaction, asked.error);
    return;
  }
  const { saved } = await ctx.store.updateSettings(guildId, asked.patch);
  ctx.logger.info({ guildId, change: asked.patch, saved }, 'settings changed');
  await respondPrivately(interaction, saved ? describeChange(asked.patch) : NOT_SAVED);
}

export const settings: ChatInputCommand = {
  definition: {
    type: ApplicationCommandType.ChatInput,
    name: 'settings',
    description: 'Show or change how I behave in this server (Manage Server only)',
    ...MANAGE_SERVER_ONLY,
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'show',
        description: 'Show my settings in this server',
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'visibility',
        description: 'Whether answers to /ask and /search are public or private for everyone here',
        options: [
          {
            type: ApplicationCommandOptionType.String,
            name: 'mode',
            description: 'public: the channel sees answers; private: only the asker does',
            required: true,
            choices: [
              { name: 'public', value: 'public' },
              { name: 'private', value: 'private' },
            ],
          },
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'cooldown',
        description: 'The least time between two questions of one member',
        options: [
          {
            type: ApplicationCommandOptionType.Integer,
            name: 'seconds',
            description: `Seconds, 0 (no cooldown) to ${MAX_COOLDOWN_SECONDS}`,
            required: true,
            min_value: 0,
            max_value: MAX_COOLDOWN_SECONDS,
          },
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'mentions',
        description: 'Whether I answer when @mentioned in this server',
        options: [
          {
            type: ApplicationCommandOptionType.Boolean,
            name: 'enabled',
            description: 'true: answer @mentions; false: ignore them (/ask still works)',
            required: true,
          },
        ],
      },
    ],
  },
  execute,
};
