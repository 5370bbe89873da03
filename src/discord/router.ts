/**
 * The router: dispatches every interaction to its command or button handler, and is the one
 * place where handler errors are caught, logged and answered with a short private apology.
 */
import { MessageFlags } from 'discord.js';
import type { Interaction, RepliableInteraction } from 'discord.js';
import { renderNotice, toDiscordJs } from '../render/index.js';
import { BUTTON_HANDLERS } from './components/index.js';
import { CHAT_INPUT_COMMANDS, MESSAGE_COMMANDS } from './commands/index.js';
import type { BotContext, ButtonHandler, ChatInputCommand, MessageCommand } from './context.js';
import { parseConfirmId, parseCustomId } from './custom-id.js';
import type { ButtonState } from './custom-id.js';
import { isDeadInteractionError, respondPrivately } from './respond.js';

/** What the bot says when a handler fails. */
export const APOLOGY = 'Sorry, something went wrong while answering that. Please try again in a moment.';

/** Options for {@link createRouter}; the handler lists default to the bot's own. */
export interface RouterOptions {
  ctx: BotContext;
  commands?: readonly ChatInputCommand[];
  messageCommands?: readonly MessageCommand[];
  buttons?: { readonly [K in ButtonState['kind']]: ButtonHandler<K> };
}

/** Handles one interaction; never rejects. */
export type Router = (interaction: Interaction) => Promise<void>;

/** Log fields that say which interaction this was, without the user's words. */
function describe(interaction: Interaction): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    interactionId: interaction.id,
    guildId: interaction.guildId ?? null,
    channelId: interaction.channelId ?? null,
  };
  if (interaction.isCommand() || interaction.isAutocomplete()) fields.command = interaction.commandName;
  if (interaction.isAutocomplete()) fields.kind = 'autocomplete';
  else if (interaction.isChatInputCommand()) fields.kind = 'command';
  else if (interaction.isContextMenuCommand()) fields.kind = 'context-menu';
  else if (interaction.isButton()) {
    fields.kind = 'button';
    // The id carries the question; its kind is enough to tell what was clicked.
    fields.button = interaction.customId.split(':', 1)[0];
  } else fields.kind = `type-${interaction.type}`;
  return fields;
}

/** Creates the router. */
export function createRouter(options: RouterOptions): Router {
  const { ctx } = options;
  const commands = new Map((options.commands ?? CHAT_INPUT_COMMANDS).map((c) => [c.definition.name, c]));
  const messageCommands = new Map(
    (options.messageCommands ?? MESSAGE_COMMANDS).map((c) => [c.definition.name, c]),
  );
  const buttons = options.buttons ?? BUTTON_HANDLERS;

  async function dispatch(interaction: Interaction): Promise<void> {
    if (interaction.isChatInputCommand()) {
      const command = commands.get(interaction.commandName);
      if (!command) return unknownCommand(interaction);
      await command.execute(interaction, ctx);
    } else if (interaction.isAutocomplete()) {
      const command = commands.get(interaction.commandName);
      if (command?.autocomplete) await command.autocomplete(interaction, ctx);
      else await interaction.respond([]);
    } else if (interaction.isMessageContextMenuCommand()) {
      const command = messageCommands.get(interaction.commandName);
      if (!command) return unknownCommand(interaction);
      await command.execute(interaction, ctx);
    } else if (interaction.isButton()) {
      const state = parseConfirmId(interaction.customId) ?? parseCustomId(interaction.customId);
      if (!state) {
        await respondPrivately(interaction, 'This button no longer works. Please ask again.');
        return;
      }
      // The map pairs each kind with its handler; TypeScript cannot follow that through a union.
      const handler = buttons[state.kind] as ButtonHandler;
      await handler.execute(interaction, state as never, ctx);
    } else if (interaction.isRepliable()) {
      await respondPrivately(interaction, 'I can’t handle that kind of interaction.');
    }
  }

  async function unknownCommand(interaction: RepliableInteraction): Promise<void> {
    // A command registered by an older version of the bot: registration catches up on restart.
    ctx.logger.warn(describe(interaction), 'unknown command');
    await respondPrivately(interaction, 'I don’t know that command (any more). Try /help.');
  }

  async function fail(interaction: Interaction, error: unknown): Promise<void> {
    const context = describe(interaction);
    if (isDeadInteractionError(error)) {
      ctx.onError?.('interaction_expired', error);
      ctx.logger.warn({ ...context, err: error }, 'interaction expired or already answered; skipped');
      return;
    }
    ctx.onError?.('interaction', error);
    ctx.logger.error({ ...context, err: error }, 'interaction handler failed');
    try {
      if (interaction.isAutocomplete()) {
        if (!interaction.responded) await interaction.respond([]);
        return;
      }
      if (!interaction.isRepliable()) return;
      const apology = toDiscordJs(renderNotice(APOLOGY, { private: true }));
      if (interaction.deferred && !interaction.replied) {
        if (interaction.ephemeral) {
          await interaction.editReply({
            content: apology.content ?? APOLOGY,
            embeds: [],
            components: [],
            allowedMentions: apology.allowedMentions,
          });
        } else {
          // A public "thinking…" placeholder would stay forever: remove it, then apologise privately.
          await interaction.deleteReply().catch(() => undefined);
          await interaction.followUp({ ...apology, flags: MessageFlags.Ephemeral });
        }
      } else if (interaction.replied) {
        await interaction.followUp({ ...apology, flags: MessageFlags.Ephemeral });
      } else {
        await interaction.reply({ ...apology, flags: MessageFlags.Ephemeral });
      }
    } catch (second) {
      ctx.logger.warn({ ...context, err: second }, 'could not send the apology');
    }
  }

  return async (interaction) => {
    const started = performance.now();
    try {
      await dispatch(interaction);
      ctx.logger.debug(
        { ...describe(interaction), ms: Math.round(performance.now() - started) },
        'interaction handled',
      );
    } catch (error) {
      await fail(interaction, error);
    }
  };
}
