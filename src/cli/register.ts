/**
 * `npm run register`: registers the bot's commands with Discord on demand (the bot also does it
 * at start-up). Only replaces them when they differ, unless `--force`.
 */
import { parseArgs } from 'node:util';
import { REST, Routes } from 'discord.js';
import type { APIApplication } from 'discord.js';
import { ConfigError, loadConfig } from '../config.js';
import { commandDefinitions } from '../discord/commands/index.js';
import { isUnchanged, syncCommands } from '../discord/register.js';
import type { CommandDiff } from '../discord/register.js';
import { createLogger, redactSecrets } from '../logger.js';

const HELP = `Usage: npm run register [-- --force] [-- --dry-run]

Registers the bot's slash commands and its "Ask the briefings" message command with Discord:
in the server DISCORD_GUILD_ID when it is set (updates show at once), otherwise globally.
Compares with what Discord already has and replaces the commands only when they differ.

Options:
  --force     replace the commands even when nothing differs
  --dry-run   only say what differs; change nothing
  -h, --help  show this help

Reads DISCORD_TOKEN (required), DISCORD_GUILD_ID and DISCORD_API_URL from the environment or .env.`;

function describe(diff: CommandDiff): string {
  const parts = (['added', 'changed', 'removed'] as const)
    .filter((k) => diff[k].length > 0)
    .map((k) => `${k}: ${diff[k].join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : 'no differences';
}

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        force: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
    return 1;
  }
  if (args.help) {
    console.log(HELP);
    return 0;
  }
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      return 1;
    }
    throw error;
  }
  const token = config.discordToken;
  if (!token) {
    console.error('DISCORD_TOKEN is not set: put the bot token in .env (see README).');
    return 1;
  }
  const logger = createLogger({ level: 'warn', secrets: [token], destination: 'stderr' });
  const where = config.discordGuildId ? `in server ${config.discordGuildId}` : 'globally';
  try {
    const rest = new REST({ api: config.discordApiUrl }).setToken(token);
    const application = (await rest.get(Routes.currentApplication())) as APIApplication;
    const commands = commandDefinitions();
    const result = await syncCommands(
      rest,
      {
        applicationId: application.id,
        guildId: config.discordGuildId,
        commands,
        force: args.force,
        dryRun: args['dry-run'],
      },
      logger,
    );
    const names = commands.map((c) => c.name).join(', ');
    if (result.updated)
      console.log(`Registered ${commands.length} commands ${where} (${describe(result.diff)}): ${names}`);
    else if (isUnchanged(result.diff)) console.log(`Commands are up to date ${where}: ${names}`);
    else console.log(`Dry run: the commands ${where} differ (${describe(result.diff)}); nothing changed.`);
    return 0;
  } catch (error) {
    console.error(
      redactSecrets(`Registration failed: ${error instanceof Error ? error.message : String(error)}`, [
        token,
      ]),
    );
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
