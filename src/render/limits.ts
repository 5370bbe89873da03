/**
 * Discord's message limits, and a checker that lists every limit a payload breaks.
 *
 * Lengths are measured in UTF-16 code units (`String#length`). Discord counts characters
 * (code points), which are never more than UTF-16 units, so measuring this way errs on the safe side.
 */

/** Discord's documented limits for messages, embeds, components and autocomplete. */
export const LIMITS = {
  /** Message `content`. */
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
  /** Sum of title, description, field names and values, footer text and author name, across ALL embeds of a message. */
  embedTotal: 6000,
  embeds: 10,
  fields: 25,
  buttonsPerRow: 5,
  rows: 5,
  customId: 100,
  buttonLabel: 80,
  /** Autocomplete choice `name`. */
  choiceName: 100,
  /** Autocomplete choice `value` (string). */
  choiceValue: 100,
  /** Autocomplete choices per response. */
  choices: 25,
} as const;

/** The parts of an embed that count towards {@link LIMITS.embedTotal}. */
export interface MeasurableEmbed {
  title?: string;
  description?: string;
  fields?: readonly { name: string; value: string }[];
  footer?: { text: string };
  author?: { name: string };
}

/** The characters of an embed that count towards Discord's 6,000-character total. */
export function embedLength(embed: MeasurableEmbed): number {
  let n = (embed.title ?? '').length + (embed.description ?? '').length;
  for (const f of embed.fields ?? []) n += f.name.length + f.value.length;
  n += (embed.footer?.text ?? '').length + (embed.author?.name ?? '').length;
  return n;
}

/** The shape {@link payloadViolations} inspects: any rendered message. */
export interface CheckablePayload {
  content?: string;
  embeds?: readonly MeasurableEmbed[];
  components?: readonly { components: readonly { custom_id?: string; label?: string }[] }[];
  allowed_mentions?: { parse?: readonly string[] };
}

/**
 * Every Discord limit that `payload` breaks, as readable strings (empty when it is valid).
 * Used by the tests, and usable as a development-time assertion by callers.
 */
export function payloadViolations(payload: CheckablePayload): string[] {
  const out: string[] = [];
  const over = (what: string, len: number, max: number): void => {
    if (len > max) out.push(`${what}: ${len} > ${max}`);
  };
  const embeds = payload.embeds ?? [];
  if (payload.content !== undefined) over('content', payload.content.length, LIMITS.content);
  if (!payload.content && embeds.length === 0) out.push('message is empty (no content, no embeds)');
  over('embeds', embeds.length, LIMITS.embeds);
  let total = 0;
  embeds.forEach((e, i) => {
    if (e.title !== undefined) over(`embeds[${i}].title`, e.title.length, LIMITS.embedTitle);
    if (e.description !== undefined)
      over(`embeds[${i}].description`, e.description.length, LIMITS.embedDescription);
    if (e.description === '') out.push(`embeds[${i}].description is empty`);
    const fields = e.fields ?? [];
    over(`embeds[${i}].fields`, fields.length, LIMITS.fields);
    fields.forEach((f, j) => {
      over(`embeds[${i}].fields[${j}].name`, f.name.length, LIMITS.fieldName);
      over(`embeds[${i}].fields[${j}].value`, f.value.length, LIMITS.fieldValue);
      // Discord rejects empty field names and values.
      if (f.name.trim() === '') out.push(`embeds[${i}].fields[${j}].name is empty`);
      if (f.value.trim() === '') out.push(`embeds[${i}].fields[${j}].value is empty`);
    });
    if (e.footer) over(`embeds[${i}].footer.text`, e.footer.text.length, LIMITS.footerText);
    if (e.author) over(`embeds[${i}].author.name`, e.author.name.length, LIMITS.authorName);
    total += embedLength(e);
  });
  over('embeds total', total, LIMITS.embedTotal);
  const rows = payload.components ?? [];
  over('rows', rows.length, LIMITS.rows);
  const ids = new Set<string>();
  rows.forEach((row, i) => {
    over(`rows[${i}] buttons`, row.components.length, LIMITS.buttonsPerRow);
    if (row.components.length === 0) out.push(`rows[${i}] is empty`);
    row.components.forEach((c, j) => {
      if (c.custom_id !== undefined) {
        over(`rows[${i}][${j}].custom_id`, c.custom_id.length, LIMITS.customId);
        if (c.custom_id.length === 0) out.push(`rows[${i}][${j}].custom_id is empty`);
        if (ids.has(c.custom_id)) out.push(`rows[${i}][${j}].custom_id is a duplicate`);
        ids.add(c.custom_id);
      }
      if (c.label !== undefined) over(`rows[${i}][${j}].label`, c.label.length, LIMITS.buttonLabel);
    });
  });
  if (!payload.allowed_mentions || (payload.allowed_mentions.parse ?? ['default']).length !== 0) {
    out.push('allowed_mentions.parse must be []');
  }
  return out;
}
