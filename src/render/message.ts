/**
 * The rendered message shape shared by all Discord renderers, and the helpers that build its
 * parts (buttons, rows) and keep every embed inside Discord's limits.
 */
import type {
  APIActionRowComponent,
  APIButtonComponentWithCustomId,
  APIEmbed,
  ButtonStyle,
  ComponentType,
  MessageFlags,
} from 'discord.js';
import { embedLength, LIMITS } from './limits.js';
import { truncateSentences, truncateWords } from './text.js';

// Enum values written out so that rendering never loads discord.js at runtime (the CLI uses it too).
const ACTION_ROW = 1 as ComponentType.ActionRow;
const BUTTON = 2 as ComponentType.Button;
/** Discord's "ephemeral" message flag (1 << 6): only the person who asked sees the reply. */
export const EPHEMERAL = 64 as MessageFlags.Ephemeral;
export const BUTTON_STYLE = {
  primary: 1 as ButtonStyle.Primary,
  secondary: 2 as ButtonStyle.Secondary,
  success: 3 as ButtonStyle.Success,
  danger: 4 as ButtonStyle.Danger,
} as const;

/** A row of buttons (every button the renderer makes carries a custom id). */
export type ButtonRow = APIActionRowComponent<APIButtonComponentWithCustomId>;

/**
 * A Discord message payload in the REST API's shape (snake_case), as every renderer returns it.
 * It never pings anyone: `allowed_mentions.parse` is always empty. Use {@link toDiscordJs} to
 * pass it to discord.js's `reply`/`send`/`editReply`.
 */
export interface RenderedMessage {
  content?: string;
  embeds: APIEmbed[];
  components: ButtonRow[];
  allowed_mentions: { parse: []; replied_user: false };
  /** 64 (ephemeral) when the reply is private. */
  flags?: MessageFlags.Ephemeral;
}

/** Options every Discord renderer accepts. */
export interface MessageOptions {
  /** Reply privately (ephemeral: only the asker sees it). Only meaningful for interaction replies. */
  private?: boolean;
}

/** The message skeleton: no mentions, ephemeral when private. */
export function message(
  parts: { content?: string; embeds?: APIEmbed[]; components?: ButtonRow[] },
  opts: MessageOptions = {},
): RenderedMessage {
  const msg: RenderedMessage = {
    embeds: fitEmbeds(parts.embeds ?? []),
    components: parts.components ?? [],
    allowed_mentions: { parse: [], replied_user: false },
  };
  if (parts.content !== undefined && parts.content !== '') {
    msg.content = truncateSentences(parts.content, LIMITS.content);
  }
  if (opts.private) msg.flags = EPHEMERAL;
  return msg;
}

/** Throws unless `id` is a usable custom id: 1–100 characters. Ids are computed by callers, so a bad one is a bug. */
export function checkCustomId(id: string): string {
  if (id.length === 0 || id.length > LIMITS.customId) {
    throw new RangeError(
      `custom_id must be 1–${LIMITS.customId} characters, got ${id.length}: ${JSON.stringify(id.slice(0, 120))}`,
    );
  }
  return id;
}

/** A button that sends an interaction with `customId`. */
export function button(
  customId: string,
  label: string,
  opts: {
    style?: ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Success | ButtonStyle.Danger;
    emoji?: string;
    disabled?: boolean;
  } = {},
): APIButtonComponentWithCustomId {
  const b: APIButtonComponentWithCustomId = {
    type: BUTTON,
    style: opts.style ?? BUTTON_STYLE.secondary,
    custom_id: checkCustomId(customId),
    label: truncateWords(label, LIMITS.buttonLabel, { markdown: false }),
  };
  if (opts.emoji) b.emoji = { name: opts.emoji };
  if (opts.disabled) b.disabled = true;
  return b;
}

/**
 * Buttons laid out in rows of five (at most five rows). Throws on duplicate custom ids or more
 * buttons than fit, both caller bugs that Discord would reject.
 */
