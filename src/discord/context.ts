/**
 * What every command and component handler gets: the engine, the store, the logger and the hooks,
 * plus the shapes of the command and component modules the router dispatches to.
 */
import type {
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  MessageContextMenuCommandInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
  RESTPostAPIContextMenuApplicationCommandsJSONBody,
} from 'discord.js';
import type { Engine } from '../answer/engine.js';
import type { ReloadResult } from '../answer/live.js';
import type { Importer } from '../knowledge/importer.js';
import type { Logger } from '../logger.js';
import type { FloodLimits, Store } from '../store/index.js';
import type { ButtonState } from './custom-id.js';
import type { FeedbackHook } from './feedback.js';

/** The engine as the bot uses it (a narrow view, so tests can pass a stub). */
export type AnswerEngine = Pick<
  Engine,
  'ask' | 'search' | 'briefings' | 'briefing' | 'findBriefings' | 'resolveBriefing' | 'suggestBriefings'
>;

/** Shared by every handler. */
export interface BotContext {
  engine: AnswerEngine;
  /** Settings, cooldowns, flood counts, feedback and follow-ups. Its calls never reject. */
  store: Store;
  /** How many questions one user may ask in how long, anywhere (the store's default when unset). */
  floodLimits?: FloodLimits;
  logger: Logger;
  /** Told of each 👍/👎 vote once the store has recorded it (metrics, say). */
  onFeedback?: FeedbackHook;
  /** Example questions for /help and for empty mentions; the engine answers each of them. */
  examples: readonly string[];
  /** Rebuilds the index from the knowledge folder (`/reload`); absent where reloading isn't wired. */
  reload?: () => Promise<ReloadResult>;
  /** Told of each error the router caught (metrics, say). */
  onError?: (kind: string, error: unknown) => void;
  /** Imports briefings into the import folder (`/briefings`); absent where importing isn't wired. */
  imports?: Importer;
}

/** A slash command: its definition (plain data, as registered) and its handler. */
export interface ChatInputCommand {
  definition: RESTPostAPIChatInputApplicationCommandsJSONBody;
  execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void>;
}

/** A message context-menu command ("Apps → …" on a message). */
export interface MessageCommand {
  definition: RESTPostAPIContextMenuApplicationCommandsJSONBody;
  execute(interaction: MessageContextMenuCommandInteraction, ctx: BotContext): Promise<void>;
}

/** A button handler, chosen by the kind of state its custom id carries. */
export interface ButtonHandler<K extends ButtonState['kind'] = ButtonState['kind']> {
  kind: K;
  execute(
    interaction: ButtonInteraction,
    state: Extract<ButtonState, { kind: K }>,
    ctx: BotContext,
  ): Promise<void>;
}
