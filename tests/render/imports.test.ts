import { describe, expect, it } from 'vitest';
import {
  renderImportAdded,
  renderImportPreview,
  renderRemoveConfirmation,
  renderRemoved,
} from '../../src/render/imports.js';
import { payloadViolations } from '../../src/render/limits.js';

const ids = { yes: 'confirm:y:abcdefgh1234', no: 'confirm:n:abcdefgh1234' };
const preview = {
  file: 'salmon-habitat.md',
  title: 'Interior Department Announces $12 Million to Restore Salmon Habitat',
  source: 'U.S. Department of the Interior',
  date: '2024-04-18',
  url: 'https://www.doi.example/pressreleases/salmon',
  passages: 10,
  opening: ['WASHINGTON — The Department announced $12 million.', 'The funding will replace 38 culverts.'],
};

describe('renderImportPreview', () => {
  it('shows title, link, opening, source, date, passages and file, privately, with Add and Cancel', () => {
    const m = renderImportPreview(preview, ids);
    expect(m.flags).toBe(64);
    expect(payloadViolations(m)).toEqual([]);
    const embed = m.embeds[0]!;
    expect(embed).toMatchObject({ title: preview.title, url: preview.url });
    expect(embed.description).toBe(
      '> WASHINGTON — The Department announced $12 million. The funding will replace 38 culverts.',
    );
    expect(embed.fields).toEqual([
      { name: 'Source', value: 'U.S. Department of the Interior' },
      { name: 'Date', value: '2024-04-18', inline: true },
      { name: 'Passages', value: '10 passages', inline: true },
      { name: 'File', value: '`salmon-habitat.md`', inline: true },
    ]);
    expect(m.components[0]!.components.map((b) => [b.label, b.custom_id, b.style])).toEqual([
      ['Add', ids.yes, 3],
      ['Cancel', ids.no, 2],
    ]);
  });

  it('shows what a page says as text: no markdown, no mention, no javascript: link, within limits', () => {
    const m = renderImportPreview(
      {
        ...preview,
        title: '**Bold** @everyone <@&123456789012345678> '.repeat(20),
        source: '[click](https://evil.example) @here',
        url: 'javascript:alert(1)',
        opening: ['> quote @everyone `code`', 'x'.repeat(5000)],
        replaces: { file: 'old`.md', title: '__old__' },
        date: undefined,
      },
      ids,
    );
    expect(payloadViolations(m)).toEqual([]);
    const embed = m.embeds[0]!;
    expect(embed.url).toBeUndefined();
    const text = JSON.stringify(m.embeds);
    expect(text).not.toMatch(/@everyone|@here|<@&/);
    expect(embed.title).toMatch(/^\\\*\\\*Bold\\\*\\\*/);
    expect(embed.fields?.[0]?.value).toBe('\\[click\\]\\(https://evil.example\\) @\u200bhere');
    expect(embed.fields?.[1]?.value).toBe('not given by the page');
    expect(embed.fields?.[4]).toEqual({ name: 'Replaces', value: '\\_\\_old\\_\\_ (`old.md`)' });
  });
});

describe('the other import replies', () => {
  it('confirm a removal with Remove and Keep, and report the outcomes privately', () => {
    const ask = renderRemoveConfirmation({ id: 'salmon', title: 'Salmon *habitat*', file: 'salmon.md' }, ids);
    expect(ask.content).toMatch(
      /^Remove the imported briefing \*\*Salmon \\\*habitat\\\*\*\* \(`salmon\.md`\)\?/,
    );
    expect(ask.components[0]!.components.map((b) => [b.label, b.style])).toEqual([
      ['Remove', 4],
      ['Keep', 2],
    ]);
    const added = renderImportAdded(
      { ...preview, file: 'salmon-habitat.md' },
      { now: true, briefings: 3, passages: 61 },
    );
    expect(added.flags).toBe(64);
    expect(added.embeds[0]!.description).toBe(
      'Added from U.S. Department of the Interior as `salmon-habitat.md`, 10 passages. It is answerable now (3 briefings, 61 passages in all): ask away with /ask.',
    );
    expect(renderImportAdded({ ...preview }, { now: false }).embeds[0]!.description).toMatch(
      /within a few seconds/,
    );
    expect(renderRemoved({ title: 'Salmon', file: 'salmon.md' }, true).content).toBe(
      'Removed **Salmon** (`salmon.md`). I no longer answer from it.',
    );
  });
});
