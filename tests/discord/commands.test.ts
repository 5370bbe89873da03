import { ApplicationCommandOptionType, ApplicationCommandType } from 'discord.js';
import type { APIApplicationCommandOption } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { commandDefinitions } from '../../src/discord/commands/index.js';
import { findBriefing, rankBriefings } from '../../src/discord/commands/briefing.js';
import { messageQuestion } from '../../src/discord/commands/ask-message.js';
import type { BriefingSummary } from '../../src/answer/types.js';

function checkOptions(options: readonly APIApplicationCommandOption[], where: string): void {
  expect(options.length, where).toBeLessThanOrEqual(25);
  let optionalSeen = false;
  for (const o of options) {
    expect(o.name, where).toMatch(/^[-_\p{Ll}\p{N}]{1,32}$/u);
    expect(o.description.length, `${where} ${o.name}`).toBeGreaterThanOrEqual(1);
    expect(o.description.length, `${where} ${o.name}`).toBeLessThanOrEqual(100);
    // Discord requires required options before optional ones.
    if (o.required) expect(optionalSeen, `${where} ${o.name} after an optional one`).toBe(false);
    else optionalSeen = true;
    if ('options' in o && o.options) checkOptions(o.options, `${where} ${o.name}`);
  }
}

describe('command definitions', () => {
  const defs = commandDefinitions();

  it('are valid for Discord: names, descriptions, options', () => {
    expect(defs.length).toBeLessThanOrEqual(100);
    const keys = defs.map((d) => `${d.type}:${d.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const d of defs) {
      if ((d.type ?? ApplicationCommandType.ChatInput) === ApplicationCommandType.ChatInput) {
        expect(d.name).toMatch(/^[-_\p{Ll}\p{N}]{1,32}$/u);
        expect(d.name).toBe(d.name.toLowerCase());
        const description = (d as { description?: string }).description ?? '';
        expect(description.length, d.name).toBeGreaterThanOrEqual(1);
        expect(description.length, d.name).toBeLessThanOrEqual(100);
        checkOptions((d as { options?: APIApplicationCommandOption[] }).options ?? [], d.name);
      } else {
        expect(d.name.length).toBeGreaterThanOrEqual(1);
        expect(d.name.length).toBeLessThanOrEqual(32);
        expect('description' in d && d.description).toBeFalsy();
      }
      // Everywhere the bot is, except the admin commands, which belong to a server.
      expect(d.contexts).toEqual(['settings', 'reload', 'briefings'].includes(d.name) ? [0] : [0, 1]);
      // Plain data: survives JSON unchanged.
      expect(JSON.parse(JSON.stringify(d))).toEqual(d);
    }
  });

  it('are the ones the issue asks for', () => {
    const byName = new Map(defs.map((d) => [d.name, d]));
    expect([...byName.keys()].sort()).toEqual([
      'Ask the briefings',
      'ask',
      'briefing',
      'briefings',
      'help',
      'reload',
      'search',
      'settings',
      'sources',
    ]);
    expect(byName.get('Ask the briefings')?.type).toBe(ApplicationCommandType.Message);
    const ask = byName.get('ask') as { options: APIApplicationCommandOption[] };
    expect(ask.options.map((o) => [o.name, o.type, o.required ?? false])).toEqual([
      ['question', ApplicationCommandOptionType.String, true],
      ['private', ApplicationCommandOptionType.Boolean, false],
    ]);
    const briefing = byName.get('briefing') as { options: { name: string; autocomplete?: boolean }[] };
    expect(briefing.options[0]).toMatchObject({ name: 'name', autocomplete: true });
  });
});

const briefing = (id: string, title: string): BriefingSummary => ({
  id,
  title,
  source: 's',
  passages: 1,
  opening: 'o',
});

describe('briefing autocomplete', () => {
  const list = [
    briefing('b', 'North Korea missile tests'),
    briefing('a', 'US Official Highlights Rising Russia–North Korea Military Cooperation'),
    briefing('c', 'Sanctions on North Korea'),
    briefing('d', 'Économie nord-coréenne'),
    briefing('e', 'Northern lights'),
  ];

  it('ranks prefix matches first, then word starts, then substrings, each in title order', () => {
    // b and e start with it; c and a have a word that does ("Russia–North"); then title order.
    expect(rankBriefings('north', list).map((c) => c.value)).toEqual(['b', 'e', 'c', 'a']);
    expect(rankBriefings('orea', list).map((c) => c.value)).toEqual(['b', 'c', 'a']);
    expect(rankBriefings('coreenne', list).map((c) => c.value)).toEqual(['d']);
    expect(rankBriefings('russia-north', list).map((c) => c.value)).toEqual(['a']);
    expect(rankBriefings('ECONOMIE', list).map((c) => c.value)).toEqual(['d']);
    expect(rankBriefings('zzz', list)).toEqual([]);
  });

  it('lists everything in title order when nothing is typed', () => {
    expect(rankBriefings('', list).map((c) => c.value)).toEqual(['d', 'b', 'e', 'c', 'a']);
  });

  it('returns at most 25 choices, names and values within 100 characters', () => {
    const many = Array.from({ length: 40 }, (_, i) =>
      briefing(`id-${i}`, `Briefing ${i} ${'very long title '.repeat(10)}`),
    );
    many.push(briefing('x'.repeat(101), 'Briefing with an id too long to send'));
    const choices = rankBriefings('brief', many);
    expect(choices).toHaveLength(25);
    for (const c of choices) {
      expect(c.name.length).toBeGreaterThanOrEqual(1);
      expect(c.name.length).toBeLessThanOrEqual(100);
      expect(c.value.length).toBeLessThanOrEqual(100);
    }
    expect(rankBriefings('too long to send', many)).toEqual([]);
  });

  it('finds a briefing by id, by exact title, or by best match', () => {
    expect(findBriefing('c', list)?.id).toBe('c');
    expect(findBriefing('sanctions on north korea', list)?.id).toBe('c');
    expect(findBriefing('missile', list)?.id).toBe('b');
    expect(findBriefing('nothing like it', list)).toBeUndefined();
    expect(findBriefing('  ', list)).toBeUndefined();
  });
});

describe('the context-menu question', () => {
  it('is the message text, or its first embed when it has none', () => {
    expect(messageQuestion({ content: 'Who?', embeds: [] })).toBe('Who?');
    expect(messageQuestion({ content: ' ', embeds: [{ title: 'T', description: 'D' }] } as never)).toBe(
      'T\nD',
    );
    expect(messageQuestion({ content: '', embeds: [] })).toBe('');
  });
});