export function buttonRows(buttons: APIButtonComponentWithCustomId[]): ButtonRow[] {
  const seen = new Set<string>();
  for (const b of buttons) {
    if (seen.has(b.custom_id)) throw new RangeError(`duplicate custom_id: ${JSON.stringify(b.custom_id)}`);
    seen.add(b.custom_id);
  }
  if (buttons.length > LIMITS.buttonsPerRow * LIMITS.rows)
    throw new RangeError(`too many buttons: ${buttons.length}`);
  const rows: ButtonRow[] = [];
  for (let i = 0; i < buttons.length; i += LIMITS.buttonsPerRow) {
    rows.push({ type: ACTION_ROW, components: buttons.slice(i, i + LIMITS.buttonsPerRow) });
  }
  return rows;
}

/**
 * Last line of defence: clamps every part of every embed to its limit, drops empty or excess
 * fields, and trims (fields first, then descriptions) until all embeds together fit in 6,000.
 * Renderers budget so this normally changes nothing.
 */
export function fitEmbeds(embeds: APIEmbed[]): APIEmbed[] {
  const out = embeds.slice(0, LIMITS.embeds).map(fitEmbed);
  let total = out.reduce((n, e) => n + embedLength(e), 0);
  for (let i = out.length - 1; i >= 0 && total > LIMITS.embedTotal; i--) {
    const e = out[i];
    if (!e) continue;
    while (e.fields?.length && total > LIMITS.embedTotal) {
      const f = e.fields.pop();
      if (f) total -= f.name.length + f.value.length;
    }
    if (e.description && total > LIMITS.embedTotal) {
      const keep = Math.max(0, e.description.length - (total - LIMITS.embedTotal));
      const d = truncateSentences(e.description, keep);
      total -= e.description.length - d.length;
      if (d) e.description = d;
      else delete e.description;
    }
  }
  return out;
}

function fitEmbed(embed: APIEmbed): APIEmbed {
  const e: APIEmbed = { ...embed };
  if (e.title !== undefined) e.title = truncateWords(e.title, LIMITS.embedTitle);
  if (e.description !== undefined) e.description = truncateSentences(e.description, LIMITS.embedDescription);
  if (e.footer)
    e.footer = { ...e.footer, text: truncateWords(e.footer.text, LIMITS.footerText, { markdown: false }) };
  if (e.author)
    e.author = { ...e.author, name: truncateWords(e.author.name, LIMITS.authorName, { markdown: false }) };
  if (e.fields) {
    e.fields = e.fields
      .map((f) => ({
        ...f,
        name: truncateWords(f.name, LIMITS.fieldName),
        value: truncateSentences(f.value, LIMITS.fieldValue),
      }))
      .filter((f) => f.name.trim() !== '' && f.value.trim() !== '')
      .slice(0, LIMITS.fields);
  }
  for (const key of ['title', 'description'] as const) if (e[key] === '') delete e[key];
  return e;
}

/** {@link RenderedMessage} in the camelCase shape discord.js's `reply`, `followUp`, `editReply` and `send` take. */
export interface DiscordJsMessage {
  content?: string;
  embeds: APIEmbed[];
  components: ButtonRow[];
  allowedMentions: { parse: []; repliedUser: false };
  flags?: MessageFlags.Ephemeral;
}

/**
 * Converts a rendered message to discord.js interaction-reply options (`reply`, `followUp`,
 * `editReply`, `update`): discord.js reads `allowedMentions`, not `allowed_mentions`.
 */
export function toDiscordJs(msg: RenderedMessage): DiscordJsMessage {
  const out: DiscordJsMessage = {
    embeds: msg.embeds,
    components: msg.components,
    allowedMentions: { parse: [], repliedUser: false },
  };
  if (msg.content !== undefined) out.content = msg.content;
  if (msg.flags !== undefined) out.flags = msg.flags;
  return out;
}

/**
 * Converts a rendered message to discord.js options for a channel message (`message.reply`,
 * `channel.send`, a DM). Such messages cannot be ephemeral, so the flag is dropped.
 */
export function toDiscordJsMessage(msg: RenderedMessage): Omit<DiscordJsMessage, 'flags'> {
  const { flags: _ephemeral, ...rest } = toDiscordJs(msg);
  return rest;
}
