/**
 * Renders `/briefings add` and `/briefings remove`: the preview of an import with its Add and
 * Cancel buttons, the confirmation of a removal, and their outcomes. Everything shown came from a
 * page someone named, so it is escaped like any briefing text; every reply is private.
 */
import type { APIEmbed } from 'discord.js';
import { safeUrl } from './excerpt.js';
import { LIMITS } from './limits.js';
import { BUTTON_STYLE, button, buttonRows, message } from './message.js';
import type { RenderedMessage } from './message.js';
import { inline, oneLine, safeMarkdown, stripInvisible, truncateSentences } from './text.js';
import { plural } from './wording.js';

const COLOR_PREVIEW = 0xf59e0b;
const COLOR_DONE = 0x22c55e;

/** What a preview shows of an import (the fields of the importer's prepared briefing). */
export interface ImportPreview {
  file: string;
  title: string;
  source: string;
  date?: string;
  url?: string;
  passages: number;
  opening: readonly string[];
  replaces?: { file: string; title: string };
}

/** Custom ids of a confirmation's two buttons (the confirm handler reads them back). */
export interface ConfirmationIds {
  yes: string;
  no: string;
}

/** A file name as inline code (without backticks, which would end it). */
const code = (file: string): string => `\`${file.replace(/`/g, '')}\``;

/**
 * The preview of an import: its title (linked to its URL), opening sentences, source, date,
 * number of passages and file name, with **Add** and **Cancel**.
 */
export function renderImportPreview(preview: ImportPreview, ids: ConfirmationIds): RenderedMessage {
  const embed: APIEmbed = {
    color: COLOR_PREVIEW,
    title: inline(preview.title, LIMITS.embedTitle) || 'Untitled briefing',
  };
  const url = safeUrl(preview.url, 2048);
  if (url) embed.url = url;
  const opening = preview.opening.map((s) => safeMarkdown(oneLine(stripInvisible(s)))).join(' ');
  if (opening) embed.description = `> ${truncateSentences(opening, 1500)}`;
  embed.fields = [
    { name: 'Source', value: inline(preview.source, LIMITS.fieldValue) },
    { name: 'Date', value: preview.date ? inline(preview.date, 32) : 'not given by the page', inline: true },
    { name: 'Passages', value: plural(Math.max(0, Math.trunc(preview.passages)), 'passage'), inline: true },
    { name: 'File', value: code(preview.file), inline: true },
  ];
  if (preview.replaces) {
    embed.fields.push({
      name: 'Replaces',
      value: `${inline(preview.replaces.title, 300)} (${code(preview.replaces.file)})`,
    });
  }
  embed.footer = {
    text: 'Add writes it and makes it answerable; Cancel writes nothing. This preview expires in 15 minutes.',
  };
  return message(
    {
      content: 'Preview of the briefing to import:',
      embeds: [embed],
      components: buttonRows([
        button(ids.yes, 'Add', { style: BUTTON_STYLE.success }),
        button(ids.no, 'Cancel', { style: BUTTON_STYLE.secondary }),
      ]),
    },
    { private: true },
  );
}

/** The question before a removal, with **Remove** and **Keep**. */
export function renderRemoveConfirmation(
  briefing: { id: string; title: string; file: string },
  ids: ConfirmationIds,
): RenderedMessage {
  return message(
    {
      content: `Remove the imported briefing **${inline(briefing.title, 300)}** (${code(briefing.file)})? Its file is deleted and I stop answering from it. This question expires in 15 minutes.`,
      components: buttonRows([
        button(ids.yes, 'Remove', { style: BUTTON_STYLE.danger }),
        button(ids.no, 'Keep', { style: BUTTON_STYLE.secondary }),
      ]),
    },
    { private: true },
  );
}

/** When a written briefing is answerable: now, or once the next reload has run. */
export interface Answerable {
  /** True when the index already holds it. */
  now: boolean;
  briefings?: number;
  passages?: number;
}

/** The outcome of **Add**. */
export function renderImportAdded(
  added: { title: string; source: string; file: string; passages: number },
  answerable: Answerable,
): RenderedMessage {
  const when = answerable.now
    ? `It is answerable now${answerable.briefings !== undefined ? ` (${plural(answerable.briefings, 'briefing')}, ${plural(answerable.passages ?? 0, 'passage')} in all)` : ''}: ask away with /ask.`
    : 'It will be answerable within a few seconds, once the briefings are reloaded (or run /reload).';
  return message(
    {
      embeds: [
        {
          color: COLOR_DONE,
          title: inline(added.title, LIMITS.embedTitle) || 'Untitled briefing',
          description: `Added from ${inline(added.source, 300)} as ${code(added.file)}, ${plural(added.passages, 'passage')}. ${when}`,
        },
      ],
    },
    { private: true },
  );
}

/** The outcome of **Remove**. */
export function renderRemoved(removed: { title: string; file: string }, now: boolean): RenderedMessage {
  const when = now ? 'I no longer answer from it.' : 'I stop answering from it within a few seconds.';
  return message(
    { content: `Removed **${inline(removed.title, 300)}** (${code(removed.file)}). ${when}` },
    { private: true },
  );
}
