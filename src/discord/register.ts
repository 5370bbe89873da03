/**
 * Command registration: compares the commands Discord has with ours and replaces them (one bulk
 * `PUT`) only when they differ, so restarts neither hit the registration rate limit nor make
 * Discord clients refetch commands.
 */
import { Routes } from 'discord.js';
import type {
  APIApplicationCommand,
  APIApplicationCommandOption,
  REST,
  RESTPostAPIApplicationCommandsJSONBody,
} from 'discord.js';
import type { Logger } from '../logger.js';

/** A command or option as either side spells it: ours (a POST body) or Discord's (with ids, versions, defaults). */
type AnyCommand = RESTPostAPIApplicationCommandsJSONBody | APIApplicationCommand;
type Loose = Record<string, unknown>;

const sortedOrNull = (v: unknown): number[] | null =>
  Array.isArray(v) ? [...(v as number[])].sort((a, b) => a - b) : null;
const orNull = (v: unknown): unknown => (v === undefined ? null : v);
/** Empty localisation maps and missing ones mean the same. */
const localisations = (v: unknown): unknown =>
  v && typeof v === 'object' && Object.keys(v).length > 0 ? v : null;

function normaliseOption(option: APIApplicationCommandOption | Loose): Loose {
  const o = option as unknown as Loose;
  const choices = Array.isArray(o.choices)
    ? (o.choices as Loose[]).map((c) => ({
        name: c.name,
        value: c.value,
        name_localizations: localisations(c.name_localizations),
      }))
    : null;
  return {
    type: o.type,
    name: o.name,
    description: o.description ?? '',
    name_localizations: localisations(o.name_localizations),
    description_localizations: localisations(o.description_localizations),
    required: o.required === true,
    autocomplete: o.autocomplete === true,
    choices: choices && choices.length > 0 ? choices : null,
    options: Array.isArray(o.options) ? (o.options as Loose[]).map(normaliseOption) : [],
    channel_types: sortedOrNull(o.channel_types),
    min_value: orNull(o.min_value),
    max_value: orNull(o.max_value),
    min_length: orNull(o.min_length),
    max_length: orNull(o.max_length),
  };
}

/**
 * A command reduced to what users see and what decides who may use it, with Discord's defaults
 * filled in and keys in a fixed order, so ours and Discord's copy compare with `JSON.stringify`.
 * `dm_permission` (deprecated) counts only when `contexts` is unset.
 */
export function normaliseCommand(command: AnyCommand): Loose {
  const c = command as unknown as Loose;
  const contexts = sortedOrNull(c.contexts);
  return {
    type: c.type ?? 1,
    name: c.name,
    description: c.description ?? '',
    name_localizations: localisations(c.name_localizations),
    description_localizations: localisations(c.description_localizations),
    options: Array.isArray(c.options) ? (c.options as Loose[]).map(normaliseOption) : [],
    default_member_permissions: orNull(c.default_member_permissions),
    dm_permission: contexts === null ? c.dm_permission !== false : null,
    contexts,
    integration_types: sortedOrNull(c.integration_types) ?? [0],
    nsfw: c.nsfw === true,
  };
}

/** How Discord's commands differ from ours, by name: what a `PUT` would add, remove and change. */
export interface CommandDiff {
  added: string[];
  removed: string[];
  changed: string[];
}

/** Compares our commands with Discord's; all lists empty means nothing to do. */
export function diffCommands(ours: readonly AnyCommand[], theirs: readonly AnyCommand[]): CommandDiff {
  const key = (c: AnyCommand): string => `${c.type ?? 1}:${c.name}`;
  const theirsByKey = new Map(theirs.map((c) => [key(c), JSON.stringify(normaliseCommand(c))]));
  const oursKeys = new Set(ours.map(key));
  const diff: CommandDiff = { added: [], removed: [], changed: [] };
  for (const c of ours) {
    const existing = theirsByKey.get(key(c));
    if (existing === undefined) diff.added.push(c.name);
    else if (existing !== JSON.stringify(normaliseCommand(c))) diff.changed.push(c.name);
  }
  for (const c of theirs) if (!oursKeys.has(key(c))) diff.removed.push(c.name);
  return diff;
}

/** True when the diff has nothing to do. */
export function isUnchanged(diff: CommandDiff): boolean {
  return diff.added.length + diff.removed.length + diff.changed.length === 0;
}

/** Options for {@link syncCommands}. */
export interface SyncOptions {
  applicationId: string;
  /** Register in this server only; globally when undefined. */
  guildId?: string;
  commands: readonly RESTPostAPIApplicationCommandsJSONBody[];
  /** PUT even when nothing differs. */
  force?: boolean;
  /** Compare only; never PUT. */
  dryRun?: boolean;
}

/** What {@link syncCommands} found and did. */
export interface SyncResult {
  scope: 'global' | 'guild';
  diff: CommandDiff;
  /** Whether the commands were PUT. */
  updated: boolean;
}

/**
 * Fetches the registered commands (global, or the guild's) and `PUT`s ours only when they differ.
 *
 * @throws DiscordAPIError when Discord refuses (bad token, missing `applications.commands` scope…)
 */
export async function syncCommands(rest: REST, options: SyncOptions, logger: Logger): Promise<SyncResult> {
  const route =
    options.guildId === undefined
      ? Routes.applicationCommands(options.applicationId)
      : Routes.applicationGuildCommands(options.applicationId, options.guildId);
  const scope = options.guildId === undefined ? 'global' : 'guild';
  const existing = (await rest.get(route)) as APIApplicationCommand[];
  const diff = diffCommands(options.commands, existing);
  const fields = { scope, guildId: options.guildId ?? null, ...diff };
  if ((isUnchanged(diff) && !options.force) || options.dryRun) {
    logger.info(
      fields,
      isUnchanged(diff) ? 'commands unchanged' : 'commands differ (dry run: not registered)',
    );
    return { scope, diff, updated: false };
  }
  await rest.put(route, { body: options.commands });
  logger.info({ ...fields, count: options.commands.length }, 'commands registered');
  return { scope, diff, updated: true };
}
