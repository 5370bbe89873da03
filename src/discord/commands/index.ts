/**
 * Every command the bot registers, in the order Discord lists them.
 */
import type { RESTPostAPIApplicationCommandsJSONBody } from 'discord.js';
import type { ChatInputCommand, MessageCommand } from '../context.js';
import { askMessage } from './ask-message.js';
import { ask } from './ask.js';
import { briefing } from './briefing.js';
import { briefings } from './briefings.js';
import { help } from './help.js';
import { reload } from './reload.js';
import { search } from './search.js';
import { settings } from './settings.js';
import { sources } from './sources.js';

/** Slash commands. */
export const CHAT_INPUT_COMMANDS: readonly ChatInputCommand[] = [
  ask,
  search,
  sources,
  briefing,
  help,
  settings,
  reload,
  briefings,
];

/** Message context-menu commands. */
export const MESSAGE_COMMANDS: readonly MessageCommand[] = [askMessage];

/** The definitions as registered with Discord. */
export function commandDefinitions(): RESTPostAPIApplicationCommandsJSONBody[] {
  return [...CHAT_INPUT_COMMANDS, ...MESSAGE_COMMANDS].map((c) => c.definition);
}
