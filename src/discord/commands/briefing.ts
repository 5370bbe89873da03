/**
 * `/briefing name:<name>`: one briefing's source, date and opening. The name may be picked from
 * the autocomplete list or typed: any of the briefing's names will do (a word of its title, its
 * source, a person or place its text names; see `src/answer/lookup.ts`). A typed name that fits
 * several briefings alike is answered, privately, with the list of them.
 */
import { ApplicationCommandOptionType, ApplicationCommandType } from 'discord.js';
import type { APIApplicationCommandOptionChoice } from 'discord.js';
import { lookupKey, type LookupMatch } from '../../answer/lookup.js';
import {
  LIMITS,
  renderBriefing,
  renderBriefingChoices,
  renderNotice,
  sanitiseUserText,
  truncateWords,
} from '../../render/index.js';
import type { ChatInputCommand } from '../context.js';
import { respond } from '../respond.js';
import { AVAILABILITY } from './common.js';

/**
 * Autocomplete choices from the lookup's matches, best first: at most 25; each named by its title
 * (and date, which tells apart briefings with the same title), cut to 100 characters; the value
 * is the briefing id (an id longer than Discord allows could not be sent back, and is left out:
 * such a briefing is still found by a typed name).
 */
export function briefingChoices(
  matches: readonly Pick<LookupMatch, 'id' | 'title' | 'date'>[],
): APIApplicationCommandOptionChoice<string>[] {
  const choices: APIApplicationCommandOptionChoice<string>[] = [];
  for (const m of matches) {
    if (choices.length >= LIMITS.choices) break;
    if (m.id.length === 0 || m.id.length > LIMITS.choiceValue) continue;
    const suffix = m.date ? ` · ${m.date.replace(/\s+/g, ' ').slice(0, 32)}` : '';
    const title = m.title.replace(/\s+/g, ' ').trim() || m.id;
    const name = `${truncateWords(title, LIMITS.choiceName - suffix.length, { markdown: false })}${suffix}`;
    choices.push({ name: name.slice(0, LIMITS.choiceName), value: m.id });
  }
  return choices;
}

export const briefing: ChatInputCommand = {
  definition: {
    type: ApplicationCommandType.ChatInput,
    name: 'briefing',
    description: 'Show one news briefing: its source, date and opening',
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'name',
        description: 'Its title, source, or a name it mentions (start typing to pick one)',
        required: true,
        autocomplete: true,
      },
    ],
    ...AVAILABILITY,
  },
  async execute(interaction, ctx) {
    const name = interaction.options.getString('name', true);
    const found = ctx.engine.resolveBriefing(name);
    if (found.kind === 'one') {
      await respond(interaction, renderBriefing(found.briefing));
      return;
    }
    if (found.kind === 'several') {
      await respond(interaction, renderBriefingChoices(name, found, { private: true }));
      return;
    }
    await respond(
      interaction,
      renderNotice(
        lookupKey(name) === ''
          ? 'Give a briefing’s name: a word of its title, its source, or a name it mentions.'
          : `No briefing matches “${truncateWords(sanitiseUserText(name), 200)}”. /sources lists them all.`,
        { private: true },
      ),
    );
  },
  async autocomplete(interaction, ctx) {
    // A few more than fit, in case an id is too long to send.
    const matches = ctx.engine.suggestBriefings(interaction.options.getFocused(), LIMITS.choices + 5);
    await interaction.respond(briefingChoices(matches));
  },
};
