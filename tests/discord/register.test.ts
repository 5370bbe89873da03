import type { APIApplicationCommand, REST, RESTPostAPIApplicationCommandsJSONBody } from 'discord.js';
import { describe, expect, it, vi } from 'vitest';
import { commandDefinitions } from '../../src/discord/commands/index.js';
import { diffCommands, isUnchanged, syncCommands } from '../../src/discord/register.js';
import { createLogger } from '../../src/logger.js';

/** What Discord sends back for a registered command: ids, versions and defaults filled in. */
function asDiscordReturnsIt(c: RESTPostAPIApplicationCommandsJSONBody, i: number): APIApplicationCommand {
  const options =
    'options' in c && c.options
      ? c.options.map((o) => ({ ...o, required: o.required ? true : undefined }))
      : undefined;
  return JSON.parse(
    JSON.stringify({
      id: `10000000000000000${i}`,
      application_id: '100000000000000000',
      version: '100000000000000001',
      guild_id: '200000000000000000',
      default_member_permissions: null,
      dm_permission: true,
      nsfw: false,
      name_localizations: null,
      description_localizations: null,
      description: '',
      ...c,
      ...(options ? { options } : {}),
    }),
  ) as APIApplicationCommand;
}

const ours = commandDefinitions();
const theirs = (): APIApplicationCommand[] => ours.map(asDiscordReturnsIt).reverse();
const silent = createLogger({ level: 'silent' });

describe('registration diff', () => {
  it('sees no change when Discord returns our commands with its own fields and in another order', () => {
    const diff = diffCommands(ours, theirs());
    expect(diff).toEqual({ added: [], removed: [], changed: [] });
    expect(isUnchanged(diff)).toBe(true);
  });

  it('sees changed descriptions, options, option order, permissions and contexts', () => {
    const cases: Array<(c: Record<string, unknown>) => void> = [
      (c) => (c.description = 'Something else'),
      (c) => (c.options = [...(c.options as unknown[])].reverse()),
      (c) => ((c.options as Record<string, unknown>[])[0]!.required = false),
      (c) => ((c.options as Record<string, unknown>[])[0]!.description = 'Other'),
      (c) => (c.default_member_permissions = '8'),
      (c) => (c.contexts = [0]),
    ];
    for (const change of cases) {
      const list = theirs();
      change(list.find((c) => c.name === 'ask') as unknown as Record<string, unknown>);
      expect(diffCommands(ours, list)).toEqual({ added: [], removed: [], changed: ['ask'] });
    }
  });

  it('sees added and removed commands', () => {
    const list = theirs().filter((c) => c.name !== 'help');
    list.push({ ...list[0]!, name: 'old-command', id: '999' });
    expect(diffCommands(ours, list)).toEqual({ added: ['help'], removed: ['old-command'], changed: [] });
  });

  it('treats a missing and an empty option list, and absent and false flags, alike', () => {
    const mine = [
      { name: 'x', description: 'd', options: [{ type: 3, name: 'q', description: 'd' }] },
    ] as RESTPostAPIApplicationCommandsJSONBody[];
    const back = [
      {
        name: 'x',
        description: 'd',
        type: 1,
        options: [{ type: 3, name: 'q', description: 'd', required: false, autocomplete: false }],
      },
    ];
    expect(isUnchanged(diffCommands(mine, back as never))).toBe(true);
    expect(
      isUnchanged(
        diffCommands(
          [{ name: 'y', description: 'd' }],
          [{ name: 'y', description: 'd', options: [], type: 1 } as never],
        ),
      ),
    ).toBe(true);
  });
});

describe('syncCommands', () => {
  function stubRest(existing: APIApplicationCommand[]): {
    rest: REST;
    get: ReturnType<typeof vi.fn>;
    put: ReturnType<typeof vi.fn>;
  } {
    const get = vi.fn(async () => existing);
    const put = vi.fn(async (_route: string, { body }: { body: unknown }) => body);
    return { rest: { get, put } as unknown as REST, get, put };
  }

  it('PUTs to the guild route only when the commands differ', async () => {
    const same = stubRest(theirs());
    const r1 = await syncCommands(same.rest, { applicationId: '1', guildId: '2', commands: ours }, silent);
    expect(r1.updated).toBe(false);
    expect(same.get).toHaveBeenCalledWith('/applications/1/guilds/2/commands');
    expect(same.put).not.toHaveBeenCalled();

    const empty = stubRest([]);
    const r2 = await syncCommands(empty.rest, { applicationId: '1', commands: ours }, silent);
    expect(r2).toMatchObject({ scope: 'global', updated: true });
    expect(empty.put).toHaveBeenCalledWith('/applications/1/commands', { body: ours });
  });

  it('PUTs anyway with force, and never with dryRun', async () => {
    const same = stubRest(theirs());
    expect(
      (await syncCommands(same.rest, { applicationId: '1', commands: ours, force: true }, silent)).updated,
    ).toBe(true);
    const empty = stubRest([]);
    expect(
      (await syncCommands(empty.rest, { applicationId: '1', commands: ours, dryRun: true }, silent)).updated,
    ).toBe(false);
    expect(empty.put).not.toHaveBeenCalled();
  });
});
