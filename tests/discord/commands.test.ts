import { ApplicationCommandOptionType, ApplicationCommandType } from 'discord.js';
import type { APIApplicationCommandOption } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { commandDefinitions } from '../../src/discord/commands/index.js';
import { briefingChoices } from '../../src/discord/commands/briefing.js';
import { messageQuestion } from '../../src/discord/commands/ask-message.js';

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
    const sources = byName.get('sources') as { options: APIApplicationCommandOption[] };
    expect(sources.options.map((o) => [o.name, o.type, o.required ?? false])).toEqual([
      ['query', ApplicationCommandOptionType.String, false],
    ]);
  });
});

describe('briefing autocomplete choices', () => {
  const match = (id: string, title: string, date?: string) => ({ id, title, ...(date ? { date } : {}) });

  it('are the matches in order, named by title and date (which tells same-titled briefings apart), valued by id', () => {
    expect(
      briefingChoices([
        match('b', 'Talmar Announces Measures', '2024-05-01'),
        match('a', 'Talmar Announces Measures', '2023-02-01'),
        match('c', '  Spaced\n  title  '),
        match('d', ''),
      ]),
    ).toEqual([
      { name: 'Talmar Announces Measures · 2024-05-01', value: 'b' },
      { name: 'Talmar Announces Measures · 2023-02-01', value: 'a' },
      { name: 'Spaced title', value: 'c' },
      { name: 'd', value: 'd' },
    ]);
  });

  it('are at most 25, names and values within 100 characters; an id too long to send is left out', () => {
    const many = Array.from({ length: 40 }, (_, i) =>
      match(`id-${i}`, `Briefing ${i} ${'very long title '.repeat(10)}`, '2024-01-01'),
    );
    const choices = briefingChoices([match('x'.repeat(101), 'Too long to send'), ...many]);
    expect(choices).toHaveLength(25);
    expect(choices[0]?.value).toBe('id-0');
    for (const c of choices) {
      expect(c.name.length).toBeGreaterThanOrEqual(1);
      expect(c.name.length).toBeLessThanOrEqual(100);
      expect(c.name.endsWith(' · 2024-01-01')).toBe(true);
      expect(c.value.length).toBeLessThanOrEqual(100);
    }
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
