/**
 * `/briefing name:<title>`: one briefing's source, date and opening, with autocomplete over titles.
 */
import { ApplicationCommandOptionType, ApplicationCommandType } from 'discord.js';
import type { APIApplicationCommandOptionChoice } from 'discord.js';
import type { BriefingSummary } from '../../answer/types.js';
import { LIMITS, renderBriefing, renderNotice, sanitiseUserText, truncateWords } from '../../render/index.js';
import type { ChatInputCommand } from '../context.js';
import { respond } from '../respond.js';
import { AVAILABILITY } from './common.js';

/** Folds case, accents, dash variants and spacing, so "russia-north korea" finds "Russia–North Korea". */
export function foldForMatch(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Autocomplete choices for `/briefing`: titles that start with what was typed first, then titles
 * with a word that starts with it, then titles (or ids) that contain it anywhere; each group in
 * title order. Nothing typed lists the briefings in title order. At most 25 choices; names cut to
 * 100 characters, values are briefing ids.
 */
export function rankBriefings(
  typed: string,
  briefings: readonly Pick<BriefingSummary, 'id' | 'title'>[],
): APIApplicationCommandOptionChoice<string>[] {
  const q = foldForMatch(typed);
  const ranked: { tier: number; b: Pick<BriefingSummary, 'id' | 'title'> }[] = [];
  for (const b of briefings) {
    // A value longer than Discord allows could not be sent back; such an id is reachable by title.
    if (b.id.length === 0 || b.id.length > LIMITS.choiceValue) continue;
    const title = foldForMatch(b.title);
    let tier: number | undefined;
    if (q === '' || title.startsWith(q)) tier = 0;
    else if (title.split(/[\s\-–—:,/]+/).some((w) => w.startsWith(q))) tier = 1;
    else if (title.includes(q) || foldForMatch(b.id).includes(q)) tier = 2;
    if (tier !== undefined) ranked.push({ tier, b });
  }
  return ranked
    .sort((x, y) => x.tier - y.tier || x.b.title.localeCompare(y.b.title))
    .slice(0, LIMITS.choices)
    .map(({ b }) => ({
      name: truncateWords(b.title.replace(/\s+/g, ' ').trim() || b.id, LIMITS.choiceName, {
        markdown: false,
      }),
      value: b.id,
    }));
}

/** The briefing `name` designates: an id (what autocomplete sends), an exact title, or the best match. */
export function findBriefing(
  name: string,
  briefings: readonly BriefingSummary[],
): BriefingSummary | undefined {
  const byId = briefings.find((b) => b.id === name);
  if (byId) return byId;
  const folded = foldForMatch(name);
  if (folded === '') return undefined;
  const byTitle = briefings.find((b) => foldForMatch(b.title) === folded);
  if (byTitle) return byTitle;
  const best = rankBriefings(name, briefings)[0];
  return best ? briefings.find((b) => b.id === best.value) : undefined;
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
        description: 'The briefing’s title (start typing to pick one)',
        required: true,
        autocomplete: true,
      },
    ],
    ...AVAILABILITY,
  },
  async execute(interaction, ctx) {
    const name = interaction.options.getString('name', true);
    const found = findBriefing(name, ctx.engine.briefings());
    if (!found) {
      const shown = truncateWords(sanitiseUserText(name), 200);
      await respond(
        interaction,
        renderNotice(`No briefing is called “${shown}”. /sources lists them all.`, { private: true }),
      );
      return;
    }
    await respond(interaction, renderBriefing(found));
  },
  async autocomplete(interaction, ctx) {
    await interaction.respond(rankBriefings(interaction.options.getFocused(), ctx.engine.briefings()));
  },
};
